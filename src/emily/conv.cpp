// Emily: conv on mx::conv_general.
//
// Nx's canonical layouts {N, C, S...} / {O, C/G, K...} (their geometry comes
// from the front end) are reached through the given permutations and folded
// into one transpose to MLX's {N, S..., C} / {O, K..., C/G}; the result
// {N', S'..., O} is transposed straight to the requested output layout.
// Details:
// - f16/bf16/integer inputs are computed in f32; complex64 as four real
//   convolutions; f64 runs on the reference backend (MLX's CPU convolution
//   computes float64 in single precision).
// - Batch groups: the batch is folded into the channels ({N, S, C} ->
//   {N/B, S, B*C}) and run as B feature groups, which is the same sum.
// - Feature groups on 3 spatial dims (MLX groups are 1-D/2-D only): one
//   convolution per group, concatenated.
// - On the GPU the input is dilated explicitly (MLX's CUDA convolution gave
//   wrong values with input dilation).
// - Negative padding crops whole input elements before the convolution
//   (MLX mis-sizes negative padding combined with input dilation).
// - More than 3 spatial dims falls back.
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

struct Plan {
  std::vector<int> strides, lo, hi, kdil, idil;
  int groups = 1;
};

// Inserts factor - 1 zeros between neighbours along each spatial axis 1..d.
mx::array dilate(mx::array x, const std::vector<int>& factors, mx::Device dev) {
  for (std::size_t j = 0; j < factors.size(); ++j) {
    const int f = factors[j], ax = static_cast<int>(j) + 1;
    if (f == 1) continue;
    mx::Shape zs = x.shape();
    const int size = zs[static_cast<std::size_t>(ax)];
    x = mx::expand_dims(x, ax + 1, dev);
    zs.insert(zs.begin() + ax + 1, f - 1);
    x = mx::concatenate({x, mx::zeros(zs, x.dtype(), dev)}, ax + 1, dev);
    mx::Shape merged = x.shape();
    merged[static_cast<std::size_t>(ax)] = size * f;
    merged.erase(merged.begin() + ax + 1);
    x = mx::reshape(x, merged, dev);
    mx::Shape start(merged.size(), 0), stop = merged;
    stop[static_cast<std::size_t>(ax)] = (size - 1) * f + 1;
    x = mx::slice(x, start, stop, dev);
  }
  return x;
}

mx::array run_conv(mx::array x, mx::array w, Plan p, int d, mx::Device dev) {
  if (dev.type == mx::Device::gpu) {
    // MLX's CUDA convolution gave wrong values with input dilation (seen on
    // an H100 with mlx-cuda-13 0.32.4): dilate the input explicitly.
    x = dilate(x, p.idil, dev);
    p.idil.assign(p.idil.size(), 1);
  }
  const bool split = p.groups > 1 && d == 3;  // MLX groups are 1-D/2-D only
  if (!split) return mx::conv_general(x, w, p.strides, p.lo, p.hi, p.kdil, p.idil, p.groups, false, dev);
  const int cg = x.shape(-1) / p.groups, og = w.shape(0) / p.groups;
  std::vector<mx::array> parts;
  for (int g = 0; g < p.groups; ++g) {
    mx::Shape xs = x.shape(), ws = w.shape();
    mx::Shape x0(xs.size(), 0), w0(ws.size(), 0);
    x0.back() = g * cg;
    xs.back() = (g + 1) * cg;
    w0[0] = g * og;
    ws[0] = (g + 1) * og;
    parts.push_back(mx::conv_general(mx::slice(x, x0, xs, dev), mx::slice(w, w0, ws, dev), p.strides, p.lo, p.hi,
                                     p.kdil, p.idil, 1, false, dev));
  }
  return mx::concatenate(parts, -1, dev);
}

}  // namespace

Tensor Backend::conv(const Spec& out, const Tensor& input, const Tensor& kernel, const nx::ConvOptions& opts) {
  const int rank = input.rank(), d = rank - 2;
  const nx::Type ot = out.type;
  auto fallback_conv = [&] { return fallback::run(*this, "conv", &nx::Backend::conv, out, input, kernel, opts); };
  // MLX's CPU convolution computes float64 in single precision: f64 on the reference.
  if (d > 3 || ot == nx::f64 || !mlx_supports(ot) || !mlx_supports(input.type()) || !mlx_supports(kernel.type()))
    return fallback_conv();

  Plan plan;
  std::vector<int> crop_lo(static_cast<std::size_t>(d)), crop_hi(static_cast<std::size_t>(d));
  for (int j = 0; j < d; ++j) {
    const auto s = static_cast<std::size_t>(j);
    const int id = static_cast<int>(opts.input_dilation[s]);
    const int size = static_cast<int>(opts.geometry.input[s + 2]);
    int lo = static_cast<int>(opts.padding[s].first), hi = static_cast<int>(opts.padding[s].second);
    // Cropping c dilated positions = dropping ceil(c / id) elements, then
    // re-padding the part of the dropped stretch that was kept.
    if (lo < 0) {
      crop_lo[s] = (-lo + id - 1) / id;
      lo += crop_lo[s] * id;
    }
    if (hi < 0) {
      crop_hi[s] = (-hi + id - 1) / id;
      hi += crop_hi[s] * id;
    }
    if (crop_lo[s] + crop_hi[s] >= size) return fallback_conv();  // nothing of the input left
    plan.strides.push_back(static_cast<int>(opts.strides[s]));
    plan.lo.push_back(lo);
    plan.hi.push_back(hi);
    plan.kdil.push_back(static_cast<int>(opts.kernel_dilation[s]));
    plan.idil.push_back(id);
  }

  const bool cplx = nx::is_complex(ot);
  const mx::Device dev = mx_device(nx::f32);  // f64 fell back above
  const mx::Dtype cdt = mx::float32;

  // Straight to MLX layouts.
  std::vector<int> xp{opts.input_permutation[0]}, wp{opts.kernel_permutation[0]};
  for (int j = 2; j < rank; ++j) {
    xp.push_back(opts.input_permutation[static_cast<std::size_t>(j)]);
    wp.push_back(opts.kernel_permutation[static_cast<std::size_t>(j)]);
  }
  xp.push_back(opts.input_permutation[1]);
  wp.push_back(opts.kernel_permutation[1]);

  auto prepare_input = [&](mx::array x) {
    x = mx::transpose(x, xp, dev);
    bool cropped = false;
    mx::Shape start(static_cast<std::size_t>(rank), 0), stop = x.shape();
    for (int j = 0; j < d; ++j) {
      const auto s = static_cast<std::size_t>(j);
      start[s + 1] = crop_lo[s];
      stop[s + 1] -= crop_hi[s];
      cropped = cropped || crop_lo[s] || crop_hi[s];
    }
    if (cropped) x = mx::slice(x, start, stop, dev);
    const int B = static_cast<int>(opts.batch_group_size);
    if (B > 1) {
      // {N, S..., C} -> {B, N/B, S..., C} -> {N/B, S..., B, C} -> {N/B, S..., B*C}
      mx::Shape s = x.shape();
      mx::Shape split{B, s[0] / B};
      split.insert(split.end(), s.begin() + 1, s.end());
      x = mx::reshape(x, split, dev);
      std::vector<int> perm{1};
      for (int j = 0; j < d; ++j) perm.push_back(j + 2);
      perm.push_back(0);
      perm.push_back(d + 2);
      x = mx::transpose(x, perm, dev);
      mx::Shape merged(x.shape().begin(), x.shape().end() - 2);
      merged.push_back(B * s.back());
      x = mx::reshape(x, merged, dev);
    }
    return x;
  };
  plan.groups = static_cast<int>(std::max(opts.feature_group_size, opts.batch_group_size));

  mx::array y(0.0f);
  if (!cplx) {
    mx::array x = prepare_input(mx::astype(array_of(input), cdt, dev));
    mx::array w = mx::transpose(mx::astype(array_of(kernel), cdt, dev), wp, dev);
    y = run_conv(x, w, plan, d, dev);
  } else {
    mx::array xc = cast(input, nx::c64), wc = cast(kernel, nx::c64);
    mx::array xr = prepare_input(mx::real(xc, dev)), xi = prepare_input(mx::imag(xc, dev));
    mx::array wr = mx::transpose(mx::real(wc, dev), wp, dev), wi = mx::transpose(mx::imag(wc, dev), wp, dev);
    mx::array re = mx::subtract(run_conv(xr, wr, plan, d, dev), run_conv(xi, wi, plan, d, dev), dev);
    mx::array im = mx::add(run_conv(xr, wi, plan, d, dev), run_conv(xi, wr, plan, d, dev), dev);
    y = mx::reshape(mx::view(mx::stack({re, im}, -1, dev), mx::complex64, dev), re.shape(), dev);
  }
  // MLX result {N', S'..., O}: canonical dim c sits at MLX dim 0, d+1, c-1.
  std::vector<int> perm;
  for (int c : opts.geometry.output_from_canonical) perm.push_back(c == 0 ? 0 : c == 1 ? d + 1 : c - 1);
  return wrap(out, mx::transpose(y, perm, dev));
}

}  // namespace emily
