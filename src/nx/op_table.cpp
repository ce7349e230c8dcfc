// Tables generated from the op lists of nx/op_table.hpp.
#include "nx/backend.hpp"

namespace nx {

namespace {

#define NX_NAME(name, ...) #name,
const char* const kBinaryNames[] = {NX_BINARY_CALLBACKS(NX_NAME)};
const char* const kUnaryNames[] = {NX_UNARY_CALLBACKS(NX_NAME)};
#undef NX_NAME

const BinaryTraits kBinaryTraits[] = {
#define NX_TRAITS(name, types_, result) {types::types_, ResultRule::result},
    NX_BINARY_CALLBACKS(NX_TRAITS)
#undef NX_TRAITS
};

const UnaryTraits kUnaryTraits[] = {
#define NX_TRAITS(name, types_, settled, result) {types::types_, types::settled, ResultRule::result},
    NX_UNARY_CALLBACKS(NX_TRAITS)
#undef NX_TRAITS
};

}  // namespace

std::string_view op_name(BinaryOp op) { return kBinaryNames[static_cast<int>(op)]; }
std::string_view op_name(UnaryOp op) { return kUnaryNames[static_cast<int>(op)]; }
const BinaryTraits& traits(BinaryOp op) { return kBinaryTraits[static_cast<int>(op)]; }
const UnaryTraits& traits(UnaryOp op) { return kUnaryTraits[static_cast<int>(op)]; }

Type result_type(ResultRule rule, Type t) {
  switch (rule) {
    case ResultRule::same: return t;
    case ResultRule::predicate: return u8;
    case ResultRule::floating: return to_floating(t);
    case ResultRule::complex: return to_complex(t);
    case ResultRule::real_part: return is_complex(t) ? to_real(t) : t;
  }
  return t;
}

BinaryCallback callback_of(BinaryOp op) {
  static const BinaryCallback table[] = {
#define NX_MEMBER(name, ...) &Backend::name,
      NX_BINARY_CALLBACKS(NX_MEMBER)
#undef NX_MEMBER
  };
  return table[static_cast<int>(op)];
}

UnaryCallback callback_of(UnaryOp op) {
  static const UnaryCallback table[] = {
#define NX_MEMBER(name, ...) &Backend::name,
      NX_UNARY_CALLBACKS(NX_MEMBER)
#undef NX_MEMBER
  };
  return table[static_cast<int>(op)];
}

const std::vector<BinaryOp>& all_binary_ops() {
  static const std::vector<BinaryOp> ops = {
#define NX_ENTRY(name, ...) BinaryOp::name,
      NX_BINARY_CALLBACKS(NX_ENTRY)
#undef NX_ENTRY
  };
  return ops;
}

const std::vector<UnaryOp>& all_unary_ops() {
  static const std::vector<UnaryOp> ops = {
#define NX_ENTRY(name, ...) UnaryOp::name,
      NX_UNARY_CALLBACKS(NX_ENTRY)
#undef NX_ENTRY
  };
  return ops;
}

#define NX_ENTRY(name, types_, ...) {#name, types::types_},
const std::vector<OpEntry>& callback_table() {
  static const std::vector<OpEntry> table = {NX_CALLBACKS(NX_ENTRY, NX_ENTRY)};
  return table;
}

const std::vector<OpEntry>& block_table() {
  static const std::vector<OpEntry> table = {NX_BLOCKS(NX_ENTRY)};
  return table;
}
#undef NX_ENTRY

namespace {
std::vector<std::string> names_of(const std::vector<OpEntry>& table) {
  std::vector<std::string> names;
  for (const auto& e : table) names.push_back(e.name);
  return names;
}
}  // namespace

const std::vector<std::string>& callback_names() {
  static const std::vector<std::string> names = names_of(callback_table());
  return names;
}

const std::vector<std::string>& block_names() {
  static const std::vector<std::string> names = names_of(block_table());
  return names;
}

}  // namespace nx
