// Emily's own CUDA kernels, compiled by MLX at first use through
// mx::fast::cuda_kernel and queued on MLX's stream like any other op, so the
// results stay lazy and compose. They replace MLX compositions that make
// several passes over the data:
// - arg-reductions with Nx's rules (ties to the low or high index, a NaN wins
//   and the last NaN is reported) in one pass, where MLX needs argmax plus
//   isnan/any/flip/argmax/where;
// - sums along one axis that accumulate f16/bf16 in f32 without an f32 copy
//   of the input, and f32 sums of a middle or leading axis, which MLX's CUDA
//   reduction handles with one thread per output column.
#include "cuda_kernels.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

#include <mlx/backend/cuda/cuda.h>
#include <mlx/fast.h>

namespace emily::cuda {

namespace {

std::atomic<long> g_launches{0};

bool enabled_by_env() {
  static const bool on = [] {
    const char* v = std::getenv("EMILY_GPU_KERNELS");
    return v == nullptr || *v == '\0' || std::string(v) != "0";
  }();
  return on;
}

bool kernel_type(mx::Dtype t) { return t == mx::float32 || t == mx::float16 || t == mx::bfloat16; }

// The kernels read N and INNER from the input's shape, so one compiled
// kernel serves every shape with the same type and axis.
// Rows of `n` elements: view the input as [outer, n, inner] along `axis`.
struct Geometry {
  std::int64_t outer = 1, n = 1, inner = 1;
};

Geometry geometry(const mx::array& a, int axis) {
  Geometry g;
  for (int d = 0; d < a.ndim(); ++d) {
    const std::int64_t s = a.shape(d);
    if (d < axis) g.outer *= s;
    else if (d == axis) g.n = s;
    else g.inner *= s;
  }
  return g;
}

// Grids count threads; one kernel launch is limited to int sizes.
constexpr std::int64_t kMaxThreads = std::int64_t{1} << 30;

mx::Shape reduced_shape(const mx::array& a, int axis, bool keep) {
  mx::Shape s = a.shape();
  if (keep) s[static_cast<std::size_t>(axis)] = 1;
  else s.erase(s.begin() + axis);
  return s;
}

// Shared by the kernels' bodies (passed as the kernels' header; the bodies
// name x_shape and x_ndim, so that MLX passes them): N and INNER
// of the [outer, N, INNER] view along AXIS; for the row kernels, this
// block's row, its first element and the thread's index.
const char* kHeader = R"(
#define EMILY_AXIS_GEOMETRY(shape, ndim) \
  long long N = shape[AXIS], INNER = 1; \
  for (int d = AXIS + 1; d < ndim; ++d) INNER *= shape[d];
#define EMILY_ROW(shape, ndim) \
  EMILY_AXIS_GEOMETRY(shape, ndim) \
  const long long row = blockIdx.x; \
  const long long o = row / INNER, i = row % INNER; \
  const T* base = x + o * N * INNER + i; \
  const int t = threadIdx.x;
)";

// One block of BLOCK threads per (outer, inner) output; thread t visits
// elements t, t + BLOCK, ... of its row, so each thread sees increasing
// indices and a strict comparison keeps the first of equal values.
const char* kArgSource = R"(
  EMILY_ROW(x_shape, x_ndim)
  float best = 0.0f;
  int bidx = -1, nan_idx = -1;
  for (long long k = t; k < N; k += BLOCK) {
    const float v = static_cast<float>(base[k * INNER]);
    if (isnan(v)) { nan_idx = (int)k; continue; }
    bool better;
    if (bidx < 0) better = true;
    else if (IS_MAX) better = HIGH ? v >= best : v > best;
    else better = HIGH ? v <= best : v < best;
    if (better) { best = v; bidx = (int)k; }
  }
  __shared__ float s_best[BLOCK];
  __shared__ int s_idx[BLOCK];
  __shared__ int s_nan[BLOCK];
  s_best[t] = best; s_idx[t] = bidx; s_nan[t] = nan_idx;
  __syncthreads();
  for (int w = BLOCK / 2; w > 0; w /= 2) {
    if (t < w) {
      const int oi = s_idx[t + w];
      if (oi >= 0) {
        const float ov = s_best[t + w];
        const int mi = s_idx[t];
        bool take;
        if (mi < 0) take = true;
        else if (ov == s_best[t]) take = HIGH ? oi > mi : oi < mi;
        else take = IS_MAX ? ov > s_best[t] : ov < s_best[t];
        if (take) { s_best[t] = ov; s_idx[t] = oi; }
      }
      if (s_nan[t + w] > s_nan[t]) s_nan[t] = s_nan[t + w];
    }
    __syncthreads();
  }
  if (t == 0) out[row] = s_nan[0] >= 0 ? s_nan[0] : s_idx[0];
)";

// Sum along a row (INNER == 1) or a strided axis; f32 accumulation. Aligned
// rows are read 16 bytes at a time.
const char* kSumSource = R"(
  EMILY_ROW(x_shape, x_ndim)
  float acc = 0.0f;
  constexpr int VEC = 16 / sizeof(T);
  struct alignas(16) Packet { T v[VEC]; };
  if (INNER == 1 && N % VEC == 0 && reinterpret_cast<unsigned long long>(base) % 16 == 0) {
    const Packet* p = reinterpret_cast<const Packet*>(base);
    const long long np = N / VEC;
#pragma unroll 4
    for (long long k = t; k < np; k += BLOCK) {
      const Packet w = p[k];
#pragma unroll
      for (int j = 0; j < VEC; ++j) acc += static_cast<float>(w.v[j]);
    }
  } else {
    for (long long k = t; k < N; k += BLOCK) acc += static_cast<float>(base[k * INNER]);
  }
  for (int off = 16; off > 0; off /= 2) acc += __shfl_down_sync(0xffffffff, acc, off);
  __shared__ float s_acc[BLOCK / 32];
  if ((t & 31) == 0) s_acc[t >> 5] = acc;
  __syncthreads();
  if (t < 32) {
    acc = t < BLOCK / 32 ? s_acc[t] : 0.0f;
    for (int off = 16; off > 0; off /= 2) acc += __shfl_down_sync(0xffffffff, acc, off);
    if (t == 0) out[row] = static_cast<U>(acc);
  }
)";

// Sum over the middle axis of [outer, N, INNER] for INNER > 1: a block holds
// 32 adjacent columns (coalesced reads) and 8 row stripes, reduced in shared
// memory. gridDim.y splits N into chunks so that enough blocks run; each
// chunk writes its own partial sum, out[outer, gridDim.y, INNER].
const char* kColumnSumSource = R"(
  EMILY_AXIS_GEOMETRY(x_shape, x_ndim)
  const long long tiles = (INNER + 31) / 32;
  const long long o = blockIdx.x / tiles;
  const long long c = (blockIdx.x % tiles) * 32 + threadIdx.x;
  const long long chunk = (N + gridDim.y - 1) / gridDim.y;
  const long long begin = blockIdx.y * chunk;
  const long long end = begin + chunk < N ? begin + chunk : N;
  const int y = threadIdx.y;
  float acc = 0.0f;
  if (c < INNER) {
    const T* base = x + o * N * INNER + c;
#pragma unroll 4
    for (long long k = begin + y; k < end; k += 8) acc += static_cast<float>(base[k * INNER]);
  }
  __shared__ float s_acc[8][33];
  s_acc[y][threadIdx.x] = acc;
  __syncthreads();
  if (y == 0 && c < INNER) {
    float total = 0.0f;
    for (int r = 0; r < 8; ++r) total += s_acc[r][threadIdx.x];
    out[(o * gridDim.y + blockIdx.y) * INNER + c] = static_cast<U>(total);
  }
)";

const mx::fast::CustomKernelFunction& arg_kernel() {
  static const auto k = mx::fast::cuda_kernel("emily_arg_reduce", {"x"}, {"out"}, kArgSource, kHeader);
  return k;
}
const mx::fast::CustomKernelFunction& sum_kernel() {
  static const auto k = mx::fast::cuda_kernel("emily_row_sum", {"x"}, {"out"}, kSumSource, kHeader);
  return k;
}
const mx::fast::CustomKernelFunction& column_sum_kernel() {
  static const auto k = mx::fast::cuda_kernel("emily_column_sum", {"x"}, {"out"}, kColumnSumSource, kHeader);
  return k;
}

bool usable(const mx::array& a, mx::Device d) {
  return kernels_enabled() && d == mx::Device::gpu && kernel_type(a.dtype()) && a.size() > 0 && a.ndim() > 0 &&
         mx::cu::is_available();
}

}  // namespace

bool kernels_enabled() { return enabled_by_env(); }
long launches() { return g_launches.load(); }

std::optional<mx::array> arg_reduce(const mx::array& a, int axis, bool keep, bool is_max, bool high, mx::Device d) {
  if (!usable(a, d)) return std::nullopt;
  const Geometry g = geometry(a, axis);
  const int block = g.n <= 256 ? 32 : 256;
  const std::int64_t rows = g.outer * g.inner;
  if (g.n > INT32_MAX || rows * block > kMaxThreads) return std::nullopt;
  ++g_launches;
  auto out = arg_kernel()({a}, {reduced_shape(a, axis, keep)}, {mx::int32},
                          {static_cast<int>(rows * block), 1, 1}, {block, 1, 1},
                          {{"T", a.dtype()}, {"AXIS", axis}, {"BLOCK", block}, {"IS_MAX", is_max}, {"HIGH", high}},
                          std::nullopt, false, d);
  return out[0];
}

std::optional<mx::array> sum(const mx::array& a, int axis, bool keep, mx::Dtype out_type, mx::Device d) {
  if (!usable(a, d) || !kernel_type(out_type)) return std::nullopt;
  const Geometry g = geometry(a, axis);
  if (g.n > INT32_MAX || g.inner > INT32_MAX) return std::nullopt;
  const mx::Shape shape = reduced_shape(a, axis, keep);
  const std::vector<std::pair<std::string, mx::fast::TemplateArg>> targs = {
      {"T", a.dtype()}, {"U", out_type}, {"AXIS", axis}, {"BLOCK", 256}};
  if (g.inner == 1) {
    if (g.outer * 256 > kMaxThreads) return std::nullopt;
    ++g_launches;
    const int block = g.n > 1024 ? 256 : 32;
    auto row_args = targs;
    row_args.back().second = block;
    return sum_kernel()({a}, {shape}, {out_type}, {static_cast<int>(g.outer * block), 1, 1}, {block, 1, 1}, row_args,
                        std::nullopt, false, d)[0];
  }
  const std::int64_t tiles = (g.inner + 31) / 32;
  if (g.outer * tiles * 32 > kMaxThreads) return std::nullopt;
  // Split N so that about a thousand blocks run (at least 64 rows a chunk),
  // then sum the partials with the same kernel.
  const std::int64_t blocks = g.outer * tiles;
  const std::int64_t split = std::clamp<std::int64_t>(1024 / blocks, 1, std::max<std::int64_t>(1, g.n / 64));
  const auto grid = [&](std::int64_t chunks) {
    return std::tuple<int, int, int>{static_cast<int>(blocks * 32), static_cast<int>(8 * chunks), 1};
  };
  ++g_launches;
  if (split == 1)
    return column_sum_kernel()({a}, {shape}, {out_type}, grid(1), {32, 8, 1}, targs, std::nullopt, false, d)[0];
  mx::Shape partial_shape = {static_cast<int>(g.outer), static_cast<int>(split), static_cast<int>(g.inner)};
  auto partial = column_sum_kernel()({a}, {partial_shape}, {mx::float32}, grid(split), {32, 8, 1},
                                     {{"T", a.dtype()}, {"U", mx::float32}, {"AXIS", axis}, {"BLOCK", 256}},
                                     std::nullopt, false, d)[0];
  auto total = column_sum_kernel()({partial}, {{static_cast<int>(g.outer), static_cast<int>(g.inner)}}, {out_type},
                                   grid(1), {32, 8, 1},
                                   {{"T", mx::float32}, {"U", out_type}, {"AXIS", 1}, {"BLOCK", 256}}, std::nullopt,
                                   false, d)[0];
  return mx::reshape(total, shape, d);
}

}  // namespace emily::cuda
