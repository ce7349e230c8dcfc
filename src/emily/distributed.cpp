// emily::distributed: groups and collectives on Emily tensors (MLX's
// mlx::core::distributed), with bounded failure for the ring backend.
#include <mlx/distributed/ops.h>
#include <mlx/primitives.h>

#include <signal.h>

#include <cstdlib>
#include <future>
#include <sstream>

#include "distributed_impl.hpp"
#include "emily/backend.hpp"
#include "emily_backend.hpp"
#include "nx/defn.hpp"
#include "nx/nx.hpp"

namespace emily::distributed {

namespace {

constexpr const char* kInit = "emily::distributed::init";

std::mutex world_mutex;
std::optional<Group> world_group;

double default_timeout() {
  if (const char* e = std::getenv("EMILY_DISTRIBUTED_TIMEOUT"); e && *e) {
    char* end = nullptr;
    double v = std::strtod(e, &end);
    if (end && *end == '\0' && v >= 0) return v;
    nx::raise(kInit, std::string("EMILY_DISTRIBUTED_TIMEOUT='") + e + "' is not a number of seconds >= 0");
  }
  return 120;
}

int parse_rank(const std::string& s) {
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || !end || *end != '\0' || v < -1000000 || v > 1000000)
    nx::raise(kInit, "MLX_RANK='" + s + "' is not an integer rank");
  return static_cast<int>(v);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

class EnvGuard {
 public:
  // Sets (or, given nullopt, unsets) `name` until the guard ends.
  void set(const char* name, const std::optional<std::string>& value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) setenv(name, value->c_str(), 1);
    else unsetenv(name);
  }
  void keep() { saved_.clear(); }
  ~EnvGuard() {
    for (auto& [name, value] : saved_)
      if (value) setenv(name, value->c_str(), 1);
      else unsetenv(name);
  }

 private:
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

// MLX's ring init blocks in accept() until the left neighbour connects and
// retries connect() to the right one for about 15 s. It runs on a helper
// thread; past the deadline the listening socket is shut down so the thread
// ends, and the caller gets an error naming the peers.
mx::distributed::Group init_ring(const RingConfig& cfg, bool strict, double init_timeout) {
  auto result = std::make_shared<std::promise<mx::distributed::Group>>();
  auto done = result->get_future();
  std::thread([result, strict] {
    try {
      result->set_value(mx::distributed::init(strict, "ring"));
    } catch (...) {
      result->set_exception(std::current_exception());
    }
  }).detach();
  const int left = (cfg.rank + cfg.size() - 1) % cfg.size(), right = (cfg.rank + 1) % cfg.size();
  auto peers = [&] {
    std::ostringstream m;
    m << "rank " << cfg.rank << " of " << cfg.size() << " (listening on " << cfg.hosts[cfg.rank][0]
      << ") needs rank " << left << " (" << cfg.hosts[left][0] << ") to connect and must reach rank " << right
      << " (" << cfg.hosts[right][0] << ")";
    return m.str();
  };
  if (init_timeout > 0 &&
      done.wait_for(std::chrono::duration<double>(init_timeout)) == std::future_status::timeout) {
    shut_down(ring_sockets(cfg));
    std::ostringstream m;
    m << kInit << ": the ring did not form within " << init_timeout << " s: " << peers()
      << "; check that every rank was started with the same hostfile (" << cfg.hostfile
      << ") and that the addresses are reachable";
    throw std::runtime_error(m.str());
  }
  try {
    return done.get();
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(kInit) + ": " + e.what() + ": " + peers());
  }
}

std::shared_ptr<detail::GroupState> make_state(mx::distributed::Group g, std::string backend,
                                               std::shared_ptr<Watch> watch) {
  auto s = std::make_shared<detail::GroupState>(detail::GroupState{std::move(g), std::move(backend), std::move(watch)});
  return s;
}

// ---- collectives ----

Backend& emily_backend_of(const nx::Tensor& x, const char* op) {
  if (!x.defined()) nx::raise(std::string("emily::distributed::") + op, "got an undefined tensor");
  if (!is_emily(x))
    nx::raise(std::string("emily::distributed::") + op,
              "expects a tensor on the Emily backend, got one on the " + x.backend()->name() +
                  " backend; copy it with nx::backend_transfer(t, emily::backend()) first");
  return static_cast<Backend&>(*x.backend());
}

std::optional<Group> group_or_world(const std::optional<Group>& g) { return g ? *g : world(); }

const detail::GroupState& checked_state(const Group& g, const std::string& op) {
  const auto& s = *g.state();
  if (s.watch)
    if (auto why = s.watch->failure())
      throw std::runtime_error("emily::distributed::" + op + ": the group failed earlier: " + *why);
  return s;
}

// Runs `f` on x's MLX array, bracketed by watchdog markers on ring groups.
template <class F>
mx::array watched(const detail::GroupState& s, const mx::array& x, const std::string& op, F f) {
  if (!s.watch || s.group.size() == 1) return f(x);
  // The collective picks its own stream; build it once to learn which, so
  // the markers run in order with it.
  mx::Stream stream = f(x).primitive().stream();
  auto token = s.watch->next_token();
  mx::array in = mark(x, s.watch, token, true, op, stream);
  return mark(f(in), s.watch, token, false, op, stream);
}

using Collective = std::function<mx::array(const mx::array&, const mx::distributed::Group&)>;

// MLX's (array, group) collectives, bound to the group's default stream.
Collective over_group(mx::array (*f)(const mx::array&, std::optional<mx::distributed::Group>, mx::StreamOrDevice)) {
  return [f](const mx::array& a, const mx::distributed::Group& g) { return f(a, g, {}); };
}

// One collective on x: evaluated at once on Emily tensors, recorded as an
// external node inside nx::jit (so gradients can be reduced inside a jitted
// training step) and evaluated when the step runs.
nx::Tensor collective(const std::string& op, const nx::Tensor& x, const nx::Spec& out,
                      const std::optional<Group>& group, Collective c,
                      std::function<nx::Tensor(const std::vector<nx::Tensor>&)> compose) {
  auto evaluate = [op, out, group, c](const std::vector<nx::Tensor>& in) {
    Backend& b = emily_backend_of(in[0], op.c_str());
    Group holder = *group_or_world(group);
    const auto& s = checked_state(holder, op);
    mx::array a = b.array_of(in[0]);
    return b.wrap(out, watched(s, a, op, [&](const mx::array& v) { return c(v, s.group); }));
  };
  if (!compose)
    compose = [op](const std::vector<nx::Tensor>&) -> nx::Tensor {
      throw nx::UnsupportedError("emily::distributed::" + op + " has no gradient");
    };
  return nx::defn::external("emily.distributed." + op, out, {x}, evaluate, compose);
}

}  // namespace

// ---- Group ----

int Group::rank() const { return state_->group.rank(); }
int Group::size() const { return state_->group.size(); }
std::string Group::backend() const { return state_->backend; }
std::optional<std::string> Group::failure() const {
  return state_->watch ? state_->watch->failure() : std::nullopt;
}

Group Group::split(int color, int key) const {
  if (state_->backend == "ring")
    throw nx::UnsupportedError("emily::distributed::Group::split: MLX's ring backend cannot split a group; use "
                               "the mpi or nccl backend");
  try {
    return Group(make_state(state_->group.split(color, key), state_->backend, nullptr));
  } catch (const std::exception& e) {
    throw nx::UnsupportedError(std::string("emily::distributed::Group::split: ") + e.what());
  }
}

bool is_available(const std::string& backend) { return mx::distributed::is_available(backend); }

Group init(const InitOptions& opts) {
  static const char* kBackends[] = {"any", "ring", "mpi", "nccl"};
  if (std::find(std::begin(kBackends), std::end(kBackends), opts.backend) == std::end(kBackends))
    nx::raise(kInit, "unknown backend '" + opts.backend + "': expected ring, mpi, nccl or any");
  if (opts.init_timeout < 0) nx::raise(kInit, "init_timeout must be >= 0");
  if (opts.timeout && *opts.timeout < 0) nx::raise(kInit, "timeout must be >= 0");
  const double timeout = opts.timeout ? *opts.timeout : default_timeout();

  std::lock_guard lock(world_mutex);
  const std::string rank_text = opts.rank ? std::to_string(*opts.rank) : env("MLX_RANK");
  const std::string hostfile = opts.hostfile ? *opts.hostfile : env("MLX_HOSTFILE");
  const bool ring_configured = !rank_text.empty() || !hostfile.empty();

  std::optional<Group> g;
  if (opts.backend == "ring" || (opts.backend == "any" && ring_configured)) {
    if (rank_text.empty() || hostfile.empty())
      nx::raise(kInit, "the ring backend needs a rank and a hostfile: set MLX_RANK and MLX_HOSTFILE (or "
                       "InitOptions::rank and ::hostfile), or start the processes with `emily launch`; got "
                       "MLX_RANK='" + rank_text + "' MLX_HOSTFILE='" + hostfile + "'");
    RingConfig cfg = read_ring_config(parse_rank(rank_text), hostfile);
    if (opts.size && *opts.size != cfg.size())
      nx::raise(kInit, "expected a group of " + std::to_string(*opts.size) + " processes, but the hostfile " +
                           cfg.hostfile + " lists " + std::to_string(cfg.size()));
    if (world_group && world_group->backend() == "ring") return *world_group;
    // MLX reads its configuration from the environment only; options given
    // here are put there, and taken back if the ring does not form.
    // MLX's ring writes to its sockets without MSG_NOSIGNAL: a write to a
    // dead peer (or one the watchdog shut down) would kill this process with
    // SIGPIPE instead of failing the collective. Ignore it unless the
    // program installed its own handler.
    struct sigaction old_action {};
    if (sigaction(SIGPIPE, nullptr, &old_action) == 0 && old_action.sa_handler == SIG_DFL) signal(SIGPIPE, SIG_IGN);
    // A ring of one would connect to itself: a group of one needs no MLX backend.
    EnvGuard guard;
    guard.set("MLX_RANK", cfg.size() == 1 ? std::nullopt : std::optional(rank_text));
    guard.set("MLX_HOSTFILE", cfg.size() == 1 ? std::nullopt : std::optional(hostfile));
    mx::distributed::Group mg = cfg.size() == 1 ? mx::distributed::init(false, "any")
                                                : init_ring(cfg, true, opts.init_timeout);
    if (cfg.size() > 1) guard.keep();
    g = Group(make_state(mg, cfg.size() == 1 ? "single" : "ring",
                         cfg.size() == 1 ? nullptr : std::make_shared<Watch>(timeout, cfg)));
  } else {
    mx::distributed::Group mg = [&] {
      try {
        return mx::distributed::init(opts.strict || opts.backend != "any", opts.backend);
      } catch (const std::exception& e) {
        throw std::runtime_error(std::string(kInit) + ": the " + opts.backend + " backend did not initialise: " +
                                 e.what());
      }
    }();
    std::string name = mg.size() == 1 ? "single" : opts.backend;
    if (name == "any") name = mx::distributed::is_available("mpi") ? "mpi" : "nccl";
    g = Group(make_state(mg, name, nullptr));
  }
  if (opts.size && *opts.size != g->size())
    nx::raise(kInit, "expected a group of " + std::to_string(*opts.size) + " processes, got " +
                         std::to_string(g->size()));
  world_group = g;
  return *g;
}

nx::Tensor all_sum(const nx::Tensor& x, const std::optional<Group>& group) {
  auto compose = [group](const std::vector<nx::Tensor>& in) {
    // d/dx_r of sum_i <g_i, all_sum(x)> is all_sum(g).
    return nx::custom_grad(in[0], {in[0]}, [group](const nx::Tensor& g) {
      return std::vector<nx::Tensor>{all_sum(g, group)};
    });
  };
  return collective("all_sum", x, x.spec(), group,
                    over_group(mx::distributed::all_sum),
                    compose);
}

nx::Tensor all_max(const nx::Tensor& x, const std::optional<Group>& group) {
  return collective("all_max", x, x.spec(), group,
                    over_group(mx::distributed::all_max),
                    nullptr);
}

nx::Tensor all_min(const nx::Tensor& x, const std::optional<Group>& group) {
  return collective("all_min", x, x.spec(), group,
                    over_group(mx::distributed::all_min),
                    nullptr);
}

nx::Tensor all_mean(const nx::Tensor& x, const std::optional<Group>& group) {
  if (!nx::defn::is_expr(x)) emily_backend_of(x, "all_mean");
  if (x.defined() && !nx::is_float(x.type()))
    nx::raise("emily::distributed::all_mean", "expects a floating-point tensor, got " + nx::to_string(x.type()));
  return nx::divide(all_sum(x, group), static_cast<double>(group_or_world(group)->size()));
}

nx::Tensor all_gather(const nx::Tensor& x, const std::optional<Group>& group) {
  // Checked before the group is looked up (which may join the default group).
  if (!nx::defn::is_expr(x)) emily_backend_of(x, "all_gather");
  nx::Tensor v = x.rank() == 0 ? nx::reshape(x, {1}) : x;
  nx::Spec out{v.shape(), v.type(), {}};
  out.shape[0] *= group_or_world(group)->size();
  return collective("all_gather", v, out, group,
                    over_group(mx::distributed::all_gather),
                    nullptr);
}

namespace {

void check_peer(const char* op, int peer, const Group& g) {
  if (peer < 0 || peer >= g.size() || peer == g.rank())
    nx::raise(std::string("emily::distributed::") + op,
              "peer " + std::to_string(peer) + " is not another rank of this group of " + std::to_string(g.size()) +
                  " (this process is rank " + std::to_string(g.rank()) + ")");
  if (g.backend() == "ring" && peer != (g.rank() + 1) % g.size() && peer != (g.rank() + g.size() - 1) % g.size())
    nx::raise(std::string("emily::distributed::") + op,
              "the ring backend connects rank " + std::to_string(g.rank()) + " to its neighbours " +
                  std::to_string((g.rank() + g.size() - 1) % g.size()) + " and " +
                  std::to_string((g.rank() + 1) % g.size()) + " only, not to rank " + std::to_string(peer));
}

}  // namespace

nx::Tensor send(const nx::Tensor& x, int dst, const std::optional<Group>& group) {
  if (!nx::defn::is_expr(x)) emily_backend_of(x, "send");
  Group g = *group_or_world(group);
  check_peer("send", dst, g);
  return collective("send", x, x.spec(), g,
                    [dst](const mx::array& a, const mx::distributed::Group& mg) {
                      return mx::distributed::send(a, dst, mg);
                    },
                    nullptr);
}

nx::Tensor recv(const nx::Shape& shape, nx::Type type, int src, const std::optional<Group>& group,
                const nx::BackendPtr& backend) {
  Group g = *group_or_world(group);
  check_peer("recv", src, g);
  nx::BackendPtr bp = backend ? backend : emily::backend();
  // A zero placeholder carries the backend, shape and type into collective().
  nx::Tensor like = nx::broadcast(nx::tensor(0, {.type = type, .names = {}, .backend = bp}), shape);
  return recv_like(like, src, g);
}

nx::Tensor recv_like(const nx::Tensor& like, int src, const std::optional<Group>& group) {
  Group g = *group_or_world(group);
  check_peer("recv", src, g);
  return collective("recv", like, like.spec(), g,
                    [src](const mx::array& a, const mx::distributed::Group& mg) {
                      return mx::distributed::recv_like(a, src, mg);
                    },
                    nullptr);
}

Group world() {
  {
    std::lock_guard lock(world_mutex);
    if (world_group) return *world_group;
  }
  return init();
}

}  // namespace emily::distributed
