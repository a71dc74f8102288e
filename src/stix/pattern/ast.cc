// Spelling of syntax-tree parts: operator names and the canonical form of object paths.
#include "stix/pattern/ast.h"

#include <string_view>

namespace kongsi::stix::pattern {
namespace {

// Words that are tokens of their own in the specification's grammar; a property spelled like
// one is quoted so that the printed path also reads back with other STIX pattern parsers.
constexpr std::string_view kReservedWords[] = {
    "AND",      "OR",     "NOT",    "FOLLOWEDBY", "LIKE",  "MATCHES", "ISSUPERSET",
    "ISSUBSET", "EXISTS", "LAST",   "IN",         "START", "STOP",    "SECONDS",
    "true",     "false",  "WITHIN", "REPEATS",    "TIMES",
};

// A property name that may be written without quotes: [A-Za-z_][A-Za-z0-9_]*, not reserved.
bool IsPlainName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  for (std::string_view word : kReservedWords) {
    if (name == word) return false;
  }
  return true;
}

void AppendName(std::string_view name, std::string& out) {
  if (IsPlainName(name)) {
    out += name;
    return;
  }
  out.push_back('\'');
  for (char c : name) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
}

}  // namespace

const char* OperatorName(Operator op) {
  switch (op) {
    case Operator::kEqual:
      return "=";
    case Operator::kNotEqual:
      return "!=";
    case Operator::kLess:
      return "<";
    case Operator::kLessEqual:
      return "<=";
    case Operator::kGreater:
      return ">";
    case Operator::kGreaterEqual:
      return ">=";
    case Operator::kIn:
      return "IN";
    case Operator::kLike:
      return "LIKE";
    case Operator::kMatches:
      return "MATCHES";
    case Operator::kIsSubset:
      return "ISSUBSET";
    case Operator::kIsSuperset:
      return "ISSUPERSET";
    case Operator::kExists:
      return "EXISTS";
  }
  return "?";
}

std::string ObjectPath::ToString() const {
  std::string out = object_type;
  out.push_back(':');
  for (size_t i = 0; i < steps.size(); ++i) {
    const PathStep& step = steps[i];
    switch (step.kind) {
      case PathStep::Kind::kProperty:
        if (i > 0) out.push_back('.');
        AppendName(step.name, out);
        break;
      case PathStep::Kind::kIndex:
        out += "[" + std::to_string(step.index) + "]";
        break;
      case PathStep::Kind::kAnyIndex:
        out += "[*]";
        break;
    }
  }
  return out;
}

}  // namespace kongsi::stix::pattern
