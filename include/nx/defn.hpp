// Traced numerical functions: the counterpart of Nx.Defn.
//
//   auto f = [](const nx::Tensor& x) { return nx::sum(nx::multiply(x, x)); };
//   nx::grad(f)(x);                                    // 2x
//   nx::value_and_grad(f)(x);                          // {f(x), 2x}
//   nx::jit(f)(x);                                     // f(x), traced once per signature
//   nx::jit(f, {.compiler = emily::compiler()})(x);    // lowered to MLX's graph compiler
//
// Tracing runs the function on parameter tensors of the expression backend,
// which records every callback as a node instead of computing; the result is
// a graph that can be printed, walked, differentiated and evaluated on any
// backend. Gradients are a graph-to-graph transform with one rule per
// callback (src/nx/defn/grad_*.cpp), written with the ordinary nx:: API so
// that they are traced in turn (grad of grad).
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "nx/backend.hpp"

namespace nx::defn {

// Every node kind: the graph's own (parameter, constant, tensor, elem,
// stop_grad, custom_grad), one per non-element-wise callback and block, and
// `binary`/`unary` for the element-wise families (the op is in the node).
#define NX_DEFN_OPS(X)                                                                           \
  X(parameter) X(constant) X(tensor) X(elem) X(stop_grad) X(custom_grad) X(external) X(binary)    \
  X(unary)                                                                                       \
  X(eye) X(iota) X(as_type) X(bitcast) X(reshape) X(squeeze) X(broadcast) X(transpose) X(pad)    \
  X(reverse) X(concatenate) X(stack) X(dot) X(conv) X(clip) X(select) X(slice) X(put_slice)      \
  X(gather) X(indexed_add) X(indexed_put) X(all) X(any) X(sum) X(product) X(reduce_max)          \
  X(reduce_min) X(argmax) X(argmin) X(reduce) X(window_reduce) X(window_sum) X(window_product)   \
  X(window_max) X(window_min) X(window_scatter_max) X(window_scatter_min) X(sort) X(argsort)     \
  X(triangular_solve) X(fft) X(ifft) X(logical_not) X(phase) X(all_close) X(cumulative_sum)      \
  X(cumulative_product) X(cumulative_min) X(cumulative_max) X(take) X(take_along_axis) X(top_k)  \
  X(fft2) X(ifft2) X(rfft) X(irfft) X(cholesky) X(solve) X(qr) X(eigh) X(svd) X(lu)              \
  X(determinant) X(softmax)

#define NX_DEFN_ENUM(name) name,
enum class Op : std::uint16_t { NX_DEFN_OPS(NX_DEFN_ENUM) };
#undef NX_DEFN_ENUM

std::string_view op_name(Op op);
const std::vector<Op>& all_ops();

// Runs a node's callback on a real backend; inputs are already there.
using Evaluate = std::function<std::vector<Tensor>(Backend&, const std::vector<Tensor>&)>;

// One recorded callback, the payload of an expression tensor. Nodes are
// immutable once recorded and shared by every tensor that refers to them.
struct Node final : PayloadOf<BackendKind::expression> {
  std::uint64_t id = 0;
  Op op = Op::parameter;
  BinaryOp binary_op{};        // Op::binary
  UnaryOp unary_op{};          // Op::unary
  std::vector<Spec> outs;      // one per output (qr, eigh, svd, lu, top_k have several)
  std::vector<Tensor> inputs;  // expression tensors
  std::any args;               // the callback's options, typed per op (see grad rules)
  std::string args_text;       // the options as printed
  int index = -1;              // parameter: position; elem: which output of inputs[0]
  Scalar scalar;               // constant: the value
  Tensor value;                // tensor: the captured tensor
  Evaluate evaluate;           // empty for parameter, constant, tensor, elem, stop_grad, custom_grad
  // custom_grad: the user's rule, from the output's gradient to the inputs' (inputs[1..]).
  std::function<std::vector<Tensor>(const Tensor& g)> custom_rule;
  // external: the op written with nx:: calls, traced for its gradient.
  std::function<Tensor(const std::vector<Tensor>&)> compose;
  std::string external_name;  // external: e.g. "emily.fast.layer_norm"

  std::string name() const;  // "add", "sum", "parameter", ...
};

// The expression backend (Nx.Defn.Expr's counterpart): shared by every trace.
BackendPtr expr_backend();
bool is_expr(const Tensor& t);
// The node of an expression tensor; ArgumentError otherwise.
const Node& node_of(const Tensor& t);
// A parameter placeholder of `spec` at position `index`.
Tensor parameter(const Spec& spec, int index);
// A tensor of another backend, captured into a graph as a `tensor` node.
Tensor capture(const Tensor& t);

// While alive on this thread, a trace is being recorded: tensors created
// without an explicit backend (nx::iota, nx::tensor, nx::eye, ...) are
// expressions, as the default backend inside Nx's defn is Nx.Defn.Expr.
class TracingScope {
 public:
  TracingScope();
  ~TracingScope();
  TracingScope(const TracingScope&) = delete;
  TracingScope& operator=(const TracingScope&) = delete;
};
bool tracing();

// A traced function: its parameters and outputs (expression tensors).
struct Graph {
  std::vector<Tensor> parameters;
  std::vector<Tensor> outputs;
  // Every node reachable from the outputs, inputs before users.
  std::vector<const Node*> nodes() const;
};

// Nx's expression printing: "#Nx.Tensor<\n  f32\n  \n  Nx.Defn.Expr\n  parameter a:0 ...>".
std::string inspect_expr(const Tensor& t);
std::string inspect(const Graph& g);
std::ostream& operator<<(std::ostream& os, const Graph& g);

// An op outside the callback table, such as a fused kernel: `evaluate` runs
// it on real tensors (all on one backend), `compose` writes it with nx:: ops
// and is traced for its gradient. Returns `evaluate(inputs)` directly when no
// input is traced.
Tensor external(std::string name, const Spec& out, const std::vector<Tensor>& inputs,
                std::function<Tensor(const std::vector<Tensor>&)> evaluate,
                std::function<Tensor(const std::vector<Tensor>&)> compose);

// ---- evaluation and compilers (Nx.Defn.Evaluator, Nx.Defn.Compiler) ----

using Executable = std::function<std::vector<Tensor>(const std::vector<Tensor>& args)>;

class Compiler {
 public:
  virtual ~Compiler() = default;
  virtual std::string name() const = 0;
  // Called once per input signature; `backend` is where the arguments live.
  virtual Executable compile(const Graph& graph, const BackendPtr& backend) = 0;
};
using CompilerPtr = std::shared_ptr<Compiler>;

// The default compiler: walks the graph and calls `backend`'s callbacks node
// by node, freeing intermediates as soon as their last user ran.
CompilerPtr evaluator();
std::vector<Tensor> evaluate(const Graph& graph, const std::vector<Tensor>& args,
                             const BackendPtr& backend);
// Runs one node on `backend` with already-evaluated inputs (used by compilers).
std::vector<Tensor> evaluate_node(const Node& node, const std::vector<Tensor>& inputs,
                                  const std::vector<Tensor>& args, const BackendPtr& backend);

// Traces `f` (flat tensors in, flat tensors out) on parameters of `specs`.
Graph trace_flat(const std::function<std::vector<Tensor>(const std::vector<Tensor>&)>& f,
                 const std::vector<Spec>& specs);

// ---- gradients ----

// d(output)/d(each of wrt): output must be a floating-point scalar
// expression; wrt are expression tensors. Integer wrt get zeros.
std::vector<Tensor> gradient(const Tensor& output, const std::vector<Tensor>& wrt);

// ---- argument and result trees: Tensor, std::vector, std::pair, std::tuple ----

template <class T>
struct Tree;

template <>
struct Tree<Tensor> {
  static void flatten(const Tensor& t, std::vector<Tensor>& out) { out.push_back(t); }
  static Tensor unflatten(const Tensor&, const std::vector<Tensor>& flat, std::size_t& pos) {
    return flat.at(pos++);
  }
  static void describe(const Tensor& t, std::string& key);
};

template <class T>
struct Tree<std::vector<T>> {
  static void flatten(const std::vector<T>& v, std::vector<Tensor>& out) {
    for (const auto& x : v) Tree<T>::flatten(x, out);
  }
  static std::vector<T> unflatten(const std::vector<T>& like, const std::vector<Tensor>& flat,
                                  std::size_t& pos) {
    std::vector<T> r;
    r.reserve(like.size());
    for (const auto& x : like) r.push_back(Tree<T>::unflatten(x, flat, pos));
    return r;
  }
  static void describe(const std::vector<T>& v, std::string& key) {
    key += "[" + std::to_string(v.size());
    for (const auto& x : v) Tree<T>::describe(x, key);
    key += "]";
  }
};

template <class A, class B>
struct Tree<std::pair<A, B>> {
  static void flatten(const std::pair<A, B>& p, std::vector<Tensor>& out) {
    Tree<A>::flatten(p.first, out);
    Tree<B>::flatten(p.second, out);
  }
  static std::pair<A, B> unflatten(const std::pair<A, B>& like, const std::vector<Tensor>& flat,
                                   std::size_t& pos) {
    A a = Tree<A>::unflatten(like.first, flat, pos);
    B b = Tree<B>::unflatten(like.second, flat, pos);
    return {std::move(a), std::move(b)};
  }
  static void describe(const std::pair<A, B>& p, std::string& key) {
    key += "(";
    Tree<A>::describe(p.first, key);
    Tree<B>::describe(p.second, key);
    key += ")";
  }
};

template <class... T>
struct Tree<std::tuple<T...>> {
  static void flatten(const std::tuple<T...>& t, std::vector<Tensor>& out) {
    std::apply([&](const auto&... x) { (Tree<std::decay_t<decltype(x)>>::flatten(x, out), ...); }, t);
  }
  static std::tuple<T...> unflatten(const std::tuple<T...>& like, const std::vector<Tensor>& flat,
                                    std::size_t& pos) {
    // Braced initialisation evaluates left to right.
    return std::apply(
        [&](const auto&... x) { return std::tuple<T...>{Tree<std::decay_t<decltype(x)>>::unflatten(x, flat, pos)...}; },
        like);
  }
  static void describe(const std::tuple<T...>& t, std::string& key) {
    key += "(";
    std::apply([&](const auto&... x) { (Tree<std::decay_t<decltype(x)>>::describe(x, key), ...); }, t);
    key += ")";
  }
};

template <class... A>
std::vector<Tensor> flatten_all(const A&... a) {
  std::vector<Tensor> out;
  (Tree<A>::flatten(a, out), ...);
  return out;
}

bool any_expr(const std::vector<Tensor>& ts);
bool all_expr(const std::vector<Tensor>& ts);

// Replaces each leaf of `args` by a parameter with the leaf's spec, numbered in order.
template <class... A>
std::tuple<A...> parameters_like(const A&... args) {
  std::vector<Tensor> flat = flatten_all(args...);
  std::vector<Tensor> params;
  params.reserve(flat.size());
  for (std::size_t i = 0; i < flat.size(); ++i) params.push_back(parameter(flat[i].spec(), static_cast<int>(i)));
  std::size_t pos = 0;
  return std::tuple<A...>{Tree<A>::unflatten(args, params, pos)...};
}

}  // namespace nx::defn

namespace nx {

using defn::Graph;

// Traces `f` on parameters shaped like `args` (tensors or trees of them).
template <class F, class... A>
Graph trace(F&& f, const A&... args) {
  auto params = defn::parameters_like(args...);
  Graph g;
  g.parameters = std::apply([](const auto&... p) { return defn::flatten_all(p...); }, params);
  defn::TracingScope scope;
  auto result = std::apply(f, params);
  defn::Tree<decltype(result)>::flatten(result, g.outputs);
  for (auto& o : g.outputs)
    if (!defn::is_expr(o)) o = defn::capture(o);
  return g;
}

// A function made inside a trace passes its value through unchanged but
// contributes no gradient (Nx.Defn.Kernel.stop_grad). Outside a trace it is
// the identity.
Tensor stop_grad(const Tensor& t);
// `out` with its gradient replaced: `rule(g)` returns the gradients of
// `inputs` given the gradient g of `out` (Nx.Defn.Kernel.custom_grad).
Tensor custom_grad(const Tensor& out, const std::vector<Tensor>& inputs,
                   std::function<std::vector<Tensor>(const Tensor& g)> rule);

struct JitOptions {
  defn::CompilerPtr compiler;  // default: defn::evaluator()
};

// nx::jit(f)(args...): traced once per input signature (structure, shapes,
// types, names, backend), compiled by the compiler and cached.
template <class F>
class Jitted {
 public:
  Jitted(F f, JitOptions opts) : state_(std::make_shared<State>(std::move(f), std::move(opts))) {}

  template <class... A>
  auto operator()(const A&... args) const {
    using R = std::decay_t<std::invoke_result_t<const F&, const A&...>>;
    std::vector<Tensor> flat = defn::flatten_all(args...);
    // Inside another trace: inline the function into the enclosing graph.
    if (defn::any_expr(flat)) return state_->f(args...);
    std::string key;
    (defn::Tree<A>::describe(args, key), ...);
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      auto it = state_->cache.find(key);
      if (it != state_->cache.end()) entry = it->second;
    }
    if (!entry) {
      entry = std::make_shared<Entry>();
      auto params = defn::parameters_like(args...);
      Graph g;
      g.parameters = std::apply([](const auto&... p) { return defn::flatten_all(p...); }, params);
      R result = [&] {
        defn::TracingScope scope;
        return std::apply(state_->f, params);
      }();
      defn::Tree<R>::flatten(result, g.outputs);
      for (auto& o : g.outputs)
        if (!defn::is_expr(o)) o = defn::capture(o);
      entry->result_template = result;
      entry->graph = g;
      BackendPtr backend = backend_of(flat);
      auto compiler = state_->opts.compiler ? state_->opts.compiler : defn::evaluator();
      entry->run = compiler->compile(g, backend);
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->cache.emplace(key, entry);
      ++state_->traces;
    }
    std::vector<Tensor> out = entry->run(flat);
    std::size_t pos = 0;
    return defn::Tree<R>::unflatten(std::any_cast<const R&>(entry->result_template), out, pos);
  }

  // How many signatures were traced (each trace compiles once).
  int trace_count() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->traces;
  }
  // The graph traced for these arguments' signature (traces if needed).
  template <class... A>
  Graph graph(const A&... args) const {
    return trace(state_->f, args...);
  }

 private:
  struct Entry {
    Graph graph;
    std::any result_template;
    defn::Executable run;
  };
  struct State {
    State(F f_, JitOptions o) : f(std::move(f_)), opts(std::move(o)) {}
    F f;
    JitOptions opts;
    mutable std::mutex mutex;
    std::map<std::string, std::shared_ptr<Entry>> cache;
    int traces = 0;
  };
  static BackendPtr backend_of(const std::vector<Tensor>& flat);
  std::shared_ptr<State> state_;
};

BackendPtr jit_backend(const std::vector<Tensor>& flat);
template <class F>
BackendPtr Jitted<F>::backend_of(const std::vector<Tensor>& flat) {
  return jit_backend(flat);
}

template <class F>
Jitted<F> jit(F f, JitOptions opts = {}) {
  return Jitted<F>(std::move(f), std::move(opts));
}

// Which arguments grad/value_and_grad differentiate: nx::argnums<0, 2>.
template <int... I>
struct Argnums {};
template <int... I>
inline constexpr Argnums<I...> argnums{};

namespace defn {

// The scalar output of a differentiated function, checked.
Tensor check_grad_output(const Tensor& y);

template <class F, int... I>
struct ValueAndGradBody {
  F f;
  template <class... A>
  auto operator()(const A&... args) const {
    Tensor y = check_grad_output(f(args...));
    auto all = std::forward_as_tuple(args...);
    auto selected = std::make_tuple(std::get<I>(all)...);
    std::vector<Tensor> wrt = std::apply([](const auto&... s) { return flatten_all(s...); }, selected);
    std::vector<Tensor> g = gradient(y, wrt);
    std::size_t pos = 0;
    auto grads = Tree<decltype(selected)>::unflatten(selected, g, pos);
    if constexpr (sizeof...(I) == 1)
      return std::make_pair(y, std::get<0>(grads));
    else
      return std::make_pair(y, grads);
  }
};

template <class F, int... I>
struct GradBody {
  ValueAndGradBody<F, I...> inner;
  template <class... A>
  auto operator()(const A&... args) const {
    return inner(args...).second;
  }
};

}  // namespace defn

// value_and_grad(f)(args...) -> {f(args...), gradient w.r.t. the first argument}
// (same structure as that argument: a tensor or a vector of tensors);
// value_and_grad(f, nx::argnums<0, 1>)(a, b) -> {value, tuple of gradients}.
// Called on ordinary tensors it traces once per signature and evaluates on
// the arguments' backend; called inside a trace it extends that graph.
template <class F, int... I>
auto value_and_grad(F f, Argnums<I...>) {
  return jit(defn::ValueAndGradBody<F, I...>{std::move(f)});
}
template <class F>
auto value_and_grad(F f) {
  return value_and_grad(std::move(f), argnums<0>);
}
template <class F, int... I>
auto grad(F f, Argnums<I...>) {
  return jit(defn::GradBody<F, I...>{{std::move(f)}});
}
template <class F>
auto grad(F f) {
  return grad(std::move(f), argnums<0>);
}

}  // namespace nx
