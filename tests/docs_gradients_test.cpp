// docs/gradients.md lists one row per callback and block with its gradient
// rule and the tests that check it; this test holds the page to the code:
// every callback and block has exactly one row, and every test pattern a row
// names matches at least one test registered in this binary.
#include <fnmatch.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "test_util.hpp"

namespace {

struct Row {
  std::string rule;
  std::vector<std::string> tests;
};

std::map<std::string, Row> read_page() {
  std::ifstream in(std::string(EMILY_SOURCE_DIR) + "/docs/gradients.md");
  EXPECT_TRUE(in.good()) << "docs/gradients.md is missing";
  std::map<std::string, Row> rows;
  std::string line;
  const std::regex row(R"(^\|\s*`([a-z_0-9]+)`\s*\|([^|]*)\|([^|]*)\|\s*$)");
  const std::regex tick("`([^`]+)`");
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    Row r{m[2].str(), {}};
    const std::string tests = m[3].str();
    for (auto it = std::sregex_iterator(tests.begin(), tests.end(), tick); it != std::sregex_iterator(); ++it)
      r.tests.push_back((*it)[1].str());
    EXPECT_TRUE(rows.emplace(m[1].str(), r).second) << "two rows for " << m[1].str();
  }
  return rows;
}

std::vector<std::string> registered_tests() {
  std::vector<std::string> names;
  auto* unit = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const auto* suite = unit->GetTestSuite(i);
    for (int j = 0; j < suite->total_test_count(); ++j)
      names.push_back(std::string(suite->name()) + "." + suite->GetTestInfo(j)->name());
  }
  return names;
}

// Callbacks that move or read data rather than compute: a trace records
// them as constants or refuses them, so they have no gradient row to test.
const std::set<std::string> kDataCallbacks = {"init", "backend_deallocate", "backend_copy", "backend_transfer",
                                              "to_batched", "to_binary", "inspect", "from_pointer",
                                              "to_pointer", "block"};

TEST(DocsGradients, OneRowPerCallbackAndBlock) {
  auto rows = read_page();
  std::set<std::string> expected;
  for (const auto& n : nx::callback_names())
    if (!kDataCallbacks.count(n)) expected.insert(n);
  for (const auto& n : nx::block_names()) expected.insert(n);
  for (const auto& n : {"stop_grad", "custom_grad", "external"}) expected.insert(n);
  for (const auto& n : expected) EXPECT_TRUE(rows.count(n)) << "docs/gradients.md has no row for " << n;
  for (const auto& [n, r] : rows) EXPECT_TRUE(expected.count(n)) << "docs/gradients.md has a row for unknown " << n;
}

TEST(DocsGradients, EveryRowNamesTestsThatExist) {
  auto rows = read_page();
  auto tests = registered_tests();
  for (const auto& [name, row] : rows) {
    EXPECT_FALSE(row.tests.empty()) << name << " names no test";
    for (const auto& pattern : row.tests) {
      bool found = false;
      for (const auto& t : tests) found = found || fnmatch(pattern.c_str(), t.c_str(), 0) == 0;
      EXPECT_TRUE(found) << name << ": no registered test matches `" << pattern << "`";
    }
  }
}

}  // namespace
