// nx::load_csv: plain or gzip-compressed CSV of numbers into a rank-2 tensor.
#include <zlib.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nx/creation.hpp"
#include "nx/io.hpp"
#include "nx/shape_ops.hpp"

namespace nx {

namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

class Parser {
 public:
  Parser(const std::string& path, const CsvOptions& opts) : path_(path), opts_(opts) {}

  [[noreturn]] void fail(std::int64_t line, const std::string& what) const {
    raise("load_csv", path_ + ":" + std::to_string(line) + ": " + what);
  }

  // One complete line (without its '\n'); `line_no` counts from 1.
  void line(std::string_view text, std::int64_t line_no) {
    if (line_no <= opts_.skip_rows) return;
    text = trim(text);
    if (text.empty()) return;  // blank lines, including a trailing one
    std::int64_t fields = 0;
    std::size_t start = 0;
    while (true) {
      const std::size_t end = text.find(opts_.delimiter, start);
      std::string_view field = trim(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
      ++fields;
      values_.push_back(parse(field, line_no, fields));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    if (cols_ < 0) cols_ = fields;
    else if (fields != cols_)
      fail(line_no, "expected " + std::to_string(cols_) + " fields like the first row, got " + std::to_string(fields));
    ++rows_;
  }

  Tensor finish(std::int64_t last_line) {
    if (rows_ == 0) fail(last_line, "no data rows");
    Tensor flat = tensor(values_, {.type = opts_.type, .backend = opts_.backend});
    return reshape(flat, {rows_, cols_});
  }

 private:
  double parse(std::string_view field, std::int64_t line_no, std::int64_t column) const {
    std::string_view digits = field;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);  // from_chars rejects '+'
    double v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (field.empty() || digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
      fail(line_no, "field " + std::to_string(column) + " is not a number: \"" + std::string(field) + "\"");
    return v;
  }

  const std::string& path_;
  const CsvOptions& opts_;
  std::vector<double> values_;
  std::int64_t rows_ = 0, cols_ = -1;
};

}  // namespace

Tensor load_csv(const std::string& path, const CsvOptions& opts) {
  if (opts.skip_rows < 0) raise("load_csv", "skip_rows must be non-negative, got " + std::to_string(opts.skip_rows));
  if (opts.delimiter == '\n' || opts.delimiter == '\r' || opts.delimiter == '\0')
    raise("load_csv", "the delimiter cannot be a line break or NUL");
  // zlib reads plain files transparently, so one path serves both formats.
  errno = 0;
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
  if (!file) {
    const std::string why = errno ? std::strerror(errno) : "cannot open";
    raise("load_csv", path + ":0: " + why);
  }
  Parser parser(path, opts);
  std::string pending;  // the current, not yet complete line
  std::int64_t line_no = 1;
  std::vector<char> buf(1 << 16);
  while (true) {
    const int n = gzread(file.get(), buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int code = 0;
      const char* msg = gzerror(file.get(), &code);
      const std::string why = code == Z_ERRNO ? std::strerror(errno) : (msg && *msg ? msg : "read error");
      parser.fail(line_no, "cannot read (corrupt gzip data?): " + why);
    }
    if (n == 0) {
      // zlib reports a truncated stream as a short read with Z_BUF_ERROR set,
      // so the end of the data needs its own check.
      int code = Z_OK;
      gzerror(file.get(), &code);
      if (code != Z_OK) parser.fail(line_no, "cannot read (corrupt gzip data?): truncated gzip stream");
      break;
    }
    std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
    std::size_t pos = 0;
    for (std::size_t nl; (nl = chunk.find('\n', pos)) != std::string_view::npos; pos = nl + 1) {
      if (pending.empty()) {
        parser.line(chunk.substr(pos, nl - pos), line_no);
      } else {
        pending.append(chunk.substr(pos, nl - pos));
        parser.line(pending, line_no);
        pending.clear();
      }
      ++line_no;
    }
    pending.append(chunk.substr(pos));
  }
  if (!pending.empty()) parser.line(pending, line_no);
  else --line_no;  // the file ended with '\n': the last line was the one before
  return parser.finish(line_no);
}

}  // namespace nx
