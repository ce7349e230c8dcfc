// The take primitive of index.hpp (EmilyCpuTake): x read row-major (gathered
// first when strided), the indices made contiguous in the graph, the output
// written slice by slice across the thread pool.
#include "index.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#include "items.hpp"

namespace emily::cpu {

namespace {

// Output elements per thread below which splitting does not pay (a random
// read each).
constexpr std::size_t kTakeGrain = 1 << 15;

// out[o, i, :] = x[o, clamp(idx[i]), :] for outputs it in [begin, end) of
// outer * n, slices of `inner` elements of E bytes.
template <class E, class I>
void take_part(const E* x, const I* idx, E* out, std::size_t n, std::int64_t dim, std::size_t inner,
               std::size_t begin, std::size_t end) {
  std::size_t o = begin / n, i = begin % n;
  for (std::size_t it = begin; it < end; ++it) {
    const std::int64_t v = static_cast<std::int64_t>(idx[i]);
    const std::size_t j = static_cast<std::size_t>(v < 0 ? 0 : (v >= dim ? dim - 1 : v));
    const E* src = x + (o * static_cast<std::size_t>(dim) + j) * inner;
    if (inner == 1) out[it] = *src;
    else std::memcpy(out + it * inner, src, inner * sizeof(E));
    if (++i == n) i = 0, ++o;
  }
}

template <class E>
void take_all(const mx::array& x, const mx::array& idx, mx::array& out, int axis) {
  const std::int64_t dim = x.shape(axis);
  std::size_t outer = 1, inner = 1;
  for (int a = 0; a < axis; ++a) outer *= static_cast<std::size_t>(x.shape(a));
  for (int a = axis + 1; a < static_cast<int>(x.ndim()); ++a) inner *= static_cast<std::size_t>(x.shape(a));
  const std::size_t n = idx.size();
  const E* src = static_cast<const E*>(x.data<void>());
  E* dst = static_cast<E*>(out.data<void>());
  parallel_items(outer * n, item_grain(inner, kTakeGrain), [&](std::size_t b, std::size_t e) {
    if (idx.dtype() == mx::int64) take_part(src, idx.data<std::int64_t>(), dst, n, dim, inner, b, e);
    else take_part(src, idx.data<std::int32_t>(), dst, n, dim, inner, b, e);
  });
}

class CpuTake final : public CpuPrimitive {
 public:
  CpuTake(mx::Stream s, int axis) : CpuPrimitive(s), axis_(axis) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const mx::array &in = inputs[0], &idx = inputs[1];
    bool needs_gather = false;
    mx::array x = prepare_input(in, true, needs_gather, stream());
    out.set_data(allocate(out.nbytes()));
    auto& enc = mx::cpu::get_command_encoder(stream());
    enc.set_input_array(in);
    enc.set_input_array(idx);
    enc.set_output_array(out);
    auto weak = [](const mx::array& a) { return mx::array::unsafe_weak_copy(a); };
    enc.dispatch([in = weak(in), x = weak(x), idx = weak(idx), out = weak(out), axis = axis_, needs_gather]() mutable {
      note_run("take");
      if (needs_gather) gather(in, x);
      // Elements are moved, not computed on: copied as raw 4- or 8-byte words.
      if (x.itemsize() == 8) take_all<std::uint64_t>(x, idx, out, axis);
      else take_all<std::uint32_t>(x, idx, out, axis);
    });
  }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override {
    const mx::Shape& xs = inputs[0].shape();
    mx::Shape s(xs.begin(), xs.begin() + axis_);
    s.insert(s.end(), inputs[1].shape().begin(), inputs[1].shape().end());
    s.insert(s.end(), xs.begin() + axis_ + 1, xs.end());
    return {s};
  }
  const char* name() const override { return "EmilyCpuTake"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto* o = dynamic_cast<const CpuTake*>(&other);
    return o && o->axis_ == axis_;
  }

 private:
  int axis_;
};

}  // namespace

std::optional<mx::array> take(const mx::array& x, const mx::array& idx, int axis, mx::Device d) {
  if (!applies(x.dtype(), d) || (idx.dtype() != mx::int32 && idx.dtype() != mx::int64)) return std::nullopt;
  if (axis < 0) axis += static_cast<int>(x.ndim());
  if (x.size() == 0 || idx.size() == 0) return std::nullopt;
  // The task reads the indices flat: a strided view is copied in the graph.
  mx::array flat = mx::contiguous(idx, false, stream());
  auto p = std::make_shared<CpuTake>(stream(), axis);
  mx::Shape shape = p->output_shapes({x, flat})[0];
  return mx::array(std::move(shape), x.dtype(), std::move(p), {x, flat});
}

}  // namespace emily::cpu
