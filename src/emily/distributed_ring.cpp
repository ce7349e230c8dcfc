// The ring backend's configuration (MLX_RANK, MLX_HOSTFILE), its sockets, and
// the watchdog that turns a stalled collective into an error.
#include <arpa/inet.h>
#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mlx/backend/cpu/encoder.h>
#include <mlx/primitives.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "distributed_impl.hpp"
#include "nx/tensor.hpp"

namespace emily::distributed {

namespace {

constexpr const char* kInit = "emily::distributed::init";

// The subset of JSON a hostfile uses: a list of lists of strings.
class HostfileParser {
 public:
  HostfileParser(const std::string& text, const std::string& where) : s_(text), where_(where) {}

  std::vector<std::vector<std::string>> parse() {
    std::vector<std::vector<std::string>> hosts;
    expect('[');
    if (!peek(']')) {
      do {
        hosts.push_back(parse_host());
      } while (take(','));
    }
    expect(']');
    skip();
    if (i_ != s_.size()) fail("unexpected text after the list");
    return hosts;
  }

 private:
  std::vector<std::string> parse_host() {
    std::vector<std::string> addrs;
    expect('[');
    if (!peek(']')) {
      do {
        addrs.push_back(parse_string());
      } while (take(','));
    }
    expect(']');
    return addrs;
  }
  std::string parse_string() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out += s_[i_++];
    }
    if (i_ == s_.size()) fail("unterminated string");
    ++i_;
    return out;
  }
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool peek(char c) {
    skip();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool take(char c) {
    if (!peek(c)) return false;
    ++i_;
    return true;
  }
  void expect(char c) {
    if (!take(c)) fail(std::string("expected '") + c + "'");
  }
  [[noreturn]] void fail(const std::string& what) {
    nx::raise(kInit, where_ + ": not a ring hostfile (a JSON list with one list of \"host:port\" strings per rank, "
                              "e.g. [[\"127.0.0.1:5000\"], [\"127.0.0.1:5001\"]]): " +
                         what + " at character " + std::to_string(i_));
  }
  const std::string& s_;
  std::string where_;
  std::size_t i_ = 0;
};

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
};

// host:port -> socket addresses, as MLX resolves them (getaddrinfo).
std::vector<Endpoint> resolve(const std::string& host_port) {
  std::vector<Endpoint> out;
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos) return out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host_port.substr(0, colon).c_str(), host_port.substr(colon + 1).c_str(), &hints, &res) != 0)
    return out;
  for (addrinfo* p = res; p; p = p->ai_next) {
    Endpoint e;
    std::memcpy(&e.addr, p->ai_addr, p->ai_addrlen);
    e.len = p->ai_addrlen;
    out.push_back(e);
  }
  freeaddrinfo(res);
  return out;
}

bool same_endpoint(const sockaddr_storage& a, const Endpoint& e) {
  if (a.ss_family != e.addr.ss_family) return false;
  if (a.ss_family == AF_INET) {
    auto& x = reinterpret_cast<const sockaddr_in&>(a);
    auto& y = reinterpret_cast<const sockaddr_in&>(e.addr);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    auto& y = reinterpret_cast<const sockaddr_in6&>(e.addr);
    return x.sin6_port == y.sin6_port && std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0;
  }
  return false;
}

bool matches(const sockaddr_storage& a, const std::vector<Endpoint>& es) {
  for (const auto& e : es)
    if (same_endpoint(a, e)) return true;
  return false;
}

}  // namespace

std::vector<std::vector<std::string>> parse_hostfile(const std::string& text, const std::string& where) {
  return HostfileParser(text, where).parse();
}

RingConfig read_ring_config(int rank, const std::string& hostfile) {
  std::ifstream f(hostfile);
  if (!f) nx::raise(kInit, "cannot read the ring hostfile '" + hostfile + "' (MLX_HOSTFILE)");
  std::stringstream text;
  text << f.rdbuf();
  RingConfig cfg;
  cfg.rank = rank;
  cfg.hostfile = hostfile;
  cfg.hosts = parse_hostfile(text.str(), hostfile);
  if (cfg.hosts.empty()) nx::raise(kInit, hostfile + ": the hostfile lists no ranks");
  for (std::size_t r = 0; r < cfg.hosts.size(); ++r) {
    if (cfg.hosts[r].empty()) nx::raise(kInit, hostfile + ": rank " + std::to_string(r) + " has no address");
    if (cfg.hosts[r].size() != cfg.hosts[0].size())
      nx::raise(kInit, hostfile + ": every rank needs as many addresses as rank 0 (" +
                           std::to_string(cfg.hosts[0].size()) + "), rank " + std::to_string(r) + " has " +
                           std::to_string(cfg.hosts[r].size()));
    for (const auto& a : cfg.hosts[r]) {
      auto colon = a.rfind(':');
      int port = colon == std::string::npos ? -1 : std::atoi(a.c_str() + colon + 1);
      if (colon == std::string::npos || colon == 0 || port <= 0 || port > 65535)
        nx::raise(kInit, hostfile + ": rank " + std::to_string(r) + ": '" + a + "' is not host:port");
      if (resolve(a).empty())
        nx::raise(kInit, hostfile + ": rank " + std::to_string(r) + ": cannot resolve '" + a + "'");
    }
  }
  if (rank < 0 || rank >= cfg.size())
    nx::raise(kInit, "rank " + std::to_string(rank) + " (MLX_RANK) is out of range: the hostfile " + hostfile +
                         " lists " + std::to_string(cfg.size()) + " ranks, so the rank must be in 0.." +
                         std::to_string(cfg.size() - 1));
  return cfg;
}

std::vector<int> ring_sockets(const RingConfig& cfg) {
  std::vector<Endpoint> own, right;
  for (const auto& a : cfg.hosts[static_cast<std::size_t>(cfg.rank)])
    for (const auto& e : resolve(a)) own.push_back(e);
  for (const auto& a : cfg.hosts[static_cast<std::size_t>((cfg.rank + 1) % cfg.size())])
    for (const auto& e : resolve(a)) right.push_back(e);
  std::vector<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return fds;
  while (dirent* d = readdir(dir)) {
    int fd = std::atoi(d->d_name);
    if (d->d_name[0] == '.' || fd == dirfd(dir)) continue;
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    bool mine = getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) == 0 && matches(local, own);
    bool to_right = getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) == 0 && matches(peer, right);
    if (mine || to_right) fds.push_back(fd);
  }
  closedir(dir);
  return fds;
}


void shut_down(const std::vector<int>& fds) {
  for (int fd : fds) ::shutdown(fd, SHUT_RDWR);
}

// ---- the watchdog ----

Watch::Watch(double timeout_seconds, RingConfig ring)
    : timeout_(timeout_seconds), ring_(std::move(ring)), sockets_(ring_sockets(ring_)) {
  if (timeout_ > 0) thread_ = std::thread([this] { run(); });
}

bool Watch::peer_gone() const {
  for (int fd : sockets_) {
    tcp_info info{};
    socklen_t len = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) continue;
    if (info.tcpi_state != TCP_ESTABLISHED) return true;
  }
  return false;
}

Watch::~Watch() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Watch::begin(std::uint64_t token, const std::string& op) {
  std::lock_guard lock(mutex_);
  pending_[token] = {op, Clock::now()};
}

void Watch::end(std::uint64_t token) {
  std::string op;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(token);
    if (it == pending_.end()) return;
    op = it->second.first;
    pending_.erase(it);
  }
  // MLX fails a collective whose peer vanished, and the stream goes on to
  // this marker: record that the group is broken so later ops raise at once.
  // Quietly, since a peer that exits right after the last collective looks
  // the same.
  if (peer_gone())
    fail("emily::distributed: " + op + " on rank " + std::to_string(ring_.rank) + " of " +
             std::to_string(ring_.size()) +
             " failed: the connection to a peer was lost (the peer exited or crashed); the group is unusable",
         /*print=*/false);
}

std::optional<std::string> Watch::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

void Watch::fail(const std::string& why, bool print) {
  {
    std::lock_guard lock(mutex_);
    if (failure_) return;
    failure_ = why;
  }
  if (print) std::cerr << why << "\n" << std::flush;
  // Closing the connections makes MLX's blocked transfers fail, so the
  // evaluation that waits on them raises instead of hanging.
  shut_down(sockets_);
}

void Watch::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (stop_ || failure_) continue;
    const auto now = Clock::now();
    for (const auto& [token, p] : pending_) {
      double waited = std::chrono::duration<double>(now - p.second).count();
      if (waited < timeout_) continue;
      std::ostringstream why;
      why << "emily::distributed: " << p.first << " on rank " << ring_.rank << " of " << ring_.size();
      if (peer_gone())
        why << " failed: the connection to a peer was lost (the peer exited or crashed); the group is unusable";
      else
        why << " made no progress for " << timeout_
            << " s (the timeout): a peer is hung, dead, or did not run the same collective; the group's "
               "connections are closed and the group is unusable";
      lock.unlock();
      fail(why.str());
      lock.lock();
      break;
    }
  }
}

// ---- the marker primitive ----

namespace {

// Passes its input through (sharing the buffer) and, in stream order,
// records the start or the end of a collective for the watchdog.
class Marker : public mx::UnaryPrimitive {
 public:
  Marker(mx::Stream s, std::shared_ptr<Watch> w, std::uint64_t token, bool begin, std::string op)
      : mx::UnaryPrimitive(s), watch_(std::move(w)), token_(token), begin_(begin), op_(std::move(op)) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    out.copy_shared_buffer(inputs[0]);
    auto& enc = mx::cpu::get_command_encoder(stream());
    enc.dispatch([w = watch_, t = token_, b = begin_, op = op_] {
      if (b)
        w->begin(t, op);
      else
        w->end(t);
    });
  }
  void eval_gpu(const std::vector<mx::array>&, mx::array&) override {
    throw std::runtime_error("emily::distributed: the watchdog marker runs on the CPU stream only");
  }
  const char* name() const override { return begin_ ? "EmilyCollectiveBegin" : "EmilyCollectiveEnd"; }

 private:
  std::shared_ptr<Watch> watch_;
  std::uint64_t token_;
  bool begin_;
  std::string op_;
};

}  // namespace

mx::array mark(const mx::array& a, const std::shared_ptr<Watch>& watch, std::uint64_t token, bool begin,
               const std::string& op, mx::Stream stream) {
  return mx::array(a.shape(), a.dtype(), std::make_shared<Marker>(stream, watch, token, begin, op), {a});
}

}  // namespace emily::distributed
