// `emily launch -n N [--hostfile F] -- PROGRAM ARGS`: N local processes wired
// for MLX's ring backend, each line of output prefixed with the rank.
#include "launch.hpp"

#include <iostream>
#include <string>

#include "emily/distributed.hpp"

namespace emily_tool {

namespace {

int launch_usage() {
  std::cerr << "usage: emily launch -n N [--hostfile F] [--grace S] [--timeout S] -- PROGRAM ARGS...\n"
               "\n"
               "Starts N processes of PROGRAM on this machine with MLX_RANK=0..N-1 and MLX_HOSTFILE set,\n"
               "so that emily::distributed::init() joins them in a ring over loopback (free ports are\n"
               "picked unless --hostfile names a file). Output lines are prefixed with \"[rank] \".\n"
               "When a process fails the others get --grace seconds (default 30) to exit before they\n"
               "are killed; --timeout kills everything after S seconds (default: no limit).\n"
               "\n"
               "Across machines, write a hostfile with one list of \"host:port\" addresses per rank,\n"
               "copy it to every machine, and start rank r there with MLX_RANK=r MLX_HOSTFILE=file:\n"
               "\n"
            << emily::distributed::example_hostfile();
  return 2;
}

bool number(const std::string& s, double& out) {
  try {
    std::size_t used = 0;
    out = std::stod(s, &used);
    return used == s.size() && out >= 0;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int launch(int argc, char** argv) {
  emily::distributed::LaunchOptions opts;
  opts.processes = 0;
  int i = 2;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    double v = 0;
    if (a == "--") {
      ++i;
      break;
    } else if ((a == "-n" || a == "--processes") && i + 1 < argc && number(argv[i + 1], v) && v >= 1 &&
               v == static_cast<int>(v)) {
      opts.processes = static_cast<int>(v);
      ++i;
    } else if (a == "--hostfile" && i + 1 < argc) {
      opts.hostfile = argv[++i];
    } else if (a == "--grace" && i + 1 < argc && number(argv[i + 1], v)) {
      opts.grace_seconds = v;
      ++i;
    } else if (a == "--timeout" && i + 1 < argc && number(argv[i + 1], v)) {
      opts.timeout_seconds = v;
      ++i;
    } else {
      return launch_usage();
    }
  }
  if (opts.processes < 1 || i >= argc) return launch_usage();
  for (; i < argc; ++i) opts.argv.push_back(argv[i]);
  opts.on_line = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
  auto r = emily::distributed::launch(opts);
  for (std::size_t k = 0; k < r.exit_codes.size(); ++k)
    if (r.exit_codes[k] != 0)
      std::cerr << "emily launch: rank " << k << " exited with status " << r.exit_codes[k]
                << (r.killed_by_launcher[k] ? " (killed by the launcher)" : "") << "\n";
  if (r.timed_out) std::cerr << "emily launch: stopped after --timeout " << opts.timeout_seconds << " s\n";
  return r.exit_code() > 255 ? 1 : r.exit_code();
}

}  // namespace emily_tool
