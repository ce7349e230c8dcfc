// Reference backend: creation, conversion and transfer callbacks.
#include <cstring>

#include "binary_backend.hpp"

namespace nx {

Tensor BinaryBackend::constant(const Spec& out, const Scalar& value) {
  const int eb = element_bytes(out.type);
  std::vector<std::uint8_t> one(static_cast<std::size_t>(eb));
  element::store_scalar(out.type, value, one.data());
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(out.size() * eb));
  for (std::int64_t i = 0; i < out.size(); ++i)
    std::memcpy(bytes.data() + i * eb, one.data(), static_cast<std::size_t>(eb));
  return host::write_bytes(out, std::move(bytes));
}

Tensor BinaryBackend::from_binary(const Spec& out, std::span<const std::uint8_t> bytes) {
  return host::write_bytes(out, element::unpack(out.type, bytes, out.size()));
}

Tensor BinaryBackend::eye(const Spec& out) {
  const int r = out.rank();
  const std::int64_t rows = out.shape[static_cast<std::size_t>(r - 2)];
  const std::int64_t cols = out.shape[static_cast<std::size_t>(r - 1)];
  std::vector<std::int64_t> v(static_cast<std::size_t>(out.size()), 0);
  for (std::int64_t i = 0; i < out.size(); ++i) {
    std::int64_t c = i % cols, rr = (i / cols) % rows;
    v[static_cast<std::size_t>(i)] = rr == c ? 1 : 0;
  }
  return host::write(out, v);
}

Tensor BinaryBackend::iota(const Spec& out, std::optional<int> axis) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(out.size()));
  if (!axis) {
    for (std::int64_t i = 0; i < out.size(); ++i) v[static_cast<std::size_t>(i)] = i;
  } else {
    auto st = host::strides_of(out.shape);
    const auto a = static_cast<std::size_t>(*axis);
    for (std::int64_t i = 0; i < out.size(); ++i)
      v[static_cast<std::size_t>(i)] = (i / st[a]) % out.shape[a];
  }
  return host::write(out, v);
}

bool BinaryBackend::backend_deallocate(const Tensor& t) {
  auto& d = host::data_of(t);
  if (d.deallocated) return false;
  d.deallocated = true;
  d.bytes.clear();
  d.bytes.shrink_to_fit();
  return true;
}

Tensor BinaryBackend::backend_copy(const Tensor& t, const BackendPtr& target) {
  if (target.get() == this) {
    std::vector<std::uint8_t> scratch;
    return host::write_bytes(t.spec(), host::bytes_of(t, scratch));
  }
  return Backend::backend_copy(t, target);
}

std::vector<Tensor> BinaryBackend::to_batched(const Spec& out, const Tensor& t, Leftover leftover) {
  std::vector<std::uint8_t> scratch;
  const auto& bytes = host::bytes_of(t, scratch);
  const std::int64_t rows = t.dim(0), batch = out.shape[0];
  const std::int64_t row_bytes = (t.size() / rows) * element_bytes(t.type());
  std::vector<Tensor> result;
  for (std::int64_t start = 0; start < rows; start += batch) {
    if (start + batch > rows && leftover == Leftover::discard) break;
    std::vector<std::uint8_t> b(static_cast<std::size_t>(batch * row_bytes));
    for (std::int64_t r = 0; r < batch; ++r) {
      std::int64_t src = (start + r) % rows;  // :repeat wraps to the start
      std::memcpy(b.data() + r * row_bytes, bytes.data() + src * row_bytes,
                  static_cast<std::size_t>(row_bytes));
    }
    result.push_back(host::write_bytes(out, std::move(b)));
  }
  return result;
}

std::vector<std::uint8_t> BinaryBackend::to_binary(const Tensor& t, std::int64_t limit) {
  std::vector<std::uint8_t> scratch;
  const auto& bytes = host::bytes_of(t, scratch);
  return element::pack(t.type(), bytes.data(), std::min(limit, t.size()));
}

Tensor BinaryBackend::from_pointer(const Spec& out, const Pointer& pointer) {
  if (pointer.kind != Pointer::Kind::local)
    raise("from_pointer", "the binary backend supports only local (host) pointers");
  if (is_sub_byte(out.type)) raise("from_pointer", "sub-byte types have no pointer layout");
  const std::int64_t n = out.size() * element_bytes(out.type);
  if (pointer.data_size < n)
    raise("from_pointer", "data_size " + std::to_string(pointer.data_size) + " is smaller than " +
                              std::to_string(n) + " bytes");
  const auto* p = reinterpret_cast<const std::uint8_t*>(pointer.address);
  return host::write_bytes(out, std::vector<std::uint8_t>(p, p + n));
}

Pointer BinaryBackend::to_pointer(const Tensor& t) {
  if (is_sub_byte(t.type())) raise("to_pointer", "sub-byte types have no pointer layout");
  auto& d = host::data_of(t);
  return Pointer{Pointer::Kind::local, reinterpret_cast<std::uintptr_t>(d.bytes.data()),
                 static_cast<std::int64_t>(d.bytes.size())};
}

Tensor BinaryBackend::as_type(const Spec& out, const Tensor& t) {
  // Load in the compute type of the *source* so that float->int and
  // complex->real conversions see the exact value, then store once.
  return host::with_compute(t.type(), [&](auto tag) {
    using C = decltype(tag);
    return host::write<C>(out, host::read<C>(t));
  });
}

Tensor BinaryBackend::bitcast(const Spec& out, const Tensor& t) {
  std::vector<std::uint8_t> scratch;
  const auto& bytes = host::bytes_of(t, scratch);
  if (!is_sub_byte(t.type())) return host::write_bytes(out, bytes);
  // Sub-byte: re-interpret through the packed layout.
  auto packed = element::pack(t.type(), bytes.data(), t.size());
  return host::write_bytes(out, element::unpack(out.type, packed, out.size()));
}

}  // namespace nx
