// Front end: conv. Every option is resolved here and the geometry worked
// out once (ConvOptions::geometry), so backends and gradient rules receive
// explicit per-dimension lists and never re-derive the canonical layout.
#include "common.hpp"

namespace nx {

namespace {

std::string list_string(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// An option list: empty -> all 1; one entry -> repeated (Nx's integer);
// otherwise it must have one entry per spatial dimension.
std::vector<std::int64_t> expand(const std::vector<std::int64_t>& v, int d, const std::string& wrong_length) {
  if (v.empty()) return std::vector<std::int64_t>(static_cast<std::size_t>(d), 1);
  if (v.size() == 1) return std::vector<std::int64_t>(static_cast<std::size_t>(d), v[0]);
  if (static_cast<int>(v.size()) != d) raise("conv", wrong_length);
  return v;
}

// Nx's dilation checks: the list, then its values.
std::vector<std::int64_t> dilation(const std::vector<std::int64_t>& v, int d, const std::string& of) {
  auto out = expand(v, d, "must specify dilation for each spatial dimension of the " + of +
                              " or specify an integer dilation factor");
  for (auto x : out)
    if (x < 1) raise("conv", of + " dilation of each dimension must be a positive integer, got " + list_string(out));
  return out;
}

// Names resolve against axes named `names` (the input's for
// output_permutation, as in Nx).
AxisIndices permutation(const Axes& p, int rank, const Names& names) {
  if (p.empty()) {
    AxisIndices id(static_cast<std::size_t>(rank));
    for (int i = 0; i < rank; ++i) id[static_cast<std::size_t>(i)] = i;
    return id;
  }
  return front::normalize_axes("conv", p, rank, names);
}

// Nx.Shape.transpose's check of a permutation's length.
void check_permutation(const AxisIndices& p, int rank) {
  if (static_cast<int>(p.size()) != rank)
    raise("conv", "expected length of permutation (" + std::to_string(p.size()) + ") to match rank of shape (" +
                      std::to_string(rank) + ")");
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

ConvOptions conv_options(const Shape& input, const Shape& kernel, const ConvFrontOptions& opts,
                         const Names& input_names, const Names& kernel_names) {
  const int rank = static_cast<int>(input.size());
  if (rank < 3)
    raise("conv", "input shape in conv requires at least rank 3, shape " + shape_to_string(input) + " has rank " +
                      std::to_string(rank));
  if (kernel.size() < 3)
    raise("conv", "kernel shape in conv requires at least rank 3, shape " + shape_to_string(kernel) +
                      " has rank " + std::to_string(kernel.size()));
  if (static_cast<int>(kernel.size()) != rank)
    raise("conv", "input and kernel must have the same rank, got " + shape_to_string(input) + " and " +
                      shape_to_string(kernel));
  const int d = rank - 2;

  // Nx's order: the permutations, the strides, the dilations, the
  // permutations' lengths, the groups, then the geometry.
  ConvOptions o;
  const AxisIndices ip = permutation(opts.input_permutation, rank, input_names);
  const AxisIndices kp = permutation(opts.kernel_permutation, rank, kernel_names);
  const AxisIndices op = permutation(opts.output_permutation, rank, input_names);
  o.strides = expand(opts.strides, d,
                     "rank of strides much match rank of spatial dimensions got strides " + list_string(opts.strides) +
                         " with rank " + std::to_string(opts.strides.size()) + " and got input shape " +
                         shape_to_string(input) + " of rank " + std::to_string(d));
  o.input_dilation = dilation(opts.input_dilation, d, "input");
  o.kernel_dilation = dilation(opts.kernel_dilation, d, "kernel");
  for (auto x : o.strides)
    if (x < 1) raise("conv", "strides must be positive integers, got " + list_string(o.strides));
  check_permutation(ip, rank);
  check_permutation(kp, rank);
  check_permutation(op, rank);
  o.input_permutation = ip;
  o.kernel_permutation = kp;
  o.output_permutation = op;
  const std::int64_t G = opts.feature_group_size, B = opts.batch_group_size;
  if (G < 1) raise("conv", "feature_group_size must be a positive integer, got " + std::to_string(G));
  if (B < 1) raise("conv", "batch_group_size must be a positive integer, got " + std::to_string(B));
  o.feature_group_size = G;
  o.batch_group_size = B;

  ConvGeometry& g = o.geometry;
  for (int i = 0; i < rank; ++i) {
    g.input.push_back(input[static_cast<std::size_t>(ip[static_cast<std::size_t>(i)])]);
    g.kernel.push_back(kernel[static_cast<std::size_t>(kp[static_cast<std::size_t>(i)])]);
  }
  g.input_from_canonical = front::inverse_permutation(ip);
  g.kernel_from_canonical = front::inverse_permutation(kp);
  g.output_from_canonical = front::inverse_permutation(op);
  // The permuted shapes with their spatial dimensions dilated, as Nx reports them.
  Shape dilated_input = g.input, dilated_kernel = g.kernel;
  for (int j = 0; j < d; ++j) {
    const auto s = static_cast<std::size_t>(j);
    std::int64_t size, k;
    if (__builtin_mul_overflow(g.input[s + 2] - 1, o.input_dilation[s], &size) ||
        __builtin_mul_overflow(g.kernel[s + 2] - 1, o.kernel_dilation[s], &k) || size == INT64_MAX ||
        k == INT64_MAX)
      raise("conv", "the dilated input or kernel of spatial dimension " + std::to_string(j) +
                        " does not fit in 64 bits");
    dilated_input[s + 2] = size + 1;
    dilated_kernel[s + 2] = k + 1;
  }
  const std::int64_t N = g.input[0], C = g.input[1], O = g.kernel[0], Ck = g.kernel[1];
  const std::string kernel_shape = " for kernel with shape " + shape_to_string(dilated_kernel);
  if (B != 1 && G != 1)
    raise("conv", "either batch groups or feature groups must be 1, got batch_groups = " + std::to_string(B) +
                      " and feature_groups = " + std::to_string(G));
  if (N % B != 0)
    raise("conv", "batch groups must evenly divide input batch size got rem(" + std::to_string(B) + ", " +
                      std::to_string(N) + ") != 0");
  if (O % G != 0)
    raise("conv", "size of kernel output channels must be evenly divisible by feature groups got rem(" +
                      std::to_string(O) + ", " + std::to_string(G) + ") != 0" + kernel_shape);
  if (O % B != 0)
    raise("conv", "size of kernel output channels must be evenly divisible by batch groups got rem(" +
                      std::to_string(O) + ", " + std::to_string(B) + ") != 0" + kernel_shape);
  if (C != Ck * G)
    raise("conv", "size of input channels divided by feature groups must match size of kernel channels, got " +
                      std::to_string(C) + " / " + std::to_string(G) + " != " + std::to_string(Ck) +
                      " for shapes " + shape_to_string(dilated_input) + " and " + shape_to_string(dilated_kernel));

  // Padding on the input-dilated size with the dilated kernel.
  g.output = {N / B, O};
  for (int j = 0; j < d; ++j) {
    const auto s = static_cast<std::size_t>(j);
    const std::int64_t size = dilated_input[s + 2], k = dilated_kernel[s + 2];
    std::pair<std::int64_t, std::int64_t> pad{0, 0};
    if (auto* named = std::get_if<Padding>(&opts.padding)) {
      if (*named == Padding::same) {
        const std::int64_t total = k - 1;
        pad = {total / 2, total - total / 2};
      }
    } else {
      const auto& cfg = std::get<std::vector<std::pair<std::int64_t, std::int64_t>>>(opts.padding);
      if (static_cast<int>(cfg.size()) != d)
        raise("conv", "invalid padding configuration, rank of padding configuration and shape must match");
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
      raise("conv", "conv would result in empty tensor which is not currently supported in Nx, please open an "
                    "issue if you'd like this behavior to change");
    g.dilated_input.push_back(size);
    g.dilated_kernel.push_back(k);
    g.padded_input.push_back(padded);
    g.output.push_back(dim);
  }
  front::check_shape("conv", g.output, "result shape");
  return o;
}

Tensor conv(const Tensor& input, const Tensor& kernel, const ConvFrontOptions& opts) {
  BackendPtr backend = front::pick_backend("conv", {&input, &kernel});
  Tensor x = front::on(input, backend), w = front::on(kernel, backend);
  ConvOptions o = conv_options(x.shape(), w.shape(), opts, x.names(), w.names());
  // Canonical dim i lands at position output_permutation[i], named like the
  // input's canonical dim i (batch, channels, spatial).
  const int rank = x.rank();
  Shape shape(static_cast<std::size_t>(rank));
  Names names(static_cast<std::size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    const auto at = static_cast<std::size_t>(o.output_permutation[static_cast<std::size_t>(i)]);
    shape[at] = o.geometry.output[static_cast<std::size_t>(i)];
    names[at] = front::name_at(x.names(), o.input_permutation[static_cast<std::size_t>(i)]);
  }
  Spec out{shape, to_floating(merge(x.type(), w.type())), front::normalized_names(names, rank)};
  return backend->conv(out, x, w, o);
}

}  // namespace nx
