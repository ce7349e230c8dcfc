// Internals of emily::distributed shared by distributed*.cpp.
#pragma once

#include <mlx/distributed/distributed.h>
#include <mlx/mlx.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "emily/distributed.hpp"

namespace emily::distributed {

namespace mx = mlx::core;

// A ring configuration as MLX reads it: the hostfile is a JSON list with one
// list of "host:port" strings per rank.
struct RingConfig {
  int rank = 0;
  std::string hostfile;
  std::vector<std::vector<std::string>> hosts;
  int size() const { return static_cast<int>(hosts.size()); }
};

// Parses and checks the hostfile and rank; nx::ArgumentError names what is
// wrong (missing file, bad JSON, bad address, rank out of range).
RingConfig read_ring_config(int rank, const std::string& hostfile);
// Parses the hostfile's JSON text (exposed for the launcher).
std::vector<std::vector<std::string>> parse_hostfile(const std::string& text, const std::string& where);

// This process's sockets that belong to the ring of `cfg`: those bound to
// one of its own addresses (listening or accepted from the left neighbour)
// and those connected to its right neighbour.
std::vector<int> ring_sockets(const RingConfig& cfg);
// shutdown() on each: MLX's blocked accept/recv/send calls then fail.
void shut_down(const std::vector<int>& fds);

// Collectives in flight on one group, and the thread that fails the group
// when one makes no progress for `timeout`.
class Watch {
 public:
  Watch(double timeout_seconds, RingConfig ring);
  ~Watch();
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  std::uint64_t next_token() { return ++tokens_; }
  // Called from MLX's stream thread right before and after the collective.
  void begin(std::uint64_t token, const std::string& op);
  void end(std::uint64_t token);
  std::optional<std::string> failure() const;
  // Records why (printing it to stderr when `print`) and closes the sockets.
  void fail(const std::string& why, bool print = true);
  double timeout() const { return timeout_; }

 private:
  void run();
  bool peer_gone() const;  // a ring connection is no longer established
  using Clock = std::chrono::steady_clock;
  double timeout_;
  RingConfig ring_;
  std::vector<int> sockets_;  // the ring's connections, found once they are made
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::uint64_t, std::pair<std::string, Clock::time_point>> pending_;
  std::optional<std::string> failure_;
  std::atomic<std::uint64_t> tokens_{0};
  bool stop_ = false;
  std::thread thread_;
};

// `a` unchanged, with `watch`'s begin/end recorded when the stream reaches it.
mx::array mark(const mx::array& a, const std::shared_ptr<Watch>& watch, std::uint64_t token, bool begin,
               const std::string& op, mx::Stream stream);

}  // namespace emily::distributed

namespace emily::distributed::detail {

struct GroupState {
  mx::distributed::Group group;
  std::string backend;            // "ring", "mpi", "nccl", "single"
  std::shared_ptr<Watch> watch;   // ring groups of more than one process
};

}  // namespace emily::distributed::detail
