// Parser for the STIX 2.1 patterning language (specification section 9): the whole grammar,
// with errors that say what is wrong and where (line and column of the pattern text).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "stix/pattern/ast.h"

namespace kongsi::stix::pattern {

struct ParseError {
  std::string message;  // "expected ']' after the comparison, found 'OR'"
  Position position;    // where the problem starts
  // "line 1, column 24: expected ']' ..."
  std::string ToString() const;
};

// Parses `text`. Beyond the grammar it checks what the specification requires of a valid
// pattern: well-formed timestamps, START before STOP, positive WITHIN / REPEATS, valid
// base64 / hex, MATCHES regular expressions that compile, ISSUBSET/ISSUPERSET with CIDR
// literals, and object types / property names spelled as the specification allows.
std::variant<Pattern, ParseError> Parse(std::string_view text);

}  // namespace kongsi::stix::pattern
