// Locating JSON syntax errors for people: simdjson (the fast path) reports only an error
// code, so when it rejects a document this re-parses it with nlohmann::json to find the
// line and column of the first error. Only ever called on the error path.
#pragma once

#include <string>
#include <string_view>

namespace kongsi::util {

struct JsonSyntaxError {
  size_t line = 0;    // 1-based
  size_t column = 0;  // 1-based, in bytes
  std::string message;
};

// Describes the first syntax error in `text`; `message` is empty when nlohmann accepts it
// (then simdjson's own error text should be used, e.g. for depth limits).
JsonSyntaxError LocateJsonSyntaxError(std::string_view text);

}  // namespace kongsi::util
