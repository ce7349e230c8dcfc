// emily::distributed: a group of one, configuration errors, and, in processes
// that this binary starts again under emily::distributed::launch, the
// collectives, data-parallel training and peer faults.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "digits_train.hpp"
#include "emily/emily.hpp"
#include "emily/distributed.hpp"
#include "nx/defn.hpp"

namespace dist = emily::distributed;

namespace {

std::vector<float> floats(const nx::Tensor& t) { return nx::to_flat_list<float>(t); }

std::string self_exe() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

std::string temp_hostfile(const std::string& text) {
  char path[] = "/tmp/emily-test-hosts-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << text;
  return path;
}

struct Run {
  dist::LaunchResult result;
  std::string output;
};

// Starts `n` copies of this binary that run DistributedWorker.Run as `worker`.
Run run_workers(int n, const std::string& worker, std::vector<std::string> env = {}, double grace = 60) {
  dist::LaunchOptions o;
  o.processes = n;
  o.argv = {self_exe(), "--gtest_filter=DistributedWorker.Run"};
  env.push_back("EMILY_DIST_WORKER=" + worker);
  o.env = env;
  o.grace_seconds = grace;
  o.timeout_seconds = 240;  // a hang fails the test instead of blocking ctest
  Run r;
  o.on_line = [&](const std::string& line) { r.output += line + "\n"; };
  r.result = dist::launch(o);
  return r;
}

int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

bool have_digits() { return std::filesystem::exists(digits::default_data_path()); }

}  // namespace

// ---- in this process ----

TEST(DistributedSingle, GroupOfOneIsTheIdentity) {
  unsetenv("MLX_RANK");
  unsetenv("MLX_HOSTFILE");
  auto g = dist::init();
  EXPECT_EQ(g.size(), 1);
  EXPECT_EQ(g.rank(), 0);
  EXPECT_EQ(g.backend(), "single");
  auto b = emily::backend({.device = emily::Device::cpu});
  auto x = nx::tensor({{1.0, -2.0}, {3.5, 4.0}}, {.type = nx::f32, .names = {}, .backend = b});
  EXPECT_EQ(floats(dist::all_sum(x, g)), (std::vector<float>{1, -2, 3.5, 4}));
  EXPECT_EQ(floats(dist::all_max(x, g)), (std::vector<float>{1, -2, 3.5, 4}));
  EXPECT_EQ(floats(dist::all_min(x, g)), (std::vector<float>{1, -2, 3.5, 4}));
  EXPECT_EQ(floats(dist::all_mean(x, g)), (std::vector<float>{1, -2, 3.5, 4}));
  auto gathered = dist::all_gather(nx::tensor(7, {.type = nx::s32, .names = {}, .backend = b}), g);
  EXPECT_EQ(gathered.shape(), (nx::Shape{1}));
  EXPECT_EQ(nx::to_flat_list<int>(gathered), (std::vector<int>{7}));
  EXPECT_EQ(dist::all_gather(x, g).shape(), (nx::Shape{2, 2}));
  // Lazy: nothing ran yet.
  auto y = dist::all_sum(nx::multiply(x, 2), g);
  EXPECT_EQ(y.backend()->kind(), nx::BackendKind::emily);
  EXPECT_EQ(floats(y), (std::vector<float>{2, -4, 7, 8}));
  EXPECT_THROW(dist::send(x, 1, g), nx::ArgumentError);  // no rank 1 in a group of one
}

TEST(DistributedSingle, ReferenceBackendTensorsRaiseArgumentError) {
  auto t = nx::tensor({1.0, 2.0}, {.type = nx::f32, .names = {}, .backend = nx::binary_backend()});
  try {
    dist::all_sum(t);
    FAIL() << "expected nx::ArgumentError";
  } catch (const nx::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("expects a tensor on the Emily backend, got one on the binary backend"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(dist::all_gather(t), nx::ArgumentError);
  EXPECT_THROW(dist::all_max(t), nx::ArgumentError);
}

TEST(DistributedSingle, CollectivesInsideJit) {
  auto b = emily::backend({.device = emily::Device::cpu});
  auto g = dist::init();
  auto f = nx::jit([g](const nx::Tensor& x) { return dist::all_mean(nx::multiply(x, x), g); });
  auto x = nx::tensor({1.0, 2.0, 3.0}, {.type = nx::f32, .names = {}, .backend = b});
  EXPECT_EQ(floats(f(x)), (std::vector<float>{1, 4, 9}));
  // The gradient through all_sum is all_sum of the incoming gradient.
  auto grad = nx::grad([g](const nx::Tensor& v) { return nx::sum(dist::all_sum(nx::multiply(v, v), g)); })(x);
  EXPECT_EQ(floats(grad), (std::vector<float>{2, 4, 6}));
}

TEST(DistributedInit, BadConfigurationRaisesArgumentError) {
  const std::string two = temp_hostfile("[[\"127.0.0.1:1\"], [\"127.0.0.1:2\"]]");
  auto message = [](const dist::InitOptions& o) {
    try {
      dist::init(o);
    } catch (const nx::ArgumentError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({.backend = "ring", .rank = 5, .hostfile = two}).find("rank 5 (MLX_RANK) is out of range"),
            std::string::npos);
  EXPECT_NE(message({.backend = "ring", .rank = -1, .hostfile = two}).find("out of range"), std::string::npos);
  EXPECT_NE(message({.backend = "ring", .rank = 0, .hostfile = two, .size = 4}).find("expected a group of 4"),
            std::string::npos);
  EXPECT_NE(message({.backend = "ring", .rank = 0, .hostfile = "/nonexistent/hosts.json"}).find("cannot read"),
            std::string::npos);
  const std::string bad = temp_hostfile("[[\"127.0.0.1:1\"], \"oops\"]");
  EXPECT_NE(message({.backend = "ring", .rank = 0, .hostfile = bad}).find("not a ring hostfile"), std::string::npos);
  const std::string no_port = temp_hostfile("[[\"127.0.0.1\"], [\"127.0.0.1:2\"]]");
  EXPECT_NE(message({.backend = "ring", .rank = 0, .hostfile = no_port}).find("is not host:port"), std::string::npos);
  EXPECT_NE(message({.backend = "ring"}).find("needs a rank and a hostfile"), std::string::npos);
  EXPECT_NE(message({.backend = "tcp"}).find("unknown backend"), std::string::npos);
  // Nothing was left in the environment.
  EXPECT_EQ(std::getenv("MLX_RANK"), nullptr);
  for (const auto& p : {two, bad, no_port}) std::filesystem::remove(p);
}

TEST(DistributedInit, UnreachablePeerFailsWithinTheInitTimeout) {
  // Rank 0 of two waits for rank 1, which never starts.
  std::pair<int, int> ports{free_port(), free_port()};
  const std::string hosts = temp_hostfile("[[\"127.0.0.1:" + std::to_string(ports.first) + "\"], [\"127.0.0.1:" +
                                          std::to_string(ports.second) + "\"]]");
  try {
    dist::init({.backend = "ring", .rank = 0, .hostfile = hosts, .init_timeout = 1});
    FAIL() << "expected an error";
  } catch (const nx::ArgumentError& e) {
    FAIL() << "expected a runtime error, got " << e.what();
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("the ring did not form within 1 s"), std::string::npos) << m;
    EXPECT_NE(m.find("needs rank 1 (127.0.0.1:" + std::to_string(ports.second) + ") to connect"), std::string::npos)
        << m;
  }
  EXPECT_EQ(std::getenv("MLX_RANK"), nullptr);
  std::filesystem::remove(hosts);
}

// ---- across processes ----

TEST(DistributedMultiProcess, CollectivesAcrossTwoProcesses) {
  auto r = run_workers(2, "collectives");
  EXPECT_FALSE(r.result.timed_out);
  EXPECT_EQ(r.result.exit_codes, (std::vector<int>{0, 0})) << r.output;
  EXPECT_NE(r.output.find("[0] [       OK ] DistributedWorker.Run"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[1] [       OK ] DistributedWorker.Run"), std::string::npos) << r.output;
}

TEST(DistributedMultiProcess, DataParallelTwoProcessesMatchesOneProcess) {
  if (!have_digits()) GTEST_SKIP() << "no " << digits::default_data_path();
  auto r = run_workers(2, "data_parallel");
  EXPECT_FALSE(r.result.timed_out);
  EXPECT_EQ(r.result.exit_codes, (std::vector<int>{0, 0})) << r.output;
  EXPECT_NE(r.output.find("[0] data-parallel weights equal single-process"), std::string::npos) << r.output;
}

TEST(DistributedFaults, KilledPeerMakesTheOtherFail) {
  auto r = run_workers(2, "die");
  EXPECT_FALSE(r.result.timed_out) << r.output;
  ASSERT_EQ(r.result.exit_codes.size(), 2u);
  EXPECT_EQ(r.result.exit_codes[1], 128 + SIGKILL) << r.output;
  EXPECT_EQ(r.result.exit_codes[0], 0) << r.output;  // rank 0 caught the error and passed
  EXPECT_FALSE(r.result.killed_by_launcher[0]) << r.output;
  EXPECT_NE(r.output.find("[0] caught: [ring] connection to a peer was lost"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[0] failure: emily::distributed: all_sum on rank 0 of 2 failed: the connection to a peer "
                          "was lost (the peer exited or crashed)"),
            std::string::npos)
      << r.output;
}

TEST(DistributedFaults, HungPeerTimesOut) {
  // Rank 1 stops (SIGSTOP) between collectives: its sockets stay open, so
  // only the watchdog can fail rank 0. The launcher kills rank 1 afterwards.
  auto r = run_workers(2, "hang", {"EMILY_DISTRIBUTED_TIMEOUT=5"}, /*grace=*/1);
  EXPECT_FALSE(r.result.timed_out) << r.output;
  ASSERT_EQ(r.result.exit_codes.size(), 2u);
  EXPECT_EQ(r.result.exit_codes[0], 3) << r.output;  // the worker's "failed as expected" status
  EXPECT_FALSE(r.result.killed_by_launcher[0]) << r.output;
  EXPECT_TRUE(r.result.killed_by_launcher[1]) << r.output;
  EXPECT_NE(r.output.find("[0] failure: emily::distributed: all_sum on rank 0 of 2 made no progress for 5 s"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("[0] later: emily::distributed::all_sum: the group failed earlier"), std::string::npos)
      << r.output;
}

TEST(DistributedLaunch, PrefixesOutputAndReportsExitCodes) {
  dist::LaunchOptions o;
  o.processes = 3;
  o.argv = {"/bin/sh", "-c", "echo rank=$MLX_RANK; test $MLX_RANK -ne 2"};
  std::vector<std::string> lines;
  o.on_line = [&](const std::string& l) { lines.push_back(l); };
  o.grace_seconds = 60;
  auto r = dist::launch(o);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"[0] rank=0", "[1] rank=1", "[2] rank=2"}));
  EXPECT_EQ(r.exit_codes, (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(r.exit_code(), 1);
}

// ---- the worker processes ----

namespace {

nx::Tensor f32(std::vector<double> v, const nx::BackendPtr& b) {
  return nx::tensor(v, {.type = nx::f32, .names = {}, .backend = b});
}

void worker_collectives(const dist::Group& g) {
  ASSERT_EQ(g.size(), 2);
  ASSERT_EQ(g.backend(), "ring");
  const int r = g.rank();
  auto b = emily::backend({.device = emily::Device::cpu});
  auto x = f32({1.0 * (r + 1), -2.0 * (r + 1), 10.0 * r}, b);
  EXPECT_EQ(floats(dist::all_sum(x, g)), (std::vector<float>{3, -6, 10}));
  EXPECT_EQ(floats(dist::all_max(x, g)), (std::vector<float>{2, -2, 10}));
  EXPECT_EQ(floats(dist::all_min(x, g)), (std::vector<float>{1, -4, 0}));
  EXPECT_EQ(floats(dist::all_mean(x, g)), (std::vector<float>{1.5, -3, 5}));
  EXPECT_EQ(floats(dist::all_gather(x, g)), (std::vector<float>{1, -2, 0, 2, -4, 10}));
  EXPECT_EQ(floats(dist::all_gather(f32({1.5 * r}, b), g)), (std::vector<float>{0, 1.5}));
  auto ints = nx::tensor({r, 7}, {.type = nx::s32, .names = {}, .backend = b});
  EXPECT_EQ(nx::to_flat_list<int>(dist::all_sum(ints, g)), (std::vector<int>{1, 14}));
  // Larger than one ring segment: split across both directions.
  auto big = nx::broadcast(nx::tensor(r + 1.0, {.type = nx::f32, .names = {}, .backend = b}), {1 << 20});
  auto s = floats(dist::all_sum(big, g));
  EXPECT_EQ(s.front(), 3.0f);
  EXPECT_EQ(s.back(), 3.0f);
  EXPECT_EQ(std::count(s.begin(), s.end(), 3.0f), 1 << 20);
  // Point to point, both ways.
  if (r == 0) {
    emily::eval(dist::send(f32({42, 43}, b), 1, g));
    EXPECT_EQ(floats(dist::recv_like(f32({0, 0, 0}, b), 1, g)), (std::vector<float>{7, 8, 9}));
  } else {
    EXPECT_EQ(floats(dist::recv({2}, nx::f32, 0, g)), (std::vector<float>{42, 43}));
    emily::eval(dist::send(f32({7, 8, 9}, b), 0, g));
  }
  // Inside nx::jit, as in a training step.
  auto f = nx::jit([g](const nx::Tensor& v) { return dist::all_sum(nx::multiply(v, v), g); });
  EXPECT_EQ(floats(f(x)), (std::vector<float>{5, 20, 100}));
  EXPECT_FALSE(g.failure().has_value());
  EXPECT_THROW(g.split(0), nx::UnsupportedError);
  // A last collective keeps each rank's sockets open until the other has
  // checked failure(): a peer that already exited would count as lost.
  emily::eval(dist::all_sum(x, g));
}

void worker_data_parallel(const dist::Group& g) {
  const int r = g.rank();
  digits::TrainOptions opts;
  opts.backend = emily::backend({.device = emily::Device::cpu});
  opts.epochs = 3;
  const auto split = digits::split(digits::load(digits::default_data_path()), 0.2, opts.seed);
  digits::TrainOptions dp = opts;
  dp.shard = r;
  dp.shards = g.size();
  dp.all_mean = [g](const nx::Tensor& t) { return dist::all_mean(t, g); };
  const auto got = digits::train(split, dp);
  // Every rank applied the same averaged gradients: identical weights.
  for (const auto& p : got.parameters)
    EXPECT_EQ(floats(dist::all_max(p, g)), floats(dist::all_min(p, g)));
  if (r != 0) return;
  const auto want = digits::train(split, opts);
  double diff = 0;
  for (std::size_t i = 0; i < want.parameters.size(); ++i) {
    auto a = floats(got.parameters[i]), w = floats(want.parameters[i]);
    ASSERT_EQ(a.size(), w.size());
    for (std::size_t k = 0; k < a.size(); ++k) diff = std::max(diff, std::abs(static_cast<double>(a[k]) - w[k]));
  }
  EXPECT_LE(diff, 1e-5);
  EXPECT_EQ(got.correct, want.correct);
  EXPECT_GT(got.accuracy, 0.9);
  for (std::size_t e = 0; e < want.epoch_loss.size(); ++e) EXPECT_NEAR(got.epoch_loss[e], want.epoch_loss[e], 1e-5);
  if (diff <= 1e-5 && got.correct == want.correct)
    std::cout << "data-parallel weights equal single-process (max |diff| " << diff << ", accuracy "
              << got.accuracy << ")" << std::endl;
}

void worker_die(const dist::Group& g) {
  auto b = emily::backend({.device = emily::Device::cpu});
  auto x = nx::broadcast(nx::tensor(1.0, {.type = nx::f32, .names = {}, .backend = b}), {1 << 20});
  emily::eval(dist::all_sum(x, g));
  if (g.rank() == 1)
    std::thread([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      raise(SIGKILL);  // in the middle of one of the collectives below
    }).detach();
  try {
    for (int i = 0; i < 1000000; ++i) emily::eval(dist::all_sum(x, g));
    ADD_FAILURE() << "the collectives went on without the peer";
  } catch (const std::exception& e) {
    std::cout << "caught: " << e.what() << std::endl;
  }
  if (g.rank() != 0) return;
  // The group is marked failed once the stream passes the failed collective
  // (asynchronously: wait for it, at most 60 s), and later ops raise.
  for (int i = 0; i < 600 && !g.failure(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::cout << "failure: " << g.failure().value_or("none") << std::endl;
  EXPECT_THROW(dist::all_sum(x, g), std::runtime_error);
}

void worker_hang(const dist::Group& g) {
  auto b = emily::backend({.device = emily::Device::cpu});
  auto x = nx::broadcast(nx::tensor(1.0, {.type = nx::f32, .names = {}, .backend = b}), {1 << 16});
  emily::eval(dist::all_sum(x, g));
  if (g.rank() == 1) raise(SIGSTOP);  // alive, connections open, never answers
  try {
    emily::eval(dist::all_sum(x, g));
    ADD_FAILURE() << "the collective completed without the peer";
  } catch (const std::exception& e) {
    std::cout << "caught: " << e.what() << std::endl;
  }
  std::cout << "failure: " << g.failure().value_or("none") << std::endl;
  try {
    dist::all_sum(x, g);
    ADD_FAILURE() << "a failed group accepted another collective";
  } catch (const std::runtime_error& e) {
    std::cout << "later: " << e.what() << std::endl;
  }
  // Fail like a training program would, so the launcher stops the peer.
  std::exit(::testing::Test::HasFailure() ? 1 : 3);
}

}  // namespace

TEST(DistributedWorker, Run) {
  const char* w = std::getenv("EMILY_DIST_WORKER");
  if (!w) GTEST_SKIP() << "runs only in the processes that the DistributedMultiProcess tests start";
  auto g = dist::init({.backend = "ring", .init_timeout = 60});
  const std::string name = w;
  if (name == "collectives") worker_collectives(g);
  else if (name == "data_parallel") worker_data_parallel(g);
  else if (name == "die") worker_die(g);
  else if (name == "hang") worker_hang(g);
  else FAIL() << "unknown worker " << name;
}
