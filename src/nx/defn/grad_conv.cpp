// Gradient rule of conv. Both gradients are convolutions themselves, worked
// out in the canonical layouts (input {N, C, S...}, kernel {O, C/G, K...},
// output {N/B, O, M...}) with the forward conv's geometry; the permutations
// are undone by transposes.
//
// Along one spatial axis, with input size n, kernel size k, stride s,
// padding (lo, hi), input dilation id and kernel dilation kd, the input is
// dilated and padded to L = (n - 1)*id + 1 + lo + hi positions and output p
// reads positions p*s + t*kd (t < k) against kernel tap t.
//   input:  each output spreads g[p]*w[t] back onto position p*s + t*kd:
//           a convolution of g dilated by s with the reversed kernel,
//           padded so every one of the L positions is produced, read at
//           stride id from position lo (which undoes dilation and padding).
//   kernel: dw[t] = sum_p g[p] x[p*s + t*kd]: a convolution of the input
//           with g as the kernel (kernel dilation s, stride kd), contracting
//           over the batch, padded so exactly k taps come out.
// Feature groups (G) and batch groups (B) swap between the two: the input
// gradient is a G- (or B-) feature-grouped convolution with the kernel's
// group axis moved into its channels, and the kernel gradient uses B feature
// groups / G batch groups over the batch.
#include "grad.hpp"

namespace nx::defn::grad {

namespace {

AxisIndices to_axes(const std::vector<int>& p) { return AxisIndices(p.begin(), p.end()); }

Tensor permute(const Tensor& t, const AxisIndices& p) {
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p[i] != static_cast<int>(i)) return nx::transpose(t, p);
  return t;
}

// AxisIndices 0 and 1 swapped.
Tensor swap01(const Tensor& t) {
  AxisIndices p(static_cast<std::size_t>(t.rank()));
  for (int i = 0; i < t.rank(); ++i) p[static_cast<std::size_t>(i)] = i;
  std::swap(p[0], p[1]);
  return nx::transpose(t, p);
}

// [G*A, B, K...] -> [G*B, A, K...] with element (g*A + a, b) at (g*B + b, a):
// per group, the kernel's in/out channel axes swapped.
Tensor swap_channels_per_group(const Tensor& w, std::int64_t groups) {
  if (groups == 1) return swap01(w);
  const Shape& s = w.shape();
  const std::int64_t a = s[0] / groups, b = s[1];
  Shape split{groups, a, b}, merged{groups * b, a};
  split.insert(split.end(), s.begin() + 2, s.end());
  merged.insert(merged.end(), s.begin() + 2, s.end());
  AxisIndices p{0, 2, 1};
  for (int i = 3; i <= w.rank(); ++i) p.push_back(i);
  return nx::reshape(nx::transpose(nx::reshape(w, split), p), merged);
}

}  // namespace

std::vector<Tensor> conv_grad(const Node& n, const std::vector<Tensor>&, const std::vector<Tensor>& gs) {
  const auto& o = std::any_cast<const ConvArgs&>(n.args);
  const Tensor &x = n.inputs[0], &w = n.inputs[1];
  std::vector<Tensor> r(2);
  if (!gs[0].defined()) return r;
  const ConvGeometry& geo = o.geometry;
  const Tensor xc = permute(x, to_axes(o.input_permutation)), wc = permute(w, to_axes(o.kernel_permutation));
  const Tensor gc = permute(gs[0], to_axes(o.output_permutation));
  const int d = x.rank() - 2;
  const std::int64_t G = o.feature_group_size, B = o.batch_group_size;

  // Per spatial axis: the dilated kernel extent, and how far past the last
  // window's start the dilated-padded input reaches (>= extent - 1).
  const std::vector<std::int64_t>& extent = geo.dilated_kernel;
  std::vector<std::int64_t> slack(static_cast<std::size_t>(d));
  for (int j = 0; j < d; ++j) {
    const auto s = static_cast<std::size_t>(j);
    slack[s] = geo.padded_input[s] - 1 - (geo.output[s + 2] - 1) * o.strides[s];
  }

  if (is_float(x.type())) {
    ConvFrontOptions opts;
    std::vector<std::pair<std::int64_t, std::int64_t>> pad;
    for (int j = 0; j < d; ++j) {
      const auto s = static_cast<std::size_t>(j);
      pad.emplace_back(extent[s] - 1 - o.padding[s].first, slack[s] - o.padding[s].second);
    }
    opts.padding = pad;
    opts.strides = o.input_dilation;
    opts.input_dilation = o.strides;
    opts.kernel_dilation = o.kernel_dilation;
    const std::int64_t groups = std::max(G, B);
    opts.feature_group_size = groups;
    AxisIndices spatial;
    for (int j = 2; j < x.rank(); ++j) spatial.push_back(j);
    Tensor kernel = nx::reverse(swap_channels_per_group(wc, groups), spatial);
    Tensor dx = nx::conv(gc, kernel, opts);  // B = 1: {N, C, S...}; B > 1: {N/B, B*C, S...}
    if (B > 1) {
      // Output channel b*C + c of batch row i belongs to input row b*(N/B) + i.
      Shape s = dx.shape(), split{s[0], B, s[1] / B};
      split.insert(split.end(), s.begin() + 2, s.end());
      AxisIndices p{1, 0};
      for (int i = 2; i <= dx.rank(); ++i) p.push_back(i);
      dx = nx::reshape(nx::transpose(nx::reshape(dx, split), p), xc.shape());
    }
    r[0] = permute(dx, geo.input_from_canonical);
  }

  if (is_float(w.type())) {
    ConvFrontOptions opts;
    std::vector<std::pair<std::int64_t, std::int64_t>> pad;
    for (int j = 0; j < d; ++j) {
      const auto s = static_cast<std::size_t>(j);
      // Trim the high padding so the last tap read is (k - 1)*kd.
      pad.emplace_back(o.padding[s].first, o.padding[s].second - (slack[s] - (extent[s] - 1)));
    }
    opts.padding = pad;
    opts.strides = o.kernel_dilation;
    opts.input_dilation = o.input_dilation;
    opts.kernel_dilation = o.strides;
    opts.feature_group_size = B;
    opts.batch_group_size = G;
    // {C, N, S...} * {O, N/B, M...} -> {C/G, O, K...}
    r[1] = permute(swap01(nx::conv(swap01(xc), swap01(gc), opts)), geo.kernel_from_canonical);
  }
  return r;
}

}  // namespace nx::defn::grad
