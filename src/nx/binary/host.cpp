#include "host.hpp"

#include "binary_backend.hpp"

namespace nx::host {

const std::vector<std::uint8_t>& bytes_of(const Tensor& t, std::vector<std::uint8_t>& scratch) {
  if (t.backend()->is_reference()) {
    const auto& d = data_of(t);
    if (d.deallocated) raise("binary backend", "tensor was deallocated");
    return d.bytes;
  }
  auto packed = t.backend()->to_binary(t, t.size());
  scratch = element::unpack(t.type(), packed, t.size());
  return scratch;
}

std::vector<std::uint8_t> bytes_as(const Tensor& t, Type type) {
  std::vector<std::uint8_t> scratch;
  if (t.type() == type) return bytes_of(t, scratch);
  Tensor c = binary_backend()->as_type(Spec{t.shape(), type, {}}, t);
  return bytes_of(c, scratch);
}

std::vector<std::int64_t> strides_of(const Shape& shape) {
  std::vector<std::int64_t> s(shape.size(), 1);
  for (int d = static_cast<int>(shape.size()) - 2; d >= 0; --d)
    s[static_cast<std::size_t>(d)] = s[static_cast<std::size_t>(d) + 1] * shape[static_cast<std::size_t>(d) + 1];
  return s;
}

template <class C>
std::vector<C> read_broadcast(const Tensor& t, const Shape& shape) {
  std::vector<C> src = read<C>(t);
  if (t.shape() == shape) return src;
  const std::int64_t n = shape_size(shape);
  std::vector<C> out(static_cast<std::size_t>(n));
  if (t.size() == 1) {
    std::fill(out.begin(), out.end(), src[0]);
    return out;
  }
  // Source strides aligned to the right of `shape`; 0 on broadcast dims.
  const int r = static_cast<int>(shape.size());
  const int tr = t.rank();
  auto ts = strides_of(t.shape());
  std::vector<std::int64_t> st(static_cast<std::size_t>(r), 0);
  for (int d = 0; d < tr; ++d) {
    int od = r - tr + d;
    st[static_cast<std::size_t>(od)] = t.dim(d) == 1 ? 0 : ts[static_cast<std::size_t>(d)];
  }
  std::vector<std::int64_t> idx(static_cast<std::size_t>(r), 0);
  std::int64_t off = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] = src[static_cast<std::size_t>(off)];
    for (int d = r - 1; d >= 0; --d) {
      auto ud = static_cast<std::size_t>(d);
      if (++idx[ud] < shape[ud]) {
        off += st[ud];
        break;
      }
      off -= st[ud] * (idx[ud] - 1);
      idx[ud] = 0;
    }
  }
  return out;
}


Tensor write_bytes(const Spec& out, std::vector<std::uint8_t> bytes) {
  auto data = std::make_shared<HostData>();
  data->bytes = std::move(bytes);
  return Tensor(out, binary_backend(), std::move(data));
}

template <class C>
Tensor write(const Spec& out, const std::vector<C>& values) {
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(out.size() * element_bytes(out.type)));
  element::store<C>(out.type, values.data(), out.size(), bytes.data());
  return write_bytes(out, std::move(bytes));
}

#define NX_INSTANTIATE(C)                                                         \
  template std::vector<C> read_broadcast<C>(const Tensor&, const Shape&);         \
  template Tensor write<C>(const Spec&, const std::vector<C>&);
NX_INSTANTIATE(std::int64_t)
NX_INSTANTIATE(std::uint64_t)
NX_INSTANTIATE(double)
NX_INSTANTIATE(cdouble)
#undef NX_INSTANTIATE

}  // namespace nx::host

namespace nx {
BackendPtr binary_backend() {
  static const BackendPtr instance = std::make_shared<BinaryBackend>();
  return instance;
}
}  // namespace nx
