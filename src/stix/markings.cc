// Reads TLP levels out of STIX objects (object_marking_refs) and marking definitions.
#include "stix/markings.h"

namespace kongsi::stix {

std::optional<Tlp> TlpOfMarkingDefinition(simdjson::dom::object md) {
  std::string_view id;
  if (md["id"].get(id) == simdjson::SUCCESS) {
    if (auto known = TlpOfMarkingId(id)) return known;
  }
  std::string_view definition_type;
  if (md["definition_type"].get(definition_type) == simdjson::SUCCESS && definition_type == "tlp") {
    std::string_view level;
    if (md.at_pointer("/definition/tlp").get(level) == simdjson::SUCCESS) {
      return ParseTlpName(level);
    }
  }
  simdjson::dom::object ext;
  if (md["extensions"][kTlp2ExtensionId].get(ext) == simdjson::SUCCESS) {
    std::string_view name;
    if (md["name"].get(name) == simdjson::SUCCESS) return ParseTlpName(name);
  }
  return std::nullopt;
}

Tlp ObjectTlp(simdjson::dom::object object) {
  Tlp result = Tlp::kNone;
  simdjson::dom::array refs;
  if (object["object_marking_refs"].get(refs) != simdjson::SUCCESS) return result;
  for (simdjson::dom::element ref : refs) {
    std::string_view id;
    if (ref.get(id) != simdjson::SUCCESS) continue;
    if (auto tlp = TlpOfMarkingId(id); tlp && *tlp > result) result = *tlp;
  }
  return result;
}

}  // namespace kongsi::stix
