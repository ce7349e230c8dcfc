#include <emily/emily.hpp>

#include <iostream>

int main() {
  nx::global_default_backend(emily::backend({.device = emily::Device::cpu}));
  auto t = nx::tensor({{1.0, 2.0}, {3.0, 4.0}});
  auto s = nx::to_flat_list<float>(nx::sum(t));
  std::cout << s[0] << "\n";
  return s.size() == 1 && s[0] == 10.0f ? 0 : 1;
}
