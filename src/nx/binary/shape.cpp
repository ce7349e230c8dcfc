// Reference backend: shape and layout callbacks. These move elements without computing on them, so they work on the
// unpacked element bytes of any type; inputs whose type differs from the
// output's are converted once with as_type (Nx's conversion rules).
#include <cstring>

#include "binary_backend.hpp"

namespace nx {

using host::bytes_as;

namespace {


// Copies src elements into an array of `out_shape`: output element at index
// i reads src[base + sum(i_d * steps_d)] (steps may be 0 or negative).
std::vector<std::uint8_t> strided_copy(const std::vector<std::uint8_t>& src, int eb, const Shape& out_shape,
                                       std::int64_t base, const std::vector<std::int64_t>& steps) {
  const std::int64_t n = shape_size(out_shape);
  const int r = static_cast<int>(out_shape.size());
  std::vector<std::uint8_t> out(static_cast<std::size_t>(n * eb));
  std::vector<std::int64_t> idx(static_cast<std::size_t>(r), 0);
  std::int64_t off = base;
  for (std::int64_t i = 0; i < n; ++i) {
    std::memcpy(out.data() + i * eb, src.data() + off * eb, static_cast<std::size_t>(eb));
    for (int d = r - 1; d >= 0; --d) {
      auto ud = static_cast<std::size_t>(d);
      if (++idx[ud] < out_shape[ud]) {
        off += steps[ud];
        break;
      }
      off -= steps[ud] * (idx[ud] - 1);
      idx[ud] = 0;
    }
  }
  return out;
}

// Concatenates tensors (already of the output type, equal rank) along `axis`.
std::vector<std::uint8_t> join(const std::vector<std::vector<std::uint8_t>>& parts, const std::vector<Shape>& shapes,
                               int axis, int eb, std::int64_t total) {
  std::int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= shapes[0][static_cast<std::size_t>(d)];
  std::vector<std::uint8_t> out(static_cast<std::size_t>(total * eb));
  std::uint8_t* dst = out.data();
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const std::int64_t chunk = shape_size(shapes[k]) / outer * eb;
      std::memcpy(dst, parts[k].data() + o * chunk, static_cast<std::size_t>(chunk));
      dst += chunk;
    }
  }
  return out;
}

}  // namespace

Tensor BinaryBackend::reshape(const Spec& out, const Tensor& t) {
  std::vector<std::uint8_t> scratch;
  return host::write_bytes(out, host::bytes_of(t, scratch));
}

Tensor BinaryBackend::squeeze(const Spec& out, const Tensor& t, const AxisIndices&) { return reshape(out, t); }

Tensor BinaryBackend::broadcast(const Spec& out, const Tensor& t, const Shape& shape, const AxisIndices& axes) {
  std::vector<std::uint8_t> scratch;
  const auto& src = host::bytes_of(t, scratch);
  auto in_strides = host::strides_of(t.shape());
  std::vector<std::int64_t> steps(shape.size(), 0);
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (t.shape()[i] != 1) steps[static_cast<std::size_t>(axes[i])] = in_strides[i];
  return host::write_bytes(out, strided_copy(src, element_bytes(t.type()), shape, 0, steps));
}

Tensor BinaryBackend::transpose(const Spec& out, const Tensor& t, const AxisIndices& axes) {
  std::vector<std::uint8_t> scratch;
  const auto& src = host::bytes_of(t, scratch);
  auto in_strides = host::strides_of(t.shape());
  std::vector<std::int64_t> steps(axes.size());
  for (std::size_t i = 0; i < axes.size(); ++i) steps[i] = in_strides[static_cast<std::size_t>(axes[i])];
  return host::write_bytes(out, strided_copy(src, element_bytes(t.type()), out.shape, 0, steps));
}

Tensor BinaryBackend::reverse(const Spec& out, const Tensor& t, const AxisIndices& axes) {
  std::vector<std::uint8_t> scratch;
  const auto& src = host::bytes_of(t, scratch);
  auto steps = host::strides_of(t.shape());
  std::int64_t base = 0;
  for (int a : axes) {
    auto ua = static_cast<std::size_t>(a);
    base += (t.shape()[ua] - 1) * steps[ua];
    steps[ua] = -steps[ua];
  }
  return host::write_bytes(out, strided_copy(src, element_bytes(t.type()), out.shape, base, steps));
}

Tensor BinaryBackend::pad(const Spec& out, const Tensor& t, const Tensor& pad_value,
                          const std::vector<PadConfig>& config) {
  const int eb = element_bytes(out.type);
  auto value = bytes_as(pad_value, out.type);
  auto src = bytes_as(t, out.type);
  std::vector<std::uint8_t> dst(static_cast<std::size_t>(out.size() * eb));
  for (std::int64_t i = 0; i < out.size(); ++i)
    std::memcpy(dst.data() + i * eb, value.data(), static_cast<std::size_t>(eb));
  // Each input element lands at low + i * (interior + 1) per axis; negative
  // low/high crop, so positions outside the output are dropped.
  const int r = t.rank();
  auto out_strides = host::strides_of(out.shape);
  std::vector<std::int64_t> idx(static_cast<std::size_t>(r), 0);
  for (std::int64_t i = 0; i < t.size(); ++i) {
    std::int64_t off = 0;
    bool inside = true;
    for (int d = 0; d < r && inside; ++d) {
      auto ud = static_cast<std::size_t>(d);
      std::int64_t p = config[ud].low + idx[ud] * (config[ud].interior + 1);
      inside = p >= 0 && p < out.shape[ud];
      off += p * out_strides[ud];
    }
    if (inside) std::memcpy(dst.data() + off * eb, src.data() + i * eb, static_cast<std::size_t>(eb));
    host::next_index(idx, t.shape());
  }
  return host::write_bytes(out, std::move(dst));
}

Tensor BinaryBackend::concatenate(const Spec& out, const std::vector<Tensor>& tensors, int axis) {
  std::vector<std::vector<std::uint8_t>> parts;
  std::vector<Shape> shapes;
  for (const auto& t : tensors) {
    parts.push_back(bytes_as(t, out.type));
    shapes.push_back(t.shape());
  }
  return host::write_bytes(out, join(parts, shapes, axis, element_bytes(out.type), out.size()));
}

Tensor BinaryBackend::stack(const Spec& out, const std::vector<Tensor>& tensors, int axis) {
  // Stacking = concatenating inputs that have a new size-1 axis at `axis`.
  std::vector<std::vector<std::uint8_t>> parts;
  std::vector<Shape> shapes;
  for (const auto& t : tensors) {
    parts.push_back(bytes_as(t, out.type));
    Shape s = t.shape();
    s.insert(s.begin() + axis, 1);
    shapes.push_back(s);
  }
  return host::write_bytes(out, join(parts, shapes, axis, element_bytes(out.type), out.size()));
}

}  // namespace nx
