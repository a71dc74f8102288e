// Zeek JSON records. Members are mapped by name (zeek_fields.h); "host" and "uri" are kept
// until the end of the record to compose the URL. Members the table does not know are looked
// at only when they are strings or arrays of strings, and taken when the text is an IP
// address (the `addr` columns of the TSV form).
#include "match/zeek_json_reader.h"

#include <string>
#include <string_view>
#include <utility>

#include "match/field_text.h"
#include "match/json_value.h"
#include "match/zeek_fields.h"
#include "simdjson.h"

namespace kongsi::match {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING);

class ZeekJsonReader final : public LogReader {
 public:
  LineResult Read(std::string_view line, Event& event) override;
  std::string_view Error() const override { return error_; }
  std::unique_ptr<LogReader> Clone() const override { return std::make_unique<ZeekJsonReader>(); }

 private:
  error_code ReadRecord(od::object& object, Event& event);

  od::parser parser_;
  std::string error_;
};

LineResult ZeekJsonReader::Read(std::string_view line, Event& event) {
  event.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t first = 0;
  while (first < line.size() && json::IsJsonSpace(line[first])) ++first;
  if (first == line.size()) return LineResult::kSkip;

  od::document doc;
  error_code error = parser_
                         .iterate(simdjson::padded_string_view(line.data(), line.size(),
                                                               line.size() + kLinePadding))
                         .get(doc);
  od::object object;
  if (!error) {
    error = doc.get_object().get(object);
    if (error == simdjson::INCORRECT_TYPE) {
      error_ = "not a JSON object";
      return LineResult::kMalformed;
    }
  }
  if (!error) error = ReadRecord(object, event);
  if (!error && !json::AtEnd(doc)) error = simdjson::TRAILING_CONTENT;
  if (error) {
    error_ = "invalid JSON: ";
    error_ += simdjson::error_message(error);
    return LineResult::kMalformed;
  }
  return LineResult::kEvent;
}

error_code ZeekJsonReader::ReadRecord(od::object& object, Event& event) {
  std::string_view host;
  std::string_view uri;
  std::string_view uri_field;
  for (auto member : object) {
    od::field field;
    if (auto error = std::move(member).get(field)) return error;
    std::string_view key = json::KeyText(field.key());
    if (key.empty()) {
      // A name written with escapes (or an empty one): unescaped into a scratch string, as
      // the field name of the values must outlive the parser's buffer.
      std::string_view unescaped;
      if (auto error = field.unescaped_key().get(unescaped)) return error;
      if (unescaped.empty()) continue;
      std::string& copy = event.Scratch();
      copy.assign(unescaped.data(), unescaped.size());
      key = copy;
    }
    od::value& value = field.value();
    const ZeekValue what = ZeekFieldByName(key).value;
    error_code error = SUCCESS;
    switch (what) {
      case ZeekValue::kTimestamp:
        error = json::StringText(value, event, event.timestamp);
        if (error == simdjson::INCORRECT_TYPE) {  // epoch seconds as a number
          const std::string_view token = json::TokenText(value);
          if (!token.empty() &&
              (token.front() == '-' || (token.front() >= '0' && token.front() <= '9'))) {
            event.timestamp = token;
          }
          error = SUCCESS;
        }
        break;
      case ZeekValue::kHost:
        error = json::StringText(value, event, host);
        if (!error) AddHost(event, key, host);
        break;
      case ZeekValue::kUri:
        error = json::StringText(value, event, uri);
        uri_field = key;
        break;
      case ZeekValue::kNone:
        error = json::ForEachString(value, event, [&](std::string_view text) {
          if (IsIpText(text)) event.Add(key, Observable::kIpAddress, text);
        });
        break;
      default:
        error = json::ForEachString(
            value, event, [&](std::string_view text) { AddZeekValue(event, key, what, text); });
        break;
    }
    if (error && error != simdjson::INCORRECT_TYPE) return error;
  }
  if (!host.empty() && !uri.empty()) {
    event.Add(uri_field, Observable::kUrl, ComposeHttpUrl(event, host, {}, uri));
  }
  return SUCCESS;
}

}  // namespace

std::unique_ptr<LogReader> NewZeekJsonReader() { return std::make_unique<ZeekJsonReader>(); }

}  // namespace kongsi::match
