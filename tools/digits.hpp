// `emily digits`: trains the digits MLP (tools/digits_train.hpp) and writes the loss curve.
#pragma once

namespace emily_tool {

int digits(int argc, char** argv);

}  // namespace emily_tool
