// nx::conv_options: the conv geometry the front end works out once and hands
// to every backend, checked against values worked out by hand.
#include <gtest/gtest.h>

#include "nx/nx.hpp"

namespace {

using Pads = std::vector<std::pair<std::int64_t, std::int64_t>>;
using Sizes = std::vector<std::int64_t>;

TEST(ConvGeometry, StridedPaddedDilatedKernel) {
  // Input {1, 3, 7, 7}, kernel {4, 3, 3, 3}, stride 2, kernel dilation 2,
  // padding {1, 1} and {0, 2}: the dilated kernel spans (3 - 1) * 2 + 1 = 5,
  // the padded input is 7 + 2 = 9 along both axes, so (9 - 5) / 2 + 1 = 3
  // outputs per axis.
  const nx::ConvOptions o =
      nx::conv_options({1, 3, 7, 7}, {4, 3, 3, 3}, {.strides = {2}, .padding = Pads{{1, 1}, {0, 2}}, .kernel_dilation = {2}});
  EXPECT_EQ(o.strides, (Sizes{2, 2}));
  EXPECT_EQ(o.input_dilation, (Sizes{1, 1}));
  EXPECT_EQ(o.kernel_dilation, (Sizes{2, 2}));
  EXPECT_EQ(o.padding, (Pads{{1, 1}, {0, 2}}));
  const nx::ConvGeometry& g = o.geometry;
  EXPECT_EQ(g.input, (nx::Shape{1, 3, 7, 7}));
  EXPECT_EQ(g.kernel, (nx::Shape{4, 3, 3, 3}));
  EXPECT_EQ(g.output, (nx::Shape{1, 4, 3, 3}));
  EXPECT_EQ(g.dilated_input, (Sizes{7, 7}));
  EXPECT_EQ(g.dilated_kernel, (Sizes{5, 5}));
  EXPECT_EQ(g.padded_input, (Sizes{9, 9}));
  EXPECT_EQ(o.input_permutation, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(g.input_from_canonical, (nx::AxisIndices{0, 1, 2, 3}));
  EXPECT_EQ(g.kernel_from_canonical, (nx::AxisIndices{0, 1, 2, 3}));
  EXPECT_EQ(g.output_from_canonical, (nx::AxisIndices{0, 1, 2, 3}));

  // conv's result has the geometry's shape.
  auto x = nx::iota({1, 3, 7, 7}, {.type = nx::f32, .backend = nx::binary_backend()});
  auto k = nx::iota({4, 3, 3, 3}, {.type = nx::f32, .backend = nx::binary_backend()});
  auto y = nx::conv(x, k, {.strides = {2}, .padding = Pads{{1, 1}, {0, 2}}, .kernel_dilation = {2}});
  EXPECT_EQ(y.shape(), (nx::Shape{1, 4, 3, 3}));
}

TEST(ConvGeometry, ChannelsLastWithInputDilationAndBatchGroups) {
  // Input NHWC {4, 5, 6, 2} is {4, 2, 5, 6} canonical; kernel HWIO
  // {2, 3, 2, 6} is {6, 2, 2, 3}. Axis 0: input 5 dilated by 2 spans 9,
  // padded by {0, 1} to 10, kernel 2: 10 - 2 + 1 = 9 outputs. Axis 1: input
  // 6, padded by {2, -1} to 7, kernel 3 dilated by 3 spans 7, stride 2: 1
  // output. Batch groups 2: {4 / 2, 6, 9, 1} canonical, {2, 9, 1, 6} NHWC.
  const nx::ConvFrontOptions front{.strides = {1, 2},
                                   .padding = Pads{{0, 1}, {2, -1}},
                                   .input_dilation = {2, 1},
                                   .kernel_dilation = {1, 3},
                                   .batch_group_size = 2,
                                   .input_permutation = {0, 3, 1, 2},
                                   .kernel_permutation = {3, 2, 0, 1},
                                   .output_permutation = {0, 3, 1, 2}};
  const nx::ConvOptions o = nx::conv_options({4, 5, 6, 2}, {2, 3, 2, 6}, front);
  const nx::ConvGeometry& g = o.geometry;
  EXPECT_EQ(g.input, (nx::Shape{4, 2, 5, 6}));
  EXPECT_EQ(g.kernel, (nx::Shape{6, 2, 2, 3}));
  EXPECT_EQ(g.output, (nx::Shape{2, 6, 9, 1}));
  EXPECT_EQ(g.dilated_input, (Sizes{9, 6}));
  EXPECT_EQ(g.dilated_kernel, (Sizes{2, 7}));
  EXPECT_EQ(g.padded_input, (Sizes{10, 7}));
  // The inverses: canonical {4, 2, 5, 6} by {0, 2, 3, 1} is {4, 5, 6, 2};
  // canonical {6, 2, 2, 3} by {2, 3, 1, 0} is {2, 3, 2, 6}.
  EXPECT_EQ(g.input_from_canonical, (nx::AxisIndices{0, 2, 3, 1}));
  EXPECT_EQ(g.kernel_from_canonical, (nx::AxisIndices{2, 3, 1, 0}));
  EXPECT_EQ(g.output_from_canonical, (nx::AxisIndices{0, 2, 3, 1}));

  auto x = nx::iota({4, 5, 6, 2}, {.type = nx::f32, .backend = nx::binary_backend()});
  auto k = nx::iota({2, 3, 2, 6}, {.type = nx::f32, .backend = nx::binary_backend()});
  EXPECT_EQ(nx::conv(x, k, front).shape(), (nx::Shape{2, 9, 1, 6}));
}

TEST(ConvGeometry, SamePaddingSplitsTheDilatedKernel) {
  // Kernel 4 along the axis: 3 positions of padding, 1 low and 2 high; the
  // padded input 5 + 3 = 8 gives 8 - 4 + 1 = 5 outputs, the input's size.
  const nx::ConvOptions o = nx::conv_options({1, 1, 5}, {1, 1, 4}, {.padding = nx::Padding::same});
  EXPECT_EQ(o.padding, (Pads{{1, 2}}));
  EXPECT_EQ(o.geometry.padded_input, (Sizes{8}));
  EXPECT_EQ(o.geometry.output, (nx::Shape{1, 1, 5}));
}

TEST(ConvGeometry, RaisesLikeConv) {
  // 3 input channels cannot split into feature groups of 2 kernel channels.
  EXPECT_THROW(nx::conv_options({1, 3, 5}, {2, 2, 3}, {}), nx::ArgumentError);
  EXPECT_THROW(nx::conv_options({1, 3}, {2, 3}, {}), nx::ArgumentError);
}

}  // namespace
