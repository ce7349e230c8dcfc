// `emily coverage`: every callback and block run on a small canonical input,
// once per type it takes that the backend holds. The status of a run comes
// from what happened: an emily.fallback telemetry span means fallback, a
// block's default composition reporting itself means composed,
// nx::UnsupportedError (or any other failure) means unsupported.
#include "coverage.hpp"

#include <iostream>
#include <map>

#include "emily/emily.hpp"
#include "probes.hpp"

namespace emily_tool {

namespace {

using nx::BackendPtr;
using nx::Type;

std::string classify(const Probe& probe, const BackendPtr& backend, Type type, std::string& detail) {
  int fallbacks = 0;
  auto id = emily::telemetry::attach("emily.fallback", [&](const emily::telemetry::Event& e) {
    if (e.phase == emily::telemetry::Phase::start) ++fallbacks;
  });
  std::string status;
  {
    nx::detail::ComposedRecorder composed;
    try {
      probe.run(backend, type);
      status = fallbacks ? "fallback" : !composed.blocks().empty() ? "composed" : "native";
    } catch (const nx::UnsupportedError& e) {
      status = fallbacks ? "fallback" : "unsupported";
      detail = e.what();
    } catch (const std::exception& e) {
      status = "unsupported";
      detail = e.what();
    }
  }
  emily::telemetry::detach(id);
  return status;
}

const char* const kStatuses[] = {"native", "composed", "fallback", "unsupported"};

// The row's status over its types: the common one, or partial with a
// "native for f32, f16; fallback for f64" breakdown.
void summarize(CoverageRow& row) {
  for (const auto& [type, status] : row.per_type)
    if (status != row.per_type.front().second) row.status = "partial";
  if (row.status != "partial") {
    row.status = row.per_type.empty() ? "unsupported" : row.per_type.front().second;
    if (row.per_type.empty()) row.detail = "no type it takes is held by the backend";
    return;
  }
  for (const char* status : kStatuses) {
    std::string types;
    for (const auto& [type, s] : row.per_type)
      if (s == status) types += (types.empty() ? "" : ", ") + nx::to_string(type);
    if (!types.empty()) row.detail += (row.detail.empty() ? "" : "; ") + std::string(status) + " for " + types;
  }
}

// Runs `probe` for each type of `accepted` among `types`.
CoverageRow probe_row(const std::string& label, const Probe* probe, nx::TypeSet accepted,
                      const std::vector<Type>& types, const BackendPtr& backend) {
  CoverageRow row{label, "", {}, "", {}};
  if (!probe) {
    row.status = "unsupported";
    row.detail = "no coverage probe";
    return row;
  }
  if (accepted == nx::types::none) {
    row.status = classify(*probe, backend, nx::f32, row.detail);
    return row;
  }
  for (Type t : types) {
    if (!accepted.contains(t)) continue;
    std::string detail;
    row.per_type.emplace_back(t, classify(*probe, backend, t, detail));
    if (!detail.empty()) row.errors.push_back(label + " (" + nx::to_string(t) + "): " + detail);
  }
  summarize(row);
  return row;
}

void count(CoverageCounts& counts, const std::string& status) {
  if (status == "native") ++counts.native;
  else if (status == "composed") ++counts.composed;
  else if (status == "fallback") ++counts.fallback;
  else if (status == "partial") ++counts.partial;
  else ++counts.unsupported;
}

bool any_native(const CoverageRow& row) {
  if (row.status == "native") return true;
  for (const auto& [type, status] : row.per_type)
    if (status == "native") return true;
  return false;
}

}  // namespace

std::map<std::string, Probe> coverage_probes() {
  std::map<std::string, Probe> all;
  for (const auto& family : {core_probes(), elementwise_probes(), shape_indexing_probes(),
                             reduce_sort_window_probes(), linalg_probes()})
    for (const auto& p : family) all.emplace(p.name, p);
  for (const auto& family : {core_block_probes(), shape_indexing_block_probes(), reduce_sort_window_block_probes(),
                             linalg_block_probes()})
    for (const auto& p : family) all.emplace("block:" + p.name, p);
  return all;
}

std::vector<Type> held_types(const BackendPtr& backend) {
  std::vector<Type> held;
  for (Type t : nx::all_types()) {
    try {
      touch(typed(backend, t, {1, 0}));
      held.push_back(t);
    } catch (const std::exception&) {
    }
  }
  return held;
}

CoverageReport measure_coverage(const BackendPtr& backend, std::optional<Type> only) {
  CoverageReport report;
  report.types = held_types(backend);
  if (only) {
    bool held = false;
    for (Type t : report.types) held = held || t == *only;
    if (!held) throw nx::ArgumentError("the " + backend->name() + " backend cannot hold " + nx::to_string(*only));
    report.types = {*only};
  }
  const auto probes = coverage_probes();
  auto skipped = [&](nx::TypeSet accepted) { return only && accepted != nx::types::none && !accepted.contains(*only); };
  std::vector<CoverageRow> blocks;
  bool any_native_block = false;
  for (const auto& [name, accepted] : nx::block_table()) {
    if (skipped(accepted)) continue;
    auto it = probes.find("block:" + name);
    blocks.push_back(probe_row("block:" + name, it == probes.end() ? nullptr : &it->second, accepted,
                               report.types, backend));
    any_native_block = any_native_block || any_native(blocks.back());
  }
  for (const auto& [name, accepted] : nx::callback_table()) {
    if (skipped(accepted)) continue;
    if (name == "block") {
      report.rows.push_back({name, any_native_block ? "native" : "composed", {}, "", {}});
      continue;
    }
    auto it = probes.find(name);
    report.rows.push_back(probe_row(name, it == probes.end() ? nullptr : &it->second, accepted, report.types, backend));
  }
  report.rows.insert(report.rows.end(), blocks.begin(), blocks.end());
  for (const auto& row : report.rows) count(report.counts, row.status);
  return report;
}

CoverageCounts run_coverage(const BackendPtr& backend, const std::string& backend_name, const std::string& device,
                            std::optional<Type> only, std::ostream& os) {
  CoverageReport report = measure_coverage(backend, only);
  for (const auto& row : report.rows) {
    os << row.name << "\t" << backend_name << "\t" << device << "\t" << row.status;
    if (row.status == "partial") os << "\t" << row.detail;
    os << "\n";
    if (row.status == "unsupported" && !row.detail.empty()) std::cerr << row.name << ": " << row.detail << "\n";
    for (const auto& e : row.errors) std::cerr << e << "\n";
  }
  os << "types:";
  for (Type t : report.types) os << " " << nx::to_string(t);
  os << "\n";
  const CoverageCounts& c = report.counts;
  os << c.native << " native, " << c.composed << " composed, " << c.fallback << " fallback, " << c.partial
     << " partial, " << c.unsupported << " unsupported\n";
  return c;
}

}  // namespace emily_tool
