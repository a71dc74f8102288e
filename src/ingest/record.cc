// Column extraction for the store. Timestamps were validated already, so parse failures here
// only mean "absent".
#include "ingest/record.h"

#include "stix/canonical.h"
#include "stix/markings.h"
#include "stix/observable.h"
#include "stix/property_bloom.h"

namespace kongsi::ingest {
namespace {

std::optional<util::Timestamp> TimestampOf(simdjson::dom::object obj, std::string_view name) {
  std::string_view text;
  if (obj[name].get(text) != simdjson::SUCCESS) return std::nullopt;
  auto parsed = util::ParseRfc3339(text);
  if (!parsed.ok()) return std::nullopt;
  return parsed->micros;
}

std::string StringOf(simdjson::dom::object obj, std::string_view name) {
  std::string_view text;
  if (obj[name].get(text) != simdjson::SUCCESS) return "";
  return std::string(text);
}

}  // namespace

store::ObjectRecord BuildRecord(simdjson::dom::element element, std::string_view raw,
                                const store::Provenance& provenance) {
  simdjson::dom::object obj = element;
  store::ObjectRecord r;
  r.id = StringOf(obj, "id");
  r.type = StringOf(obj, "type");
  r.spec_version = StringOf(obj, "spec_version");
  if (r.spec_version.empty()) r.spec_version = "2.1";  // 2.1 SCOs may omit it
  r.created = TimestampOf(obj, "created");
  if (auto modified = TimestampOf(obj, "modified")) {
    r.version = *modified;
  } else if (r.created) {
    r.version = *r.created;
  }
  bool revoked = false;
  if (obj["revoked"].get(revoked) == simdjson::SUCCESS) r.revoked = revoked;
  r.created_by_ref = StringOf(obj, "created_by_ref");
  r.tlp = stix::ObjectTlp(obj);
  if (r.type == "indicator") {
    r.valid_from = TimestampOf(obj, "valid_from");
    r.valid_until = TimestampOf(obj, "valid_until");
  }
  r.provenance = provenance;
  r.body = raw.empty() ? stix::Minify(element) : stix::MinifyText(raw);
  r.content_hash = stix::ContentHash(element);
  r.property_bloom = stix::PropertyBloom(obj);
  stix::ExtractObservableValues(element, r.values);
  return r;
}

}  // namespace kongsi::ingest
