// Reference backend: conv.
//
// Direct evaluation of the definition in double (or complex<double>)
// precision: canonical layouts through the permutations (the geometry comes
// from the front end), input dilation and padding resolved per output
// position (no dilated copy is materialised), feature and batch groups,
// cross-correlation without flip or conjugation, one rounding into the
// output type. As in Nx, every tap of the dilated kernel over the padded,
// dilated input is a product (padding and dilation holes are +0.0, so they
// decide the sign of a zero result and turn an infinite partner into NaN),
// summed in order: channels, then taps.
#include "binary_backend.hpp"

namespace nx {

namespace {

// For spatial dim j, the input index read by output position `o` and tap
// `t` of the dilated kernel, or -1 where that tap falls on padding or a
// dilation hole. `dilated` is the input's size after input dilation.
std::vector<std::int64_t> tap_sources(std::int64_t dilated, std::int64_t out_size, std::int64_t taps,
                                      std::int64_t stride, std::int64_t low, std::int64_t in_dil) {
  std::vector<std::int64_t> src(static_cast<std::size_t>(out_size * taps), -1);
  for (std::int64_t o = 0; o < out_size; ++o)
    for (std::int64_t t = 0; t < taps; ++t) {
      std::int64_t q = o * stride + t - low;  // position in the dilated input
      if (q < 0 || q >= dilated || q % in_dil != 0) continue;
      src[static_cast<std::size_t>(o * taps + t)] = q / in_dil;
    }
  return src;
}

template <class C>
Tensor conv_impl(const Spec& out, const Tensor& input, const Tensor& kernel, const ConvOptions& opts) {
  const int rank = input.rank();
  const int d = rank - 2;
  const ConvGeometry& geo = opts.geometry;
  AxisIndices ip(opts.input_permutation.begin(), opts.input_permutation.end());
  AxisIndices kp(opts.kernel_permutation.begin(), opts.kernel_permutation.end());
  std::vector<C> x = host::permute(host::read<C>(input), input.shape(), ip);
  std::vector<C> w = host::permute(host::read<C>(kernel), kernel.shape(), kp);
  const Shape &xs = geo.input, &ws = geo.kernel, &cs = geo.output;
  const std::int64_t N = xs[0], C_in = xs[1], O = ws[0], Cg = ws[1];
  const std::int64_t G = opts.feature_group_size, B = opts.batch_group_size;
  const std::int64_t NB = N / B, OG = O / G, OB = O / B;

  std::vector<std::vector<std::int64_t>> src(static_cast<std::size_t>(d));
  std::int64_t out_spatial = 1, taps_total = 1, kernel_taps = 1;
  Shape ts;  // the dilated kernel's spatial shape
  for (int j = 0; j < d; ++j) {
    const auto s = static_cast<std::size_t>(j);
    const auto a = static_cast<std::size_t>(j + 2);
    ts.push_back(geo.dilated_kernel[s]);
    src[s] = tap_sources(geo.dilated_input[s], cs[a], ts[s], opts.strides[s], opts.padding[s].first,
                         opts.input_dilation[s]);
    out_spatial *= cs[a];
    taps_total *= ts[s];
    kernel_taps *= ws[a];
  }
  // For each tap of the dilated kernel: the flat kernel offset or -1 (a hole).
  std::vector<std::int64_t> weight_of(static_cast<std::size_t>(taps_total), -1);
  {
    auto k_strides = host::strides_of(Shape(ws.begin() + 2, ws.end()));
    std::vector<std::int64_t> ti(static_cast<std::size_t>(d), 0);
    for (std::int64_t pt = 0; pt < taps_total; ++pt) {
      std::int64_t off = 0;
      bool hole = false;
      for (int j = 0; j < d; ++j) {
        const auto s = static_cast<std::size_t>(j);
        hole = hole || ti[s] % opts.kernel_dilation[s] != 0;
        off += ti[s] / opts.kernel_dilation[s] * k_strides[s];
      }
      if (!hole) weight_of[static_cast<std::size_t>(pt)] = off;
      host::next_index(ti, ts);
    }
  }
  std::int64_t in_spatial = 1;
  for (int j = 0; j < d; ++j) in_spatial *= xs[static_cast<std::size_t>(j + 2)];
  auto in_strides = host::strides_of(Shape(xs.begin() + 2, xs.end()));

  // For each (output position, tap) pair: the flat spatial input offset or -1.
  std::vector<std::int64_t> offset(static_cast<std::size_t>(out_spatial * taps_total), -1);
  {
    Shape os(cs.begin() + 2, cs.end());
    std::vector<std::int64_t> oi(static_cast<std::size_t>(d), 0);
    for (std::int64_t po = 0; po < out_spatial; ++po) {
      std::vector<std::int64_t> ti(static_cast<std::size_t>(d), 0);
      for (std::int64_t pt = 0; pt < taps_total; ++pt) {
        std::int64_t off = 0;
        bool valid = true;
        for (int j = 0; j < d && valid; ++j) {
          const auto s = static_cast<std::size_t>(j);
          std::int64_t q = src[s][static_cast<std::size_t>(oi[s] * ts[s] + ti[s])];
          if (q < 0) valid = false;
          else off += q * in_strides[s];
        }
        if (valid) offset[static_cast<std::size_t>(po * taps_total + pt)] = off;
        host::next_index(ti, ts);
      }
      host::next_index(oi, os);
    }
  }

  const C zero{}, neg_zero = C{} * -1.0;  // -0.0: the sum of no products yet (x + -0.0 is x)
  std::vector<C> y(static_cast<std::size_t>(NB * O * out_spatial), C{});
  for (std::int64_t n = 0; n < NB; ++n)
    for (std::int64_t o = 0; o < O; ++o) {
      const std::int64_t g = o / OG;          // feature group (G = 1: always 0)
      const std::int64_t bg = o / OB;         // batch group (B = 1: always 0)
      const std::int64_t nin = n + bg * NB;
      const C* wo = w.data() + o * Cg * kernel_taps;
      C* yo = y.data() + (n * O + o) * out_spatial;
      for (std::int64_t po = 0; po < out_spatial; ++po) {
        const std::int64_t* offs = offset.data() + po * taps_total;
        C acc = neg_zero;
        for (std::int64_t c = 0; c < Cg; ++c) {
          const C* xc = x.data() + (nin * C_in + g * Cg + c) * in_spatial;
          const C* wc = wo + c * kernel_taps;
          for (std::int64_t t = 0; t < taps_total; ++t) {
            const std::int64_t k = weight_of[static_cast<std::size_t>(t)];
            acc += (offs[t] >= 0 ? xc[offs[t]] : zero) * (k >= 0 ? wc[k] : zero);
          }
        }
        yo[po] = acc;
      }
    }

  return host::write(out, host::permute(y, cs, geo.output_from_canonical));
}

}  // namespace

Tensor BinaryBackend::conv(const Spec& out, const Tensor& input, const Tensor& kernel,
                           const ConvOptions& opts) {
  if (is_complex(out.type)) return conv_impl<host::cdouble>(out, input, kernel, opts);
  return conv_impl<double>(out, input, kernel, opts);
}

}  // namespace nx
