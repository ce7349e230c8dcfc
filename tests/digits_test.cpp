// nx::load_csv (plain and gzip, error cases) and the `emily digits` training
// code (tools/digits_train.cpp) on the reference backend against Emily.
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "digits_train.hpp"
#include "nx/io.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;

// Files in a directory of this process and test, removed when the test ends.
class Scratch {
 public:
  Scratch() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("emily-csv-" + std::to_string(getpid()) + "-" + info->test_suite_name() + "-" + info->name());
    fs::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string write_gz(const std::string& name, const std::string& text) const {
    const auto p = (dir_ / name).string();
    gzFile f = gzopen(p.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    EXPECT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
    gzclose(f);
    return p;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// The ArgumentError message of `f`, or "" when it does not throw one.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const nx::ArgumentError& e) {
    return e.what();
  }
  return "";
}

class LoadCsv : public test::BackendTest {};
NX_ALL_BACKENDS(LoadCsv);

TEST_P(LoadCsv, PlainTextWithHeaderSpacesAndCrlf) {
  Scratch s;
  auto p = s.write("a.csv", "x,y,z\r\n1, 2.5 ,-3\r\n+4,5e-1,  1e3\r\n\r\n7,8,-0.25\r\n");
  auto t = nx::load_csv(p, {.backend = b(), .skip_rows = 1});
  EXPECT_EQ(t.backend()->kind(), b()->kind());
  test::expect_floats(t, nx::f32, {3, 3}, {1, 2.5, -3, 4, 0.5, 1000, 7, 8, -0.25});
}

TEST_P(LoadCsv, GzipWithTypeAndDelimiter) {
  Scratch s;
  auto p = s.write_gz("a.tsv.gz", "10;20\n-30;40\n50;60");  // no final newline
  ASSERT_EQ(read_bytes(p).substr(0, 2), "\x1f\x8b");          // really compressed
  test::expect_ints(nx::load_csv(p, {.type = nx::s32, .backend = b(), .delimiter = ';'}), nx::s32, {3, 2},
                    {10, 20, -30, 40, 50, 60});
  test::expect_floats(nx::load_csv(s.write_gz("b.gz", "0.125\nnan\n-inf\n"), {.type = nx::f64, .backend = b()}),
                      nx::f64, {3, 1}, {0.125, std::nan(""), -INFINITY});
}

TEST(LoadCsvErrors, NameTheFunctionTheFileAndTheLine) {
  Scratch s;
  auto missing = s.path("missing.csv");
  EXPECT_EQ(error_of([&] { nx::load_csv(missing); }), "load_csv: " + missing + ":0: No such file or directory");

  auto ragged = s.write("ragged.csv", "1,2,3\n4,5,6\n7,8\n");
  EXPECT_EQ(error_of([&] { nx::load_csv(ragged); }),
            "load_csv: " + ragged + ":3: expected 3 fields like the first row, got 2");

  auto words = s.write_gz("words.csv.gz", "h1,h2\n1,2\n3,abc\n");
  EXPECT_EQ(error_of([&] { nx::load_csv(words, {.skip_rows = 1}); }),
            "load_csv: " + words + ":3: field 2 is not a number: \"abc\"");
  // Without skip_rows the header itself is the bad line.
  EXPECT_EQ(error_of([&] { nx::load_csv(words); }), "load_csv: " + words + ":1: field 1 is not a number: \"h1\"");

  auto empty_field = s.write("empty_field.csv", "1,,3\n");
  EXPECT_EQ(error_of([&] { nx::load_csv(empty_field); }),
            "load_csv: " + empty_field + ":1: field 2 is not a number: \"\"");
  auto trailing = s.write("trailing.csv", "1,2x\n");
  EXPECT_EQ(error_of([&] { nx::load_csv(trailing); }), "load_csv: " + trailing + ":1: field 2 is not a number: \"2x\"");

  auto empty = s.write("empty.csv", "");
  EXPECT_EQ(error_of([&] { nx::load_csv(empty); }), "load_csv: " + empty + ":0: no data rows");

  EXPECT_EQ(error_of([&] { nx::load_csv(empty, {.skip_rows = -1}); }), "load_csv: skip_rows must be non-negative, got -1");
}

TEST(LoadCsvErrors, CorruptGzip) {
  Scratch s;
  // Many lines so that the damage lies past the first decompressed lines.
  std::string text;
  for (int i = 0; i < 2000; ++i) text += std::to_string(i) + "," + std::to_string(2 * i) + "\n";
  std::string gz = read_bytes(s.write_gz("good.csv.gz", text));
  auto good = nx::load_csv(s.path("good.csv.gz"));
  EXPECT_EQ(nx::shape_to_string(good.shape()), "{2000, 2}");

  // Truncated stream: the gzip trailer and part of the data are missing.
  auto truncated = s.write("truncated.csv.gz", gz.substr(0, gz.size() / 2));
  std::string msg = error_of([&] { nx::load_csv(truncated); });
  EXPECT_EQ(msg.rfind("load_csv: " + truncated + ":", 0), 0u) << msg;
  EXPECT_NE(msg.find("corrupt gzip"), std::string::npos) << msg;

  // Damaged deflate data behind a valid header.
  std::string damaged = gz;
  for (std::size_t i = 20; i < damaged.size() - 8; i += 7) damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
  auto bad = s.write("damaged.csv.gz", damaged);
  msg = error_of([&] { nx::load_csv(bad); });
  EXPECT_EQ(msg.rfind("load_csv: " + bad + ":", 0), 0u) << msg;
  EXPECT_NE(msg.find("corrupt gzip"), std::string::npos) << msg;
}

// ---- training ----

bool have_digits() { return fs::exists(digits::default_data_path()); }

TEST(Digits, LoadsAndSplitsDeterministically) {
  if (!have_digits()) GTEST_SKIP() << "no " << digits::default_data_path() << " (scripts/setup.sh installs python3-sklearn)";
  auto all = digits::load(digits::default_data_path());
  ASSERT_EQ(all.size(), 1797);
  ASSERT_EQ(all.pixels.size(), 1797u * 64);
  // The first row of the file: a 0 whose third pixel is 5/16.
  EXPECT_EQ(all.labels[0], 0);
  EXPECT_FLOAT_EQ(all.pixels[2], 5.0f / 16);
  EXPECT_EQ(all.labels[1796], 8);
  auto a = digits::split(all, 0.2, 42), b = digits::split(all, 0.2, 42), c = digits::split(all, 0.2, 7);
  EXPECT_EQ(a.train.size(), 1438);
  EXPECT_EQ(a.test.size(), 359);  // round(0.2 * 1797)
  EXPECT_EQ(a.test.labels, b.test.labels);
  EXPECT_EQ(a.train.pixels, b.train.pixels);
  EXPECT_NE(a.test.labels, c.test.labels);
}

// The same training (20 epochs, seed 42, identical initial parameters and
// batches) on the reference backend and on Emily. Measured: both 96.66%
// held out (347/359), first-step loss 2.595994 on both, every epoch's mean
// loss equal to 6 digits; about 0.8 s on the reference backend, 0.5 s on Emily.
TEST(Digits, ReferenceAndEmilyTrainAlike) {
  if (!have_digits()) GTEST_SKIP() << "no " << digits::default_data_path() << " (scripts/setup.sh installs python3-sklearn)";
  const auto data = digits::split(digits::load(digits::default_data_path()), 0.2, 42);
  digits::TrainOptions opts;
  opts.backend = nx::binary_backend();
  const auto ref = digits::train(data, opts);
  opts.backend = emily::backend();
  const auto emi = digits::train(data, opts);

  // Fixed batch shapes: one trace serves all 20 x 44 steps.
  EXPECT_EQ(ref.steps_per_epoch, 44);
  EXPECT_EQ(ref.step_traces, 1);
  EXPECT_EQ(emi.step_traces, 1);

  // The initial parameters are drawn on the reference backend for both, so
  // the first loss is one value (ln 10 = 2.30 plus the Glorot logits' spread).
  EXPECT_NEAR(ref.first_step_loss, 2.595994, 1e-5);
  EXPECT_NEAR(emi.first_step_loss, ref.first_step_loss, 1e-5 * ref.first_step_loss);

  ASSERT_EQ(ref.epoch_loss.size(), 20u);
  ASSERT_EQ(emi.epoch_loss.size(), 20u);
  // Equal to 6 digits on the cpu; 1% leaves room for a GPU's summation order
  // compounding over 880 steps.
  for (std::size_t e = 0; e < ref.epoch_loss.size(); ++e)
    EXPECT_NEAR(emi.epoch_loss[e], ref.epoch_loss[e], 1e-2 * ref.epoch_loss[e]) << "epoch " << e + 1;
  EXPECT_LT(ref.epoch_loss.back(), 0.1 * ref.epoch_loss.front());  // it learns

  EXPECT_GE(ref.accuracy, 0.95);
  EXPECT_GE(emi.accuracy, 0.95);
  EXPECT_NEAR(emi.accuracy, ref.accuracy, 0.02);
}

}  // namespace
