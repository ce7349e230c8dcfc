// emily::distributed::launch: N local processes wired for the ring backend
// over loopback, their output prefixed with the rank.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "distributed_impl.hpp"
#include "nx/tensor.hpp"

extern char** environ;

namespace emily::distributed {

namespace {

constexpr const char* kLaunch = "emily::distributed::launch";

// Distinct free loopback ports: bound together (so they differ), then
// released for the ring to bind.
std::vector<int> free_ports(int n) {
  std::vector<int> socks, ports;
  for (int i = 0; i < n; ++i) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      if (s >= 0) close(s);
      for (int t : socks) close(t);
      throw std::runtime_error(std::string(kLaunch) + ": cannot find a free loopback port: " + std::strerror(errno));
    }
    socks.push_back(s);
    ports.push_back(ntohs(a.sin_port));
  }
  for (int s : socks) close(s);
  return ports;
}

std::string write_loopback_hostfile(int n) {
  char path[] = "/tmp/emily-ring-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error(std::string(kLaunch) + ": cannot create a hostfile: " + std::strerror(errno));
  std::ostringstream json;
  json << "[";
  auto ports = free_ports(n);
  for (int r = 0; r < n; ++r) json << (r ? ", " : "") << "[\"127.0.0.1:" << ports[static_cast<std::size_t>(r)] << "\"]";
  json << "]\n";
  std::string text = json.str();
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!ok) throw std::runtime_error(std::string(kLaunch) + ": cannot write the hostfile " + path);
  return path;
}

struct Child {
  pid_t pid = -1;
  // Read ends of the child's stdout and stderr: separate pipes, so a line a
  // library writes to stderr never splits a line of stdout.
  int out[2] = {-1, -1};
  std::string pending[2];
  bool open() const { return out[0] >= 0 || out[1] >= 0; }
  bool exited = false;
  int code = 0;
  bool killed = false;
};

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int LaunchResult::exit_code() const {
  for (int c : exit_codes)
    if (c != 0) return c;
  return 0;
}

std::string example_hostfile() {
  return "[\n"
         "  [\"192.168.1.10:5000\"],\n"
         "  [\"192.168.1.11:5000\"],\n"
         "  [\"192.168.1.12:5000\"],\n"
         "  [\"192.168.1.13:5000\"]\n"
         "]\n";
}

LaunchResult launch(const LaunchOptions& opts) {
  if (opts.processes < 1) nx::raise(kLaunch, "the number of processes must be at least 1");
  if (opts.argv.empty()) nx::raise(kLaunch, "no program to run");
  LaunchResult result;
  const bool own_hostfile = opts.hostfile.empty();
  result.hostfile = own_hostfile ? write_loopback_hostfile(opts.processes) : opts.hostfile;
  if (!own_hostfile) {
    RingConfig cfg = read_ring_config(0, opts.hostfile);
    if (cfg.size() != opts.processes)
      nx::raise(kLaunch, "the hostfile " + opts.hostfile + " lists " + std::to_string(cfg.size()) +
                             " ranks but " + std::to_string(opts.processes) + " processes were asked for");
  }
  auto emit = [&](int rank, const std::string& line) {
    if (opts.on_line) opts.on_line("[" + std::to_string(rank) + "] " + line);
  };

  // Everything exec needs is built before fork: the child only dup2s and execs.
  std::vector<char*> args;
  for (const auto& a : opts.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::vector<std::string>> envs(static_cast<std::size_t>(opts.processes));
  std::vector<std::vector<char*>> envps(envs.size());
  for (int r = 0; r < opts.processes; ++r) {
    auto& e = envs[static_cast<std::size_t>(r)];
    for (char** p = environ; *p; ++p) {
      std::string kv = *p;
      if (kv.rfind("MLX_RANK=", 0) == 0 || kv.rfind("MLX_HOSTFILE=", 0) == 0) continue;
      e.push_back(kv);
    }
    e.push_back("MLX_RANK=" + std::to_string(r));
    e.push_back("MLX_HOSTFILE=" + result.hostfile);
    for (const auto& kv : opts.env) e.push_back(kv);
    for (auto& kv : e) envps[static_cast<std::size_t>(r)].push_back(kv.data());
    envps[static_cast<std::size_t>(r)].push_back(nullptr);
  }

  std::vector<Child> kids(static_cast<std::size_t>(opts.processes));
  for (int r = 0; r < opts.processes; ++r) {
    int fds[2], efds[2];
    if (pipe2(fds, O_CLOEXEC) != 0 || pipe2(efds, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string(kLaunch) + ": pipe: " + std::strerror(errno));
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string(kLaunch) + ": fork: " + std::strerror(errno));
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(efds[1], STDERR_FILENO);
      execvpe(args[0], args.data(), envps[static_cast<std::size_t>(r)].data());
      const char msg[] = "emily launch: cannot run the program\n";
      (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
      _exit(127);
    }
    close(fds[1]);
    close(efds[1]);
    kids[static_cast<std::size_t>(r)].pid = pid;
    kids[static_cast<std::size_t>(r)].out[0] = fds[0];
    kids[static_cast<std::size_t>(r)].out[1] = efds[0];
  }

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::optional<Clock::time_point> first_failure;
  int drain_rounds = 0;
  auto kill_all = [&] {
    for (auto& k : kids)
      if (!k.exited && !k.killed) {
        ::kill(k.pid, SIGKILL);
        k.killed = true;
      }
  };
  for (;;) {
    std::vector<pollfd> pfds;
    std::vector<std::pair<std::size_t, int>> who;  // (rank, stream)
    for (std::size_t r = 0; r < kids.size(); ++r)
      for (int s = 0; s < 2; ++s)
        if (kids[r].out[s] >= 0) {
          pfds.push_back({kids[r].out[s], POLLIN, 0});
          who.push_back({r, s});
        }
    if (!pfds.empty()) poll(pfds.data(), pfds.size(), 100);
    for (std::size_t i = 0; i < pfds.size(); ++i) {
      if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const auto [rank, stream] = who[i];
      Child& k = kids[rank];
      std::string& pending = k.pending[stream];
      char buf[4096];
      ssize_t n = read(k.out[stream], buf, sizeof buf);
      if (n > 0) {
        pending.append(buf, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
          emit(static_cast<int>(rank), pending.substr(0, nl));
          pending.erase(0, nl + 1);
        }
      } else if (n == 0 || errno != EINTR) {
        if (!pending.empty()) emit(static_cast<int>(rank), pending);
        pending.clear();
        close(k.out[stream]);
        k.out[stream] = -1;
      }
    }
    bool all_exited = true;
    for (auto& k : kids) {
      if (k.exited) continue;
      int status = 0;
      if (waitpid(k.pid, &status, WNOHANG) == k.pid) {
        k.exited = true;
        k.code = decode(status);
        if (k.code != 0 && !first_failure) first_failure = Clock::now();
      } else {
        all_exited = false;
      }
    }
    bool drained = true;
    for (auto& k : kids) drained = drained && !k.open();
    if (all_exited && drained) break;
    if (pfds.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto now = Clock::now();
    if (first_failure && std::chrono::duration<double>(now - *first_failure).count() > opts.grace_seconds) kill_all();
    if (opts.timeout_seconds > 0 && std::chrono::duration<double>(now - start).count() > opts.timeout_seconds &&
        !result.timed_out) {
      result.timed_out = true;
      kill_all();
    }
    // Output held open by a grandchild must not keep the launcher waiting.
    if (all_exited && !drained) {
      if (++drain_rounds > 20)
        for (auto& k : kids)
          for (int& fd : k.out)
            if (fd >= 0) {
              close(fd);
              fd = -1;
            }
    }
  }
  for (auto& k : kids) {
    result.exit_codes.push_back(k.code);
    result.killed_by_launcher.push_back(k.killed);
  }
  if (own_hostfile) unlink(result.hostfile.c_str());
  return result;
}

}  // namespace emily::distributed
