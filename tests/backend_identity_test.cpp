// Backend identity (nx::BackendKind and its predicates, never the display
// name) and checked tensor payloads (nx::payload).
#include <memory>
#include <sstream>
#include <string>

#include "emily/emily_backend.hpp"
#include "nx/binary/host.hpp"
#include "test_util.hpp"

namespace {

namespace mx = mlx::core;

nx::BackendPtr emily_cpu() { return emily::backend({.device = emily::Device::cpu}); }

// A backend written outside the library, with its own payload type.
struct CustomData final : nx::PayloadOf<nx::BackendKind::other> {
  int value = 7;
};
struct OtherCustomData final : nx::PayloadOf<nx::BackendKind::other> {};

class Custom : public nx::Backend {
 public:
  explicit Custom(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  nx::Tensor wrap(const nx::Spec& spec) { return make(spec, std::make_shared<CustomData>()); }

 private:
  std::string name_;
};

// Runs `read` and expects nx::ArgumentError with exactly `message`.
template <class F>
void expect_payload_error(F read, const std::string& message) {
  try {
    read();
    ADD_FAILURE() << "expected ArgumentError: " << message;
  } catch (const nx::ArgumentError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

std::string mismatch(const std::string& wanted, const std::string& got) {
  return "payload: expected a tensor of the " + wanted + " backend, got one of the " + got +
         " backend (transfer it with nx::backend_transfer)";
}

TEST(BackendIdentity, BuiltInBackendsHaveTheirKind) {
  auto ref = nx::binary_backend();
  EXPECT_EQ(ref->kind(), nx::BackendKind::reference);
  EXPECT_TRUE(ref->is_reference());
  EXPECT_FALSE(ref->traces());
  EXPECT_EQ(ref->name(), "binary");

  auto em = emily_cpu();
  EXPECT_EQ(em->kind(), nx::BackendKind::emily);
  EXPECT_FALSE(em->is_reference());
  EXPECT_FALSE(em->traces());
  EXPECT_EQ(em->name(), "emily");
  EXPECT_EQ(em->device_name(), "cpu");

  auto ex = nx::defn::expr_backend();
  EXPECT_EQ(ex->kind(), nx::BackendKind::expression);
  EXPECT_TRUE(ex->traces());
  EXPECT_FALSE(ex->is_reference());
  EXPECT_EQ(ex->name(), "expr");

  auto custom = std::make_shared<Custom>("custom");
  EXPECT_EQ(custom->kind(), nx::BackendKind::other);
  EXPECT_FALSE(custom->is_reference());
  EXPECT_FALSE(custom->traces());

  std::ostringstream os;
  os << nx::BackendKind::reference << " " << nx::BackendKind::emily << " " << nx::BackendKind::expression << " "
     << nx::BackendKind::other;
  EXPECT_EQ(os.str(), "binary emily expr other");
}

TEST(BackendIdentity, TensorsCarryTheKindOfTheirBackend) {
  auto r = nx::iota({2}, {.backend = nx::binary_backend()});
  auto e = nx::iota({2}, {.backend = emily_cpu()});
  auto p = nx::defn::parameter(nx::Spec{{2}, nx::f32, {}}, 0);
  EXPECT_EQ(r.backend()->kind(), nx::BackendKind::reference);
  EXPECT_EQ(e.backend()->kind(), nx::BackendKind::emily);
  EXPECT_EQ(p.backend()->kind(), nx::BackendKind::expression);
  // A reference tensor joins the Emily operand's backend.
  EXPECT_EQ(nx::add(r, e).backend()->kind(), nx::BackendKind::emily);
  EXPECT_EQ(nx::add(e, r).backend()->kind(), nx::BackendKind::emily);
}

TEST(BackendIdentity, WhoTakesWhoseTensors) {
  auto ref = nx::binary_backend();
  auto em = emily_cpu();
  auto ex = nx::defn::expr_backend();
  auto custom = std::make_shared<Custom>("custom");
  EXPECT_TRUE(ref->accepts_tensors_of(*ref));
  EXPECT_FALSE(ref->accepts_tensors_of(*em));
  EXPECT_TRUE(em->accepts_tensors_of(*em));
  EXPECT_FALSE(em->accepts_tensors_of(*ref));
  EXPECT_FALSE(em->accepts_tensors_of(*ex));
  EXPECT_FALSE(ex->accepts_tensors_of(*em));
  EXPECT_TRUE(custom->accepts_tensors_of(*custom));
  EXPECT_FALSE(custom->accepts_tensors_of(*std::make_shared<Custom>("custom")));
  if (emily::gpu_available()) {
    auto gpu = emily::backend({.device = emily::Device::gpu});
    EXPECT_TRUE(gpu->accepts_tensors_of(*em));
    EXPECT_TRUE(em->accepts_tensors_of(*gpu));
  }
}

TEST(BackendIdentity, ANameIsNotAnIdentity) {
  // A backend that calls itself "emily" is not Emily: its tensors do not
  // join Emily's ops (Emily would read their payload as MLX arrays).
  auto impostor = std::make_shared<Custom>("emily");
  EXPECT_EQ(impostor->kind(), nx::BackendKind::other);
  auto em = emily_cpu();
  EXPECT_FALSE(em->accepts_tensors_of(*impostor));
  nx::Tensor fake = impostor->wrap(nx::Spec{{2}, nx::f32, {}});
  nx::Tensor real = nx::tensor({1.0, 2.0}, {.backend = em});
  EXPECT_THROW(nx::add(real, fake), nx::ArgumentError);
  expect_payload_error([&] { (void)emily::array_ref(fake); }, mismatch("emily", "emily"));
}

TEST(Payload, EachBackendReadsItsOwn) {
  auto r = nx::tensor({1, 2, 3}, {.type = nx::u8, .backend = nx::binary_backend()});
  EXPECT_EQ(nx::host::data_of(r).bytes, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_FALSE(nx::host::data_of(r).deallocated);

  auto e = nx::tensor({4, 5, 6}, {.type = nx::u8, .backend = emily_cpu()});
  emily::eval(e);
  mx::array& a = emily::array_ref(e);
  EXPECT_EQ(a.dtype(), mx::uint8);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.data<std::uint8_t>()[0], 4);
  EXPECT_EQ(a.data<std::uint8_t>()[2], 6);

  auto p = nx::defn::parameter(nx::Spec{{2}, nx::f32, {}}, 1);
  const nx::defn::Node& n = nx::defn::node_of(p);
  EXPECT_EQ(n.op, nx::defn::Op::parameter);
  EXPECT_EQ(n.index, 1);
  EXPECT_EQ(&nx::payload<nx::defn::Node>(p), &n);

  auto custom = std::make_shared<Custom>("custom");
  EXPECT_EQ(nx::payload<CustomData>(custom->wrap(nx::Spec{{}, nx::s32, {}})).value, 7);
}

TEST(Payload, ReadingAnotherBackendsTensorRaises) {
  auto r = nx::tensor({1, 2, 3}, {.type = nx::u8, .backend = nx::binary_backend()});
  auto e = nx::tensor({1, 2, 3}, {.type = nx::u8, .backend = emily_cpu()});
  auto p = nx::defn::parameter(nx::Spec{{3}, nx::u8, {}}, 0);
  expect_payload_error([&] { (void)emily::array_ref(r); }, mismatch("emily", "binary"));
  expect_payload_error([&] { (void)emily::array_ref(p); }, mismatch("emily", "expr"));
  expect_payload_error([&] { (void)nx::host::data_of(e); }, mismatch("binary", "emily"));
  expect_payload_error([&] { (void)nx::host::data_of(p); }, mismatch("binary", "expr"));
  expect_payload_error([&] { (void)nx::defn::node_of(r); }, mismatch("expr", "binary"));
  expect_payload_error([&] { (void)nx::defn::node_of(e); }, mismatch("expr", "emily"));
  expect_payload_error([&] { (void)nx::host::data_of(nx::Tensor()); }, mismatch("binary", "no"));

  // Payloads of backends outside the library share one kind; their dynamic
  // type tells them apart.
  auto custom = std::make_shared<Custom>("custom");
  nx::Tensor c = custom->wrap(nx::Spec{{}, nx::s32, {}});
  expect_payload_error([&] { (void)nx::payload<OtherCustomData>(c); }, mismatch("other", "custom"));
  expect_payload_error([&] { (void)nx::payload<CustomData>(r); }, mismatch("other", "binary"));
  expect_payload_error([&] { (void)emily::array_ref(c); }, mismatch("emily", "custom"));
}

}  // namespace
