// Telemetry: attach C++ handlers to Emily's events by name.
//
// Events (see docs/telemetry.md for the catalogue):
//   emily.fallback   span (start/stop/exception): op, input_shapes, input_types
//   emily.eval       span: shape, type, byte_size
//   emily.to_binary  span: shape, type, byte_size
//   emily.memory     event: active_bytes, peak_bytes, cache_bytes
//   emily.compiler.eager  event: op, id, reason (a node kept out of mx::compile)
//   emily.compiler.plan   event: segments, compiled_nodes, eager_nodes, mlx_compile
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace emily::telemetry {

enum class Phase { start, stop, exception, event };

struct Event {
  std::string name;
  Phase phase = Phase::event;
  std::map<std::string, std::string> metadata;
  double duration_us = 0;  // stop/exception only
};

using Handler = std::function<void(const Event&)>;
using HandlerId = std::uint64_t;

HandlerId attach(const std::string& event_name, Handler handler);
void detach(HandlerId id);
void emit(const Event& event);
bool has_handlers(const std::string& event_name);

// Emits start on construction and stop (or exception) on destruction.
class Span {
 public:
  Span(std::string name, std::map<std::string, std::string> metadata);
  ~Span();
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

 private:
  std::string name_;
  std::map<std::string, std::string> metadata_;
  std::int64_t start_ns_ = 0;
  int uncaught_ = 0;
  bool active_ = false;
};

// Emits an emily.memory event with MLX's allocator statistics.
void emit_memory_stats();

}  // namespace emily::telemetry
