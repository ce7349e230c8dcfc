// Bad input raises nx::ArgumentError with Nx 0.13's own message (after the
// "op: " prefix naming the function), so that the text of an error leads to
// Nx's documentation. Each case is the condition of an Nx doctest or of the
// Nx.Shape check it runs; shapes print as Nx prints tuples, types as Nx
// prints {:f, 32}.
#include <complex>
#include <functional>
#include <string>

#include "test_util.hpp"

namespace {

using nx::Shape;

class NxErrors : public test::BackendTest {
 protected:
  nx::Tensor ints(const nx::Literal& l, nx::Names names = {}) const {
    return nx::tensor(l, {.type = nx::s32, .names = std::move(names), .backend = b()});
  }
  nx::Tensor floats(const nx::Literal& l) const { return nx::tensor(l, {.type = nx::f32, .names = {}, .backend = b()}); }
  nx::Tensor iota(const Shape& s, nx::Names names = {}) const {
    return nx::iota(s, {.names = std::move(names), .backend = b()});
  }
};

// Runs fn and asserts nx::ArgumentError with exactly `message`.
void expect_error(const std::function<void()>& fn, const std::string& message) {
  try {
    fn();
    ADD_FAILURE() << "no error, expected: " << message;
  } catch (const nx::ArgumentError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST_P(NxErrors, ReshapeAndShapes) {
  expect_error([&] { nx::reshape(iota({2, 2, 2}), {2, 3}); },
               "reshape: cannot reshape, current shape {2, 2, 2} is not compatible with new shape {2, 3}");
  // An :auto dimension that comes out 0 is reported against the shape without it.
  expect_error([&] { nx::reshape(iota({1, 3}), {-1, 4}); },
               "reshape: cannot reshape, current shape {1, 3} is not compatible with new shape {4}");
  // Otherwise the inferred (floor) dimension is shown.
  expect_error([&] { nx::reshape(iota({2, 3}), {-1, 4}); },
               "reshape: cannot reshape, current shape {2, 3} is not compatible with new shape {1, 4}");
  expect_error([&] { nx::iota({2, 0}, {.backend = b()}); },
               "iota: invalid dimension in axis 1 found in shape. Each dimension must be a positive integer, got 0 in "
               "shape {2, 0}");
  expect_error([&] { nx::squeeze(ints({{1, 2, 3}, {4, 5, 6}}), nx::Axes{1}); },
               "squeeze: cannot squeeze dimensions whose sizes are not 1, got 3 for dimension 1");
  expect_error([&] { nx::transpose(iota({2, 2}, {"batch", "x"}), nx::Axes{"batch"}); },
               "transpose: expected length of permutation (1) to match rank of shape (2)");
  expect_error([&] { nx::flatten(iota({1, 2, 3}), nx::Axes{0, 2}); }, "flatten: flatten axes must be consecutive");
  expect_error([&] { nx::new_axis(iota({2, 3}), 3); },
               "new_axis: new axis position for shape {2, 3} must be a number between -3 and 2, got: 3");
  expect_error([&] { nx::tile(ints({1, 2}), {1, 0}); }, "tile: repetitions must be a list of integers, got: [1, 0]");
  expect_error([&] { nx::split(iota({4}), 4); },
               "split: split must be an integer greater than zero and less than the length of the given axis");
  expect_error([&] { nx::pad(iota({2}), ints({0, 0}), {{1, 1, 0}}); },
               "pad: padding value must be a scalar and non-vectorized");
  expect_error([&] { nx::pad(iota({2, 2}), 0, {{0, 1, 0}}); },
               "pad: invalid padding configuration, rank of padding configuration and shape must match");
  expect_error([&] { nx::diff(ints({1, 2, 4, 7, 0}), {.order = -1}); }, "diff: order must be non-negative but got: -1");
}

TEST_P(NxErrors, Broadcasting) {
  expect_error([&] { nx::add(iota({4, 2, 5}), iota({3, 2, 5})); },
               "add: cannot broadcast tensor of dimensions {4, 2, 5} to {3, 2, 5}");
  expect_error([&] { nx::add(iota({1, 2, 5}, {"batch", "x", "y"}), iota({3, 2, 5}, {"time", "x", "y"})); },
               "add: cannot merge name :batch on axis 0 with name :time on axis 0");
  expect_error([&] { nx::broadcast(iota({2}), {2, 3}, nx::Axes{1}); },
               "broadcast: cannot broadcast tensor of dimensions {2} to {2, 3} with axes [1]");
  // Without axes the trailing axes are the ones compared.
  expect_error([&] { nx::broadcast(iota({3}), {2, 2}); },
               "broadcast: cannot broadcast tensor of dimensions {3} to {2, 2} with axes [1]");
  expect_error([&] { nx::broadcast(iota({2, 2}), {2}); },
               "broadcast: cannot broadcast tensor of dimensions {2, 2} to {2}");
  expect_error([&] { nx::broadcast(iota({2, 2}), {2, 2, 2}, nx::Axes{1, 0}); },
               "broadcast: broadcast axes must be ordered, got 0 after 1");
  expect_error([&] { nx::select(ints({0, 1, 0}), iota({2}), 0); },
               "select: cannot broadcast tensor of dimensions {2} to {3} with axes [0]");
}

TEST_P(NxErrors, Axes) {
  auto named = iota({4, 2, 5}, {"batch", "x", "y"});
  expect_error([&] { nx::sum(named, {.axes = nx::Axes{"z"}}); },
               "sum: name :z not found in tensor with names [:batch, :x, :y]");
  expect_error([&] { nx::sum(ints({{1, 2}}), {.axes = nx::Axes{2}}); },
               "sum: given axis (2) invalid for shape with rank 2");
  expect_error([&] { nx::argmax(named, {.axis = -4}); }, "argmax: given axis (-4) invalid for shape with rank 3");
  expect_error([&] { nx::squeeze(ints({{{{{1}}}}}), nx::Axes{0, 0}); },
               "squeeze: axes [0, 0] must be unique integers between 0 and 4");
  expect_error([&] { nx::sum(named, {.axes = nx::Axes{""}}); }, "sum: axis name cannot be nil");
  expect_error([&] { nx::transpose(iota({2, 2}), nx::Axes{1, 2}); },
               "transpose: given axis (2) invalid for shape with rank 2");
}

TEST_P(NxErrors, Dot) {
  expect_error([&] { nx::dot(ints({1, 2, 3}), ints({1, 2})); },
               "dot: dot/zip expects shapes to be compatible, dimension 0 of left-side (3) does not equal dimension 0 "
               "of right-side (2)");
  auto u = ints({{{1, 1}}, {{2, 2}}});
  auto v = ints({{{3}, {3}}, {{4}, {4}}});
  expect_error([&] { nx::dot(u, {2}, {0}, v, {1}, {}); }, "dot: right tensor must be batched if left tensor is batched");
  expect_error([&] { nx::dot(u, {2}, {}, v, {1}, {0}); }, "dot: left tensor must be batched if right tensor is batched");
  expect_error([&] { nx::dot(u, {2}, {1}, v, {1}, {0}); },
               "dot: invalid dot batch axis for the left tensor, batch axes must be successive dimensions starting "
               "from 0, got [1]");
  expect_error([&] { nx::dot(u, {2}, {0}, v, {1}, {1}); },
               "dot: invalid dot batch axis for the right tensor, batch axes must be successive dimensions starting "
               "from 0, got [1]");
  expect_error([&] { nx::dot(u, {0}, {0}, v, {1}, {0}); },
               "dot: dot batch axes for left tensor ([0]) cannot be in contract axes ([0])");
  expect_error([&] { nx::dot(u, {2}, {0}, v, {0}, {0}); },
               "dot: dot batch axes for right tensor ([0]) cannot be in contract axes ([0])");
  // Nx's text has no space before "and".
  expect_error([&] { nx::dot(u, {2}, {0}, iota({3, 2, 1}), {1}, {0}); },
               "dot: dot batch dimension sizes must match, but the left batch dimension of axes [0] has dimension "
               "sizes [2]and the right batch dimension of axes [0] has sizes [3]");
  // With batch axes, contracted dimensions are numbered after them.
  expect_error([&] { nx::dot(iota({2, 3, 4}), {2}, {0}, iota({2, 5, 6}), {1}, {0}); },
               "dot: dot/zip expects shapes to be compatible, dimension 1 of left-side (4) does not equal dimension 0 "
               "of right-side (5)");
  expect_error([&] { nx::dot(iota({2, 2}, {"x", "y"}), {1}, iota({2, 2}, {"y", "x"}), {0}); },
               "dot: operation would result in duplicate names [:x, :x], please rename your tensors to avoid "
               "duplicates");
}

TEST_P(NxErrors, ConcatenateAndStack) {
  expect_error([&] { nx::concatenate({iota({1, 2, 3}), iota({1, 1, 3})}); },
               "concatenate: expected all shapes to match {*, 2, 3}, got unmatching shape: {1, 1, 3}");
  expect_error([&] { nx::concatenate({iota({1, 2, 3}), iota({1, 1})}); },
               "concatenate: expected all shapes to match {*, 2, 3}, got unmatching shape: {1, 1}");
  expect_error([&] { nx::concatenate({}); }, "concatenate: no tensors were given to concatenate");
  expect_error([&] { nx::concatenate({iota({2}, {"x"}), iota({2}, {"y"})}); },
               "concatenate: cannot merge name :y on axis 0 with name :x on axis 0");
  expect_error([&] { nx::stack({iota({2}), iota({3})}); },
               "stack: can only stack tensors of the same shape, got distinct shapes: [{2}, {3}]");
  expect_error([&] { nx::stack({iota({2}), iota({2})}, 3); },
               "stack: new axis position for shape {2} must be a number between -2 and 1, got: 3");
}

TEST_P(NxErrors, Slicing) {
  expect_error([&] { nx::slice(iota({2, 15, 30}), {1, 4, 10}, {3, 1, 1}); },
               "slice: length at axis 0 must be less than axis size of 2, got: 3");
  expect_error([&] { nx::slice(iota({3}), {0}, {0}); }, "slice: length at axis 0 must be greater than or equal to 1, got: 0");
  expect_error([&] { nx::slice(iota({3}), {0}, {2}, {.strides = {0}}); },
               "slice: stride at axis 0 must be greater than or equal to 1, got: 0");
  expect_error([&] { nx::slice(iota({2, 2}), {0}, {1, 1}); }, "slice: invalid start indices rank for shape of rank 2");
  expect_error([&] { nx::slice(iota({2, 2}), {0, 0}, {1}); }, "slice: invalid limit indices rank for shape of rank 2");
  auto t = ints({{1, 2, 3}, {4, 5, 6}});
  expect_error([&] { nx::slice(t, std::vector<nx::Tensor>{ints({1, 2}), ints(1)}, {1, 1}); },
               "slice: index must be scalar, got shape {2} for axis 0");
  expect_error([&] { nx::slice(t, std::vector<nx::Tensor>{floats(1.0), ints(0)}, {1, 1}); },
               "slice: index must be integer type, got {:f, 32} for axis 0");
  expect_error([&] { nx::put_slice(iota({2}), {0}, iota({3})); },
               "put_slice: slice shape {3} must be less than or equal to tensor shape {2}");
  expect_error([&] { nx::put_slice(iota({2, 2}), {0, 0}, iota({2})); },
               "put_slice: invalid slice for put_slice, rank of slice must match 2, got: 1");
}

TEST_P(NxErrors, GatherTakeAndIndexedOps) {
  auto m = ints({{1, 2}, {3, 4}});
  expect_error([&] { nx::take(m, floats({1, 0, 1})); }, "take: indices must be an integer tensor, got {:f, 32}");
  expect_error([&] { nx::gather(m, floats({{0, 0}})); }, "gather: indices must be an integer tensor, got {:f, 32}");
  expect_error([&] { nx::gather(iota({2, 3}), ints({{0, 0, 0}})); },
               "gather: expected the last indices dimension size (3) to be less than or equal to the tensor rank (2)");
  expect_error([&] { nx::gather(iota({2, 3}), ints(0)); }, "gather: expected indices rank to be at least 1, got: 0");
  expect_error([&] { nx::indexed_add(ints({{1}, {2}}), ints({{{1, 2, 3}}}), ints({0})); },
               "indexed_add: indices must be a rank 1 or 2 tensor, got: 3");
  expect_error([&] { nx::indexed_add(ints({{1}, {2}}), ints({{1, 2}}), ints({0, 1})); },
               "indexed_add: expected the leading axis of indices ({1, 2}) and leading axis of updates ({2}) to match");
  expect_error([&] { nx::indexed_add(ints({{1, 2, 3}}), ints({{0}}), ints({{1, 2, 3, 4, 5}})); },
               "indexed_add: axis (1) of updates ({1, 5}) must be less than or equal to the axis (1) of {1, 3})");
  expect_error([&] { nx::indexed_put(iota({1, 2, 3}), ints({{0, 1, 2}}), ints(10), {.axes = nx::Axes{1, 0, 2}}); },
               "indexed_put: :axes must be an ordered list");
  expect_error([&] { nx::indexed_put(m, floats({{0, 0}}), ints({5})); },
               "indexed_put: indices must be an integer tensor, got type: {:f, 32}");
  // One index of rank 1 must address a single element.
  expect_error([&] { nx::indexed_add(m, ints({1}), ints(5)); }, "indexed_add: expected indices to have shape {2}, got: {1}");
  expect_error([&] { nx::take_along_axis(iota({2, 3, 4}), iota({3, 10, 4}), 1); },
               "take_along_axis: non-indexing dimensions must match. Expected {2, *, 4}, got: {3, 10, 4}");
  expect_error([&] { nx::take_along_axis(iota({2, 3}), iota({1, 2, 3}), 0); },
               "take_along_axis: shapes must have the same number of dimensions. Expected {*, 3}, got: {1, 2, 3}");
  expect_error([&] { nx::take(iota({2, 3}, {"x", "data"}), iota({3}, {"other"}), 1); },
               "take: cannot merge name :data on axis 1 with name :other on axis 0");
}

TEST_P(NxErrors, Diagonals) {
  expect_error([&] { nx::take_diagonal(ints({0, 1, 2})); },
               "take_diagonal: take_diagonal/2 expects tensor of rank 2 or higher, got tensor of rank: 1");
  expect_error([&] { nx::take_diagonal(iota({3, 3}), 3); },
               "take_diagonal: offset must be less than length of axis 1 when positive, got: 3");
  expect_error([&] { nx::take_diagonal(iota({3, 3}), -4); },
               "take_diagonal: absolute value of offset must be less than length of axis 0 when negative, got: -4");
  expect_error([&] { nx::make_diagonal(ints({{0, 0}, {0, 1}})); },
               "make_diagonal: make_diagonal/2 expects tensor of rank 1, got tensor of rank: 2");
  auto v = iota({6});
  expect_error([&] { nx::tril(v); }, "tril: tril/2 expects a tensor with at least 2 dimensions, got: " + nx::inspect(v));
}

TEST_P(NxErrors, ConvAndWindows) {
  expect_error([&] { nx::conv(iota({3, 3}), iota({1, 1, 1})); },
               "conv: input shape in conv requires at least rank 3, shape {3, 3} has rank 2");
  expect_error([&] { nx::conv(iota({1, 2, 3, 3}), iota({1, 1, 1, 1})); },
               "conv: size of input channels divided by feature groups must match size of kernel channels, got 2 / 1 "
               "!= 1 for shapes {1, 2, 3, 3} and {1, 1, 1, 1}");
  expect_error([&] { nx::conv(iota({1, 1, 2, 2}), iota({1, 1, 3, 3})); },
               "conv: conv would result in empty tensor which is not currently supported in Nx, please open an issue "
               "if you'd like this behavior to change");
  expect_error([&] { nx::conv(iota({1, 1, 3, 3}), iota({1, 1, 1, 1}), {.strides = {1, 1, 1}}); },
               "conv: rank of strides much match rank of spatial dimensions got strides [1, 1, 1] with rank 3 and got "
               "input shape {1, 1, 3, 3} of rank 2");
  expect_error([&] { nx::window_sum(iota({1, 2, 3}), {2, 1}); },
               "window_sum: invalid window dimensions, rank of shape (3) does not match rank of window (2)");
  expect_error([&] { nx::window_sum(iota({1, 2, 3}), {1, 1, 1}, {.strides = {1, 1}}); },
               "window_sum: invalid stride dimensions, rank of shape (3) does not match rank of stride (2)");
  expect_error([&] { nx::window_sum(iota({1, 2, 3}), {2, 1, 1}); },
               "window_sum: window dimensions would result in empty tensor which is not currently supported in Nx, "
               "please open an issue if you'd like this behavior to change");
  expect_error([&] { nx::window_max(iota({2, 3}), {0, 2}); },
               "window_max: invalid dimension in axis 0 found in window_dimensions. Each dimension must be a positive "
               "integer, got 0 in shape {0, 2}");
}

TEST_P(NxErrors, Types) {
  auto z = nx::tensor({std::complex<double>(1, 1), std::complex<double>(0, 2)}, {.backend = b()});
  expect_error([&] { nx::sort(z); }, "sort: Nx.sort/2 does not support complex inputs");
  expect_error([&] { nx::reduce_max(z); }, "reduce_max: Nx.reduce_max/2 does not support complex inputs");
  expect_error([&] { nx::bitcast(nx::tensor({0, 1, 2}, {.type = nx::s16, .names = {}, .backend = b()}), nx::f32); },
               "bitcast: input type width must match new type width, got input type {:s, 16} and output type {:f, 32}");
  expect_error([&] { nx::bitcast(z, nx::s64); }, "bitcast: Nx.bitcast/2 does not support complex inputs");
  expect_error([&] { nx::tensor(ints({1, 2, 3}), {.type = nx::f32}); },
               "tensor: Nx.tensor/2 expects a tensor with type {:f, 32} but it was given a tensor of type {:s, 32}");
  expect_error([&] { nx::clip(iota({2}), ints({1, 2}), 3); },
               "clip: min value must be a non-vectorized scalar shape, got shape {2} and vectorized axes []");
  expect_error([&] { nx::log(floats({1.0}), 1); },
               "log: expected base to be greater than 0 and different than 1, got: 1");
}

TEST_P(NxErrors, Creation) {
  expect_error([&] { nx::tensor({{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}, {.names = {"batch"}}); },
               "tensor: invalid names for tensor of rank 3, when specifying names every dimension must have a name or "
               "be nil");
  expect_error([&] { nx::tensor({{1, 2}, {3}}); },
               "tensor: cannot build tensor because lists have different shapes, got {2} at position 0 and {1} at "
               "position 2");
  // Nx prints the sub-lists' dimensions innermost first.
  expect_error([&] { nx::tensor({{{1, 2, 3}, {4, 5, 6}}, {{1, 2}, {3, 4}}}); },
               "tensor: cannot build tensor because lists have different shapes, got {3, 2} at position 0 and {2, 2} "
               "at position 2");
  const std::vector<std::uint8_t> bytes{1, 2, 3, 4};
  expect_error([&] { nx::from_binary(bytes, nx::f64); }, "from_binary: binary does not match the given size");
  expect_error([&] { nx::to_number<double>(floats({1.0, 2.0, 3.0})); }, "to_number: cannot convert tensor of shape {3} to number");
  expect_error([&] { nx::eye(Shape{3}, {.backend = b()}); },
               "eye: eye/2 expects a shape with at least 2 dimensions or an integer, got: {3}");
  auto acc = ints({0, 0});
  expect_error([&] { nx::reduce(iota({2}), acc, [](const nx::Tensor& x, const nx::Tensor& a) { return nx::add(x, a); }); },
               "reduce: the accumulator must be a non-vectorized scalar, got: " + nx::inspect(acc));
  expect_error([&] { nx::top_k(ints({1, 2, 3, 4, 5}), 6); },
               "top_k: top_k input last axis size must be greater than or equal to k, got size=5 and k=6");
  expect_error([&] { nx::top_k(ints(1), 1); }, "top_k: top_k input must have at least rank 1");
  expect_error([&] { nx::fft(ints(1)); }, "fft: expected a tensor with rank > 0, got tensor with rank 0");
  expect_error([&] { nx::fft2(ints({1, 1})); }, "fft2: expected a tensor with rank > 1, got tensor with rank 1");
}

TEST_P(NxErrors, LinAlg) {
  expect_error([&] { nx::linalg::cholesky(ints({3, 2, 1})); },
               "cholesky: tensor must have at least rank 2, got rank 1 with shape {3}");
  expect_error([&] { nx::linalg::cholesky(iota({2, 3, 2})); },
               "cholesky: tensor must be a square matrix or a batch of square matrices, got shape: {2, 3, 2}");
  expect_error([&] { nx::linalg::solve(ints({{1, 0}, {0, 1}}), ints({4, 2, 4, 2})); },
               "solve: `b` tensor has incompatible dimensions, expected {2, 2} or {2}, got: {4}");
  expect_error([&] { nx::linalg::solve(ints({{3, 0, 0, 0}, {2, 1, 0, 0}, {1, 1, 1, 1}}), ints({4})); },
               "solve: `a` tensor has incompatible dimensions, expected a square matrix or a batch of square matrices, "
               "got: {3, 4}");
  expect_error([&] { nx::linalg::triangular_solve(ints({{3, 0, 0, 0}, {2, 1, 0, 0}}), ints({4, 2, 4, 2})); },
               "triangular_solve: triangular_solve/3 expected a square matrix or a batch of square matrices, got "
               "tensor with shape: {2, 4}");
  expect_error([&] { nx::linalg::triangular_solve(iota({4, 4}), ints({4})); },
               "triangular_solve: incompatible dimensions for a and b on triangular solve");
  expect_error([&] { nx::linalg::invert(ints({{3, 0, 0, 0}, {2, 1, 0, 0}})); },
               "invert: invert/1 expects a square matrix or a batch of square matrices, got tensor with shape: {2, 4}");
  expect_error([&] { nx::linalg::qr(ints({1, 2, 3, 4, 5})); },
               "qr: tensor must have at least rank 2, got rank 1 with shape {5}");
  expect_error([&] { nx::linalg::eigh(ints({{1, 2, 3}, {4, 5, 6}})); },
               "eigh: tensor must be a square matrix or a batch of square matrices, got shape: {2, 3}");
  expect_error([&] { nx::linalg::lu(iota({3, 4})); },
               "lu: tensor must be a square matrix or a batch of square matrices, got shape: {3, 4}");
  // Nx prints the last two dimensions as a list here.
  expect_error([&] { nx::linalg::determinant(iota({2, 3})); },
               "determinant: determinant/1 expects a square tensor, got tensor with shape: [2, 3]");
  expect_error([&] { nx::linalg::matrix_power(ints({{1, 2}, {3, 4}, {5, 6}}), 1); },
               "matrix_power: matrix_power/2 expects a square matrix or a batch of square matrices, got tensor with "
               "shape: {3, 2}");
  expect_error([&] { nx::linalg::norm(ints({3, 4}), {.ord = nx::linalg::NormOrd::frobenius}); },
               "norm: expected a 2-D tensor for ord: :frobenius, got a 1-D tensor");
}

NX_ALL_BACKENDS(NxErrors);

}  // namespace
