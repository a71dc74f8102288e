// Reading the properties the matcher needs out of an indicator's JSON.
#include "match/indicator.h"

#include "stix/markings.h"

namespace kongsi::match {
namespace {

std::optional<util::Timestamp> TimeProperty(simdjson::dom::object object, const char* name) {
  std::string_view text;
  if (object[name].get(text) != simdjson::SUCCESS) return std::nullopt;
  auto parsed = util::ParseRfc3339(text);
  if (!parsed.ok()) return std::nullopt;
  return parsed->micros;
}

}  // namespace

bool IndicatorFromJson(simdjson::dom::object object, Indicator& out) {
  std::string_view type, id, pattern;
  if (object["type"].get(type) != simdjson::SUCCESS || type != "indicator" ||
      object["id"].get(id) != simdjson::SUCCESS ||
      object["pattern"].get(pattern) != simdjson::SUCCESS) {
    return false;
  }
  out = Indicator{};
  out.id = std::string(id);
  out.pattern = std::string(pattern);
  std::string_view text;
  if (object["name"].get(text) == simdjson::SUCCESS) out.name = std::string(text);
  if (object["pattern_type"].get(text) == simdjson::SUCCESS) out.pattern_type = std::string(text);
  if (object["created_by_ref"].get(text) == simdjson::SUCCESS) {
    out.created_by_ref = std::string(text);
  }
  bool revoked = false;
  if (object["revoked"].get(revoked) == simdjson::SUCCESS) out.revoked = revoked;
  out.modified =
      TimeProperty(object, "modified").value_or(TimeProperty(object, "created").value_or(0));
  out.valid_from = TimeProperty(object, "valid_from");
  out.valid_until = TimeProperty(object, "valid_until");
  out.tlp = stix::ObjectTlp(object);
  return true;
}

bool IndicatorFromStored(const store::StoredObject& stored, simdjson::dom::parser& parser,
                         Indicator& out) {
  simdjson::dom::object object;
  if (parser.parse(stored.record.body).get(object) != simdjson::SUCCESS) return false;
  if (!IndicatorFromJson(object, out)) return false;
  // The stored columns are authoritative (TLP as resolved at ingest).
  out.tlp = stored.record.tlp;
  out.revoked = stored.record.revoked;
  return true;
}

}  // namespace kongsi::match
