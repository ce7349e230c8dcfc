// Reference backend: slicing, gathering and scattering.
//
// Conventions: slice/put_slice clamp every start (static or tensor) into
// [0, dim - len] like Nx. gather/indexed_add/indexed_put raise
// nx::ArgumentError for an out-of-range or negative index, naming the op,
// the index, the axis and the shape (as Nx's reference does), before any
// result is built. indexed_put applies rows in order, so with duplicate
// positions the last row wins.
#include <algorithm>
#include <cstring>

#include "binary_backend.hpp"

namespace nx {

using host::cdouble;

using host::bytes_as;

namespace {


// Every element of an integer tensor, exactly (u64 included).
std::vector<__int128> read_ints(const Tensor& t) {
  std::vector<std::uint8_t> scratch;
  const auto& b = host::bytes_of(t, scratch);
  std::vector<__int128> v(static_cast<std::size_t>(t.size()));
  for (std::int64_t i = 0; i < t.size(); ++i) v[static_cast<std::size_t>(i)] = element::load_int(t.type(), b.data(), i);
  return v;
}

std::string int_string(__int128 v) {
  if (v < 0) return "-" + int_string(-v);
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  return s;
}

// Start indices clamped into [0, dim - len] per axis.
std::vector<std::int64_t> clamped_starts(const StartIndices& starts, const Shape& shape, const Shape& lengths) {
  std::vector<std::int64_t> out(shape.size());
  for (std::size_t d = 0; d < shape.size(); ++d) {
    __int128 s = starts.is_dynamic() ? read_ints(starts.dynamic[d])[0] : starts.fixed[d];
    __int128 hi = shape[d] - lengths[d];
    out[d] = static_cast<std::int64_t>(std::clamp<__int128>(s, 0, hi));
  }
  return out;
}

// Index rows of shape {n, k} as int64, checked against `shape` on `axes`.
std::vector<std::int64_t> checked_indices(std::string_view op, const Tensor& indices, const Shape& shape,
                                          const AxisIndices& axes) {
  auto raw = read_ints(indices);
  const std::size_t k = axes.size();
  std::vector<std::int64_t> out(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const int axis = axes[i % k];
    const __int128 v = raw[i];
    if (v < 0 || v >= shape[static_cast<std::size_t>(axis)])
      raise(op, "index " + int_string(v) + " is out of bounds for axis " + std::to_string(axis) + " in shape " +
                    shape_to_string(shape));
    out[i] = static_cast<std::int64_t>(v);
  }
  return out;
}

// The axes of `rank` not listed in `axes` (which is sorted).
AxisIndices other_axes(int rank, const AxisIndices& axes) {
  AxisIndices out;
  for (int d = 0; d < rank; ++d)
    if (std::find(axes.begin(), axes.end(), d) == axes.end()) out.push_back(d);
  return out;
}

// For index row `row` and every coordinate w of `window` (over the
// non-indexed axes `rest`), the flat position in `shape`.
template <class F>
void for_each_position(const Shape& shape, const AxisIndices& axes, const AxisIndices& rest, const Shape& window,
                       const std::int64_t* row, F&& f) {
  auto strides = host::strides_of(shape);
  std::int64_t base = 0;
  for (std::size_t j = 0; j < axes.size(); ++j) base += row[j] * strides[static_cast<std::size_t>(axes[j])];
  std::vector<std::int64_t> w(window.size(), 0);
  const std::int64_t n = shape_size(window);
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t off = base;
    for (std::size_t j = 0; j < rest.size(); ++j) off += w[j] * strides[static_cast<std::size_t>(rest[j])];
    f(i, off);
    host::next_index(w, window);
  }
}

}  // namespace

Tensor BinaryBackend::slice(const Spec& out, const Tensor& t, const StartIndices& starts,
                            const std::vector<std::int64_t>& lengths, const std::vector<std::int64_t>& strides) {
  auto start = clamped_starts(starts, t.shape(), lengths);
  const int eb = element_bytes(t.type());
  std::vector<std::uint8_t> scratch;
  const auto& src = host::bytes_of(t, scratch);
  auto in_strides = host::strides_of(t.shape());
  std::vector<std::uint8_t> dst(static_cast<std::size_t>(out.size() * eb));
  std::vector<std::int64_t> idx(out.shape.size(), 0);
  for (std::int64_t i = 0; i < out.size(); ++i) {
    std::int64_t off = 0;
    for (std::size_t d = 0; d < idx.size(); ++d) off += (start[d] + idx[d] * strides[d]) * in_strides[d];
    std::memcpy(dst.data() + i * eb, src.data() + off * eb, static_cast<std::size_t>(eb));
    host::next_index(idx, out.shape);
  }
  return host::write_bytes(out, std::move(dst));
}

Tensor BinaryBackend::put_slice(const Spec& out, const Tensor& t, const StartIndices& starts, const Tensor& slice) {
  auto start = clamped_starts(starts, t.shape(), slice.shape());
  const int eb = element_bytes(out.type);
  auto dst = bytes_as(t, out.type);
  auto src = bytes_as(slice, out.type);
  auto out_strides = host::strides_of(t.shape());
  std::vector<std::int64_t> idx(slice.shape().size(), 0);
  for (std::int64_t i = 0; i < slice.size(); ++i) {
    std::int64_t off = 0;
    for (std::size_t d = 0; d < idx.size(); ++d) off += (start[d] + idx[d]) * out_strides[d];
    std::memcpy(dst.data() + off * eb, src.data() + i * eb, static_cast<std::size_t>(eb));
    host::next_index(idx, slice.shape());
  }
  return host::write_bytes(out, std::move(dst));
}

Tensor BinaryBackend::gather(const Spec& out, const Tensor& t, const Tensor& indices, const AxisIndices& axes) {
  auto idx = checked_indices("gather", indices, t.shape(), axes);
  const std::size_t k = axes.size();
  const std::int64_t rows = static_cast<std::int64_t>(idx.size() / k);
  AxisIndices rest = other_axes(t.rank(), axes);
  Shape window;
  for (int a : rest) window.push_back(t.shape()[static_cast<std::size_t>(a)]);
  const std::int64_t wsize = shape_size(window);
  const int eb = element_bytes(t.type());
  std::vector<std::uint8_t> scratch;
  const auto& src = host::bytes_of(t, scratch);
  std::vector<std::uint8_t> dst(static_cast<std::size_t>(out.size() * eb));
  for (std::int64_t r = 0; r < rows; ++r)
    for_each_position(t.shape(), axes, rest, window, idx.data() + r * static_cast<std::int64_t>(k),
                      [&](std::int64_t w, std::int64_t off) {
                        std::memcpy(dst.data() + (r * wsize + w) * eb, src.data() + off * eb,
                                    static_cast<std::size_t>(eb));
                      });
  return host::write_bytes(out, std::move(dst));
}

namespace {

// indexed_add (add = true) / indexed_put: indices {n, k}, updates {n, window...}.
Tensor indexed(std::string_view op, const Spec& out, const Tensor& target, const Tensor& indices,
               const Tensor& updates, const AxisIndices& axes, bool add) {
  auto idx = checked_indices(op, indices, target.shape(), axes);
  const std::int64_t k = static_cast<std::int64_t>(axes.size());
  const std::int64_t rows = indices.dim(0);
  AxisIndices rest = other_axes(target.rank(), axes);
  Shape window(updates.shape().begin() + 1, updates.shape().end());
  const std::int64_t wsize = shape_size(window);
  if (!add) {
    const int eb = element_bytes(out.type);
    auto dst = bytes_as(target, out.type);
    auto src = bytes_as(updates, out.type);
    for (std::int64_t r = 0; r < rows; ++r)
      for_each_position(target.shape(), axes, rest, window, idx.data() + r * k, [&](std::int64_t w, std::int64_t off) {
        std::memcpy(dst.data() + off * eb, src.data() + (r * wsize + w) * eb, static_cast<std::size_t>(eb));
      });
    return host::write_bytes(out, std::move(dst));
  }
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    Spec as_out{target.shape(), out.type, {}};
    auto acc = host::read<C>(binary_backend()->as_type(as_out, target));
    auto upd = host::read<C>(binary_backend()->as_type(Spec{updates.shape(), out.type, {}}, updates));
    for (std::int64_t r = 0; r < rows; ++r)
      for_each_position(target.shape(), axes, rest, window, idx.data() + r * k, [&](std::int64_t w, std::int64_t off) {
        C& a = acc[static_cast<std::size_t>(off)];
        const C u = upd[static_cast<std::size_t>(r * wsize + w)];
        if constexpr (std::is_integral_v<C>)  // wraps like Nx (no signed overflow UB)
          a = static_cast<C>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(u));
        else
          a = a + u;
      });
    return host::write(out, acc);
  });
}

}  // namespace

Tensor BinaryBackend::indexed_add(const Spec& out, const Tensor& target, const Tensor& indices,
                                  const Tensor& updates, const AxisIndices& axes) {
  return indexed("indexed_add", out, target, indices, updates, axes, true);
}

Tensor BinaryBackend::indexed_put(const Spec& out, const Tensor& target, const Tensor& indices,
                                  const Tensor& updates, const AxisIndices& axes) {
  return indexed("indexed_put", out, target, indices, updates, axes, false);
}

}  // namespace nx
