// emily::distributed: MLX's distributed layer (ring over TCP, MPI, NCCL) on
// Emily tensors. Collectives are lazy like every other Emily op: they run when
// their result is evaluated, and every process of the group must evaluate the
// same collectives in the same order.
//
// A process joins a group with init(); the ring backend reads its rank and
// hostfile from MLX_RANK and MLX_HOSTFILE (or InitOptions), which
// `emily launch` sets for local processes. Tensors of other backends (the
// reference backend) raise nx::ArgumentError: copy them in with
// nx::backend_transfer(t, emily::backend()) first.
//
// Faults: a dead peer makes the collective raise std::runtime_error when it
// is evaluated; a collective that makes no progress for InitOptions::timeout
// seconds (a hung peer, or one that skipped the collective) has the group's
// connections closed, so it raises too, and so does every later op on that
// group (ring backend). init() validates the configuration and raises
// nx::ArgumentError for a wrong rank, size or hostfile, and std::runtime_error
// when the peers cannot be reached within InitOptions::init_timeout.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "nx/tensor.hpp"

namespace emily::distributed {

struct InitOptions {
  // "ring", "mpi", "nccl", or "any": the first of MLX's backends that
  // initialises, or a group of one process when none is configured.
  std::string backend = "any";
  // Raise instead of returning a group of one when no backend initialises.
  bool strict = false;
  // Ring: this process's rank and the hostfile (MLX's own configuration);
  // unset means the environment variables MLX_RANK and MLX_HOSTFILE.
  std::optional<int> rank;
  std::optional<std::string> hostfile;
  // When set, raise nx::ArgumentError unless the group has this many processes.
  std::optional<int> size;
  // Seconds to wait for every peer to connect (0: forever).
  double init_timeout = 60;
  // Seconds a ring collective may make no progress before the group is
  // failed (0: forever). Default 120, or $EMILY_DISTRIBUTED_TIMEOUT.
  std::optional<double> timeout;
};

namespace detail {
struct GroupState;
}

// A set of processes that communicate; copies share the connections.
class Group {
 public:
  int rank() const;
  int size() const;
  // "ring", "mpi", "nccl", or "single" for a group of one process.
  std::string backend() const;
  // Processes with the same color form a new group, ranked by key (the rank
  // in this group where key < 0). MPI and NCCL only: the ring raises
  // nx::UnsupportedError, as MLX's ring cannot split.
  Group split(int color, int key = -1) const;
  // Set after a collective on this group failed or timed out: the reason.
  std::optional<std::string> failure() const;

  explicit Group(std::shared_ptr<detail::GroupState> s) : state_(std::move(s)) {}
  const std::shared_ptr<detail::GroupState>& state() const { return state_; }

 private:
  std::shared_ptr<detail::GroupState> state_;
};

// Joins (or returns the already joined) group of all processes; the result
// also becomes the default group of the collectives below.
Group init(const InitOptions& opts = {});
// The default group: the last one init() returned, or init() with defaults.
Group world();
bool is_available(const std::string& backend = "any");

// Element-wise sum, maximum and minimum over the group; the result has x's
// shape and type.
nx::Tensor all_sum(const nx::Tensor& x, const std::optional<Group>& group = std::nullopt);
nx::Tensor all_max(const nx::Tensor& x, const std::optional<Group>& group = std::nullopt);
nx::Tensor all_min(const nx::Tensor& x, const std::optional<Group>& group = std::nullopt);
// all_sum(x) / size: averages gradients in data-parallel training.
nx::Tensor all_mean(const nx::Tensor& x, const std::optional<Group>& group = std::nullopt);
// The processes' x concatenated along axis 0 in rank order: {size * d0, ...};
// a scalar gathers to a vector of `size` elements.
nx::Tensor all_gather(const nx::Tensor& x, const std::optional<Group>& group = std::nullopt);
// Point to point. send returns a tensor that must be evaluated (emily::eval)
// for the data to go out. The ring backend connects each rank to its two
// neighbours only: dst/src must be rank +- 1 (mod size).
nx::Tensor send(const nx::Tensor& x, int dst, const std::optional<Group>& group = std::nullopt);
nx::Tensor recv(const nx::Shape& shape, nx::Type type, int src, const std::optional<Group>& group = std::nullopt,
                const nx::BackendPtr& backend = nullptr);
nx::Tensor recv_like(const nx::Tensor& like, int src, const std::optional<Group>& group = std::nullopt);

// ---- launching local processes (what `emily launch` runs) ----

struct LaunchOptions {
  int processes = 2;
  std::vector<std::string> argv;  // program and its arguments
  // A ring hostfile with `processes` entries; empty: one is written with
  // free loopback ports.
  std::string hostfile;
  // Extra environment for every process ("NAME=value").
  std::vector<std::string> env;
  // After one process fails, the others get this long to exit by themselves
  // before they are killed (a failed peer must not leave them hanging).
  double grace_seconds = 30;
  // Kill everything after this long (0: no limit).
  double timeout_seconds = 0;
  // Each line of output, already prefixed with "[rank] ".
  std::function<void(const std::string&)> on_line;
};

struct LaunchResult {
  // Per rank: the exit status, or 128 + signal for a process that was killed.
  std::vector<int> exit_codes;
  std::vector<bool> killed_by_launcher;
  bool timed_out = false;
  std::string hostfile;  // the hostfile used
  int exit_code() const;  // 0 when every process exited 0, else the first failure's code
};

LaunchResult launch(const LaunchOptions& opts);
// What a hostfile for processes on several machines looks like.
std::string example_hostfile();

}  // namespace emily::distributed
