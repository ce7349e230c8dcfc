// emily::quantize: MLX's quantize / dequantize / quantized_matmul on Emily
// tensors. Every argument is checked here so that a bad call raises
// nx::ArgumentError naming the function before anything is queued; what
// MLX still rejects is re-raised with the function's name.
#include "emily/quantize.hpp"

#include <algorithm>

#include "emily_backend.hpp"
#include "nx/nx.hpp"

namespace emily {

namespace {

nx::Shape to_nx_shape(const mx::Shape& s) { return nx::Shape(s.begin(), s.end()); }

#if EMILY_DEBUG_DETECT_NAN_INF
nx::Tensor checked(std::string_view op, const nx::Tensor& t) { return detail::detect_nan_inf(op, t); }
#else
nx::Tensor checked(std::string_view, const nx::Tensor& t) { return t; }
#endif

// Runs an MLX call, re-raising its exceptions as nx::ArgumentError(op: ...).
template <class F>
auto mlx_call(std::string_view op, F&& f) {
  try {
    return f();
  } catch (const nx::ArgumentError&) {
    throw;
  } catch (const std::exception& e) {
    nx::raise(op, std::string("MLX rejected the call: ") + e.what());
  }
}

Backend* emily_of(std::string_view op, const nx::Tensor& t, std::string_view arg) {
  if (!t.defined()) nx::raise(op, std::string(arg) + " is an undefined tensor");
  if (!is_emily(t))
    nx::raise(op, std::string(arg) + " is on the " + t.backend()->name() +
                      " backend; move it to Emily first with nx::backend_transfer(" + std::string(arg) +
                      ", emily::backend())");
  return static_cast<Backend*>(t.backend().get());
}

bool quantizable_float(nx::Type t) { return t == nx::f32 || t == nx::f16 || t == nx::bf16; }

void check_float(std::string_view op, const nx::Tensor& t, std::string_view arg) {
  if (!quantizable_float(t.type()))
    nx::raise(op, std::string(arg) + " must be f16, bf16 or f32, got " + nx::to_string(t.type()));
}

std::string describe(const QuantizeOptions& o) {
  return to_string(o.mode) + " bits=" + std::to_string(o.bits) + " group_size=" + std::to_string(o.group_size);
}

void check_options(std::string_view op, const QuantizeOptions& o) {
  switch (o.mode) {
    case QuantMode::affine: {
      const bool bits_ok = o.bits >= 1 && o.bits <= 8 && o.bits != 7;
      const bool group_ok = o.group_size == 32 || o.group_size == 64 || o.group_size == 128;
      if (!bits_ok) nx::raise(op, describe(o) + ": affine takes bits 1, 2, 3, 4, 5, 6 or 8");
      if (!group_ok) nx::raise(op, describe(o) + ": affine takes group_size 32, 64 or 128");
      return;
    }
    case QuantMode::mxfp4:
    case QuantMode::mxfp8:
    case QuantMode::nvfp4: {
      const QuantizeOptions want = quantize_options(o.mode);
      if (o.bits != want.bits || o.group_size != want.group_size)
        nx::raise(op, describe(o) + ": " + to_string(o.mode) + " takes only bits=" + std::to_string(want.bits) +
                          " group_size=" + std::to_string(want.group_size));
      return;
    }
  }
  nx::raise(op, "unknown quantization mode " + std::to_string(static_cast<int>(o.mode)) + " (bits=" +
                    std::to_string(o.bits) + " group_size=" + std::to_string(o.group_size) + ")");
}

// A QuantizedTensor as quantize() builds it: its parts on Emily and in the
// shapes the options imply (a hand-assembled one may not be).
Backend* check_quantized(std::string_view op, const QuantizedTensor& q, std::string_view arg) {
  const std::string a(arg);
  check_options(op, q.opts);
  Backend* b = emily_of(op, q.weights, a + ".weights");
  emily_of(op, q.scales, a + ".scales");
  const bool affine = q.opts.mode == QuantMode::affine;
  if (affine) emily_of(op, q.biases, a + ".biases");
  else if (q.biases.defined()) nx::raise(op, a + ".biases must be undefined in " + to_string(q.opts.mode) + " mode");
  if (q.shape.size() < 2) nx::raise(op, a + ".shape must have rank >= 2, got " + nx::shape_to_string(q.shape));
  if (!quantizable_float(q.type)) nx::raise(op, a + ".type must be f16, bf16 or f32, got " + nx::to_string(q.type));
  const std::int64_t last = q.shape.back();
  if (last % q.opts.group_size != 0)
    nx::raise(op, a + ".shape's last axis " + std::to_string(last) + " is not divisible by group_size " +
                      std::to_string(q.opts.group_size));
  nx::Shape ws = q.shape, ss = q.shape;
  ws.back() = last * q.opts.bits / 32;
  ss.back() = last / q.opts.group_size;
  if (q.weights.type() != nx::u32 || q.weights.shape() != ws)
    nx::raise(op, a + ".weights must be u32 " + nx::shape_to_string(ws) + ", got " + nx::to_string(q.weights.type()) +
                      " " + nx::shape_to_string(q.weights.shape()));
  const nx::Type st = affine ? q.scales.type() : nx::u8;
  if (q.scales.shape() != ss || q.scales.type() != st || (affine && !quantizable_float(st)))
    nx::raise(op, a + ".scales must have shape " + nx::shape_to_string(ss) + (affine ? " and a float type" : " and type u8") +
                      ", got " + nx::to_string(q.scales.type()) + " " + nx::shape_to_string(q.scales.shape()));
  if (affine && (q.biases.shape() != ss || q.biases.type() != st))
    nx::raise(op, a + ".biases must match scales (" + nx::to_string(st) + " " + nx::shape_to_string(ss) + ")");
  return b;
}

std::optional<mx::array> biases_as(const Backend* b, const QuantizedTensor& q, nx::Type type) {
  if (!q.biases.defined()) return std::nullopt;
  return b->cast(q.biases, type);
}

}  // namespace

std::string to_string(QuantMode mode) {
  switch (mode) {
    case QuantMode::affine: return "affine";
    case QuantMode::mxfp4: return "mxfp4";
    case QuantMode::mxfp8: return "mxfp8";
    case QuantMode::nvfp4: return "nvfp4";
  }
  return "unknown";
}

QuantizeOptions quantize_options(QuantMode mode) {
  switch (mode) {
    case QuantMode::mxfp4: return {.bits = 4, .group_size = 32, .mode = mode};
    case QuantMode::mxfp8: return {.bits = 8, .group_size = 32, .mode = mode};
    case QuantMode::nvfp4: return {.bits = 4, .group_size = 16, .mode = mode};
    case QuantMode::affine: break;
  }
  return {};
}

std::vector<QuantizeOptions> supported_quantizations() {
  std::vector<QuantizeOptions> all;
  for (int bits : {1, 2, 3, 4, 5, 6, 8})
    for (int group : {32, 64, 128}) all.push_back({.bits = bits, .group_size = group, .mode = QuantMode::affine});
  for (QuantMode m : {QuantMode::mxfp4, QuantMode::mxfp8, QuantMode::nvfp4}) all.push_back(quantize_options(m));
  return all;
}

QuantizedTensor quantize(const nx::Tensor& w, const QuantizeOptions& opts) {
  const std::string_view op = "quantize";
  Backend* b = emily_of(op, w, "w");
  check_float(op, w, "w");
  if (w.rank() < 2) nx::raise(op, "w must have rank >= 2, got " + nx::shape_to_string(w.shape()));
  check_options(op, opts);
  const std::int64_t last = w.dim(w.rank() - 1);
  if (last % opts.group_size != 0)
    nx::raise(op, "w's last axis " + std::to_string(last) + " is not divisible by group_size " +
                      std::to_string(opts.group_size));
  const mx::Device dev = b->mx_device(w.type());
  std::vector<mx::array> parts = mlx_call(op, [&] {
    return mx::quantize(b->array_of(w), opts.group_size, opts.bits, to_string(opts.mode), std::nullopt, dev);
  });
  const bool affine = opts.mode == QuantMode::affine;
  if (parts.size() != (affine ? 3u : 2u)) nx::raise(op, "MLX returned an unexpected number of arrays");
  auto wrap = [&](mx::array a, nx::Type t) {
    nx::Spec spec{to_nx_shape(a.shape()), t, {}};
    return b->wrap(spec, std::move(a));
  };
  QuantizedTensor q;
  q.weights = wrap(parts[0], nx::u32);
  q.scales = wrap(parts[1], affine ? w.type() : nx::u8);
  if (affine) q.biases = wrap(parts[2], w.type());
  q.opts = opts;
  q.shape = w.shape();
  q.type = w.type();
  return q;
}

nx::Tensor dequantize(const QuantizedTensor& q) {
  const std::string_view op = "dequantize";
  Backend* b = check_quantized(op, q, "q");
  const mx::Device dev = b->mx_device(q.type);
  mx::array r = mlx_call(op, [&] {
    std::optional<mx::array> biases;
    if (q.biases.defined()) biases = b->array_of(q.biases);
    return mx::dequantize(b->array_of(q.weights), b->array_of(q.scales), biases, q.opts.group_size, q.opts.bits,
                          to_string(q.opts.mode), std::nullopt, to_dtype(q.type, op), dev);
  });
  return checked(op, b->wrap(nx::Spec{q.shape, q.type, {}}, std::move(r)));
}

nx::Tensor quantized_dot(const nx::Tensor& x, const QuantizedTensor& w, bool transpose) {
  const std::string_view op = "quantized_dot";
  Backend* b = check_quantized(op, w, "w");
  emily_of(op, x, "x");
  check_float(op, x, "x");
  if (x.rank() < 1) nx::raise(op, "x must have rank >= 1");
  const int wr = static_cast<int>(w.shape.size());
  const std::int64_t k = transpose ? w.shape[wr - 1] : w.shape[wr - 2];
  if (x.dim(x.rank() - 1) != k)
    nx::raise(op, "x's last axis (" + nx::shape_to_string(x.shape()) + ") must equal w's " +
                      (transpose ? "last" : "second-to-last") + " axis (" + nx::shape_to_string(w.shape) + ")" +
                      (transpose ? "" : " with transpose=false"));
  // Leading axes of w are batch axes; they broadcast against x's.
  if (wr > 2) {
    const int xb = x.rank() - 2, wb = wr - 2;
    if (xb < 0) nx::raise(op, "x must have rank >= 2 when w has batch axes (w " + nx::shape_to_string(w.shape) + ")");
    for (int i = 1; i <= std::min(xb, wb); ++i) {
      const std::int64_t dx = x.dim(xb - i), dw = w.shape[wb - i];
      if (dx != dw && dx != 1 && dw != 1)
        nx::raise(op, "batch axes of x " + nx::shape_to_string(x.shape()) + " and w " + nx::shape_to_string(w.shape) +
                          " do not broadcast");
    }
  }
  const nx::Type t = nx::merge(x.type(), w.type);
  const mx::Device dev = b->mx_device(t);
  const bool affine = w.opts.mode == QuantMode::affine;
  mx::array r = mlx_call(op, [&] {
    // Affine scales and biases take the computation's type; u8 scales stay.
    mx::array scales = affine ? b->cast(w.scales, t) : b->array_of(w.scales);
    return mx::quantized_matmul(b->cast(x, t), b->array_of(w.weights), scales, biases_as(b, w, t), transpose,
                                w.opts.group_size, w.opts.bits, to_string(w.opts.mode), dev);
  });
  nx::Spec out{to_nx_shape(r.shape()), t, {}};  // before r is moved from
  return checked(op, b->wrap(out, std::move(r)));
}

nx::Tensor quantized_take(const QuantizedTensor& table, const nx::Tensor& indices) {
  const std::string_view op = "quantized_take";
  check_quantized(op, table, "table");
  if (table.shape.size() != 2)
    nx::raise(op, "table must be a quantized matrix [vocab, dim], got shape " + nx::shape_to_string(table.shape));
  emily_of(op, indices, "indices");
  if (!nx::is_integer(indices.type()))
    nx::raise(op, "indices must have an integer type, got " + nx::to_string(indices.type()));
  // Gather the packed rows and their scales with Emily's take (out-of-range
  // indices clamp as in nx::take on Emily), then dequantize just those rows.
  const nx::Tensor flat = nx::reshape(indices, {indices.size()});
  QuantizedTensor rows = table;
  rows.weights = nx::take(table.weights, flat, 0);
  rows.scales = nx::take(table.scales, flat, 0);
  if (table.biases.defined()) rows.biases = nx::take(table.biases, flat, 0);
  rows.shape = {indices.size(), table.shape[1]};
  nx::Shape out = indices.shape();
  out.push_back(table.shape[1]);
  return nx::reshape(dequantize(rows), out);
}

}  // namespace emily
