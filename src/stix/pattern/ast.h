// The syntax tree of a STIX 2.1 pattern (STIX 2.1 specification, section 9).
//
//   pattern      := observation-expression tree (AND, OR, FOLLOWEDBY; qualifiers)
//   observation  := "[" comparison-expression tree "]"   (AND, OR of comparisons)
//   comparison   := object-path [NOT] operator literal(s)  |  EXISTS object-path
//
// Plain values: a parsed pattern owns all its strings and can outlive the text it came from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kongsi::stix::pattern {

// Where something is in the pattern text: 1-based line and column (columns count bytes).
struct Position {
  int line = 1;
  int column = 1;
  bool operator==(const Position&) const = default;
};

enum class LiteralKind : uint8_t {
  kString,     // 'text' (escapes \' and \\ resolved)
  kInteger,    // 42, -7
  kFloat,      // 1.5, -0.25
  kBoolean,    // true, false
  kTimestamp,  // t'2016-01-01T00:00:00Z'
  kBinary,     // b'base64'  (decoded bytes in `text`)
  kHex,        // h'ab12'    (decoded bytes in `text`)
};

struct Literal {
  LiteralKind kind = LiteralKind::kString;
  std::string text;          // string value; decoded bytes for kBinary / kHex; the original
                             // timestamp text for kTimestamp; the digits for numbers
  int64_t integer = 0;       // kInteger
  double number = 0;         // kFloat (also set for kInteger)
  bool boolean = false;      // kBoolean
  int64_t timestamp_micros = 0;  // kTimestamp: microseconds since the Unix epoch, UTC
  Position position;
};

// One step of an object path after the object type.
struct PathStep {
  enum class Kind : uint8_t {
    kProperty,  // .name or .'quoted name'
    kIndex,     // [3]
    kAnyIndex,  // [*]
  };
  Kind kind = Kind::kProperty;
  std::string name;   // kProperty
  int64_t index = 0;  // kIndex
  bool operator==(const PathStep&) const = default;
};

// "file:hashes.'SHA-256'" is {object_type "file", steps [hashes, SHA-256]}.
struct ObjectPath {
  std::string object_type;
  std::vector<PathStep> steps;  // never empty
  Position position;

  // The canonical spelling: names that are not plain identifiers are quoted
  // ("file:hashes.'SHA-256'", "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'").
  std::string ToString() const;
};

enum class Operator : uint8_t {
  kEqual,         // =
  kNotEqual,      // !=
  kLess,          // <
  kLessEqual,     // <=
  kGreater,       // >
  kGreaterEqual,  // >=
  kIn,            // IN ('a', 'b')
  kLike,          // LIKE 'a%'
  kMatches,       // MATCHES 'regex'
  kIsSubset,      // ISSUBSET '10.0.0.0/8'
  kIsSuperset,    // ISSUPERSET '10.0.0.1/32'
  kExists,        // EXISTS path (no literal)
};

// "=" for kEqual, "IN" for kIn, ...
const char* OperatorName(Operator op);

struct Comparison {
  ObjectPath path;
  Operator op = Operator::kEqual;
  bool negated = false;         // NOT before the operator (NOT EXISTS: before EXISTS)
  std::vector<Literal> values;  // one literal; the set for IN; none for EXISTS
  Position position;            // of the path (or of the leading NOT or EXISTS)
};

// AND / OR of comparisons inside one observation's brackets.
struct ComparisonExpr {
  enum class Kind : uint8_t { kComparison, kAnd, kOr };
  Kind kind = Kind::kComparison;
  Comparison comparison;                // kComparison
  std::vector<ComparisonExpr> children;  // kAnd / kOr: two or more, flattened
};

struct Qualifier {
  enum class Kind : uint8_t { kWithin, kRepeats, kStartStop };
  Kind kind = Kind::kWithin;
  double within_seconds = 0;  // WITHIN n SECONDS
  int64_t repeats = 0;        // REPEATS n TIMES
  int64_t start_micros = 0;   // START t'...' STOP t'...'
  int64_t stop_micros = 0;
  Position position;
};

// An observation ([...]), or AND / OR / FOLLOWEDBY of observation expressions, each with the
// qualifiers written after it (in order).
struct ObservationExpr {
  enum class Kind : uint8_t { kObservation, kAnd, kOr, kFollowedBy };
  Kind kind = Kind::kObservation;
  ComparisonExpr comparison;              // kObservation
  std::vector<ObservationExpr> children;  // kAnd / kOr / kFollowedBy: two or more, in order;
                                          // AND / OR flattened, FOLLOWEDBY left to right
  std::vector<Qualifier> qualifiers;
  Position position;
};

struct Pattern {
  ObservationExpr root;
};

}  // namespace kongsi::stix::pattern
