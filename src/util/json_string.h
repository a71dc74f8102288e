// JSON string literals and UTF-8 checks, written once for every place that produces JSON
// text by hand: the canonical form of SCO ids (RFC 8785, which escapes as JSON.stringify
// does), the access log, TAXII manifest entries.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kongsi::util {

// Length of the valid UTF-8 sequence starting at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Appends `s` as a JSON string literal, escaped as ECMAScript's JSON.stringify does: '"',
// '\\' and control characters only, the latter in their short form when JSON has one. Bytes
// that are not valid UTF-8 become U+FFFD, so the result is always valid JSON.
void AppendJsonString(std::string_view s, std::string& out);

}  // namespace kongsi::util
