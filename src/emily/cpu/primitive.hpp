// The framework of Emily's CPU kernels: MLX primitives whose eval_cpu queues
// Emily's own (SIMD, threaded) loops on MLX's CPU command encoder, so their
// results stay lazy MLX arrays that compose with every other op and trace
// under mx::compile. Built only on the CPU device: eval_gpu raises.
//
// A kernel family (elementwise.cpp) derives from CpuPrimitive, allocates its
// output in eval_cpu (output_like donates an input buffer where MLX would),
// and dispatches a task that reads the inputs' data (prepare_input makes a
// strided input contiguous inside that task) and notes the run.
#pragma once

#include <cstdint>
#include <string_view>

#include <mlx/backend/cpu/encoder.h>
#include <mlx/primitives.h>

#include "../emily_backend.hpp"

namespace emily::cpu {

// The MLX stream new kernel nodes run on (the calling thread's CPU stream);
// a node's eval_cpu uses the stream it was built with.
mx::Stream stream();

// Whether a kernel may serve an op producing `dtype` on device `d` (the
// switch is on, the device is the CPU, the type is f32 or f64).
bool applies(mx::Dtype dtype, mx::Device d);

// Evaluations of each kernel so far, by kernel name ("exp", "add", ...):
// tests assert that the kernel path was taken.
void note_run(std::string_view kernel);
std::uint64_t runs(std::string_view kernel);
std::uint64_t total_runs();

class CpuPrimitive : public mx::UnaryPrimitive {
 public:
  using mx::UnaryPrimitive::UnaryPrimitive;
  void eval_gpu(const std::vector<mx::array>& inputs, mx::array& out) override;
};

// A fresh buffer of `bytes` for an output. Large ones ask Linux for huge
// pages: first touching a fresh 64 MB output in 4 KB pages costs more than
// the kernel's arithmetic.
mx::allocator::Data allocate(std::size_t bytes);

// Allocates `out` with the layout of the contiguous array `in` (any
// contiguous order, including a broadcast-free transpose), taking over
// in's buffer when MLX allows donation.
void output_like(const mx::array& in, mx::array& out);

// An input ready for a flat loop: `in` itself when its data is contiguous
// (row-major only, when `row_major` is set), else a row-major buffer that
// the task must fill with gather(in, buffer) before reading it. The encoder
// of stream `s` keeps the buffer alive until the task has run.
mx::array prepare_input(const mx::array& in, bool row_major, bool& needs_gather, mx::Stream s);
// Copies the strided elements of `src` into the row-major `dst` (f32 or f64).
void gather(const mx::array& src, mx::array& dst);

}  // namespace emily::cpu
