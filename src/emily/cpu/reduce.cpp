// The reduction primitives of reduce.hpp (EmilyCpuReduce, EmilyCpuArgReduce,
// EmilyCpuSoftmax): the input seen as [outer, len, inner], the work cut into
// items (pieces of rows, or blocks of columns over a run of rows) that the
// thread pool runs, and the items' partial results combined in order, so a
// result does not depend on the number of threads.
#include "reduce.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <utility>

#include "items.hpp"

namespace emily::cpu {

namespace {

// Rows are folded in pieces of at most this many elements.
constexpr std::size_t kRowPiece = 1 << 16;
// Columns are folded in blocks of this many (their accumulators stay in L1),
// over runs of rows of about kColItem elements.
constexpr std::size_t kColBlock = 1024;
constexpr std::size_t kColItem = 1 << 18;
// Elements per thread below which splitting does not pay: a fold is one
// cheap pass over memory, a softmax computes an exp per element.
constexpr std::size_t kFoldGrain = 1 << 16;
constexpr std::size_t kSoftmaxGrain = 1 << 13;

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Geometry {
  std::size_t outer = 1, len = 1, inner = 1;
  bool operator==(const Geometry&) const = default;
};

std::size_t product(const mx::Shape& s, int from, int to) {
  std::size_t p = 1;
  for (int a = from; a < to; ++a) p *= static_cast<std::size_t>(s[static_cast<std::size_t>(a)]);
  return p;
}

// The axes first..last as one axis (the axes between them have size 1).
Geometry geometry(const mx::Shape& s, int first, int last) {
  return {product(s, 0, first), product(s, first, last + 1), product(s, last + 1, static_cast<int>(s.size()))};
}

// Items: `pieces` runs of `piece` elements along len (the last one may be
// shorter) times `blocks` column blocks of `block` columns. Item it is
// (o, p, b) with it = (o * pieces + p) * blocks + b.
struct Split {
  std::size_t piece = 1, pieces = 1, block = 1, blocks = 1;

  Split(const Geometry& g, bool cut_len) {
    if (g.inner == 1) {
      piece = cut_len ? std::min(g.len, kRowPiece) : g.len;
    } else {
      block = std::min(g.inner, kColBlock);
      blocks = (g.inner + block - 1) / block;
      piece = cut_len ? std::clamp<std::size_t>(kColItem / block, 1, g.len) : g.len;
    }
    pieces = (g.len + piece - 1) / piece;
  }
  std::size_t items(const Geometry& g) const { return g.outer * pieces * blocks; }
  // Of item it: its o, p, b, the rows (length) and columns it covers, and
  // the flat element offset where it starts.
  struct Item {
    std::size_t o, p, b, rows, cols, offset;
  };
  Item item(const Geometry& g, std::size_t it) const {
    Item r{};
    r.b = it % blocks;
    r.p = (it / blocks) % pieces;
    r.o = it / (blocks * pieces);
    r.rows = std::min(piece, g.len - r.p * piece);
    r.cols = std::min(block, g.inner - r.b * block);
    r.offset = (r.o * g.len + r.p * piece) * g.inner + r.b * block;
    return r;
  }
};

// Whether each item is one whole row (item it is row it): a part of the
// items is then one call of a row loop.
bool whole_rows(const Geometry& g, const Split& s) { return g.inner == 1 && s.pieces == 1; }

const char* cbytes(const mx::array& a) { return static_cast<const char*>(a.data<void>()); }
char* bytes(mx::array& a) { return static_cast<char*>(a.data<void>()); }

double identity(Reduce k) {
  switch (k) {
    case Reduce::sum: return -0.0;
    case Reduce::product: return 1.0;
    case Reduce::max: return -kInf;
    case Reduce::min: return kInf;
  }
  return 0;
}

// One fold step in scalars, as reduce_simd.cpp's (a: earlier, x: later).
double combine(Reduce k, double a, double x) {
  switch (k) {
    case Reduce::sum: return a + x;
    case Reduce::product: return a * x;
    case Reduce::max: return (a > x || a != a) ? a : x;
    case Reduce::min: return (a < x || a != a) ? a : x;
  }
  return a;
}

void fold(Reduce k, const mx::array& x, mx::array& out, const Geometry& g) {
  const Split s(g, true);
  const mx::Dtype t = x.dtype();
  const std::size_t item = x.itemsize();
  const char* src = cbytes(x);
  // partial[(o * pieces + p) * inner + c]
  std::vector<double> partial(g.outer * s.pieces * g.inner);
  parallel_items(s.items(g), item_grain(s.piece * s.block, kFoldGrain), [&](std::size_t b, std::size_t e) {
    if (whole_rows(g, s)) return fold_rows(k, t, src + b * g.len * item, e - b, g.len, partial.data() + b);
    for (std::size_t it = b; it < e; ++it) {
      const Split::Item w = s.item(g, it);
      double* acc = partial.data() + (w.o * s.pieces + w.p) * g.inner + w.b * s.block;
      if (g.inner == 1) {
        fold_rows(k, t, src + w.offset * item, 1, w.rows, acc);
      } else {
        std::fill(acc, acc + w.cols, identity(k));
        fold_cols(k, t, src + w.offset * item, w.rows, g.inner, w.cols, acc);
      }
    }
  });
  for (std::size_t o = 0; o < g.outer; ++o)
    for (std::size_t c = 0; c < g.inner; ++c) {
      const double* p = partial.data() + o * s.pieces * g.inner + c;
      double r = p[0];
      for (std::size_t q = 1; q < s.pieces; ++q) r = combine(k, r, p[q * g.inner]);
      if (t == mx::float64) out.data<double>()[o * g.inner + c] = r;
      else out.data<float>()[o * g.inner + c] = static_cast<float>(r);  // f32 sums round once
    }
}

void arg_fold(bool is_max, bool high, const mx::array& x, mx::array& out, const Geometry& g) {
  const Split s(g, true);
  const mx::Dtype t = x.dtype();
  const std::size_t item = x.itemsize();
  const char* src = cbytes(x);
  std::vector<ArgBest> partial(g.outer * s.pieces * g.inner);
  parallel_items(s.items(g), item_grain(s.piece * s.block, kFoldGrain), [&](std::size_t b, std::size_t e) {
    if (whole_rows(g, s)) return arg_rows(is_max, high, t, src + b * g.len * item, e - b, g.len, partial.data() + b);
    for (std::size_t it = b; it < e; ++it) {
      const Split::Item w = s.item(g, it);
      ArgBest* best = partial.data() + (w.o * s.pieces + w.p) * g.inner + w.b * s.block;
      if (g.inner == 1) arg_rows(is_max, high, t, src + w.offset * item, 1, w.rows, best);
      else arg_cols(is_max, high, t, src + w.offset * item, w.rows, g.inner, w.cols, best);
      // The piece's indices count from its first row.
      const auto first = static_cast<std::int64_t>(w.p * s.piece);
      for (std::size_t c = 0; c < (g.inner == 1 ? 1 : w.cols); ++c) {
        if (best[c].index >= 0) best[c].index += first;
        if (best[c].nan_index >= 0) best[c].nan_index += first;
      }
    }
  });
  auto* dst = out.data<std::int32_t>();
  for (std::size_t o = 0; o < g.outer; ++o)
    for (std::size_t c = 0; c < g.inner; ++c) {
      const ArgBest* p = partial.data() + o * s.pieces * g.inner + c;
      ArgBest r = p[0];
      for (std::size_t q = 1; q < s.pieces; ++q) {
        const ArgBest& n = p[q * g.inner];  // later indices than r's
        if (n.nan_index >= 0) r.nan_index = n.nan_index;
        const bool better = is_max ? n.value > r.value : n.value < r.value;
        if (n.index >= 0 && (r.index < 0 || better || (high && n.value == r.value))) {
          r.value = n.value;
          r.index = n.index;
        }
      }
      dst[o * g.inner + c] = static_cast<std::int32_t>(r.nan_index >= 0 ? r.nan_index : r.index);
    }
}

void softmax_all(const char* src, mx::array& out, const Geometry& g) {
  const Split s(g, false);
  const mx::Dtype t = out.dtype();
  const std::size_t item = out.itemsize();
  char* dst = bytes(out);
  parallel_items(s.items(g), item_grain(g.len * s.block, kSoftmaxGrain), [&](std::size_t b, std::size_t e) {
    if (whole_rows(g, s)) return softmax_rows(t, src + b * g.len * item, dst + b * g.len * item, e - b, g.len);
    for (std::size_t it = b; it < e; ++it) {
      const Split::Item w = s.item(g, it);
      const std::size_t at = w.offset * item;
      softmax_cols(t, src + at, dst + at, g.len, g.inner, w.cols);
    }
  });
}

auto weak(const mx::array& a) { return mx::array::unsafe_weak_copy(a); }

// Reads its input row-major (gathering a strided one first) into a fresh
// output; Run(x, out) does the work inside the task on stream s (the
// primitive's own).
template <class Run>
void eval_folding(mx::Stream s, const mx::array& in, mx::array& out, std::string_view kernel, Run run) {
  bool needs_gather = false;
  mx::array x = prepare_input(in, true, needs_gather, s);
  out.set_data(allocate(out.nbytes()));
  auto& enc = mx::cpu::get_command_encoder(s);
  enc.set_input_array(in);
  enc.set_output_array(out);
  enc.dispatch([in = weak(in), x = weak(x), out = weak(out), kernel, needs_gather, run]() mutable {
    note_run(kernel);
    if (needs_gather) gather(in, x);
    run(x, out);
  });
}

class CpuReduce final : public CpuPrimitive {
 public:
  CpuReduce(mx::Stream s, Reduce k, std::vector<int> axes, bool keep)
      : CpuPrimitive(s), k_(k), axes_(std::move(axes)), keep_(keep) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const Geometry g = geometry(inputs[0].shape(), axes_.front(), axes_.back());
    eval_folding(stream(), inputs[0], out, cpu::name(k_), [k = k_, g](const mx::array& x, mx::array& o) { fold(k, x, o, g); });
  }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override {
    mx::Shape s;
    for (int a = 0; a < static_cast<int>(inputs[0].ndim()); ++a) {
      const bool reduced = std::find(axes_.begin(), axes_.end(), a) != axes_.end();
      if (!reduced) s.push_back(inputs[0].shape(a));
      else if (keep_) s.push_back(1);
    }
    return {s};
  }
  const char* name() const override { return "EmilyCpuReduce"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto* o = dynamic_cast<const CpuReduce*>(&other);
    return o && o->k_ == k_ && o->axes_ == axes_ && o->keep_ == keep_;
  }

 private:
  Reduce k_;
  std::vector<int> axes_;  // sorted, adjacent but for size-1 axes
  bool keep_;
};

class CpuArgReduce final : public CpuPrimitive {
 public:
  CpuArgReduce(mx::Stream s, bool is_max, bool high, std::optional<int> axis, bool keep)
      : CpuPrimitive(s), is_max_(is_max), high_(high), axis_(axis), keep_(keep) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const mx::Shape& shape = inputs[0].shape();
    const Geometry g = axis_ ? geometry(shape, *axis_, *axis_) : Geometry{1, inputs[0].size(), 1};
    eval_folding(stream(), inputs[0], out, is_max_ ? "argmax" : "argmin",
                 [is_max = is_max_, high = high_, g](const mx::array& x, mx::array& o) {
                   arg_fold(is_max, high, x, o, g);
                 });
  }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override {
    if (!axis_) return {mx::Shape{}};
    mx::Shape s = inputs[0].shape();
    if (keep_) s[static_cast<std::size_t>(*axis_)] = 1;
    else s.erase(s.begin() + *axis_);
    return {s};
  }
  const char* name() const override { return "EmilyCpuArgReduce"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto* o = dynamic_cast<const CpuArgReduce*>(&other);
    return o && o->is_max_ == is_max_ && o->high_ == high_ && o->axis_ == axis_ && o->keep_ == keep_;
  }

 private:
  bool is_max_, high_;
  std::optional<int> axis_;
  bool keep_;
};

class CpuSoftmax final : public CpuPrimitive {
 public:
  CpuSoftmax(mx::Stream s, int axis) : CpuPrimitive(s), axis_(axis) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const mx::array& in = inputs[0];
    // A row-major input is transformed where it lies (into its buffer when
    // MLX allows donation); a strided one is gathered into the output first.
    const bool gather_first = !in.flags().row_contiguous;
    if (gather_first) out.set_data(allocate(out.nbytes()));
    else output_like(in, out);
    const Geometry g = geometry(in.shape(), axis_, axis_);
    auto& enc = mx::cpu::get_command_encoder(stream());
    enc.set_input_array(in);
    enc.set_output_array(out);
    enc.dispatch([in = weak(in), out = weak(out), g, gather_first]() mutable {
      note_run("softmax");
      if (gather_first) gather(in, out);
      softmax_all(gather_first ? cbytes(out) : cbytes(in), out, g);
    });
  }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override { return {inputs[0].shape()}; }
  const char* name() const override { return "EmilyCpuSoftmax"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto* o = dynamic_cast<const CpuSoftmax*>(&other);
    return o && o->axis_ == axis_;
  }

 private:
  int axis_;
};

int normal_axis(int a, int rank) { return a < 0 ? a + rank : a; }

}  // namespace

std::string_view name(Reduce k) {
  static constexpr std::string_view names[] = {"sum", "product", "reduce_max", "reduce_min"};
  return names[static_cast<int>(k)];
}

std::optional<mx::array> reduce(Reduce k, const mx::array& x, std::vector<int> axes, bool keep, mx::Device d) {
  if (!applies(x.dtype(), d) || x.size() == 0 || axes.empty()) return std::nullopt;
  const int rank = static_cast<int>(x.ndim());
  for (int& a : axes) a = normal_axis(a, rank);
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  for (int a = axes.front(); a <= axes.back(); ++a)
    if (x.shape(a) != 1 && !std::binary_search(axes.begin(), axes.end(), a)) return std::nullopt;
  auto p = std::make_shared<CpuReduce>(stream(), k, axes, keep);
  mx::Shape shape = p->output_shapes({x})[0];
  return mx::array(std::move(shape), x.dtype(), std::move(p), {x});
}

std::optional<mx::array> arg_reduce(bool is_max, bool high, const mx::array& x, std::optional<int> axis, bool keep,
                                    mx::Device d) {
  if (!applies(x.dtype(), d) || x.size() == 0) return std::nullopt;
  if (axis) axis = normal_axis(*axis, static_cast<int>(x.ndim()));
  auto p = std::make_shared<CpuArgReduce>(stream(), is_max, high, axis, keep);
  mx::Shape shape = p->output_shapes({x})[0];
  return mx::array(std::move(shape), mx::int32, std::move(p), {x});
}

std::optional<mx::array> softmax(const mx::array& x, int axis, mx::Device d) {
  if (!applies(x.dtype(), d) || x.size() == 0) return std::nullopt;
  return mx::array(x.shape(), x.dtype(), std::make_shared<CpuSoftmax>(stream(), normal_axis(axis, static_cast<int>(x.ndim()))), {x});
}

}  // namespace emily::cpu
