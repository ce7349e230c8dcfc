// Emily: devices, type mapping, creation, transfer and conversion callbacks.
#include <cmath>
#include <cstring>

#include "../nx/element.hpp"
#include "nx/nx.hpp"
#include "emily/telemetry.hpp"
#include "checks.hpp"
#include "emily_backend.hpp"
#include "fallback.hpp"
#include "precision.hpp"

namespace emily {

namespace {
using nx::Type;
using nx::TypeClass;
}  // namespace

std::string to_string(Device d) { return d == Device::gpu ? "gpu" : "cpu"; }

bool gpu_available() { return mx::is_available(mx::Device::gpu); }
Device default_device() { return gpu_available() ? Device::gpu : Device::cpu; }
std::string mlx_version() { return mx::version(); }

std::vector<std::string> devices() {
  std::vector<std::string> out{"cpu"};
  if (gpu_available()) {
    int n = mx::device_count(mx::Device::gpu);
    for (int i = 0; i < n; ++i) {
      std::string name = "gpu:" + std::to_string(i);
      try {
        auto info = mx::device_info(mx::Device(mx::Device::gpu, i));
        auto it = info.find("device_name");
        if (it != info.end())
          if (auto* s = std::get_if<std::string>(&it->second)) name += " " + *s;
      } catch (const std::exception&) {
      }
      out.push_back(name);
    }
  }
  return out;
}

nx::BackendPtr backend(const BackendOptions& opts) {
  detail::fix_tf32_choice();
  Device d = opts.device.value_or(default_device());
  if (d == Device::gpu && !gpu_available())
    nx::raise("emily::backend", "device gpu was requested but MLX sees no GPU on this machine "
                                "(this MLX build: " + mlx_version() + "); use .device = emily::Device::cpu");
  static std::shared_ptr<Backend> cpu = std::make_shared<Backend>(Device::cpu);
  static std::shared_ptr<Backend> gpu = gpu_available() ? std::make_shared<Backend>(Device::gpu) : nullptr;
  return d == Device::gpu ? std::static_pointer_cast<nx::Backend>(gpu) : cpu;
}

void eval(const nx::Tensor& t) { eval(std::vector<nx::Tensor>{t}); }

void eval(const std::vector<nx::Tensor>& ts) {
  std::vector<mx::array> arrays;
  for (const auto& t : ts)
    if (is_emily(t)) arrays.push_back(array_ref(t));
  if (arrays.empty()) return;
  checks::run(arrays);
  telemetry::Span span("emily.eval", {{"count", std::to_string(arrays.size())}});
  mx::eval(arrays);
}

namespace detail {
nx::Tensor detect_nan_inf(std::string_view op, const nx::Tensor& t) {
  if (!nx::is_float(t.type())) return t;
  auto bad = nx::any(nx::logical_or(nx::is_nan(t), nx::is_infinity(t)));
  if (nx::to_number<int>(bad) != 0)
    throw NonFiniteError(std::string(op) + ": result of shape " + nx::shape_to_string(t.shape()) +
                         " holds NaN or Inf (EMILY_DEBUG_DETECT_NAN_INF)");
  return t;
}
}  // namespace detail

bool is_evaluated(const nx::Tensor& t) {
  if (!is_emily(t)) return true;
  return array_ref(t).status() != mx::array::Status::unscheduled;
}

Backend::Backend(Device device) : device_(device) {}

mx::Device Backend::mx_device() const {
  return device_ == Device::gpu ? mx::Device::gpu : mx::Device::cpu;
}

mx::Device Backend::scatter_device(Type type) const {
  if ((nx::is_integer(type) && type.bits == 64) || nx::is_complex(type)) return mx::Device::cpu;
  return mx_device(type);
}

mx::Device Backend::mx_device(Type type) const {
  if (type == nx::f64) return mx::Device::cpu;  // MLX runs f64 on the CPU only
  return mx_device();
}

bool mlx_supports(Type t) {
  if (t.bits < 8) return false;
  if (t.cls == TypeClass::f8e4m3fn || (t.cls == TypeClass::f && t.bits == 8)) return false;
  if (t == nx::c128) return false;
  return true;
}

mx::Dtype to_dtype(Type t, std::string_view op) {
  switch (t.cls) {
    case TypeClass::u:
      switch (t.bits) {
        case 8: return mx::uint8;
        case 16: return mx::uint16;
        case 32: return mx::uint32;
        case 64: return mx::uint64;
        default: break;
      }
      break;
    case TypeClass::s:
      switch (t.bits) {
        case 8: return mx::int8;
        case 16: return mx::int16;
        case 32: return mx::int32;
        case 64: return mx::int64;
        default: break;
      }
      break;
    case TypeClass::f:
      if (t.bits == 16) return mx::float16;
      if (t.bits == 32) return mx::float32;
      if (t.bits == 64) return mx::float64;
      break;
    case TypeClass::bf: return mx::bfloat16;
    case TypeClass::c:
      if (t.bits == 64) return mx::complex64;
      break;
    case TypeClass::f8e4m3fn: break;
  }
  std::string hint = nx::is_integer(t) ? (nx::is_unsigned(t) ? "u8" : "s8")
                     : t == nx::c128     ? "c64 (or keep it on nx::BinaryBackend)"
                                         : "f16 or bf16";
  nx::raise(op, "the Emily backend cannot hold tensors of type " + nx::to_string(t) +
                    " (MLX has no such dtype); cast to " + hint +
                    " with nx::as_type, or keep the tensor on nx::BinaryBackend");
}

mx::Shape to_mx_shape(const nx::Shape& s) {
  mx::Shape out;
  for (auto d : s) {
    if (d > std::numeric_limits<std::int32_t>::max())
      nx::raise("emily", "dimension " + std::to_string(d) + " exceeds MLX's 32-bit dimension limit");
    out.push_back(static_cast<std::int32_t>(d));
  }
  return out;
}

mx::array Backend::array_of(const Tensor& t) const {
  if (is_emily(t)) return array_ref(t);
  // A tensor of another backend (the reference one): copy its bytes in.
  auto bytes = t.backend()->to_binary(t, t.size());
  auto self = const_cast<Backend*>(this);
  Tensor mine = self->from_binary(t.spec(), bytes);
  return array_ref(mine);
}

namespace {

bool is_mx_float(mx::Dtype d) { return d == mx::float16 || d == mx::bfloat16 || d == mx::float32 || d == mx::float64; }

// Nx's float -> integer store: truncate toward zero, wrap
// modulo 2^bits, NaN -> 0, +Inf -> the type's max, -Inf -> its min. MLX's
// own cast is undefined for these. The value is truncated in f64 on the CPU
// (f32 on the GPU), brought into [-2^63, 2^63) exactly, converted to int64
// and then narrowed with integer wrap-around.
mx::array float_to_int(const mx::array& x0, Type to, mx::Device dev) {
  const mx::Dtype fd = dev == mx::Device::cpu ? mx::float64 : mx::float32;
  mx::array x = x0.dtype() == fd ? x0 : mx::astype(x0, fd, dev);
  auto c = [&](double v) { return mx::array(v, fd); };
  const double two63 = 9223372036854775808.0, two64 = 18446744073709551616.0;
  mx::array t = mx::trunc(mx::where(mx::isfinite(x, dev), x, c(0), dev), dev);
  // Values with |t| >= 2^63 are multiples of 2^11 (2^40 in f32): the
  // reduction modulo 2^64 below is exact for them.
  mx::array r = mx::subtract(t, mx::multiply(mx::floor(mx::divide(t, c(two64), dev), dev), c(two64), dev), dev);
  r = mx::where(mx::greater_equal(r, c(two63), dev), mx::subtract(r, c(two64), dev), r, dev);
  mx::array s = mx::where(mx::greater_equal(mx::abs(t, dev), c(two63), dev), r, t, dev);
  mx::array i64 = mx::astype(s, mx::int64, dev);
  mx::Dtype target = to_dtype(to, "as_type");
  mx::array wrapped = to.bits == 64 ? mx::view(i64, target, dev) : mx::astype(i64, target, dev);
  auto hi = nx::element::int_max(to), lo = nx::element::int_min(to);
  mx::array vmax = to == nx::u64 ? mx::array(static_cast<std::uint64_t>(hi), target)
                                 : mx::array(static_cast<std::int64_t>(hi), target);
  mx::array vmin = mx::array(static_cast<std::int64_t>(lo), target);
  mx::array pos_inf = mx::equal(x, c(INFINITY), dev), neg_inf = mx::equal(x, c(-INFINITY), dev);
  return mx::where(pos_inf, vmax, mx::where(neg_inf, vmin, wrapped, dev), dev);
}

// f64 -> f32 rounded to odd (truncate, then set the lowest bit when
// inexact). Rounding that result to f16 equals rounding the f64 value to f16
// directly; MLX's f64 -> f16 cast goes through a nearest-even f32 and can
// round twice (e.g. -789.7499932 gives -790 instead of -789.5).
mx::array f64_to_f32_odd(const mx::array& x, mx::Device dev) {
  mx::array f = mx::astype(x, mx::float32, dev);
  mx::array back = mx::astype(f, mx::float64, dev);
  mx::array bits = mx::view(f, mx::uint32, dev);
  auto u = [](std::uint32_t v) { return mx::array(v, mx::uint32); };
  mx::array sign = mx::bitwise_and(bits, u(0x80000000u), dev);
  mx::array mag = mx::bitwise_and(bits, u(0x7FFFFFFFu), dev);
  mx::array away = mx::greater(mx::abs(back, dev), mx::abs(x, dev), dev);  // rounded up in magnitude
  mag = mx::where(away, mx::subtract(mag, u(1), dev), mag, dev);
  mx::array inexact = mx::logical_and(mx::not_equal(back, x, dev), mx::isfinite(x, dev), dev);
  mag = mx::where(inexact, mx::bitwise_or(mag, u(1), dev), mag, dev);
  mx::array odd = mx::view(mx::bitwise_or(sign, mag, dev), mx::float32, dev);
  return mx::where(inexact, odd, f, dev);
}

}  // namespace

mx::array Backend::convert(const mx::array& a, Type to) const {
  const mx::Dtype d = to_dtype(to, "emily");
  if (a.dtype() == d) return a;
  // f64 exists on the CPU only.
  const mx::Device dev = a.dtype() == mx::float64 || d == mx::float64 ? mx::Device::cpu : mx_device(to);
  mx::array x = a;
  if (x.dtype() == mx::complex64 && !nx::is_complex(to)) x = mx::real(x, dev);  // drop the imaginary part
  if (nx::is_integer(to) && is_mx_float(x.dtype())) return float_to_int(x, to, dev);
  if (to == nx::f16 && x.dtype() == mx::float64) return mx::astype(f64_to_f32_odd(x, dev), d, dev);
  return mx::astype(x, d, dev);
}

mx::array Backend::cast(const Tensor& t, Type type) const { return convert(array_of(t), type); }

Tensor Backend::wrap(const Spec& out, mx::array a) {
  a = convert(a, out.type);
  if (a.shape() != to_mx_shape(out.shape)) a = mx::reshape(a, to_mx_shape(out.shape), mx_device(out.type));
  return make(out, std::make_shared<ArrayPayload>(std::move(a)));
}

Tensor Backend::constant(const Spec& out, const nx::Scalar& value) {
  mx::Dtype d = to_dtype(out.type, "constant");
  // Encode with Nx's conversion rules on the host, then broadcast.
  const std::size_t bytes = static_cast<std::size_t>(nx::element_bytes(out.type));
  auto data = mx::allocator::malloc(bytes);
  nx::element::store_scalar(out.type, value, static_cast<std::uint8_t*>(data.buffer().raw_ptr()));
  mx::array s(std::move(data), mx::Shape{}, d);
  if (out.shape.empty()) return make(out, std::make_shared<ArrayPayload>(std::move(s)));
  return wrap(out, mx::broadcast_to(s, to_mx_shape(out.shape), mx_device(out.type)));
}

Tensor Backend::from_binary(const Spec& out, std::span<const std::uint8_t> bytes) {
  mx::Dtype d = to_dtype(out.type, "from_binary");
  const std::size_t n = static_cast<std::size_t>(out.size() * nx::element_bytes(out.type));
  auto data = mx::allocator::malloc(n);
  std::memcpy(data.buffer().raw_ptr(), bytes.data(), std::min(n, bytes.size()));
  return wrap(out, mx::array(std::move(data), to_mx_shape(out.shape), d));
}

Tensor Backend::eye(const Spec& out) {
  const int r = out.rank();
  const int rows = static_cast<int>(out.shape[static_cast<std::size_t>(r - 2)]);
  const int cols = static_cast<int>(out.shape[static_cast<std::size_t>(r - 1)]);
  auto dev = mx_device(out.type);
  // Compare row and column indices (mx::eye scatters, and MLX's CUDA scatter
  // takes no 64-bit or complex types).
  mx::array i = mx::reshape(mx::arange(rows, dev), {rows, 1}, dev);
  mx::array j = mx::reshape(mx::arange(cols, dev), {1, cols}, dev);
  mx::array e = mx::astype(mx::equal(i, j, dev), to_dtype(out.type, "eye"), dev);
  return wrap(out, mx::broadcast_to(e, to_mx_shape(out.shape), dev));
}

Tensor Backend::iota(const Spec& out, std::optional<int> axis) {
  to_dtype(out.type, "iota");
  auto dev = mx_device(out.type);
  // Count in int64 (exact) and convert once, so small integer types wrap like Nx.
  mx::array a(0);
  if (!axis) {
    a = mx::reshape(mx::arange(0.0, static_cast<double>(out.size()), 1.0, mx::int64, dev),
                    to_mx_shape(out.shape), dev);
  } else {
    const auto ax = static_cast<std::size_t>(*axis);
    mx::Shape shape(out.shape.size(), 1);
    shape[ax] = static_cast<std::int32_t>(out.shape[ax]);
    a = mx::reshape(mx::arange(0.0, static_cast<double>(out.shape[ax]), 1.0, mx::int64, dev), shape, dev);
    a = mx::broadcast_to(a, to_mx_shape(out.shape), dev);
  }
  return wrap(out, a);
}

bool Backend::backend_deallocate(const Tensor& t) {
  mx::array& a = array_ref(t);
  if (a.size() == 0 && a.ndim() == 1) return false;
  a = mx::array(std::initializer_list<int>{}, mx::int32);  // drop the buffer reference
  return true;
}

Tensor Backend::backend_copy(const Tensor& t, const nx::BackendPtr& target) {
  if (target->kind() == nx::BackendKind::emily) {
    // MLX arrays are not bound to a device: re-home the handle.
    auto* other = static_cast<Backend*>(target.get());
    return other->wrap(t.spec(), array_of(t));
  }
  return nx::Backend::backend_copy(t, target);
}

std::vector<Tensor> Backend::to_batched(const Spec& out, const Tensor& t, nx::Leftover leftover) {
  mx::array a = array_of(t);
  auto dev = mx_device(t.type());
  const std::int64_t rows = t.dim(0), batch = out.shape[0];
  std::vector<Tensor> result;
  for (std::int64_t start = 0; start < rows; start += batch) {
    if (start + batch > rows) {
      if (leftover == nx::Leftover::discard) break;
      // :repeat wraps around to the beginning of the tensor.
      mx::array idx = mx::remainder(mx::arange(static_cast<int>(start), static_cast<int>(start + batch), dev),
                                    mx::array(static_cast<int>(rows)), dev);
      result.push_back(wrap(out, mx::take(a, idx, 0, dev)));
      break;
    }
    mx::Shape lo(static_cast<std::size_t>(t.rank()), 0), hi = a.shape();
    lo[0] = static_cast<int>(start);
    hi[0] = static_cast<int>(start + batch);
    result.push_back(wrap(out, mx::slice(a, lo, hi, dev)));
  }
  return result;
}

std::vector<std::uint8_t> Backend::to_binary(const Tensor& t, std::int64_t limit) {
  const std::int64_t n = std::min(limit, t.size());
  const std::size_t bytes = static_cast<std::size_t>(n * nx::element_bytes(t.type()));
  telemetry::Span span("emily.to_binary", {{"shape", nx::shape_to_string(t.shape())},
                                           {"type", nx::to_string(t.type())},
                                           {"byte_size", std::to_string(bytes)}});
  mx::array c = mx::contiguous(array_of(t), false, mx_device(t.type()));
  checks::run({c});
  mx::eval(c);
  std::vector<std::uint8_t> out(bytes);
  if (bytes) std::memcpy(out.data(), c.data<std::uint8_t>(), bytes);
  return out;
}

Tensor Backend::from_pointer(const Spec& out, const nx::Pointer& pointer) {
  if (pointer.kind != nx::Pointer::Kind::local)
    nx::raise("from_pointer", "the Emily backend supports only local (host) pointers");
  const std::int64_t n = out.size() * nx::element_bytes(out.type);
  if (pointer.data_size < n)
    nx::raise("from_pointer", "data_size " + std::to_string(pointer.data_size) + " is smaller than " +
                                  std::to_string(n) + " bytes");
  const auto* p = reinterpret_cast<const std::uint8_t*>(pointer.address);
  return from_binary(out, std::span<const std::uint8_t>(p, static_cast<std::size_t>(n)));
}

nx::Pointer Backend::to_pointer(const Tensor& t) {
  // Evaluate to a row-contiguous array and keep it as the tensor's data so
  // the address stays valid while the tensor lives.
  auto* a = &array_ref(t);
  mx::array c = mx::contiguous(*a, false, mx_device(t.type()));
  checks::run({c});
  mx::eval(c);
  *a = c;
  return nx::Pointer{nx::Pointer::Kind::local, reinterpret_cast<std::uintptr_t>(a->data<std::uint8_t>()),
                     static_cast<std::int64_t>(a->nbytes())};
}


Tensor Backend::as_type(const Spec& out, const Tensor& t) {
  to_dtype(out.type, "as_type");
  return wrap(out, array_of(t));  // wrap converts with Nx's storage rules
}

Tensor Backend::bitcast(const Spec& out, const Tensor& t) {
  auto d = mx_device(t.type() == nx::f64 ? nx::f64 : out.type);  // f64 on either side: CPU
  return wrap(out, mx::view(array_of(t), to_dtype(out.type, "bitcast"), d));
}

}  // namespace emily
