// docs/api.md lists every public function of Nx and Nx.LinAlg with its C++
// spelling and status, then the C++ functions that have no Nx counterpart.
// This test holds the page to the headers: each spelling of a `done` row (and
// of a C++-only row) names a function declared in include/nx/*.hpp, no
// `missing` row names one that exists, and every free function declared in
// the namespaces nx, nx::linalg and nx::random appears on the page (nx::defn
// has its own page, docs/defn.md; nx::detail is internal).
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "test_util.hpp"

namespace {

const std::regex kOperator(R"(operator\s*([^\w\s(]+)\s*$)");
const std::regex kNotDeclaration(R"(^(using|typedef|friend|static_assert|return)\b)");
const std::regex kDeclareOperator(R"(NX_DECLARE_OPERATOR\s*\(\s*([^,\s]+)\s*,.*\))");
const std::regex kMacroCall(R"(^\s*[A-Z][A-Z0-9_]*\s*\()");
const std::regex kTemplateHead(R"(^template\s*<[^{;]*?>\s*(requires [^(]*?\s)?)");
const std::regex kNamespace(R"(^namespace\s+([\w:]+))");
const std::regex kClass(R"(^(class|struct|union)\s+(\w+))");
const std::regex kEnum(R"(^enum\b)");
const std::regex kNxCell(R"(`(Nx(\.LinAlg)?\.[\w?!]+/\d)`)");
const std::regex kDecltype(R"(decltype\s*\([^()]*\))");

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  EXPECT_TRUE(in.good()) << p << " is missing";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string squash(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Comments, the contents of string and character literals, and preprocessor
// lines (with their continuations) removed.
std::string strip(const std::string& src) {
  std::string code, line;
  std::istringstream in(src);
  bool continued = false;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    const bool directive = continued || (first != std::string::npos && line[first] == '#');
    continued = directive && !line.empty() && line.back() == '\\';
    code += (directive ? std::string() : line) + "\n";
  }
  std::string out;
  enum { normal, line_comment, block_comment, string_lit, char_lit } state = normal;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i], next = i + 1 < code.size() ? code[i + 1] : '\0';
    if (state == normal) {
      if (c == '/' && (next == '/' || next == '*')) {
        state = next == '/' ? line_comment : block_comment;
        ++i;
      } else {
        if (c == '"') state = string_lit;
        if (c == '\'') state = char_lit;
        out += c;
      }
    } else if (state == line_comment) {
      if (c == '\n') {
        state = normal;
        out += c;
      }
    } else if (state == block_comment) {
      if (c == '*' && next == '/') {
        state = normal;
        ++i;
      }
    } else if (c == '\\') {
      ++i;  // an escaped character inside a literal
    } else if (c == (state == string_lit ? '"' : '\'')) {
      state = normal;
      out += c;
    }
  }
  return out;
}

// The name a declaration statement declares: the identifier (or operator)
// before its first parenthesis; empty for out-of-class member definitions.
std::string declared_name(const std::string& declaration) {
  const std::string st = std::regex_replace(declaration, kDecltype, "decltype_");
  const auto open = st.find('(');
  std::size_t end = open;
  while (end > 0 && st[end - 1] == ' ') --end;
  std::size_t begin = end;
  while (begin > 0 && (std::isalnum(static_cast<unsigned char>(st[begin - 1])) || st[begin - 1] == '_')) --begin;
  if (begin == end) {
    std::smatch m;
    const std::string head = st.substr(0, open);
    if (std::regex_search(head, m, kOperator)) return "operator" + m[1].str();
    return {};
  }
  const std::string before = squash(st.substr(0, begin));
  if (before.size() >= 2 && before.compare(before.size() - 2, 2, "::") == 0) return {};
  return st.substr(begin, end - begin);
}

struct Declarations {
  std::set<std::string> free;     // "nx::sum", "nx::linalg::solve", "nx::operator+"
  std::set<std::string> members;  // "Tensor::shape"
};

// Free functions at namespace scope and member functions of classes at
// namespace scope. X-macro lists declared through NX_BINARY_CALLBACKS /
// NX_UNARY_CALLBACKS expand to the ops' names; NX_DECLARE_OPERATOR(op, fn)
// declares operator op.
void parse_header(const std::string& text, Declarations& out) {
  struct Scope {
    char kind;  // 'n' namespace, 'c' class, 'o' other (body, enum, initializer)
    std::string name;
  };
  std::vector<Scope> scopes;
  std::string stmt;
  int paren = 0;
  auto ns_name = [&] {
    std::string n;
    for (const auto& s : scopes) n += (n.empty() ? "" : "::") + s.name;
    return n;
  };
  auto all_namespaces = [&] {
    for (const auto& s : scopes)
      if (s.kind != 'n') return false;
    return true;
  };
  auto in_class = [&] {
    if (scopes.empty() || scopes.back().kind != 'c') return false;
    for (std::size_t i = 0; i + 1 < scopes.size(); ++i)
      if (scopes[i].kind != 'n') return false;
    return true;
  };
  auto record = [&](const std::string& st) {
    if (st.find('(') == std::string::npos || std::regex_search(st, kNotDeclaration)) return;
    const std::string name = declared_name(st);
    if (name.empty()) return;
    if (all_namespaces())
      out.free.insert(ns_name() + "::" + name);
    else if (in_class())
      out.members.insert(scopes.back().name + "::" + name);
  };
  auto macro = [&](const std::string& st) {
    if (!all_namespaces()) return;
    std::smatch m;
    if (std::regex_match(st, m, kDeclareOperator)) {
      out.free.insert(ns_name() + "::operator" + m[1].str());
    } else if (st == "NX_BINARY_CALLBACKS(NX_DECLARE_BINARY_FN)") {
      for (auto op : nx::all_binary_ops()) out.free.insert(ns_name() + "::" + std::string(nx::op_name(op)));
    } else if (st == "NX_UNARY_CALLBACKS(NX_DECLARE_UNARY_FN)") {
      for (auto op : nx::all_unary_ops()) out.free.insert(ns_name() + "::" + std::string(nx::op_name(op)));
    } else {
      ADD_FAILURE() << "unrecognised macro at namespace scope: " << st;
    }
  };
  for (char c : strip(text)) {
    if (c == '(' || c == '[') ++paren;
    if (c == ')' || c == ']') {
      --paren;
      if (paren == 0 && c == ')' && std::regex_search(stmt, kMacroCall)) {
        macro(squash(stmt + c));
        stmt.clear();
        continue;
      }
    }
    if (paren != 0 || (c != '{' && c != '}' && c != ';')) {
      stmt += c;
      continue;
    }
    std::string st = squash(stmt);
    stmt.clear();
    if (st.rfind("template", 0) == 0) st = std::regex_replace(st, kTemplateHead, "");
    if (c == ';') {
      record(st);
    } else if (c == '}') {
      if (!scopes.empty()) scopes.pop_back();
    } else {
      std::smatch m;
      if (std::regex_search(st, m, kNamespace)) {
        scopes.push_back({'n', m[1].str()});
      } else if (std::regex_search(st, m, kClass)) {
        scopes.push_back({'c', m[2].str()});
      } else {
        if (!std::regex_search(st, kEnum)) record(st);  // an inline definition
        scopes.push_back({'o', ""});
      }
    }
  }
}

Declarations declarations() {
  Declarations d;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(EMILY_SOURCE_DIR) + "/include/nx"))
    if (entry.path().extension() == ".hpp") parse_header(read(entry.path()), d);
  return d;
}

struct Row {
  std::string nx;  // "Nx.sum/2", or "" for a C++-only row
  std::vector<std::string> spellings;
  std::string status;  // done, missing, n/a, C++ only
  std::string notes;
};

// Table cells split on '|' as GitHub does, even inside code spans; a literal
// pipe is written "\|" (nx::operator\|).
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 1; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cur += '|';
      ++i;
    } else if (c == '|') {
      out.push_back(squash(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

std::vector<Row> read_page() {
  std::istringstream in(read(std::string(EMILY_SOURCE_DIR) + "/docs/api.md"));
  std::vector<Row> rows;
  std::string line;
  const std::regex span("`([^`]+)`");
  while (std::getline(in, line)) {
    if (line.rfind("|", 0) != 0) continue;
    auto c = cells(line);
    if (c.size() != 4) {
      ADD_FAILURE() << "a table row without 4 cells (an unescaped | ?): " << line;
      continue;
    }
    if (c[0] == "Nx" || c[0].rfind("---", 0) == 0) continue;
    Row r;
    std::smatch m;
    if (std::regex_match(c[0], m, kNxCell)) {
      r.nx = m[1].str();
    } else {
      EXPECT_EQ(c[0], "—") << "bad Nx cell: " << line;
    }
    for (auto it = std::sregex_iterator(c[1].begin(), c[1].end(), span); it != std::sregex_iterator(); ++it)
      r.spellings.push_back((*it)[1].str());
    r.status = c[2];
    r.notes = c[3];
    rows.push_back(r);
  }
  return rows;
}

// "nx::sum(t, {...})" -> "nx::sum"; "nx::to_number<T>(t)" -> "nx::to_number";
// "t.shape()" -> "Tensor::shape".
std::string callee(const std::string& spelling) {
  std::string head = spelling.substr(0, spelling.find('('));
  if (head.find("operator") == std::string::npos) head = std::regex_replace(head, std::regex("<[^()]*>"), "");
  head = squash(head);
  if (head.rfind("t.", 0) == 0) return "Tensor::" + head.substr(2);
  return head;
}

bool declared(const Declarations& d, const std::string& name) {
  return d.free.count(name) || (name.rfind("Tensor::", 0) == 0 && d.members.count(name));
}

TEST(DocsApi, HeaderParserFindsTheApi) {
  auto d = declarations();
  EXPECT_GT(d.free.size(), 200u);
  for (const char* n : {"nx::sum", "nx::linalg::solve", "nx::random::key", "nx::add", "nx::exp", "nx::operator+",
                        "nx::operator<<", "nx::tensor", "nx::to_number", "nx::jit"})
    EXPECT_TRUE(d.free.count(n)) << n;
  EXPECT_TRUE(d.members.count("Tensor::shape"));
  EXPECT_FALSE(d.free.count("nx::shape"));  // a member, not a free function
}

TEST(DocsApi, RowsAreWellFormed) {
  std::set<std::string> seen;
  const std::set<std::string> statuses = {"done", "missing", "n/a", "C++ only"};
  for (const auto& r : read_page()) {
    EXPECT_TRUE(statuses.count(r.status)) << r.nx << ": unknown status '" << r.status << "'";
    if (!r.nx.empty()) {
      EXPECT_TRUE(seen.insert(r.nx).second) << "two rows for " << r.nx;
    }
    if (r.status == "done" || r.status == "C++ only") {
      EXPECT_FALSE(r.spellings.empty()) << r.nx << " names no C++ function";
    } else {
      EXPECT_FALSE(r.notes.empty()) << r.nx << " (" << r.status << ") gives no reason";
    }
    EXPECT_EQ(r.nx.empty(), r.status == "C++ only") << r.nx << ": only C++-only rows lack an Nx function";
  }
  EXPECT_GT(seen.size(), 200u);
}

TEST(DocsApi, SpellingsMatchTheHeaders) {
  auto d = declarations();
  for (const auto& r : read_page()) {
    for (const auto& s : r.spellings) {
      const std::string name = callee(s);
      if (r.status == "done" || r.status == "C++ only") {
        EXPECT_TRUE(declared(d, name)) << (r.nx.empty() ? "C++-only row" : r.nx) << ": `" << s << "` names " << name
                                       << ", which include/nx/*.hpp does not declare";
      }
      if (r.status == "missing") {
        EXPECT_FALSE(declared(d, name)) << r.nx << " is marked missing but " << name << " is declared";
      }
    }
  }
}

TEST(DocsApi, EveryDeclaredFunctionIsOnThePage) {
  auto d = declarations();
  std::set<std::string> named;
  for (const auto& r : read_page())
    for (const auto& s : r.spellings) named.insert(callee(s));
  for (const auto& f : d.free) {
    const bool listed_namespace = f.rfind("nx::defn::", 0) != 0 && f.rfind("nx::detail::", 0) != 0;
    if (listed_namespace) {
      EXPECT_TRUE(named.count(f)) << "docs/api.md does not mention " << f;
    }
  }
}

}  // namespace
