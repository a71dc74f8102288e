// Reading simdjson On-Demand values as views into the line being read, for the JSON log
// readers (Suricata EVE, Zeek JSON). Strings without escapes (nearly all of them in logs) are
// not copied: the view points between the quotes in the line; a string with escapes is
// unescaped into a Scratch() string of the event. Inline: this is the readers' inner loop.
#pragma once

#include <cstring>
#include <string_view>

#include "match/event.h"
#include "simdjson.h"

namespace kongsi::match::json {

inline bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The raw text of a scalar (number, true, false, null) without the spaces after it.
inline std::string_view TokenText(simdjson::ondemand::value& value) {
  std::string_view token = value.raw_json_token();
  while (!token.empty() && IsJsonSpace(token.back())) token.remove_suffix(1);
  return token;
}

// The text of a string value (see above). INCORRECT_TYPE when `value` is not a string, the
// unescaping error when its escapes are broken.
inline simdjson::error_code StringText(simdjson::ondemand::value& value, Event& event,
                                       std::string_view& out) {
  std::string_view token = value.raw_json_token();
  if (token.empty() || token.front() != '"') return simdjson::INCORRECT_TYPE;
  while (token.size() > 1 && IsJsonSpace(token.back())) token.remove_suffix(1);
  if (token.size() < 2 || token.back() != '"') return simdjson::UNCLOSED_STRING;
  const std::string_view content = token.substr(1, token.size() - 2);
  if (std::memchr(content.data(), '\\', content.size()) == nullptr) {
    out = content;
    return simdjson::SUCCESS;
  }
  std::string_view unescaped;
  if (auto error = value.get_string().get(unescaped)) return error;
  std::string& copy = event.Scratch();
  copy.assign(unescaped.data(), unescaped.size());
  out = copy;
  return simdjson::SUCCESS;
}

// The text of an object member's key when it has no escapes (log writers never escape the
// names they write); empty otherwise, which matches no name a reader looks for.
inline std::string_view KeyText(const simdjson::ondemand::raw_json_string& key) {
  const char* begin = key.raw();
  const char* p = begin;
  while (*p != '"') {  // the closing quote exists: stage 1 found it
    if (*p == '\\') return {};
    ++p;
  }
  return std::string_view(begin, static_cast<size_t>(p - begin));
}

// True when nothing but spaces follows the value the document was read up to (simdjson 3.0
// has no document::at_end(); the current location is out of bounds at the end).
inline bool AtEnd(simdjson::ondemand::document& doc) {
  const char* location = nullptr;
  return doc.current_location().get(location) != simdjson::SUCCESS;
}

// Calls `add(text)` for a string value, or for each string element of an array value; other
// elements are skipped. Returns the first error met.
template <typename Add>
simdjson::error_code ForEachString(simdjson::ondemand::value& value, Event& event, Add&& add) {
  simdjson::ondemand::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type == simdjson::ondemand::json_type::string) {
    std::string_view text;
    if (auto error = StringText(value, event, text)) return error;
    add(text);
    return simdjson::SUCCESS;
  }
  if (type != simdjson::ondemand::json_type::array) return simdjson::SUCCESS;
  simdjson::ondemand::array array;
  if (auto error = value.get_array().get(array)) return error;
  for (auto element_result : array) {
    simdjson::ondemand::value element;
    if (auto error = element_result.get(element)) return error;
    std::string_view text;
    const auto error = StringText(element, event, text);
    if (error == simdjson::INCORRECT_TYPE) continue;
    if (error) return error;
    add(text);
  }
  return simdjson::SUCCESS;
}

}  // namespace kongsi::match::json
