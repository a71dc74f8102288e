// libFuzzer target for the STIX 2.1 pattern parser (stix/pattern/parser.h): any bytes are
// parsed as a pattern.
//
// Besides the sanitizers (ASan, UBSan) and the parser's own depth limit it checks:
//  - a rejected pattern has a message, and its position lies in the text (line and column
//    point at a byte of the text or just past its end); ToString starts with that position;
//  - an accepted pattern prints (the printer below: canonical spelling, parentheses only where
//    precedence or a repeated qualifier needs them) to text that parses again to the same tree
//    (positions aside) and prints the same;
//  - every object path prints (ObjectPath::ToString) to a path that reads back the same;
//  - the observable values the pattern names (AppendPatternValues) have a kind and a
//    non-empty value that is already normalised.
// A broken invariant aborts with a message, which libFuzzer reports as a crash.
//
// Build and run: `make fuzz` (docs/building.md).
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stix/observable.h"
#include "stix/pattern/ast.h"
#include "stix/pattern/parser.h"
#include "stix/pattern/pattern_values.h"
#include "util/time.h"

namespace {

namespace pt = kongsi::stix::pattern;

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "stix_pattern_fuzz: invariant broken: %s\n  %.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// --- printer -------------------------------------------------------------------------------

void PrintQuoted(std::string_view text, std::string& out) {
  out.push_back('\'');
  for (char c : text) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
}

void PrintLiteral(const pt::Literal& l, std::string& out) {
  static constexpr char kBase64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static constexpr char kHex[] = "0123456789abcdef";
  switch (l.kind) {
    case pt::LiteralKind::kString:
      PrintQuoted(l.text, out);
      return;
    case pt::LiteralKind::kInteger:
    case pt::LiteralKind::kFloat:
      out += l.text;
      return;
    case pt::LiteralKind::kBoolean:
      out += l.boolean ? "true" : "false";
      return;
    case pt::LiteralKind::kTimestamp:
      out += "t'" + l.text + "'";
      return;
    case pt::LiteralKind::kBinary: {
      out += "b'";
      const std::string& b = l.text;
      for (size_t i = 0; i < b.size(); i += 3) {
        uint32_t v = static_cast<uint8_t>(b[i]) << 16;
        if (i + 1 < b.size()) v |= static_cast<uint8_t>(b[i + 1]) << 8;
        if (i + 2 < b.size()) v |= static_cast<uint8_t>(b[i + 2]);
        out.push_back(kBase64[(v >> 18) & 63]);
        out.push_back(kBase64[(v >> 12) & 63]);
        out.push_back(i + 1 < b.size() ? kBase64[(v >> 6) & 63] : '=');
        out.push_back(i + 2 < b.size() ? kBase64[v & 63] : '=');
      }
      out += "'";
      return;
    }
    case pt::LiteralKind::kHex:
      out += "h'";
      for (char c : l.text) {
        out.push_back(kHex[static_cast<uint8_t>(c) >> 4]);
        out.push_back(kHex[static_cast<uint8_t>(c) & 15]);
      }
      out += "'";
      return;
  }
}

void PrintComparisons(const pt::ComparisonExpr& e, std::string& out) {
  if (e.kind == pt::ComparisonExpr::Kind::kComparison) {
    const pt::Comparison& c = e.comparison;
    if (c.op == pt::Operator::kExists) {
      out += c.negated ? "NOT EXISTS " : "EXISTS ";
      out += c.path.ToString();
      return;
    }
    out += c.path.ToString();
    out += c.negated ? " NOT " : " ";
    out += pt::OperatorName(c.op);
    out += ' ';
    if (c.op == pt::Operator::kIn) {
      out += '(';
      for (size_t i = 0; i < c.values.size(); ++i) {
        if (i > 0) out += ", ";
        PrintLiteral(c.values[i], out);
      }
      out += ')';
    } else if (!c.values.empty()) {
      PrintLiteral(c.values[0], out);
    }
    return;
  }
  const bool is_and = e.kind == pt::ComparisonExpr::Kind::kAnd;
  for (size_t i = 0; i < e.children.size(); ++i) {
    if (i > 0) out += is_and ? " AND " : " OR ";
    // AND binds tighter than OR: only an OR inside an AND needs parentheses.
    const bool parens = is_and && e.children[i].kind == pt::ComparisonExpr::Kind::kOr;
    if (parens) out += '(';
    PrintComparisons(e.children[i], out);
    if (parens) out += ')';
  }
}

void PrintQualifier(const pt::Qualifier& q, std::string& out) {
  switch (q.kind) {
    case pt::Qualifier::Kind::kWithin: {
      char buffer[400];
      const auto result = std::to_chars(buffer, buffer + sizeof(buffer), q.within_seconds,
                                        std::chars_format::fixed);
      if (result.ec != std::errc()) Fail("WITHIN value does not print", "");
      std::string number(buffer, result.ptr);
      if (number.find('.') == std::string::npos) number += ".0";
      out += " WITHIN " + number + " SECONDS";
      return;
    }
    case pt::Qualifier::Kind::kRepeats:
      out += " REPEATS " + std::to_string(q.repeats) + " TIMES";
      return;
    case pt::Qualifier::Kind::kStartStop:
      out += " START t'" + kongsi::util::FormatRfc3339(q.start_micros, 6) + "' STOP t'" +
             kongsi::util::FormatRfc3339(q.stop_micros, 6) + "'";
      return;
  }
}

int Precedence(pt::ObservationExpr::Kind kind) {
  switch (kind) {
    case pt::ObservationExpr::Kind::kFollowedBy:
      return 0;
    case pt::ObservationExpr::Kind::kOr:
      return 1;
    case pt::ObservationExpr::Kind::kAnd:
      return 2;
    case pt::ObservationExpr::Kind::kObservation:
      return 3;
  }
  return 3;
}

void PrintObservation(const pt::ObservationExpr& e, std::string& out) {
  std::string body;
  if (e.kind == pt::ObservationExpr::Kind::kObservation) {
    body = "[";
    PrintComparisons(e.comparison, body);
    body += "]";
    // One qualifier of a type directly after [...]; a repeated type needs a group.
    bool seen[3] = {false, false, false};
    bool grouped = false;
    for (const pt::Qualifier& q : e.qualifiers) {
      bool& s = seen[static_cast<int>(q.kind)];
      if (s && !grouped) {
        body = "(" + body + ")";
        grouped = true;
      }
      s = true;
      PrintQualifier(q, body);
    }
    out += body;
    return;
  }
  const char* op = e.kind == pt::ObservationExpr::Kind::kAnd  ? " AND "
                   : e.kind == pt::ObservationExpr::Kind::kOr ? " OR "
                                                              : " FOLLOWEDBY ";
  for (size_t i = 0; i < e.children.size(); ++i) {
    const pt::ObservationExpr& child = e.children[i];
    if (i > 0) body += op;
    // A qualified composite prints its own parentheses. Otherwise a child that binds less
    // tightly needs them, and so does a FOLLOWEDBY right of a FOLLOWEDBY (left to right).
    const bool composite = child.kind != pt::ObservationExpr::Kind::kObservation;
    const bool parens =
        composite && child.qualifiers.empty() &&
        (Precedence(child.kind) < Precedence(e.kind) || (child.kind == e.kind && i > 0));
    if (parens) body += '(';
    PrintObservation(child, body);
    if (parens) body += ')';
  }
  if (!e.qualifiers.empty()) {
    body = "(" + body + ")";
    for (const pt::Qualifier& q : e.qualifiers) PrintQualifier(q, body);
  }
  out += body;
}

std::string Print(const pt::Pattern& p) {
  std::string out;
  PrintObservation(p.root, out);
  return out;
}

// --- tree equality, positions aside ----------------------------------------------------------

bool SameLiteral(const pt::Literal& a, const pt::Literal& b) {
  return a.kind == b.kind && a.text == b.text && a.integer == b.integer &&
         (a.number == b.number || (a.number != a.number && b.number != b.number)) &&
         a.boolean == b.boolean && a.timestamp_micros == b.timestamp_micros;
}

bool SamePath(const pt::ObjectPath& a, const pt::ObjectPath& b) {
  return a.object_type == b.object_type && a.steps == b.steps;
}

bool SameComparisons(const pt::ComparisonExpr& a, const pt::ComparisonExpr& b) {
  if (a.kind != b.kind || a.children.size() != b.children.size()) return false;
  if (a.kind == pt::ComparisonExpr::Kind::kComparison) {
    const pt::Comparison& x = a.comparison;
    const pt::Comparison& y = b.comparison;
    if (!SamePath(x.path, y.path) || x.op != y.op || x.negated != y.negated ||
        x.values.size() != y.values.size()) {
      return false;
    }
    for (size_t i = 0; i < x.values.size(); ++i) {
      if (!SameLiteral(x.values[i], y.values[i])) return false;
    }
    return true;
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!SameComparisons(a.children[i], b.children[i])) return false;
  }
  return true;
}

bool SameObservations(const pt::ObservationExpr& a, const pt::ObservationExpr& b) {
  if (a.kind != b.kind || a.children.size() != b.children.size() ||
      a.qualifiers.size() != b.qualifiers.size()) {
    return false;
  }
  for (size_t i = 0; i < a.qualifiers.size(); ++i) {
    const pt::Qualifier& x = a.qualifiers[i];
    const pt::Qualifier& y = b.qualifiers[i];
    if (x.kind != y.kind || x.within_seconds != y.within_seconds || x.repeats != y.repeats ||
        x.start_micros != y.start_micros || x.stop_micros != y.stop_micros) {
      return false;
    }
  }
  if (a.kind == pt::ObservationExpr::Kind::kObservation) {
    return SameComparisons(a.comparison, b.comparison);
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!SameObservations(a.children[i], b.children[i])) return false;
  }
  return true;
}

// --- checks ------------------------------------------------------------------------------------

void CheckErrorPosition(std::string_view text, const pt::ParseError& error) {
  if (error.message.empty()) Fail("parse error without a message", text);
  if (error.ToString().rfind("line " + std::to_string(error.position.line) + ", column " +
                                 std::to_string(error.position.column) + ": ",
                             0) != 0) {
    Fail("ParseError::ToString does not start with the position", error.ToString());
  }
  // Find the start of the error's line.
  size_t line_start = 0;
  for (int line = 1; line < error.position.line; ++line) {
    const size_t newline = text.find('\n', line_start);
    if (newline == std::string_view::npos) Fail("error line past the text", error.ToString());
    line_start = newline + 1;
  }
  const size_t line_end = std::min(text.find('\n', line_start), text.size());
  if (error.position.column < 1 ||
      static_cast<size_t>(error.position.column - 1) > line_end - line_start) {
    Fail("error column outside its line", error.ToString());
  }
}

void CheckPaths(const pt::ComparisonExpr& e) {
  if (e.kind != pt::ComparisonExpr::Kind::kComparison) {
    for (const pt::ComparisonExpr& child : e.children) CheckPaths(child);
    return;
  }
  const pt::ObjectPath& path = e.comparison.path;
  const std::string text = path.ToString();
  std::variant<pt::Pattern, pt::ParseError> again = pt::Parse("[EXISTS " + text + "]");
  const auto* parsed = std::get_if<pt::Pattern>(&again);
  if (parsed == nullptr) Fail("a printed object path does not parse", text);
  if (!SamePath(parsed->root.comparison.comparison.path, path)) {
    Fail("a printed object path reads back as another path", text);
  }
}

void CheckObservationPaths(const pt::ObservationExpr& e) {
  if (e.kind == pt::ObservationExpr::Kind::kObservation) {
    CheckPaths(e.comparison);
    return;
  }
  for (const pt::ObservationExpr& child : e.children) CheckObservationPaths(child);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::variant<pt::Pattern, pt::ParseError> result = pt::Parse(text);
  if (const auto* error = std::get_if<pt::ParseError>(&result)) {
    CheckErrorPosition(text, *error);
    return 0;
  }
  const pt::Pattern& pattern = std::get<pt::Pattern>(result);
  CheckObservationPaths(pattern.root);

  const std::string printed = Print(pattern);
  std::variant<pt::Pattern, pt::ParseError> again = pt::Parse(printed);
  if (const auto* error = std::get_if<pt::ParseError>(&again)) {
    Fail("the printed pattern does not parse", printed + "\n  " + error->ToString());
  }
  if (!SameObservations(pattern.root, std::get<pt::Pattern>(again).root)) {
    Fail("the printed pattern parses to another tree", printed);
  }
  if (Print(std::get<pt::Pattern>(again)) != printed) {
    Fail("printing is not stable", printed);
  }

  std::vector<kongsi::stix::ObservableValue> values;
  pt::AppendPatternValues(pattern, values);
  for (const auto& v : values) {
    if (v.kind.empty() || v.value.empty())
      Fail("pattern value with an empty kind or value", printed);
    if (kongsi::stix::NormaliseObservable(v.kind, v.value) != v.value) {
      Fail("pattern value is not normalised", v.kind + " " + v.value);
    }
  }
  return 0;
}
