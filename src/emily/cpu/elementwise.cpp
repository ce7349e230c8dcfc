// The element-wise primitives EmilyCpuUnary and EmilyCpuBinary (kernels.hpp):
// layouts and output allocation in eval_cpu, the SIMD loops split across the
// thread pool in the task.
#include <memory>
#include <utility>

#include <mlx/backend/common/utils.h>

#include "kernels.hpp"
#include "pool.hpp"

namespace emily::cpu {

namespace {

// Elements per thread below which splitting does not pay: the wake-up of a
// worker costs about as much as this much work.
std::size_t grain(Unary k) {
  switch (k) {
    case Unary::negate: case Unary::abs: return 1 << 16;
    case Unary::sqrt: case Unary::rsqrt: return 1 << 15;
    default: return 1 << 13;
  }
}
std::size_t grain(Binary k) { return k == Binary::pow ? 1 << 13 : 1 << 16; }

char* bytes(mx::array& a) { return static_cast<char*>(a.data<void>()); }

// The shape of k(a, b) where the kernel takes the operands: equal shapes, or
// one operand of one element and no more axes than the other.
std::optional<mx::Shape> result_shape(const mx::array& a, const mx::array& b) {
  if (a.shape() == b.shape() || (b.size() == 1 && b.ndim() <= a.ndim())) return a.shape();
  if (a.size() == 1 && a.ndim() <= b.ndim()) return b.shape();
  return std::nullopt;
}

class CpuUnary final : public CpuPrimitive {
 public:
  CpuUnary(mx::Stream s, Unary k) : CpuPrimitive(s), k_(k) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const mx::array& in = inputs[0];
    bool gather_first = false;
    if (in.flags().contiguous) {
      output_like(in, out);
    } else if (in.data_size() == 1) {
      // A broadcast element: one result, broadcast the same way.
      out.set_data(allocate(out.itemsize()), 1, in.strides(), in.flags());
    } else {
      // Strided: gathered into the output, then transformed in place.
      out.set_data(allocate(out.nbytes()));
      gather_first = true;
    }
    auto& enc = mx::cpu::get_command_encoder(this->stream());
    enc.set_input_array(in);
    enc.set_output_array(out);
    enc.dispatch([in = mx::array::unsafe_weak_copy(in), out = mx::array::unsafe_weak_copy(out), k = k_,
                  gather_first]() mutable {
      note_run(cpu::name(k));
      if (gather_first) gather(in, out);
      const char* src = gather_first ? bytes(out) : bytes(in);
      char* dst = bytes(out);
      const std::size_t item = out.itemsize();
      const mx::Dtype t = out.dtype();
      parallel_for(out.data_size(), grain(k), [&](std::size_t b, std::size_t e) {
        unary_loop(k, t, src + b * item, dst + b * item, e - b);
      });
    });
  }

  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override { return {inputs[0].shape()}; }
  const char* name() const override { return "EmilyCpuUnary"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto* o = dynamic_cast<const CpuUnary*>(&other);
    return o && o->k_ == k_;
  }

 private:
  Unary k_;
};

class CpuBinary final : public CpuPrimitive {
 public:
  CpuBinary(mx::Stream s, Binary k) : CpuPrimitive(s), k_(k) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const mx::array &a = inputs[0], &b = inputs[1];
    // One element, possibly broadcast (a constant tensor holds one).
    const bool one_a = a.size() == 1 || a.data_size() == 1, one_b = b.size() == 1 || b.data_size() == 1;
    Operands mode = Operands::vector_vector;
    bool gather_a = false, gather_b = false;
    mx::array va = a, vb = b;  // what the loop reads
    if (one_a && one_b) {
      // One result, broadcast to the output's shape.
      const bool single = out.size() == 1;
      out.set_data(allocate(out.itemsize()), 1, mx::Strides(out.ndim(), 0), {true, single, single});
    } else if (one_a || one_b) {
      mode = one_a ? Operands::scalar_vector : Operands::vector_scalar;
      mx::array& v = one_a ? vb : va;
      bool& g = one_a ? gather_b : gather_a;
      v = prepare_input(v, false, g, this->stream());
      if (g) out.set_data(allocate(out.nbytes()));
      else output_like(v, out);
    } else if (a.flags().contiguous && b.flags().contiguous && a.strides() == b.strides()) {
      // The same contiguous layout (row-major, column-major, any order).
      if (mx::is_donatable(b, out) && !mx::is_donatable(a, out)) output_like(b, out);
      else output_like(a, out);
    } else {
      va = prepare_input(a, true, gather_a, this->stream());
      vb = prepare_input(b, true, gather_b, this->stream());
      out.set_data(allocate(out.nbytes()));
    }
    auto& enc = mx::cpu::get_command_encoder(this->stream());
    enc.set_input_array(a);
    enc.set_input_array(b);
    enc.set_output_array(out);
    auto weak = [](const mx::array& x) { return mx::array::unsafe_weak_copy(x); };
    enc.dispatch([a = weak(a), b = weak(b), va = weak(va), vb = weak(vb), out = weak(out), k = k_, mode, gather_a,
                  gather_b]() mutable {
      note_run(cpu::name(k));
      if (gather_a) gather(a, va);
      if (gather_b) gather(b, vb);
      const char *pa = bytes(va), *pb = bytes(vb);
      char* dst = bytes(out);
      const std::size_t item = out.itemsize();
      const std::size_t sa = mode == Operands::scalar_vector ? 0 : item;
      const std::size_t sb = mode == Operands::vector_scalar ? 0 : item;
      const mx::Dtype t = out.dtype();
      parallel_for(out.data_size(), grain(k), [&](std::size_t i, std::size_t e) {
        binary_loop(k, t, mode, pa + i * sa, pb + i * sb, dst + i * item, e - i);
      });
    });
  }

  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override {
    return {*result_shape(inputs[0], inputs[1])};
  }
  const char* name() const override { return "EmilyCpuBinary"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto* o = dynamic_cast<const CpuBinary*>(&other);
    return o && o->k_ == k_;
  }

 private:
  Binary k_;
};

}  // namespace

std::string_view name(Unary k) {
  static constexpr std::string_view names[] = {"exp",  "expm1", "log",  "log1p", "tanh",   "sigmoid", "erf",
                                               "sin",  "cos",   "sqrt", "rsqrt", "negate", "abs"};
  return names[static_cast<int>(k)];
}

std::string_view name(Binary k) {
  static constexpr std::string_view names[] = {"add", "subtract", "multiply", "divide", "max", "min", "pow"};
  return names[static_cast<int>(k)];
}

std::optional<mx::array> unary(Unary k, const mx::array& x, mx::Device d) {
  if (!applies(x.dtype(), d) || x.size() == 0) return std::nullopt;
  return mx::array(x.shape(), x.dtype(), std::make_shared<CpuUnary>(stream(), k), {x});
}

std::optional<mx::array> binary(Binary k, const mx::array& a, const mx::array& b, mx::Device d) {
  if (!applies(a.dtype(), d) || a.dtype() != b.dtype() || a.size() == 0 || b.size() == 0) return std::nullopt;
  auto shape = result_shape(a, b);
  if (!shape) return std::nullopt;
  return mx::array(std::move(*shape), a.dtype(), std::make_shared<CpuBinary>(stream(), k), {a, b});
}

}  // namespace emily::cpu
