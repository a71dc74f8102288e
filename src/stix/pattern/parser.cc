// Recursive-descent parser for STIX 2.1 patterns, after the specification's grammar
// (STIXPattern.g4):
//
//   pattern      := obs-fby END
//   obs-fby      := obs-or (FOLLOWEDBY obs-or)*          lowest precedence, left to right
//   obs-or       := obs-and (OR obs-and)*
//   obs-and      := obs-qual (AND obs-qual)*
//   obs-qual     := obs-primary qualifier*                a qualifier binds tightest
//   obs-primary  := '[' cmp-or ']' | '(' obs-fby ')'
//   qualifier    := WITHIN number SECONDS | REPEATS integer TIMES | START t'' STOP t''
//   cmp-or       := cmp-and (OR cmp-and)*
//   cmp-and      := cmp-primary (AND cmp-primary)*
//   cmp-primary  := '(' cmp-or ')' | [NOT] EXISTS path | path [NOT] operator operand
//
// Recursion happens only through parentheses and brackets, whose nesting is capped
// (kMaxDepth), so hostile input cannot exhaust the stack; chains of AND / OR / FOLLOWEDBY are
// loops and are flattened into one node.
//
// Readings of the specification beyond the grammar:
//  - AND inside one observation: section 9.5 requires the comparisons joined by AND to use the
//    same object type. Following the clarification the OASIS CTI TC adopted (oasis-tcs/cti-stix2
//    issue 235: "all operands of AND MUST be satisfiable with the same type of object"), an
//    operand in parentheses stands for every type it mentions: [(a:x = 1 OR b:y = 2) AND a:z = 3]
//    is valid, [a:x = 1 AND b:y = 2] is not.
//  - An observation expression must not have more than one qualifier of a type. As in the
//    OASIS pattern validator, this applies to qualifiers written directly after '[...]';
//    a parenthesised expression may be qualified again.
//  - NOT EXISTS is accepted: the grammar allows NOT before every comparison operator.
#include "stix/pattern/parser.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "re2/re2.h"
#include "stix/pattern/lexer.h"
#include "stix/validate.h"
#include "util/strings.h"

namespace kongsi::stix::pattern {
namespace {

// Parentheses and brackets open at once, at most.
constexpr int kMaxDepth = 64;

constexpr std::string_view kKeywords[] = {
    "AND",    "OR", "NOT",   "FOLLOWEDBY", "LIKE",    "MATCHES", "ISSUPERSET", "ISSUBSET",
    "EXISTS", "IN", "START", "STOP",       "SECONDS", "WITHIN",  "REPEATS",    "TIMES",
};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string DescribePosition(Position p) {
  return util::StrCat("line ", p.line, ", column ", p.column);
}

// --- IP addresses and CIDR blocks (ISSUBSET / ISSUPERSET operands) -----------------------

// A decimal number of 1-3 digits without leading zeros, at most `max`.
bool SmallDecimal(std::string_view s, int max) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  return v <= max;
}

bool IsIpv4(std::string_view s) {
  for (int part = 0; part < 4; ++part) {
    const size_t dot = part < 3 ? s.find('.') : s.size();
    if (dot == std::string_view::npos || !SmallDecimal(s.substr(0, dot), 255)) return false;
    s.remove_prefix(part < 3 ? dot + 1 : dot);
  }
  return s.empty();
}

// RFC 4291 section 2.2 text forms: eight groups of 1-4 hex digits, one "::" standing for one
// or more zero groups, an IPv4 address in place of the last two groups.
bool IsIpv6(std::string_view s) {
  if (s.size() < 2) return false;
  int groups = 0;
  bool compressed = false;
  size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    size_t end = i;
    while (end < s.size() && end - i <= 4 &&
           ((s[end] >= '0' && s[end] <= '9') || (s[end] >= 'a' && s[end] <= 'f') ||
            (s[end] >= 'A' && s[end] <= 'F'))) {
      ++end;
    }
    if (end < s.size() && s[end] == '.') {  // embedded IPv4 ends the address
      if (!IsIpv4(s.substr(i))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    if (end == i || end - i > 4) return false;
    ++groups;
    i = end;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    if (i + 1 < s.size() && s[i + 1] == ':') {
      if (compressed) return false;
      compressed = true;
      i += 2;
      if (i == s.size()) break;
    } else {
      ++i;
      if (i == s.size()) return false;  // a trailing single ':'
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

// "10.0.0.0/8", "2001:db8::/32", or a bare address.
bool IsAddressOrCidr(std::string_view s) {
  const size_t slash = s.find('/');
  const std::string_view address = s.substr(0, slash);
  const bool v4 = IsIpv4(address);
  if (!v4 && !IsIpv6(address)) return false;
  if (slash == std::string_view::npos) return true;
  return SmallDecimal(s.substr(slash + 1), v4 ? 32 : 128);
}

// --- the object types an AND may join (see the file comment) -------------------------------

using TypeSet = std::vector<std::string_view>;  // sorted, unique

std::string JoinTypes(const TypeSet& types) {
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += i + 1 == types.size() ? " or " : ", ";
    out += util::StrCat("'", types[i], "'");
  }
  return out;
}

Position FirstPosition(const ComparisonExpr& e) {
  const ComparisonExpr* node = &e;
  while (node->kind != ComparisonExpr::Kind::kComparison && !node->children.empty()) {
    node = &node->children.front();
  }
  return node->comparison.position;
}

// The object types that can satisfy `e`; false (with `error`) when an AND has none.
bool SatisfyingTypes(const ComparisonExpr& e, TypeSet& out, ParseError& error) {
  out.clear();
  if (e.kind == ComparisonExpr::Kind::kComparison) {
    out.push_back(e.comparison.path.object_type);
    return true;
  }
  TypeSet child;
  for (size_t i = 0; i < e.children.size(); ++i) {
    if (!SatisfyingTypes(e.children[i], child, error)) return false;
    if (i == 0) {
      out = child;
      continue;
    }
    TypeSet merged;
    if (e.kind == ComparisonExpr::Kind::kOr) {
      std::set_union(out.begin(), out.end(), child.begin(), child.end(),
                     std::back_inserter(merged));
    } else {
      std::set_intersection(out.begin(), out.end(), child.begin(), child.end(),
                            std::back_inserter(merged));
      if (merged.empty()) {
        error = {util::StrCat("comparisons joined by AND must apply to one object type: ",
                              JoinTypes(child), " cannot be the same object as ", JoinTypes(out),
                              " (use OR, or separate observations joined by AND)"),
                 FirstPosition(e.children[i])};
        return false;
      }
    }
    out = std::move(merged);
  }
  return true;
}

// --- syntax tree helpers ---------------------------------------------------------------------

// `left` becomes `left <kind> right`, flattening nodes of the same kind: all of AND and OR
// (associative), and for FOLLOWEDBY a left operand (the chain read left to right). A node
// with qualifiers is never merged: they apply to it as a whole.
void JoinObservations(ObservationExpr& left, ObservationExpr right, ObservationExpr::Kind kind) {
  if (left.kind != kind || !left.qualifiers.empty()) {
    ObservationExpr node;
    node.kind = kind;
    node.position = left.position;
    node.children.push_back(std::move(left));
    left = std::move(node);
  }
  if (kind != ObservationExpr::Kind::kFollowedBy && right.kind == kind &&
      right.qualifiers.empty()) {
    for (ObservationExpr& child : right.children) left.children.push_back(std::move(child));
  } else {
    left.children.push_back(std::move(right));
  }
}

void JoinComparisons(ComparisonExpr& left, ComparisonExpr right, ComparisonExpr::Kind kind) {
  if (left.kind != kind) {
    ComparisonExpr node;
    node.kind = kind;
    node.children.push_back(std::move(left));
    left = std::move(node);
  }
  if (right.kind == kind) {
    for (ComparisonExpr& child : right.children) left.children.push_back(std::move(child));
  } else {
    left.children.push_back(std::move(right));
  }
}

Literal MakeLiteral(const Token& token) {
  Literal literal;
  literal.position = token.position;
  literal.text = std::string(token.raw);
  switch (token.kind) {
    case TokenKind::kString:
      literal.kind = LiteralKind::kString;
      literal.text = token.value;
      break;
    case TokenKind::kInteger:
      literal.kind = LiteralKind::kInteger;
      literal.integer = token.integer;
      literal.number = token.number;
      break;
    case TokenKind::kFloat:
      literal.kind = LiteralKind::kFloat;
      literal.number = token.number;
      break;
    case TokenKind::kTimestamp:
      literal.kind = LiteralKind::kTimestamp;
      literal.text = std::string(token.raw.substr(2, token.raw.size() - 3));
      literal.timestamp_micros = token.timestamp_micros;
      break;
    case TokenKind::kBinary:
      literal.kind = LiteralKind::kBinary;
      literal.text = token.value;
      break;
    case TokenKind::kHex:
      literal.kind = LiteralKind::kHex;
      literal.text = token.value;
      break;
    default:  // true / false
      literal.kind = LiteralKind::kBoolean;
      literal.boolean = token.raw == "true";
      break;
  }
  return literal;
}

// --- the parser ------------------------------------------------------------------------------

class Parser {
 public:
  explicit Parser(std::string_view text) : lexer_(text) {}

  std::variant<Pattern, ParseError> Run() {
    Pattern pattern;
    if (!Advance()) return error_;
    if (token_.kind == TokenKind::kEnd) {
      Fail(
          "the pattern is empty: expected an observation such as [ipv4-addr:value = "
          "'198.51.100.1']",
          token_.position);
      return error_;
    }
    if (!ObservationFollowedBy(pattern.root)) return error_;
    if (token_.kind != TokenKind::kEnd) {
      Expected(
          "AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or the end of the "
          "pattern");
      return error_;
    }
    return pattern;
  }

 private:
  bool Fail(std::string message, Position position) {
    error_ = ParseError{std::move(message), position};
    return false;
  }

  bool Expected(std::string_view what) {
    return Fail(util::StrCat("expected ", what, ", found ", Found()), token_.position);
  }

  // The current token for a message, with a hint when it is a keyword in the wrong case.
  std::string Found() const {
    std::string found = DescribeToken(token_);
    if (token_.kind != TokenKind::kWord) return found;
    const std::string upper = Upper(token_.raw);
    if (upper != token_.raw) {
      for (std::string_view keyword : kKeywords) {
        if (upper == keyword) return util::StrCat(found, " (keywords are upper case: ", upper, ")");
      }
    }
    if ((upper == "TRUE" || upper == "FALSE") && token_.raw != "true" && token_.raw != "false") {
      return util::StrCat(found, " (booleans are written true and false)");
    }
    return found;
  }

  bool Advance() { return lexer_.Next(token_, error_); }

  bool Is(TokenKind kind) const { return token_.kind == kind; }
  bool IsWord(std::string_view word) const {
    return token_.kind == TokenKind::kWord && token_.raw == word;
  }

  bool Enter(Position position) {
    if (++depth_ > kMaxDepth) {
      return Fail(util::StrCat("too deeply nested: more than ", kMaxDepth,
                               " levels of parentheses and brackets"),
                  position);
    }
    return true;
  }

  // --- observation expressions -----------------------------------------------------------

  bool ObservationFollowedBy(ObservationExpr& out) {
    if (!ObservationOr(out)) return false;
    while (IsWord("FOLLOWEDBY")) {
      if (!Advance()) return false;
      ObservationExpr right;
      if (!ObservationOr(right)) return false;
      JoinObservations(out, std::move(right), ObservationExpr::Kind::kFollowedBy);
    }
    return true;
  }

  bool ObservationOr(ObservationExpr& out) {
    if (!ObservationAnd(out)) return false;
    while (IsWord("OR")) {
      if (!Advance()) return false;
      ObservationExpr right;
      if (!ObservationAnd(right)) return false;
      JoinObservations(out, std::move(right), ObservationExpr::Kind::kOr);
    }
    return true;
  }

  bool ObservationAnd(ObservationExpr& out) {
    if (!QualifiedObservation(out)) return false;
    while (IsWord("AND")) {
      if (!Advance()) return false;
      ObservationExpr right;
      if (!QualifiedObservation(right)) return false;
      JoinObservations(out, std::move(right), ObservationExpr::Kind::kAnd);
    }
    return true;
  }

  bool QualifiedObservation(ObservationExpr& out) {
    bool bracketed = false;
    if (!ObservationPrimary(out, bracketed)) return false;
    bool seen[3] = {false, false, false};
    while (IsWord("WITHIN") || IsWord("REPEATS") || IsWord("START")) {
      Qualifier qualifier;
      if (!ParseQualifier(qualifier)) return false;
      bool& duplicate = seen[static_cast<int>(qualifier.kind)];
      if (bracketed && duplicate) {
        const char* name = qualifier.kind == Qualifier::Kind::kWithin    ? "WITHIN"
                           : qualifier.kind == Qualifier::Kind::kRepeats ? "REPEATS"
                                                                         : "START/STOP";
        return Fail(util::StrCat("a second ", name,
                                 " qualifier on the same observation: an observation expression "
                                 "must not have more than one qualifier of a type"),
                    qualifier.position);
      }
      duplicate = true;
      out.qualifiers.push_back(qualifier);
    }
    return true;
  }

  bool ObservationPrimary(ObservationExpr& out, bool& bracketed) {
    const Position open = token_.position;
    if (Is(TokenKind::kLeftParen)) {
      if (!Enter(open) || !Advance() || !ObservationFollowedBy(out)) return false;
      if (!Is(TokenKind::kRightParen)) {
        return Expected(util::StrCat("AND, OR, FOLLOWEDBY, a qualifier or ')' (closing the '(' at ",
                                     DescribePosition(open), ")"));
      }
      --depth_;
      return Advance();
    }
    if (!Is(TokenKind::kLeftBracket)) {
      return Expected("'[' or '(' to start an observation");
    }
    bracketed = true;
    if (!Enter(open) || !Advance()) return false;
    if (Is(TokenKind::kRightBracket)) {
      return Fail("empty observation '[]': expected a comparison such as file:name = 'x'",
                  token_.position);
    }
    out.kind = ObservationExpr::Kind::kObservation;
    out.position = open;
    if (!ComparisonOr(out.comparison)) return false;
    TypeSet types;
    if (!SatisfyingTypes(out.comparison, types, error_)) return false;
    if (!Is(TokenKind::kRightBracket)) {
      return Expected(
          util::StrCat("AND, OR or ']' (closing the '[' at ", DescribePosition(open), ")"));
    }
    --depth_;
    return Advance();
  }

  bool ParseQualifier(Qualifier& q) {
    q.position = token_.position;
    if (IsWord("WITHIN")) {
      q.kind = Qualifier::Kind::kWithin;
      if (!Advance()) return false;
      if (!Is(TokenKind::kInteger) && !Is(TokenKind::kFloat)) {
        return Expected("a number of seconds after WITHIN");
      }
      if (token_.raw[0] == '-' || token_.number <= 0) {
        return Fail(
            util::StrCat("WITHIN takes a number of seconds greater than 0, found ", token_.raw),
            token_.position);
      }
      q.within_seconds = token_.number;
      if (!Advance()) return false;
      if (!IsWord("SECONDS")) return Expected("SECONDS after the number of WITHIN");
      return Advance();
    }
    if (IsWord("REPEATS")) {
      q.kind = Qualifier::Kind::kRepeats;
      if (!Advance()) return false;
      if (!Is(TokenKind::kInteger)) return Expected("a whole number after REPEATS");
      if (token_.integer <= 0) {
        return Fail(util::StrCat("REPEATS takes a number greater than 0, found ", token_.raw),
                    token_.position);
      }
      q.repeats = token_.integer;
      if (!Advance()) return false;
      if (!IsWord("TIMES")) return Expected("TIMES after the number of REPEATS");
      return Advance();
    }
    q.kind = Qualifier::Kind::kStartStop;  // START
    if (!Advance()) return false;
    if (!Is(TokenKind::kTimestamp)) return Expected("a timestamp t'...' after START");
    q.start_micros = token_.timestamp_micros;
    const std::string start_text(token_.raw);
    if (!Advance()) return false;
    if (!IsWord("STOP")) return Expected("STOP after the START timestamp");
    if (!Advance()) return false;
    if (!Is(TokenKind::kTimestamp)) return Expected("a timestamp t'...' after STOP");
    q.stop_micros = token_.timestamp_micros;
    if (q.stop_micros <= q.start_micros) {
      return Fail(util::StrCat("START ", start_text, " must be earlier than STOP ", token_.raw),
                  q.position);
    }
    return Advance();
  }

  // --- comparison expressions ------------------------------------------------------------

  bool ComparisonOr(ComparisonExpr& out) {
    if (!ComparisonAnd(out)) return false;
    while (IsWord("OR")) {
      if (!Advance()) return false;
      ComparisonExpr right;
      if (!ComparisonAnd(right)) return false;
      JoinComparisons(out, std::move(right), ComparisonExpr::Kind::kOr);
    }
    return true;
  }

  bool ComparisonAnd(ComparisonExpr& out) {
    if (!ComparisonPrimary(out)) return false;
    while (IsWord("AND")) {
      if (!Advance()) return false;
      ComparisonExpr right;
      if (!ComparisonPrimary(right)) return false;
      JoinComparisons(out, std::move(right), ComparisonExpr::Kind::kAnd);
    }
    return true;
  }

  bool ComparisonPrimary(ComparisonExpr& out) {
    if (Is(TokenKind::kLeftParen)) {
      const Position open = token_.position;
      if (!Enter(open) || !Advance() || !ComparisonOr(out)) return false;
      if (!Is(TokenKind::kRightParen)) {
        return Expected(
            util::StrCat("AND, OR or ')' (closing the '(' at ", DescribePosition(open), ")"));
      }
      --depth_;
      return Advance();
    }
    out.kind = ComparisonExpr::Kind::kComparison;
    return ParseComparison(out.comparison);
  }

  bool ParseComparison(Comparison& c) {
    c.position = token_.position;
    if (IsWord("NOT")) {
      c.negated = true;
      if (!Advance()) return false;
      if (!IsWord("EXISTS")) {
        return Expected(
            "EXISTS after a leading NOT (for other operators NOT follows the "
            "object path: file:name NOT LIKE 'a%')");
      }
    }
    if (IsWord("EXISTS")) {
      c.op = Operator::kExists;
      if (!Advance()) return false;
      if (!Is(TokenKind::kWord)) return Expected("an object path after EXISTS");
      return ParsePath(c.path);
    }
    if (!Is(TokenKind::kWord)) {
      return Expected("a comparison (an object path such as file:name, EXISTS or '(')");
    }
    if (!ParsePath(c.path)) return false;
    if (IsWord("NOT")) {
      c.negated = true;
      if (!Advance()) return false;
    }
    if (!ParseOperator(c.op)) return false;
    const std::string op_name = OperatorName(c.op);
    if (!Advance()) return false;
    switch (c.op) {
      case Operator::kIn:
        return ParseSet(c.values);
      case Operator::kLike:
      case Operator::kMatches:
      case Operator::kIsSubset:
      case Operator::kIsSuperset: {
        if (!Is(TokenKind::kString)) return Expected(util::StrCat("a string after ", op_name));
        c.values.push_back(MakeLiteral(token_));
        if (!CheckStringOperand(c.op, c.values.back())) return false;
        return Advance();
      }
      default: {
        const bool ordering = c.op != Operator::kEqual && c.op != Operator::kNotEqual;
        if (ordering && (IsWord("true") || IsWord("false"))) {
          return Fail(util::StrCat("a boolean cannot be compared with ", op_name), token_.position);
        }
        if (!IsValue()) {
          return Expected(util::StrCat("a value after ", op_name,
                                       " (a string, number, timestamp, binary or hex value",
                                       ordering ? ")" : " or boolean)"));
        }
        c.values.push_back(MakeLiteral(token_));
        return Advance();
      }
    }
  }

  bool ParseOperator(Operator& op) {
    switch (token_.kind) {
      case TokenKind::kEqual:
        op = Operator::kEqual;
        return true;
      case TokenKind::kNotEqual:
        op = Operator::kNotEqual;
        return true;
      case TokenKind::kLess:
        op = Operator::kLess;
        return true;
      case TokenKind::kLessEqual:
        op = Operator::kLessEqual;
        return true;
      case TokenKind::kGreater:
        op = Operator::kGreater;
        return true;
      case TokenKind::kGreaterEqual:
        op = Operator::kGreaterEqual;
        return true;
      default:
        break;
    }
    static constexpr std::pair<std::string_view, Operator> kWords[] = {
        {"IN", Operator::kIn},
        {"LIKE", Operator::kLike},
        {"MATCHES", Operator::kMatches},
        {"ISSUBSET", Operator::kIsSubset},
        {"ISSUPERSET", Operator::kIsSuperset},
    };
    for (const auto& [word, value] : kWords) {
      if (IsWord(word)) {
        op = value;
        return true;
      }
    }
    return Expected(
        "a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) "
        "after the object path");
  }

  // A literal of the grammar's primitiveLiteral.
  bool IsValue() const {
    switch (token_.kind) {
      case TokenKind::kString:
      case TokenKind::kInteger:
      case TokenKind::kFloat:
      case TokenKind::kTimestamp:
      case TokenKind::kBinary:
      case TokenKind::kHex:
        return true;
      default:
        return IsWord("true") || IsWord("false");
    }
  }

  // IN ( value, ... ): the grammar allows an empty set.
  bool ParseSet(std::vector<Literal>& values) {
    if (!Is(TokenKind::kLeftParen)) return Expected("'(' to start the set of values after IN");
    if (!Advance()) return false;
    if (Is(TokenKind::kRightParen)) return Advance();
    for (;;) {
      if (!IsValue()) {
        return Expected(
            "a value in the set after IN (a string, number, boolean, timestamp, binary or hex "
            "value)");
      }
      values.push_back(MakeLiteral(token_));
      if (!Advance()) return false;
      if (Is(TokenKind::kRightParen)) return Advance();
      if (!Is(TokenKind::kComma)) return Expected("',' or ')' in the set of values after IN");
      if (!Advance()) return false;
    }
  }

  bool CheckStringOperand(Operator op, const Literal& literal) {
    if (op == Operator::kMatches) {
      RE2::Options options;
      options.set_log_errors(false);
      const RE2 regex(literal.text, options);
      if (!regex.ok()) {
        return Fail(util::StrCat("regular expression not supported: ", regex.error()),
                    literal.position);
      }
    } else if (op == Operator::kIsSubset || op == Operator::kIsSuperset) {
      if (!IsAddressOrCidr(literal.text)) {
        return Fail(util::StrCat(OperatorName(op),
                                 " takes an IPv4 or IPv6 address or CIDR block such as "
                                 "'10.0.0.0/8' or '2001:db8::/32', not ",
                                 DescribeToken(token_)),
                    literal.position);
      }
    }
    return true;
  }

  // --- object paths -------------------------------------------------------------------------

  // A property name after ':' or '.': an identifier without '-', or a non-empty quoted string.
  bool ParsePropertyStep(ObjectPath& path, std::string_view after) {
    if (Is(TokenKind::kWord)) {
      if (token_.raw.find('-') != std::string_view::npos) {
        return Fail(util::StrCat("the property name '", token_.raw, "' contains '-': quote it ('",
                                 token_.raw, "')"),
                    token_.position);
      }
    } else if (Is(TokenKind::kString)) {
      if (token_.value.empty()) return Fail("a property name must not be empty", token_.position);
    } else {
      return Expected(util::StrCat("a property name after ", after));
    }
    PathStep step;
    step.kind = PathStep::Kind::kProperty;
    step.name = Is(TokenKind::kWord) ? std::string(token_.raw) : token_.value;
    path.steps.push_back(std::move(step));
    return Advance();
  }

  bool ParsePath(ObjectPath& path) {
    path.position = token_.position;
    if (std::string why = CheckTypeName(token_.raw); !why.empty()) {
      return Fail(util::StrCat("invalid object type in the object path: ", why), token_.position);
    }
    path.object_type = std::string(token_.raw);
    if (!Advance()) return false;
    if (!Is(TokenKind::kColon)) {
      return Expected(util::StrCat("':' after the object type '", path.object_type, "'"));
    }
    if (!Advance() || !ParsePropertyStep(path, "':'")) return false;
    for (;;) {
      if (Is(TokenKind::kDot)) {
        if (!Advance() || !ParsePropertyStep(path, "'.'")) return false;
      } else if (Is(TokenKind::kLeftBracket)) {
        if (!Advance()) return false;
        PathStep step;
        if (Is(TokenKind::kAsterisk)) {
          step.kind = PathStep::Kind::kAnyIndex;
        } else if (Is(TokenKind::kInteger)) {
          step.kind = PathStep::Kind::kIndex;
          step.index = token_.integer;
        } else {
          return Expected("a list index or '*' after '['");
        }
        if (!Advance()) return false;
        if (!Is(TokenKind::kRightBracket)) return Expected("']' after the list index");
        path.steps.push_back(std::move(step));
        if (!Advance()) return false;
      } else {
        return true;
      }
    }
  }

  Lexer lexer_;
  Token token_;
  ParseError error_;
  int depth_ = 0;
};

}  // namespace

std::string ParseError::ToString() const {
  return util::StrCat(DescribePosition(position), ": ", message);
}

std::variant<Pattern, ParseError> Parse(std::string_view text) { return Parser(text).Run(); }

}  // namespace kongsi::stix::pattern
