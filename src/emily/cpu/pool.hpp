// A small persistent thread pool for Emily's CPU kernels. MLX runs the tasks
// of a CPU stream one after another on one thread; a kernel splits a large
// tensor across the pool from inside its task.
#pragma once

#include <cstddef>
#include <functional>

namespace emily::cpu {

// Threads a kernel may use: EMILY_CPU_THREADS when set (at least 1), else
// std::thread::hardware_concurrency(). Read once.
int thread_count();

// Calls fn(begin, end) over [0, n) in contiguous parts, on up to
// thread_count() threads (the caller is one of them). Parts hold at least
// `grain` elements and start at multiples of 64 elements, so SIMD loops
// and cache lines are not split; below 2 * grain the call runs inline.
// Nested calls, and calls while another thread holds the pool, run inline.
void parallel_for(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& fn);

}  // namespace emily::cpu
