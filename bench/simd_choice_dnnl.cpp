// simd_choice: oneDNN's (DNNL 2.x API) element-wise, softmax and layer-norm
// primitives on f32, for the question whether oneDNN would be worth a
// dependency. Primitives are created once per size (oneDNN JIT-compiles
// them) and executed on the caller's buffers; threads come from OpenMP
// (simd_choice.sh sets OMP_NUM_THREADS=1: single thread, as the others).
#include <dnnl.hpp>

#include <map>
#include <utility>

#include "simd_choice.hpp"

namespace simd_choice {

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

dnnl::engine& eng() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}
dnnl::stream& strm() {
  static dnnl::stream s(eng());
  return s;
}

template <dnnl::algorithm A>
void eltwise(const float* in, float* out, std::size_t n) {
  static std::map<std::size_t, dnnl::eltwise_forward> made;
  const dnnl::memory::desc md({static_cast<dnnl::memory::dim>(n)}, dt::f32, tag::a);
  auto it = made.find(n);
  if (it == made.end()) {
    dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference, A, md, 0.f, 0.f);
    it = made.emplace(n, dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(d, eng()))).first;
  }
  dnnl::memory src(md, eng(), const_cast<float*>(in)), dst(md, eng(), out);
  it->second.execute(strm(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  strm().wait();
}

const char* isa_name(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    default: return "other";
  }
}

}  // namespace

std::vector<Impl> dnnl_impls(std::string& about) {
  const auto* v = dnnl::version();
  about = "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
          ", ISA " + isa_name(dnnl::get_effective_cpu_isa());
  const std::string lib = "onednn " + std::to_string(v->major) + "." + std::to_string(v->minor), var = "eltwise primitive";
  // oneDNN's eltwise has no log1p, expm1, sin, cos or plain erf, and no f64.
  return {{lib, var, Fn::exp, eltwise<dnnl::algorithm::eltwise_exp>, nullptr},
          {lib, var, Fn::log, eltwise<dnnl::algorithm::eltwise_log>, nullptr},
          {lib, var, Fn::tanh, eltwise<dnnl::algorithm::eltwise_tanh>, nullptr},
          {lib, var, Fn::sigmoid, eltwise<dnnl::algorithm::eltwise_logistic>, nullptr}};
}

void dnnl_gelu_erf(const float* in, float* out, std::size_t n) {
  eltwise<dnnl::algorithm::eltwise_gelu_erf>(in, out, n);
}

void dnnl_softmax(const float* in, float* out, int rows, int cols) {
  static std::map<std::pair<int, int>, dnnl::softmax_forward> made;
  const dnnl::memory::desc md({rows, cols}, dt::f32, tag::ab);
  auto it = made.find({rows, cols});
  if (it == made.end()) {
    dnnl::softmax_forward::desc d(dnnl::prop_kind::forward_inference, md, 1);
    it = made.emplace(std::pair{rows, cols}, dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(d, eng())))
             .first;
  }
  dnnl::memory src(md, eng(), const_cast<float*>(in)), dst(md, eng(), out);
  it->second.execute(strm(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  strm().wait();
}

void dnnl_layer_norm(const float* in, const float* gamma, const float* beta, float* out, int rows, int cols) {
  static std::map<std::pair<int, int>, dnnl::layer_normalization_forward> made;
  const dnnl::memory::desc md({rows, cols}, dt::f32, tag::ab), wd({cols}, dt::f32, tag::a);
  auto it = made.find({rows, cols});
  if (it == made.end()) {
    dnnl::layer_normalization_forward::desc d(dnnl::prop_kind::forward_inference, md, 1e-5f,
                                              dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift);
    it = made.emplace(std::pair{rows, cols}, dnnl::layer_normalization_forward(
                                                 dnnl::layer_normalization_forward::primitive_desc(d, eng())))
             .first;
  }
  dnnl::memory src(md, eng(), const_cast<float*>(in)), dst(md, eng(), out);
  dnnl::memory g(wd, eng(), const_cast<float*>(gamma)), b(wd, eng(), const_cast<float*>(beta));
  it->second.execute(strm(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}, {DNNL_ARG_SCALE, g}, {DNNL_ARG_SHIFT, b}});
  strm().wait();
}

}  // namespace simd_choice
