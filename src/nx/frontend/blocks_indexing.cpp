// Default compositions of the indexing blocks (Nx.Block.Take and
// Nx.Block.TakeAlongAxis): both become one gather.
#include "common.hpp"

namespace nx {

namespace {

// Errors of the inner gather (out-of-range indices) name the block called.
template <class F>
Tensor naming(std::string_view op, F&& f) {
  try {
    return f();
  } catch (const ArgumentError& e) {
    const std::string m = e.what(), inner = "gather: ";
    if (m.rfind(inner, 0) == 0) raise(op, m.substr(inner.size()));
    throw;
  }
}

}  // namespace

Tensor Backend::take(const Spec& out, const Tensor& t, const Tensor& indices, int axis) {
  detail::note_composed("take");
  return naming("take", [&] {
    // gather with one-column indices on [axis] gives idx dims ++ the other dims
    // of t; a transpose then moves the idx dims to position `axis`.
    Shape column = indices.shape();
    column.push_back(1);
    Tensor idx = reshape(Spec{column, indices.type(), {}}, indices);
    Shape gathered = indices.shape();
    for (int d = 0; d < t.rank(); ++d)
      if (d != axis) gathered.push_back(t.dim(d));
    const int m = indices.rank();
    if (axis == 0 || m == 0) {
      Tensor g = gather(out, t, idx, {axis});
      return Tensor(out, g.backend(), g.payload());
    }
    Tensor g = gather(Spec{gathered, out.type, {}}, t, idx, {axis});
    AxisIndices perm;
    for (int i = 0; i < out.rank(); ++i) perm.push_back(i < axis ? m + i : i < axis + m ? i - axis : i);
    return transpose(out, g, perm);
  });
}

Tensor Backend::take_along_axis(const Spec& out, const Tensor& t, const Tensor& indices, int axis) {
  detail::note_composed("take_along_axis");
  // Full coordinates: idx on `axis`, the position itself on every other
  // axis, stacked on a new last axis; then one gather over all axes.
  const int r = t.rank();
  // s64 coordinates (u64 kept as is, so huge indices stay out of range).
  const Type ct = indices.type() == u64 ? u64 : s64;
  Shape column = indices.shape();
  column.push_back(1);
  const Spec part{column, ct, {}};
  std::vector<Tensor> parts;
  AxisIndices all;
  for (int d = 0; d < r; ++d) {
    all.push_back(d);
    Tensor c = d == axis ? (indices.type() == ct ? indices : as_type(Spec{indices.shape(), ct, {}}, indices))
                         : iota(Spec{indices.shape(), ct, {}}, d);
    parts.push_back(reshape(part, c));
  }
  Shape coords_shape = indices.shape();
  coords_shape.push_back(r);
  Tensor coords = r == 1 ? parts[0] : concatenate(Spec{coords_shape, ct, {}}, parts, r);
  return naming("take_along_axis", [&] { return gather(out, t, coords, all); });
}

}  // namespace nx
