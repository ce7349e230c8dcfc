#include "emily/telemetry.hpp"

#include <mlx/memory.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <vector>

#include "emily/memory.hpp"

namespace emily::telemetry {

namespace {

struct Registry {
  std::mutex mutex;
  std::multimap<std::string, std::pair<HandlerId, Handler>> handlers;
  std::atomic<std::size_t> count{0};
  HandlerId next = 1;
};

Registry& registry() {
  static Registry r;
  return r;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

HandlerId attach(const std::string& event_name, Handler handler) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  HandlerId id = r.next++;
  r.handlers.emplace(event_name, std::make_pair(id, std::move(handler)));
  r.count = r.handlers.size();
  return id;
}

void detach(HandlerId id) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  for (auto it = r.handlers.begin(); it != r.handlers.end(); ++it)
    if (it->second.first == id) {
      r.handlers.erase(it);
      break;
    }
  r.count = r.handlers.size();
}

bool has_handlers(const std::string& event_name) {
  auto& r = registry();
  if (r.count == 0) return false;
  std::lock_guard lock(r.mutex);
  return r.handlers.count(event_name) > 0;
}

void emit(const Event& event) {
  auto& r = registry();
  if (r.count == 0) return;
  std::vector<Handler> targets;
  {
    std::lock_guard lock(r.mutex);
    auto range = r.handlers.equal_range(event.name);
    for (auto it = range.first; it != range.second; ++it) targets.push_back(it->second.second);
  }
  for (auto& h : targets) h(event);
}

Span::Span(std::string name, std::map<std::string, std::string> metadata)
    : name_(std::move(name)), metadata_(std::move(metadata)) {
  active_ = has_handlers(name_);
  if (!active_) return;
  uncaught_ = std::uncaught_exceptions();
  start_ns_ = now_ns();
  emit(Event{name_, Phase::start, metadata_, 0});
}

Span::~Span() {
  if (!active_) return;
  double us = static_cast<double>(now_ns() - start_ns_) / 1000.0;
  Phase phase = std::uncaught_exceptions() > uncaught_ ? Phase::exception : Phase::stop;
  try {
    emit(Event{name_, phase, metadata_, us});
  } catch (...) {
    // A handler must not turn a span end into a crash.
  }
}

void emit_memory_stats() {
  emit(Event{"emily.memory",
             Phase::event,
             {{"active_bytes", std::to_string(memory::active_bytes())},
              {"peak_bytes", std::to_string(memory::peak_bytes())},
              {"cache_bytes", std::to_string(memory::cache_bytes())}},
             0});
}

}  // namespace emily::telemetry

namespace emily::memory {
namespace mx = mlx::core;
std::size_t active_bytes() { return mx::get_active_memory(); }
std::size_t peak_bytes() { return mx::get_peak_memory(); }
std::size_t cache_bytes() { return mx::get_cache_memory(); }
void reset_peak() { mx::reset_peak_memory(); }
void clear_cache() { mx::clear_cache(); }
}  // namespace emily::memory
