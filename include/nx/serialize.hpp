// Tensor files: safetensors (load and save) and numpy's .npy/.npz, Nx's
// from_numpy / from_numpy_archive counterparts.
//
// Every reader checks the file before it trusts it: header length against the
// file size, the header itself (JSON or numpy's dict literal), dtypes, shapes,
// data offsets and sizes, zip records and deflate streams. A bad file raises
// nx::ArgumentError whose message starts with the function name and names the
// file ("load_safetensors: model.safetensors: ..."); nothing aborts. The
// readers run the same host code for every backend and create each tensor
// with the target backend's from_binary, so behaviour and errors are the same
// on all of them; a dtype the backend cannot hold (f8 on Emily, for example)
// raises nx::ArgumentError naming the file, the tensor and the dtype.
#pragma once

#include <map>
#include <string>

#include "nx/tensor.hpp"

namespace nx {

struct LoadOptions {
  BackendPtr backend;  // default: the global default backend
};

// safetensors dtypes and their Nx types: BOOL -> u8, U8..U64 -> u8..u64,
// I8..I64 -> s8..s64, F16/BF16/F32/F64 -> f16/bf16/f32/f64, F8_E5M2 -> f8,
// F8_E4M3 -> f8_e4m3fn, C64 -> c64. The "__metadata__" entry is checked and
// skipped. Nx has no zero-sized dimensions, so a tensor with one raises.
std::map<std::string, Tensor> load_safetensors(const std::string& path, const LoadOptions& opts = {});

// Writes the tensors in name order with a space-padded, 8-byte aligned header.
// Types without a safetensors dtype (u2/u4/s2/s4, c128) raise; so does the
// tensor name "__metadata__".
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// A .npy file (format versions 1, 2 and 3). dtypes b1 (-> u8), u1..u8, i1..i8,
// f2, f4, f8, c8, c16 in any byte order ('<', '|', '=' or '>', converted);
// Fortran-ordered arrays are transposed into Nx's row-major layout.
Tensor from_numpy(const std::string& path, const LoadOptions& opts = {});

// A .npz archive (np.savez, stored, or np.savez_compressed, deflated; zip64
// included). Keys are the member names without their ".npy" suffix.
std::map<std::string, Tensor> from_numpy_archive(const std::string& path, const LoadOptions& opts = {});

// Writes `t` as a .npy file (format 1.0, or 2.0 for huge headers). bf16, f8
// and sub-byte types have no numpy dtype and raise.
void to_numpy(const std::string& path, const Tensor& t);

}  // namespace nx
