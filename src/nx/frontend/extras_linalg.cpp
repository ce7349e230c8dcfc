// Front end: Nx.LinAlg.least_squares and Nx.LinAlg.matrix_rank, composed
// from svd and pinv.
#include <algorithm>

#include "common.hpp"

namespace nx::linalg {

Tensor least_squares(const Tensor& a, const Tensor& b, const LeastSquaresOptions& opts) {
  if (is_complex(a.type()) || is_complex(b.type()))
    raise("least_squares", "Nx.LinAlg.least_squares/2 is not yet implemented for complex inputs");
  if (a.rank() != 2)
    raise("least_squares", "tensor of 1st argument must have rank 2, got rank " + std::to_string(a.rank()) +
                               " with shape " + shape_to_string(a.shape()));
  if (b.rank() != 1)
    raise("least_squares", "tensor of 2nd argument must have rank 1, got rank " + std::to_string(b.rank()) +
                               " with shape " + shape_to_string(b.shape()));
  if (a.dim(0) != b.dim(0))
    raise("least_squares",
          "the number of rows of the matrix as the 1st argument and the number of columns of the vector as the 2nd "
          "argument must be the same, got 1st argument shape " +
              shape_to_string(a.shape()) + " and 2nd argument shape " + shape_to_string(b.shape()));
  BackendPtr backend = front::pick_backend("least_squares", {&a, &b});
  return dot(pinv(front::on(a, backend), opts.eps), front::on(b, backend));
}

Tensor matrix_rank(const Tensor& a, const MatrixRankOptions& opts) {
  if (is_complex(a.type())) raise("matrix_rank", "Nx.LinAlg.matrix_rank/2 is not yet implemented for complex inputs");
  if (a.rank() != 2)
    raise("matrix_rank", "tensor must have rank 2, got rank " + std::to_string(a.rank()) + " with shape " +
                             shape_to_string(a.shape()));
  // Singular values above eps * max(M, N) * the largest singular value.
  const Tensor s = svd(a).s;
  const double scale = opts.eps * static_cast<double>(std::max(a.dim(0), a.dim(1)));
  return sum(greater(s, multiply(reduce_max(s), scale)));
}

}  // namespace nx::linalg
