// Gradient rules of Nx.LinAlg's blocks (Nx's custom gradients) and the FFT
// family. Matrices are the last two axes; leading axes are a
// batch, carried through every product and solve.
//
// Complex values follow Nx: holomorphic maps (solve, determinant, the FFTs)
// pass g without conjugation, while the decomposition rules use adjoints
// where Nx's do; the decompositions are checked on real inputs only.
//
// eigh and cholesky read one triangle of their input. Like Nx, their rules
// return the gradient with respect to a symmetric input (eigh: a symmetric
// matrix; cholesky: Nx's L^-H Phi(L^T tril(G)) L^-1), so finite-difference checks
// symmetrise the input first.
#include "grad.hpp"

namespace nx::defn::grad {

namespace {

AxisIndices batch_of(int rank) {
  AxisIndices a;
  for (int i = 0; i < rank - 2; ++i) a.push_back(i);
  return a;
}

std::int64_t last(const Tensor& t) { return t.dim(t.rank() - 1); }

Tensor mT(const Tensor& t) {
  AxisIndices p;
  for (int i = 0; i < t.rank(); ++i) p.push_back(i);
  std::swap(p[p.size() - 1], p[p.size() - 2]);
  return nx::transpose(t, p);
}
Tensor conj_if(const Tensor& t) { return is_complex(t.type()) ? nx::conjugate(t) : t; }
Tensor adj(const Tensor& t) { return conj_if(mT(t)); }

// Batched matrix product over the leading axes.
Tensor mm(const Tensor& a, const Tensor& b) {
  const int r = a.rank();
  return nx::dot(a, {r - 1}, batch_of(r), b, {r - 2}, batch_of(r));
}

Tensor eye_of(std::int64_t n, Type type) { return nx::eye(n, {.type = type, .names = {}, .backend = expr_backend()}); }

// v [..., k] with a size-1 axis inserted before (column scale) or after (row scale) its last axis.
Tensor as_row(const Tensor& v) {
  Shape s = v.shape();
  s.insert(s.end() - 1, 1);
  return nx::reshape(v, s);
}
Tensor as_col(const Tensor& v) {
  Shape s = v.shape();
  s.push_back(1);
  return nx::reshape(v, s);
}
// Diagonal matrices [..., k, k] from v [..., k]; an eye mask keeps it differentiable by the dense rules.
Tensor diag(const Tensor& v) { return nx::multiply(as_row(v), eye_of(last(v), v.type())); }

// F_ij = 1 / (d_j - d_i) off the diagonal, 0 on it.
Tensor gap_inverse(const Tensor& d) {
  Tensor diff = nx::subtract(as_row(d), as_col(d));
  Tensor on_diag = nx::broadcast(eye_of(last(d), u8), diff.shape());
  return nx::select(on_diag, 0, nx::divide(1, nx::select(on_diag, 1, diff)));
}

Tensor or_zeros(const Tensor& g, const Tensor& like) { return g.defined() ? g : zeros(like.spec()); }

TriangularSolveOptions ts(bool lower, bool left_side, Transform t) { return {lower, left_side, t}; }

std::vector<Tensor> triangular_solve_grad(const Node& n, const Tensor& x, const Tensor& g) {
  const auto& o = std::any_cast<const TriangularSolveOptions&>(n.args);
  const Tensor &a = n.inputs[0], &b = n.inputs[1];
  // A vector b is a column (left side) or a row (right side).
  const bool vec = b.rank() == a.rank() - 1;
  auto as_matrix = [&](const Tensor& t) { return !vec ? t : o.left_side ? as_col(t) : as_row(t); };
  Tensor xm = as_matrix(x), gm = as_matrix(g);
  // With T = op(A): left X = T^-1 B gives gB = T^-H G, gT = -gB X^H; right
  // X = B T^-1 gives gB = G T^-H, gT = -X^H gB. T^H = conj(op(A))^T.
  Tensor base = o.transform_a == Transform::conjugate ? a : conj_if(a);
  const Transform flip = o.transform_a == Transform::transpose ? Transform::none : Transform::transpose;
  Tensor gb = nx::linalg::triangular_solve(base, gm, ts(o.lower, o.left_side, flip));
  Tensor gt = nx::negate(o.left_side ? mm(gb, adj(xm)) : mm(adj(xm), gb));
  Tensor ga = o.transform_a == Transform::transpose ? mT(gt) : o.transform_a == Transform::conjugate ? conj_if(gt) : gt;
  // Only A's triangle is read.
  ga = o.lower ? nx::tril(ga) : nx::triu(ga);
  return {ga, vec ? nx::reshape(gb, b.shape()) : gb};
}

std::vector<Tensor> solve_grad(const Node& n, const Tensor& x, const Tensor& g) {
  const Tensor &a = n.inputs[0], &b = n.inputs[1];
  const bool vec = b.rank() == a.rank() - 1;
  Tensor xm = vec ? as_col(x) : x, gm = vec ? as_col(g) : g;
  // X = A^-1 B: gB = A^-T G, gA = -gB X^T (holomorphic: no conjugation).
  Tensor gb = nx::linalg::solve(mT(a), gm);
  Tensor ga = nx::negate(mm(gb, mT(xm)));
  return {ga, vec ? nx::reshape(gb, b.shape()) : gb};
}

// Nx's rule: gA = L^-H Phi(L^T tril(G)) L^-1, Phi = lower triangle with the diagonal halved.
Tensor cholesky_grad(const Tensor& l, const Tensor& g) {
  Tensor num = mm(mT(l), nx::tril(g));
  Tensor phi = nx::tril(nx::divide(num, nx::add(eye_of(last(l), l.type()), 1)));
  Tensor bm = nx::linalg::triangular_solve(l, phi, ts(true, true, Transform::transpose));
  return nx::linalg::triangular_solve(conj_if(l), bm, ts(true, false, Transform::none));
}

// A = QR with R's leading block square (tall, square or complete-tall):
// gA = (gQ + Q copyltu(M)) R^-H, M = R gR^H - gQ^H Q, copyltu copying the
// lower triangle onto the upper. In complete mode only the first k columns
// of the product enter, so Q's extra columns (an arbitrary basis of the
// complement) take no gradient, as in Nx.
Tensor qr_square(const Tensor& q, const Tensor& r, const Tensor& gq, const Tensor& gr) {
  const int rank = r.rank();
  const std::int64_t k = last(r);
  Tensor r_sq = nx::slice_along_axis(r, 0, k, rank - 2);
  Tensor m = nx::subtract(mm(r, adj(gr)), mm(adj(gq), q));
  Tensor ltu = nx::add(nx::tril(m), adj(nx::tril(m, -1)));
  Tensor b = nx::slice_along_axis(nx::add(gq, mm(q, ltu)), 0, k, rank - 1);
  // X R^H = b.
  return nx::linalg::triangular_solve(conj_if(r_sq), b, ts(false, false, Transform::transpose));
}

std::vector<Tensor> qr_grad(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& gs) {
  if (!gs[0].defined() && !gs[1].defined()) return none(n);
  const Tensor &q = self[0], &r = self[1];
  Tensor gq = or_zeros(gs[0], q), gr = or_zeros(gs[1], r);
  const int rank = r.rank();
  const std::int64_t m = q.dim(rank - 2), cols = last(r);
  if (r.dim(rank - 2) >= cols) return {qr_square(q, r, gq, gr)};
  // Wide: A = [X | Y] = Q [U | V]. Q and U depend on X alone and V = Q^H Y,
  // so X takes the square rule with gQ + (QV) gV^H and Y takes Q gV.
  Tensor u = nx::slice_along_axis(r, 0, m, rank - 1), v = nx::slice_along_axis(r, m, cols - m, rank - 1);
  Tensor gu = nx::slice_along_axis(gr, 0, m, rank - 1), gv = nx::slice_along_axis(gr, m, cols - m, rank - 1);
  Tensor gx = qr_square(q, u, nx::add(gq, mm(mm(q, v), adj(gv))), gu);
  return {nx::concatenate({gx, mm(q, gv)}, rank - 1)};
}

// Symmetric A = V diag(w) V^T: gA = V (diag(gw) + sym(F o (V^T gV))) V^T,
// F_ij = 1 / (w_j - w_i) (distinct eigenvalues), symmetrised because only
// symmetric perturbations of A are meaningful.
std::vector<Tensor> eigh_grad(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& gs) {
  if (!gs[0].defined() && !gs[1].defined()) return none(n);
  const Tensor &w = self[0], &v = self[1];
  Tensor inner;
  if (gs[0].defined()) inner = diag(gs[0]);
  if (gs[1].defined()) {
    Tensor f = nx::multiply(gap_inverse(w), mm(adj(v), gs[1]));
    Tensor sym = nx::multiply(nx::add(f, adj(f)), 0.5);
    inner = inner.defined() ? nx::add(inner, sym) : sym;
  }
  return {mm(mm(v, inner), adj(v))};
}

// A = U diag(s) Vt with k = min(m, n) singular values (distinct and nonzero
// where U or Vt carry gradient):
//   gA = U [diag(gs) + (F o (U^T gU - gU^T U)) S + S (F o (V^T gV - gV^T V))] Vt
//        + (I - U U^T) gU S^-1 Vt + U S^-1 gVt (I - V Vt),
// F_ij = 1 / (s_j^2 - s_i^2). With full_matrices on a non-square input the
// extra columns of U (rows of Vt) are an arbitrary basis of a complement;
// their gradient is ignored, as PyTorch documents for the same case.
std::vector<Tensor> svd_grad(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& gs) {
  if (!gs[0].defined() && !gs[1].defined() && !gs[2].defined()) return none(n);
  const Tensor& s = self[1];
  const int rank = self[0].rank();
  const std::int64_t k = last(s);
  auto thin_u = [&](const Tensor& t) { return last(t) == k ? t : nx::slice_along_axis(t, 0, k, rank - 1); };
  auto thin_vt = [&](const Tensor& t) { return t.dim(rank - 2) == k ? t : nx::slice_along_axis(t, 0, k, rank - 2); };
  Tensor u = thin_u(self[0]), vt = thin_vt(self[2]);
  const std::int64_t m = u.dim(rank - 2), cols = last(vt);
  Tensor inner = diag(gs[1].defined() ? gs[1] : zeros(s.spec()));
  Tensor f;
  if (gs[0].defined() || gs[2].defined()) f = gap_inverse(nx::multiply(s, s));
  Tensor s_inv = nx::divide(1, s);
  Tensor extra;
  auto add_to = [](Tensor& acc, const Tensor& t) { acc = acc.defined() ? nx::add(acc, t) : t; };
  if (gs[0].defined()) {
    Tensor gu = thin_u(gs[0]);
    Tensor utgu = mm(mT(u), gu);
    inner = nx::add(inner, nx::multiply(nx::multiply(f, nx::subtract(utgu, mT(utgu))), as_row(s)));
    if (m > k) add_to(extra, mm(nx::multiply(nx::subtract(gu, mm(u, utgu)), as_row(s_inv)), vt));
  }
  if (gs[2].defined()) {
    Tensor gvt = thin_vt(gs[2]);
    Tensor vtgv = mm(vt, mT(gvt));  // V^T gV
    inner = nx::add(inner, nx::multiply(as_col(s), nx::multiply(f, nx::subtract(vtgv, mT(vtgv)))));
    if (cols > k) add_to(extra, mm(nx::multiply(u, as_row(s_inv)), nx::subtract(gvt, mm(mT(vtgv), vt))));
  }
  Tensor ga = mm(mm(u, inner), vt);
  return {extra.defined() ? nx::add(ga, extra) : ga};
}

// A = P L U (unit lower L): gA = P L^-H [tril(L^H gL, -1) + triu(gU U^H)] U^-H.
// P is piecewise constant and takes no gradient.
std::vector<Tensor> lu_grad(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& gs) {
  if (!gs[1].defined() && !gs[2].defined()) return none(n);
  const Tensor &p = self[0], &l = self[1], &u = self[2];
  Tensor f;
  if (gs[1].defined()) f = nx::tril(mm(adj(l), gs[1]), -1);
  if (gs[2].defined()) {
    Tensor t = nx::triu(mm(gs[2], adj(u)));
    f = f.defined() ? nx::add(f, t) : t;
  }
  Tensor x = nx::linalg::triangular_solve(conj_if(l), f, ts(true, true, Transform::transpose));
  Tensor y = nx::linalg::triangular_solve(conj_if(u), x, ts(false, false, Transform::transpose));
  return {mm(nx::as_type(p, y.type()), y)};
}

// d det(A) / dA = det(A) A^-T (holomorphic), A^-T solved as A^T X = I;
// a singular A raises in the solve, as the forward solve does.
Tensor determinant_grad(const Tensor& a, const Tensor& det, const Tensor& g) {
  Tensor eye = nx::broadcast(eye_of(last(a), det.type()), a.shape());
  Tensor inv_t = nx::linalg::solve(mT(a), eye);
  Shape s = det.shape();
  s.insert(s.end(), {1, 1});
  return nx::multiply(nx::reshape(nx::multiply(g, det), s), inv_t);
}

// t with `axis` cut or zero-padded at the end to `size`.
Tensor fit_axis(const Tensor& t, int axis, std::int64_t size) {
  const std::int64_t cur = t.dim(axis);
  if (cur > size) return nx::slice_along_axis(t, 0, size, axis);
  if (cur == size) return t;
  std::vector<PadConfig> config(static_cast<std::size_t>(t.rank()));
  config[static_cast<std::size_t>(axis)] = {0, size - cur, 0};
  return nx::pad(t, 0, config);
}

// fft and ifft are symmetric linear maps, so (without conjugation, Nx's
// convention) the gradient is the same transform of g at the node's length,
// cut or zero-padded back to the input's size on the axis: entries dropped
// by a shorter length take no gradient, zeros added by a longer one are not
// inputs. rfft, irfft, fft2 and ifft2 have no rule of their own in Nx: their
// gradient goes through their default composition of fft/ifft, slices and
// element-wise ops.
std::vector<Tensor> fft_family(const Node& n, const std::vector<Tensor>& g) {
  switch (n.op) {
    case Op::fft:
    case Op::ifft: {
      const Tensor& x = n.inputs[0];
      if (!is_float(x.type())) return none(n);
      const auto& o = std::any_cast<const FftOptions&>(n.args);
      FftFrontOptions fo{.length = o.length, .power_of_two = false, .axis = o.axis, .eps = o.eps};
      Tensor r = n.op == Op::fft ? nx::fft(g[0], fo) : nx::ifft(g[0], fo);
      r = fit_axis(r, o.axis, x.dim(o.axis));
      return {is_complex(x.type()) ? r : nx::real(r)};
    }
    case Op::rfft:
    case Op::irfft:
    case Op::fft2:
    case Op::ifft2: return through_composition(n, g);
    default: not_differentiable(n, "not an FFT op");
  }
}

}  // namespace

std::vector<Tensor> linalg(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& g) {
  switch (n.op) {
    case Op::triangular_solve: return triangular_solve_grad(n, self[0], g[0]);
    case Op::solve: return solve_grad(n, self[0], g[0]);
    case Op::cholesky: return {cholesky_grad(self[0], g[0])};
    case Op::qr: return qr_grad(n, self, g);
    case Op::eigh: return eigh_grad(n, self, g);
    case Op::svd: return svd_grad(n, self, g);
    case Op::lu: return lu_grad(n, self, g);
    case Op::determinant: return {determinant_grad(n.inputs[0], self[0], g[0])};
    case Op::fft: case Op::ifft: case Op::rfft: case Op::irfft: case Op::fft2: case Op::ifft2:
      return fft_family(n, g);
    default: not_differentiable(n, "not a linear algebra op");
  }
}

}  // namespace nx::defn::grad
