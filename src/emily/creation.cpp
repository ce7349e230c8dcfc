// Emily: devices, type mapping, creation, transfer and conversion callbacks.
#include <cmath>
#include <cstring>

#include "../nx/element.hpp"
#include "nx/nx.hpp"
#include "emily/telemetry.hpp"
#include "emily_backend.hpp"
#include "fallback.hpp"

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
    if (t.defined() && t.backend()->name() == "emily") arrays.push_back(*static_cast<mx::array*>(t.data().get()));
  if (arrays.empty()) return;
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
  if (!t.defined() || t.backend()->name() != "emily") return true;
  return static_cast<mx::array*>(t.data().get())->status() != mx::array::Status::unscheduled;
}

Backend::Backend(Device device) : device_(device) {}

mx::Device Backend::mx_device() const {
  return device_ == Device::gpu ? mx::Device::gpu : mx::Device::cpu;
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
  if (t.backend()->name() == "emily") return *static_cast<mx::array*>(t.data().get());
  // A tensor of another backend (the reference one): copy its bytes in.
  auto bytes = t.backend()->to_binary(t, t.size());
  auto self = const_cast<Backend*>(this);
  Tensor mine = self->from_binary(t.spec(), bytes);
  return *static_cast<mx::array*>(mine.data().get());
}

mx::array Backend::cast(const Tensor& t, Type type) const {
  mx::array a = array_of(t);
  mx::Dtype d = to_dtype(type, "emily");
  if (a.dtype() == d) return a;
  return mx::astype(a, d, mx_device(type));
}

Tensor Backend::wrap(const Spec& out, mx::array a) {
  mx::Dtype d = to_dtype(out.type, "emily");
  if (a.dtype() != d) a = mx::astype(a, d, mx_device(out.type));
  if (a.shape() != to_mx_shape(out.shape)) a = mx::reshape(a, to_mx_shape(out.shape), mx_device(out.type));
  return make(out, std::make_shared<mx::array>(std::move(a)));
}

Tensor Backend::constant(const Spec& out, const nx::Scalar& value) {
  mx::Dtype d = to_dtype(out.type, "constant");
  // Encode with Nx's conversion rules on the host, then broadcast.
  std::vector<std::uint8_t> one(static_cast<std::size_t>(nx::element_bytes(out.type)));
  nx::element::store_scalar(out.type, value, one.data());
  auto data = mx::allocator::malloc(one.size());
  std::memcpy(data.buffer().raw_ptr(), one.data(), one.size());
  mx::array s(std::move(data), mx::Shape{}, d);
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
  mx::array e = mx::eye(rows, cols, 0, to_dtype(out.type, "eye"), mx_device(out.type));
  return wrap(out, mx::broadcast_to(e, to_mx_shape(out.shape), mx_device(out.type)));
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
  auto* a = static_cast<mx::array*>(t.data().get());
  if (a->size() == 0 && a->ndim() == 1) return false;
  *a = mx::array(std::initializer_list<int>{}, mx::int32);  // drop the buffer reference
  return true;
}

Tensor Backend::backend_copy(const Tensor& t, const nx::BackendPtr& target) {
  if (target->name() == "emily") {
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
  auto* a = static_cast<mx::array*>(t.data().get());
  mx::array c = mx::contiguous(*a, false, mx_device(t.type()));
  mx::eval(c);
  *a = c;
  return nx::Pointer{nx::Pointer::Kind::local, reinterpret_cast<std::uintptr_t>(a->data<std::uint8_t>()),
                     static_cast<std::int64_t>(a->nbytes())};
}

namespace {

// Nx's float -> integer store: truncate, wrap modulo 2^bits, NaN -> 0,
// +Inf -> max, -Inf -> min (contract 1.8). `x` is a real float array.
mx::array float_to_int(const mx::array& x0, Type to, mx::Device dev) {
  mx::array x = x0.dtype() == mx::float64 ? x0 : mx::astype(x0, dev == mx::Device::cpu ? mx::float64 : mx::float32, dev);
  mx::array t = mx::trunc(mx::where(mx::isnan(x, dev), mx::array(0.0f), x, dev), dev);
  const bool wide = to.bits == 64;
  const double m = wide ? 18446744073709551616.0 : 4294967296.0;
  // Finite values: reduce into [0, 2^bits_container) exactly, then narrow.
  mx::array fin = mx::where(mx::isinf(t, dev), mx::array(0.0f), t, dev);
  mx::array red = mx::subtract(fin, mx::multiply(mx::floor(mx::divide(fin, mx::array(m), dev), dev), mx::array(m), dev), dev);
  mx::array as_u = mx::astype(red, wide ? mx::uint64 : mx::uint32, dev);
  mx::Dtype target = to_dtype(to, "as_type");
  mx::array wrapped = wide ? mx::view(as_u, target, dev) : mx::astype(as_u, target, dev);
  // |t| < 2^63 converts exactly through int64 (narrowing wraps); the
  // reduction above only serves larger magnitudes (its 2^64 - small values
  // are not representable in floating point).
  mx::array small = mx::less(mx::abs(fin, dev), mx::array(9223372036854775808.0f), dev);
  mx::array as_i64 = mx::astype(mx::where(small, fin, mx::array(0.0f), dev), mx::int64, dev);
  wrapped = mx::where(small, wide ? mx::view(as_i64, target, dev) : mx::astype(as_i64, target, dev), wrapped, dev);
  // Infinities saturate.
  auto hi = nx::element::int_max(to), lo = nx::element::int_min(to);
  mx::array vmax = to.cls == TypeClass::u && to.bits == 64 ? mx::array(static_cast<std::uint64_t>(hi), target)
                                                           : mx::array(static_cast<std::int64_t>(hi), target);
  mx::array vmin = mx::array(static_cast<std::int64_t>(lo), target);
  mx::array pos_inf = mx::logical_and(mx::isinf(t, dev), mx::greater(t, mx::array(0.0f), dev), dev);
  mx::array neg_inf = mx::logical_and(mx::isinf(t, dev), mx::less(t, mx::array(0.0f), dev), dev);
  return mx::where(pos_inf, vmax, mx::where(neg_inf, vmin, wrapped, dev), dev);
}

}  // namespace

Tensor Backend::as_type(const Spec& out, const Tensor& t) {
  mx::array a = array_of(t);
  auto dev = mx_device(out.type == nx::f64 || t.type() == nx::f64 ? nx::f64 : out.type);
  to_dtype(out.type, "as_type");
  if (nx::is_complex(t.type()) && !nx::is_complex(out.type)) a = mx::real(a, dev);
  if (nx::is_integer(out.type) && nx::is_real_float(nx::is_complex(t.type()) ? nx::to_real(t.type()) : t.type()))
    return wrap(out, float_to_int(a, out.type, dev));
  return wrap(out, mx::astype(a, to_dtype(out.type, "as_type"), dev));
}

Tensor Backend::bitcast(const Spec& out, const Tensor& t) {
  return wrap(out, mx::view(array_of(t), to_dtype(out.type, "bitcast"), mx_device(out.type)));
}

}  // namespace emily
