// Default compositions of the blocks (Nx.Block.*): what a backend runs when
// it does not implement a block natively. Each one reports itself through
// detail::note_composed so that tools can tell composed from native.
#include "common.hpp"

namespace nx {

namespace detail {

namespace {
thread_local ComposedRecorder* g_recorder = nullptr;
}

ComposedRecorder::ComposedRecorder() : previous_(g_recorder) { g_recorder = this; }
ComposedRecorder::~ComposedRecorder() { g_recorder = previous_; }

void note_composed(std::string_view block) {
  for (ComposedRecorder* r = g_recorder; r; r = r->previous_) r->blocks_.emplace_back(block);
}

}  // namespace detail

Tensor Backend::logical_not(const Spec& out, const Tensor& t) {
  detail::note_composed("logical_not");
  Tensor zero = constant(Spec{{}, t.type(), {}}, 0);
  return equal(out, t, zero);
}

Tensor Backend::phase(const Spec& out, const Tensor& t) {
  detail::note_composed("phase");
  if (!is_complex(t.type())) {
    // atan2(0, x) for real inputs
    Tensor zero = constant(Spec{{}, out.type, {}}, 0.0);
    Tensor x = as_type(Spec{t.shape(), out.type, t.names()}, t);
    return atan2(out, zero, x);
  }
  Spec part{t.shape(), out.type, t.names()};
  return atan2(out, imag(part, t), real(part, t));
}

}  // namespace nx
