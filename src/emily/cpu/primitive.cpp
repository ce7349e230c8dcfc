// The framework of primitive.hpp and the switch of include/emily/backend.hpp.
#include "primitive.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include <mlx/backend/common/utils.h>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace emily {

namespace {

std::atomic<bool>& kernels_switch() {
  static std::atomic<bool> on = [] {
    const char* env = std::getenv("EMILY_CPU_KERNELS");
    return !(env && std::strcmp(env, "0") == 0);
  }();
  return on;
}

}  // namespace

void use_cpu_kernels(bool on) { kernels_switch() = on; }
bool cpu_kernels_enabled() { return kernels_switch(); }

namespace cpu {

namespace {

struct Counters {
  std::mutex mutex;
  std::map<std::string, std::uint64_t, std::less<>> by_kernel;
  std::uint64_t total = 0;
};

Counters& counters() {
  static Counters* c = new Counters;
  return *c;
}

// Row-major copy of the strided [rows, cols] matrix at src (strides rs,
// cs). Where the rows are the faster axis in memory (a transpose), the copy
// goes in 32x32 tiles so that both sides stay in cache.
template <class T>
void copy_matrix(const T* src, std::int64_t rows, std::int64_t cols, std::int64_t rs, std::int64_t cs, T* dst) {
  if (std::llabs(rs) >= std::llabs(cs) || rows < 32 || cols < 32) {
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t j = 0; j < cols; ++j) dst[i * cols + j] = src[i * rs + j * cs];
    return;
  }
  constexpr std::int64_t B = 32;
  for (std::int64_t i0 = 0; i0 < rows; i0 += B)
    for (std::int64_t j0 = 0; j0 < cols; j0 += B) {
      const std::int64_t i1 = std::min(rows, i0 + B), j1 = std::min(cols, j0 + B);
      for (std::int64_t j = j0; j < j1; ++j)
        for (std::int64_t i = i0; i < i1; ++i) dst[i * cols + j] = src[i * rs + j * cs];
    }
}

template <class T>
void gather_as(const T* src, const mx::Shape& shape, const mx::Strides& strides, T* dst, std::size_t size) {
  const int nd = static_cast<int>(shape.size());
  if (nd == 0 || size == 0) {
    if (size) *dst = *src;
    return;
  }
  // The last two axes as a matrix (a row vector for rank 1), the others looped over.
  const std::int64_t cols = shape[nd - 1], cs = strides[nd - 1];
  const std::int64_t rows = nd >= 2 ? shape[nd - 2] : 1, rs = nd >= 2 ? strides[nd - 2] : 0;
  const int outer_dims = std::max(0, nd - 2);
  std::vector<std::int64_t> idx(static_cast<std::size_t>(outer_dims), 0);
  for (std::size_t done = 0; done < size; done += static_cast<std::size_t>(rows * cols)) {
    std::int64_t off = 0;
    for (int d = 0; d < outer_dims; ++d) off += idx[static_cast<std::size_t>(d)] * strides[d];
    copy_matrix(src + off, rows, cols, rs, cs, dst);
    dst += rows * cols;
    for (int d = outer_dims - 1; d >= 0; --d) {  // next matrix, last outer axis fastest
      if (++idx[static_cast<std::size_t>(d)] < shape[d]) break;
      idx[static_cast<std::size_t>(d)] = 0;
    }
  }
}

}  // namespace

mx::Stream stream() { return mx::default_stream(mx::Device::cpu); }

bool applies(mx::Dtype dtype, mx::Device d) {
  return cpu_kernels_enabled() && d == mx::Device::cpu && (dtype == mx::float32 || dtype == mx::float64);
}

void note_run(std::string_view kernel) {
  auto& c = counters();
  std::lock_guard lock(c.mutex);
  auto it = c.by_kernel.find(kernel);
  if (it == c.by_kernel.end()) it = c.by_kernel.emplace(std::string(kernel), 0).first;
  ++it->second;
  ++c.total;
}

std::uint64_t runs(std::string_view kernel) {
  auto& c = counters();
  std::lock_guard lock(c.mutex);
  auto it = c.by_kernel.find(kernel);
  return it == c.by_kernel.end() ? 0 : it->second;
}

std::uint64_t total_runs() {
  auto& c = counters();
  std::lock_guard lock(c.mutex);
  return c.total;
}

void CpuPrimitive::eval_gpu(const std::vector<mx::array>&, mx::array&) {
  throw std::runtime_error(std::string(name()) + " is an Emily CPU kernel and has no GPU version");
}

mx::allocator::Data allocate(std::size_t bytes) {
  mx::allocator::Data data = mx::allocator::malloc(bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // The whole 2 MB pages inside the buffer, for buffers of 4 MB and more
  // (where transparent huge pages are off, the call does nothing).
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  if (void* raw = bytes >= 2 * kHuge ? data.buffer().raw_ptr() : nullptr) {
    const auto p = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t begin = (p + kHuge - 1) & ~(kHuge - 1), end = (p + bytes) & ~(kHuge - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
#endif
  return data;
}

void output_like(const mx::array& in, mx::array& out) {
  if (mx::is_donatable(in, out)) {
    out.copy_shared_buffer(in);
  } else {
    out.set_data(allocate(in.data_size() * out.itemsize()), in.data_size(), in.strides(), in.flags());
  }
}

mx::array prepare_input(const mx::array& in, bool row_major, bool& needs_gather, mx::Stream s) {
  needs_gather = !(row_major ? in.flags().row_contiguous : in.flags().contiguous);
  if (!needs_gather) return in;
  mx::array buffer(allocate(in.nbytes()), in.shape(), in.dtype());
  mx::cpu::get_command_encoder(s).add_temporary(buffer);
  return buffer;
}

void gather(const mx::array& src, mx::array& dst) {
  if (src.dtype() == mx::float64)
    gather_as(src.data<double>(), src.shape(), src.strides(), dst.data<double>(), src.size());
  else
    gather_as(src.data<float>(), src.shape(), src.strides(), dst.data<float>(), src.size());
}

}  // namespace cpu
}  // namespace emily
