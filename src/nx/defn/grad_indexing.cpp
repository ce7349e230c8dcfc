// Gradient rules of gathering, scattering and sorting. Every read of
// positions (gather, take, take_along_axis, sort, top_k) has the scatter-add
// of g back to those positions as its gradient, so repeated indices
// accumulate; scatters get a gather of g for their updates. Indices and
// argsort outputs are integers and carry no gradient.
#include <numeric>

#include "grad.hpp"

namespace nx::defn::grad {

namespace {

Tensor positions(const Shape& shape, int axis) {
  IotaOptions o;
  o.type = s64;
  o.axis = axis;
  o.backend = expr_backend();
  return nx::iota(shape, o);
}

// Scatter-adds `rows` ({n, rest...}: one row per index row) into zeros of
// `target` at `indices` ({n, k}) over `axes`: the gradient of a gather.
Tensor scatter_rows(const Tensor& rows, const Tensor& indices, const AxisIndices& axes, const Spec& target) {
  if (indices.dim(0) == 0) return zeros(target);  // nothing was read
  return nx::indexed_add(zeros(target), indices, rows, {.axes = axes});
}

// The gradient of take_along_axis(t, indices, axis) with respect to t (also
// sort and top_k, whose outputs are such a take): each element of g goes
// back to the position its value came from. Full coordinates (the index on
// `axis`, the element's own position elsewhere) make it one scatter-add.
Tensor scatter_along_axis(const Tensor& g, const Tensor& indices, int axis, const Spec& target) {
  const int r = indices.rank();
  const std::int64_t n = shape_size(indices.shape());
  std::vector<Tensor> columns;
  for (int d = 0; d < r; ++d) {
    Tensor c = d == axis ? nx::as_type(indices, s64) : positions(indices.shape(), d);
    columns.push_back(nx::reshape(c, {n, 1}));
  }
  AxisIndices all(static_cast<std::size_t>(r));
  std::iota(all.begin(), all.end(), 0);
  Tensor coords = r == 1 ? columns[0] : nx::concatenate(columns, 1);
  return scatter_rows(nx::reshape(g, {n}), coords, all, target);
}

// The rows that a scatter wrote ({n, window...} of `updates`), read back
// from g: a gather, cropped to the update window when it is smaller than
// the non-indexed axes.
Tensor gather_updates(const Tensor& g, const Tensor& indices, const AxisIndices& axes, const Tensor& updates) {
  Tensor rows = nx::gather(g, indices, {.axes = axes});
  if (rows.shape() == updates.shape()) return rows;
  return nx::slice(rows, std::vector<std::int64_t>(static_cast<std::size_t>(updates.rank()), 0), updates.shape());
}

Shape other_dims(const Tensor& t, const AxisIndices& axes) {
  Shape s;
  for (int d = 0; d < t.rank(); ++d)
    if (std::find(axes.begin(), axes.end(), d) == axes.end()) s.push_back(t.dim(d));
  return s;
}

}  // namespace

std::vector<Tensor> indexing(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& gs) {
  const Tensor& g = gs[0];
  const Tensor& t = n.inputs[0];
  std::vector<Tensor> r(n.inputs.size());  // indices: no gradient
  switch (n.op) {
    case Op::gather: {
      // indices {batch..., k}; g {batch..., rest...}: flatten the batch to rows.
      const auto& axes = std::any_cast<const AxesArgs&>(n.args).axes;
      const Tensor& idx = n.inputs[1];
      const std::int64_t k = idx.dim(idx.rank() - 1);
      const std::int64_t rows = shape_size(idx.shape()) / std::max<std::int64_t>(k, 1);
      Shape row_shape = other_dims(t, axes);
      row_shape.insert(row_shape.begin(), rows);
      r[0] = scatter_rows(nx::reshape(g, row_shape), nx::reshape(idx, {rows, k}), axes, t.spec());
      return r;
    }
    case Op::indexed_add: {
      const auto& axes = std::any_cast<const AxesArgs&>(n.args).axes;
      r[0] = g;
      r[2] = gather_updates(g, n.inputs[1], axes, n.inputs[2]);
      return r;
    }
    case Op::indexed_put: {
      // The target keeps g except where it was overwritten. Like Nx, every
      // update row gets g at its position, so with duplicate indices each of
      // the rows gets it although only one of them (the last, on the
      // reference backend) is in the result.
      const auto& axes = std::any_cast<const AxesArgs&>(n.args).axes;
      const Tensor& upd = n.inputs[2];
      r[0] = nx::indexed_put(g, n.inputs[1], zeros(Spec{upd.shape(), g.type(), {}}), {.axes = axes});
      r[2] = gather_updates(g, n.inputs[1], axes, upd);
      return r;
    }
    case Op::take: {
      // g is t's shape with `axis` replaced by the index dims: move those to
      // the front, flatten them to rows and scatter the rows on `axis`.
      const int axis = std::any_cast<const AxisArgs&>(n.args).axis;
      const Tensor& idx = n.inputs[1];
      const int m = idx.rank();
      AxisIndices perm;
      for (int d = axis; d < axis + m; ++d) perm.push_back(d);
      for (int d = 0; d < axis; ++d) perm.push_back(d);
      for (int d = axis + m; d < g.rank(); ++d) perm.push_back(d);
      const bool moved = axis != 0 && m != 0;
      const std::int64_t rows = shape_size(idx.shape());
      Shape row_shape = other_dims(t, {axis});
      row_shape.insert(row_shape.begin(), rows);
      Tensor gr = nx::reshape(moved ? nx::transpose(g, perm) : g, row_shape);
      r[0] = scatter_rows(gr, nx::reshape(idx, {rows, 1}), {axis}, t.spec());
      return r;
    }
    case Op::take_along_axis:
      r[0] = scatter_along_axis(g, n.inputs[1], std::any_cast<const AxisArgs&>(n.args).axis, t.spec());
      return r;
    case Op::sort: {
      // sort(t) = take_along_axis(t, argsort(t)) with the same options; ties
      // only decide which of equal values gets which gradient.
      const auto& o = std::any_cast<const SortCallbackOptions&>(n.args);
      const SortOptions opts{.axis = o.axis, .direction = o.direction, .stable = o.stable, .type = s64};
      r[0] = scatter_along_axis(g, nx::argsort(t, opts), o.axis, t.spec());
      return r;
    }
    case Op::top_k:
      // The node's own indices output says where each value came from.
      if (!g.defined()) return r;
      r[0] = scatter_along_axis(g, self.at(1), t.rank() - 1, t.spec());
      return r;
    case Op::argsort: return r;
    default: not_differentiable(n, "not an indexing or sorting op");
  }
}

}  // namespace nx::defn::grad
