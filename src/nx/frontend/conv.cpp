// Front end: conv. Every option is resolved here so
// the backend receives explicit per-dimension lists.
#include "common.hpp"

namespace nx {

namespace {

// Integer option lists: empty -> all `fill`; one entry -> repeated; else one per spatial dim.
std::vector<std::int64_t> expand(const std::vector<std::int64_t>& v, int d, std::string_view what) {
  std::vector<std::int64_t> out;
  if (v.empty()) out.assign(static_cast<std::size_t>(d), 1);
  else if (v.size() == 1) out.assign(static_cast<std::size_t>(d), v[0]);
  else if (static_cast<int>(v.size()) == d) out = v;
  else
    raise("conv", "must specify " + std::string(what) + " for each spatial dimension (" + std::to_string(d) +
                      ") or a single integer, got " + std::to_string(v.size()) + " values");
  for (auto x : out)
    if (x < 1) raise("conv", std::string(what) + " must be positive integers, got " + std::to_string(x));
  return out;
}

Axes permutation(const std::vector<int>& p, int rank, std::string_view what) {
  if (p.empty()) {
    Axes id(static_cast<std::size_t>(rank));
    for (int i = 0; i < rank; ++i) id[static_cast<std::size_t>(i)] = i;
    return id;
  }
  if (static_cast<int>(p.size()) != rank)
    raise("conv", std::string(what) + " must have one entry per axis (" + std::to_string(rank) + "), got " +
                      front::axes_to_string(Axes(p.begin(), p.end())));
  return front::normalize_axes("conv", Axes(p.begin(), p.end()), rank, what);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

Tensor conv(const Tensor& input, const Tensor& kernel, const ConvFrontOptions& opts) {
  BackendPtr backend = front::pick_backend("conv", {&input, &kernel});
  Tensor x = front::on(input, backend), w = front::on(kernel, backend);
  const int rank = x.rank();
  if (rank < 3)
    raise("conv", "input shape in conv requires at least rank 3, shape " + shape_to_string(x.shape()) +
                      " has rank " + std::to_string(rank));
  if (w.rank() < 3)
    raise("conv", "kernel shape in conv requires at least rank 3, shape " + shape_to_string(w.shape()) +
                      " has rank " + std::to_string(w.rank()));
  if (w.rank() != rank)
    raise("conv", "input and kernel must have the same rank, got " + shape_to_string(x.shape()) + " and " +
                      shape_to_string(w.shape()));
  const int d = rank - 2;

  ConvOptions o;
  o.strides = expand(opts.strides, d, "strides");
  o.input_dilation = expand(opts.input_dilation, d, "input dilation");
  o.kernel_dilation = expand(opts.kernel_dilation, d, "kernel dilation");
  Axes ip = permutation(opts.input_permutation, rank, "input_permutation");
  Axes kp = permutation(opts.kernel_permutation, rank, "kernel_permutation");
  Axes op = permutation(opts.output_permutation, rank, "output_permutation");
  o.input_permutation.assign(ip.begin(), ip.end());
  o.kernel_permutation.assign(kp.begin(), kp.end());
  o.output_permutation.assign(op.begin(), op.end());
  const std::int64_t G = opts.feature_group_size, B = opts.batch_group_size;
  if (G < 1) raise("conv", "feature_group_size must be a positive integer, got " + std::to_string(G));
  if (B < 1) raise("conv", "batch_group_size must be a positive integer, got " + std::to_string(B));
  o.feature_group_size = G;
  o.batch_group_size = B;

  // Canonical layouts {N, C, S...} and {O, C/G, K...}.
  Shape xs, ws;
  Names cnames;
  for (int i = 0; i < rank; ++i) {
    xs.push_back(x.dim(ip[static_cast<std::size_t>(i)]));
    ws.push_back(w.dim(kp[static_cast<std::size_t>(i)]));
    cnames.push_back(front::name_at(x.names(), ip[static_cast<std::size_t>(i)]));
  }
  const std::int64_t N = xs[0], C = xs[1], O = ws[0], Ck = ws[1];
  if (B != 1 && G != 1)
    raise("conv", "either batch groups or feature groups must be 1, got batch_groups = " + std::to_string(B) +
                      " and feature_groups = " + std::to_string(G));
  if (N % B != 0)
    raise("conv", "batch groups must evenly divide input batch size, got batch size " + std::to_string(N) +
                      " and batch_group_size " + std::to_string(B));
  if (O % G != 0)
    raise("conv", "size of kernel output channels must be evenly divisible by feature groups, got " +
                      std::to_string(O) + " output channels and feature_group_size " + std::to_string(G));
  if (O % B != 0)
    raise("conv", "size of kernel output channels must be evenly divisible by batch groups, got " +
                      std::to_string(O) + " output channels and batch_group_size " + std::to_string(B));
  if (C != Ck * G)
    raise("conv", "size of input channels divided by feature groups must match size of kernel channels, got " +
                      std::to_string(C) + " / " + std::to_string(G) + " != " + std::to_string(Ck) +
                      " for shapes " + shape_to_string(x.shape()) + " and " + shape_to_string(w.shape()));

  // Padding on the input-dilated size with the dilated kernel.
  Shape canonical{N / B, O};
  for (int j = 0; j < d; ++j) {
    const auto s = static_cast<std::size_t>(j);
    std::int64_t size, k;
    if (__builtin_mul_overflow(xs[s + 2] - 1, o.input_dilation[s], &size) ||
        __builtin_mul_overflow(ws[s + 2] - 1, o.kernel_dilation[s], &k) || size == INT64_MAX || k == INT64_MAX)
      raise("conv", "the dilated input or kernel of spatial dimension " + std::to_string(j) +
                        " does not fit in 64 bits");
    size += 1;
    k += 1;
    std::pair<std::int64_t, std::int64_t> pad{0, 0};
    if (auto* named = std::get_if<Padding>(&opts.padding)) {
      if (*named == Padding::same) {
        const std::int64_t total = k - 1;
        pad = {total / 2, total - total / 2};
      }
    } else {
      const auto& cfg = std::get<std::vector<std::pair<std::int64_t, std::int64_t>>>(opts.padding);
      if (static_cast<int>(cfg.size()) != d)
        raise("conv", "padding must have one {low, high} pair per spatial dimension (" + std::to_string(d) +
                          "), got " + std::to_string(cfg.size()));
      pad = cfg[s];
    }
    o.padding.push_back(pad);
    std::int64_t padded;
    if (__builtin_add_overflow(size, pad.first, &padded) || __builtin_add_overflow(padded, pad.second, &padded) ||
        __builtin_sub_overflow(padded, k, &padded))
      raise("conv", "the padded size of spatial dimension " + std::to_string(j) + " does not fit in 64 bits");
    padded += k;
    const std::int64_t dim = floor_div(padded - k, o.strides[s]) + 1;
    if (dim <= 0)
      raise("conv", "conv would result in an empty tensor (spatial dimension " + std::to_string(j) +
                        "), which Nx does not support");
    canonical.push_back(dim);
  }
  front::check_shape("conv", canonical, "result shape");

  // Canonical dim i lands at position output_permutation[i].
  Shape shape(static_cast<std::size_t>(rank));
  Names names(static_cast<std::size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    shape[static_cast<std::size_t>(op[static_cast<std::size_t>(i)])] = canonical[static_cast<std::size_t>(i)];
    names[static_cast<std::size_t>(op[static_cast<std::size_t>(i)])] = cnames[static_cast<std::size_t>(i)];
  }
  Spec out{shape, to_floating(merge(x.type(), w.type())), front::normalized_names(names, rank)};
  return backend->conv(out, x, w, o);
}

}  // namespace nx
