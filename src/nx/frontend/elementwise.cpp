// Front end: element-wise ops, their type rules (from the op table,
// nx/op_table.hpp) and dispatch to the named callbacks.
#include "common.hpp"

namespace nx {

namespace {

// A literal the weak-scalar rule applies to: complex and non-finite
// literals are not plain numbers in Nx and take part in the full merge.
bool plain_number(const Scalar& s) { return !s.is_complex() && !s.is_non_finite(); }

// Type of `a OP b` before the op-specific rule (literal rule where it applies).
Type merged_type(const Operand& a, const Operand& b) {
  if (a.is_tensor() && b.is_tensor()) return merge(a.tensor().type(), b.tensor().type());
  // Non-plain literals merge as c64/f32 tensors in argument order (this
  // matters for the left-wins f / f8_e4m3fn rule).
  if (a.is_tensor() && !plain_number(b.scalar())) return merge(a.tensor().type(), literal_type(b.scalar()));
  if (b.is_tensor() && !plain_number(a.scalar())) return merge(literal_type(a.scalar()), b.tensor().type());
  if (a.is_tensor()) return merge_number(a.tensor().type(), b.scalar());
  if (b.is_tensor()) return merge_number(b.tensor().type(), a.scalar());
  const Scalar &x = a.scalar(), &y = b.scalar();
  if (x.is_complex() || y.is_complex()) return c64;
  if (x.is_integer() && y.is_integer()) return s32;
  return f32;
}

// The op table's type rule of `op`: complex operands first, then the merged
// type (an integer-only op is given integers only if the merge is one).
void check_types(BinaryOp op, Type ta, Type tb, Type merged) {
  const TypeSet types = traits(op).types;
  const std::string_view name = op_name(op);
  if (is_complex(ta) || is_complex(tb)) {
    if (!types.contains(c64)) raise(name, "expects non-complex tensors, got: " + front::type_name(is_complex(ta) ? ta : tb));
  }
  if (types.contains(merged)) return;
  if (types == types::integer)
    raise(name, "expects integer tensors as inputs and outputs an integer tensor, got: " + front::type_name(merged));
  raise(name, "does not accept operands of type " + front::type_name(merged));
}

}  // namespace

Tensor binary(BinaryOp op, const Operand& a, const Operand& b) {
  const std::string_view name = op_name(op);
  BackendPtr backend = front::pick_backend(
      name, {a.is_tensor() ? &a.tensor() : nullptr, b.is_tensor() ? &b.tensor() : nullptr});
  Type merged = merged_type(a, b);
  check_types(op, front::operand_type(a), front::operand_type(b), merged);
  // A negative shift count written as a literal is rejected like Nx does;
  // counts held in tensors follow the backends' documented convention.
  if ((op == BinaryOp::left_shift || op == BinaryOp::right_shift) && !b.is_tensor() && b.scalar().is_integer() &&
      b.scalar().i < 0)
    raise(name, std::string("cannot ") + (op == BinaryOp::left_shift ? "left" : "right") + " shift by " +
                    b.scalar().to_string());
  Type out_type = result_type(traits(op).result, merged);
  Tensor sa, sb;
  const Tensor& ta_t = front::operand_ref(a, backend, sa);
  const Tensor& tb_t = front::operand_ref(b, backend, sb);
  Shape shape = front::broadcast_shapes(name, ta_t.shape(), tb_t.shape());
  Spec out{shape, out_type, front::broadcast_names(name, ta_t, tb_t, static_cast<int>(shape.size()))};
  return (backend.get()->*callback_of(op))(out, ta_t, tb_t);
}

#define NX_DEFINE_BINARY_FN(name, ...) \
  Tensor name(const Operand& a, const Operand& b) { return binary(BinaryOp::name, a, b); }
NX_BINARY_CALLBACKS(NX_DEFINE_BINARY_FN)
#undef NX_DEFINE_BINARY_FN

namespace {

void check_type(UnaryOp op, Type in) {
  const TypeSet accepts = traits(op).accepts();
  if (accepts.contains(in)) return;
  const std::string_view name = op_name(op);
  if (accepts == types::integer) raise(name, "expects integer tensors, got: " + front::type_name(in));
  if (accepts == types::real) raise(name, "expects a non-complex tensor, got: " + front::type_name(in));
  raise(name, "does not accept a tensor of type " + front::type_name(in));
}

// The answer for a type the op accepts but its callback is not given (the
// op table's `settled` types).
Tensor settle(UnaryOp op, const Tensor& t, const BackendPtr& backend) {
  switch (op) {
    case UnaryOp::real: return is_integer(t.type()) ? as_type(t, f32) : t;
    case UnaryOp::imag: return backend->constant(Spec{t.shape(), to_floating(t.type()), t.names()}, 0.0);
    default: return t;  // abs of unsigned, ceil/floor/round of integers
  }
}

}  // namespace

Tensor unary(UnaryOp op, const Operand& x) {
  const std::string_view name = op_name(op);
  BackendPtr backend = front::pick_backend(name, {x.is_tensor() ? &x.tensor() : nullptr});
  Tensor storage;
  const Tensor& t = front::operand_ref(x, backend, storage);
  check_type(op, t.type());
  if (!traits(op).types.contains(t.type())) return settle(op, t, backend);
  Spec out{t.shape(), result_type(traits(op).result, t.type()), t.names()};
  return (backend.get()->*callback_of(op))(out, t);
}

#define NX_DEFINE_UNARY_FN(name, ...) \
  Tensor name(const Operand& t) { return unary(UnaryOp::name, t); }
NX_UNARY_CALLBACKS(NX_DEFINE_UNARY_FN)
#undef NX_DEFINE_UNARY_FN

Tensor logical_not(const Operand& x) {
  BackendPtr backend = front::pick_backend("logical_not", {x.is_tensor() ? &x.tensor() : nullptr});
  Tensor t = front::operand_tensor(x, backend);
  return backend->logical_not(Spec{t.shape(), u8, t.names()}, t);
}

Tensor phase(const Operand& x) {
  BackendPtr backend = front::pick_backend("phase", {x.is_tensor() ? &x.tensor() : nullptr});
  Tensor t = front::operand_tensor(x, backend);
  return backend->phase(Spec{t.shape(), to_real(t.type()), t.names()}, t);
}

Tensor complex(const Operand& re, const Operand& im) {
  if (is_complex(front::operand_type(re)) || is_complex(front::operand_type(im)))
    front::raise_complex_not_supported("complex", "complex", 2);
  Type ct = to_complex(merged_type(re, im));
  Tensor i_unit = scalar(std::complex<double>(0.0, 1.0), ct,
                         front::pick_backend("complex", {re.is_tensor() ? &re.tensor() : nullptr,
                                                         im.is_tensor() ? &im.tensor() : nullptr}));
  return add(re, multiply(im, i_unit));
}

// As in Nx: log(t) / log(base), the base's log a tensor of its own (f32 for
// a number), so log2 of an f16 tensor is f32.
Tensor log(const Operand& t, const Operand& base) {
  if (!base.is_tensor() && !base.scalar().is_complex() && !base.scalar().is_non_finite()) {
    const Scalar& b = base.scalar();
    const double v = b.is_integer() ? static_cast<double>(b.i) : b.f;
    if (v <= 0 || v == 1)
      raise("log", "expected base to be greater than 0 and different than 1, got: " +
                       (b.is_integer() ? b.to_string() : format_float(b.f, f64)));
  }
  return divide(log(t), log(base));
}
Tensor log2(const Operand& t) { return log(t, 2); }
Tensor log10(const Operand& t) { return log(t, 10); }
Tensor square(const Operand& t) { return multiply(t, t); }

Tensor select(const Operand& pred, const Operand& on_true, const Operand& on_false) {
  BackendPtr backend = front::pick_backend(
      "select", {pred.is_tensor() ? &pred.tensor() : nullptr,
                 on_true.is_tensor() ? &on_true.tensor() : nullptr,
                 on_false.is_tensor() ? &on_false.tensor() : nullptr});
  Tensor p = front::operand_tensor(pred, backend);
  Tensor a = front::operand_tensor(on_true, backend);
  Tensor b = front::operand_tensor(on_false, backend);
  Type out_type = merge(a.type(), b.type());
  Shape shape;
  Names names;
  if (p.rank() == 0) {
    shape = front::broadcast_shapes("select", a.shape(), b.shape());
    names = front::broadcast_names("select", a, b, static_cast<int>(shape.size()));
  } else {
    // Each branch must broadcast to the predicate's shape, with Nx's
    // messages of a broadcast to it (trailing axes aligned).
    shape = p.shape();
    for (const Tensor* branch : {&a, &b}) {
      const std::string from = "cannot broadcast tensor of dimensions " + shape_to_string(branch->shape()) + " to " +
                               shape_to_string(shape);
      const int offset = p.rank() - branch->rank();
      if (offset < 0) raise("select", from);
      AxisIndices axes;
      bool fits = true;
      for (int d = 0; d < branch->rank(); ++d) {
        axes.push_back(offset + d);
        fits = fits && (branch->dim(d) == 1 || branch->dim(d) == p.dim(offset + d));
      }
      if (!fits) raise("select", from + " with axes " + front::axes_to_string(axes));
    }
    names = p.names();
  }
  return backend->select(Spec{shape, out_type, names}, p, a, b);
}

Tensor clip(const Operand& x, const Operand& min, const Operand& max) {
  BackendPtr backend = front::pick_backend(
      "clip", {x.is_tensor() ? &x.tensor() : nullptr, min.is_tensor() ? &min.tensor() : nullptr,
               max.is_tensor() ? &max.tensor() : nullptr});
  Tensor t = front::operand_tensor(x, backend);
  Tensor lo = front::operand_tensor(min, backend);
  Tensor hi = front::operand_tensor(max, backend);
  // Tensors have no vectorized axes: Nx prints them as [].
  if (lo.rank() != 0)
    raise("clip", "min value must be a non-vectorized scalar shape, got shape " + shape_to_string(lo.shape()) +
                      " and vectorized axes []");
  if (hi.rank() != 0)
    raise("clip", "max value must be a non-vectorized scalar shape, got shape " + shape_to_string(hi.shape()) +
                      " and vectorized axes []");
  Type out_type = merge(t.type(), merge(lo.type(), hi.type()));
  if (is_complex(out_type)) front::raise_complex_not_supported("clip", "clip", 2);
  return backend->clip(Spec{t.shape(), out_type, t.names()}, t, lo, hi);
}

}  // namespace nx
