// Uses nlohmann::json's SAX parser (no DOM is built) to find where a document goes wrong.
#include "util/json_error.h"

#include "nlohmann/json.hpp"

namespace kongsi::util {
namespace {

// Accepts every event and records the first parse error.
struct ErrorFinder : nlohmann::json_sax<nlohmann::json> {
  size_t byte = 0;
  std::string message;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    byte = position;
    message = ex.what();
    return false;
  }
};

}  // namespace

JsonSyntaxError LocateJsonSyntaxError(std::string_view text) {
  ErrorFinder finder;
  nlohmann::json::sax_parse(text.begin(), text.end(), &finder);
  JsonSyntaxError out;
  if (finder.message.empty()) return out;
  // nlohmann's position counts the offending character (1-based); turn it into line/column.
  const size_t limit = finder.byte > 0 ? std::min(finder.byte - 1, text.size()) : 0;
  out.line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < limit; ++i) {
    if (text[i] == '\n') {
      ++out.line;
      line_start = i + 1;
    }
  }
  out.column = limit - line_start + 1;
  // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
  const size_t colon = finder.message.find(": ");
  out.message = colon == std::string::npos ? finder.message : finder.message.substr(colon + 2);
  return out;
}

}  // namespace kongsi::util
