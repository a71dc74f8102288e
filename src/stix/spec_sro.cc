// The two STIX Relationship Objects of STIX 2.1 (OASIS Standard, section 5): relationship
// and sighting. Besides the property tables, relationships get the relationship_type syntax
// check (a MUST) and a warning when the type is not one the specification defines for the
// source and target types (a SHOULD: "SHOULD be an exact value listed in the relationships
// for the source and target SDO, but MAY be any string").
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "stix/spec.h"
#include "stix/spec_rules.h"
#include "stix/validate.h"
#include "util/strings.h"

namespace kongsi::stix {
namespace {

using detail::StringProperty;
using detail::TimestampOrder;

// Relationship types that any two objects may have (the common relationships).
constexpr std::string_view kCommonRelationships[] = {"derived-from", "duplicate-of", "related-to"};

struct RelationshipEntry {
  std::string_view source;
  std::string_view type;
  std::vector<std::string_view> targets;  // "<sco>" stands for every SCO
};

// The relationships the specification lists in the "Relationships" section of each object
// (SDOs in section 4, SCOs in section 6).
const std::vector<RelationshipEntry>& SpecRelationships() {
  static const auto* table = new std::vector<RelationshipEntry>{
      {"attack-pattern", "delivers", {"malware"}},
      {"attack-pattern", "targets", {"identity", "location", "vulnerability"}},
      {"attack-pattern", "uses", {"malware", "tool"}},
      {"campaign", "attributed-to", {"intrusion-set", "threat-actor"}},
      {"campaign", "compromises", {"infrastructure"}},
      {"campaign", "originates-from", {"location"}},
      {"campaign", "targets", {"identity", "location", "vulnerability"}},
      {"campaign", "uses", {"attack-pattern", "infrastructure", "malware", "tool"}},
      {"course-of-action", "investigates", {"indicator"}},
      {"course-of-action",
       "mitigates",
       {"attack-pattern", "indicator", "malware", "tool", "vulnerability"}},
      {"course-of-action", "remediates", {"malware", "vulnerability"}},
      {"identity", "located-at", {"location"}},
      {"indicator",
       "indicates",
       {"attack-pattern", "campaign", "infrastructure", "intrusion-set", "malware", "threat-actor",
        "tool"}},
      {"indicator", "based-on", {"observed-data"}},
      {"infrastructure",
       "communicates-with",
       {"infrastructure", "ipv4-addr", "ipv6-addr", "domain-name", "url"}},
      {"infrastructure", "consists-of", {"infrastructure", "observed-data", "<sco>"}},
      {"infrastructure", "controls", {"infrastructure", "malware"}},
      {"infrastructure", "delivers", {"malware"}},
      {"infrastructure", "has", {"vulnerability"}},
      {"infrastructure", "hosts", {"tool", "malware"}},
      {"infrastructure", "located-at", {"location"}},
      {"infrastructure", "uses", {"infrastructure"}},
      {"intrusion-set", "attributed-to", {"threat-actor"}},
      {"intrusion-set", "compromises", {"infrastructure"}},
      {"intrusion-set", "hosts", {"infrastructure"}},
      {"intrusion-set", "owns", {"infrastructure"}},
      {"intrusion-set", "originates-from", {"location"}},
      {"intrusion-set", "targets", {"identity", "location", "vulnerability"}},
      {"intrusion-set", "uses", {"attack-pattern", "infrastructure", "malware", "tool"}},
      {"malware", "authored-by", {"threat-actor", "intrusion-set"}},
      {"malware", "beacons-to", {"infrastructure"}},
      {"malware", "exfiltrate-to", {"infrastructure"}},
      {"malware", "communicates-with", {"ipv4-addr", "ipv6-addr", "domain-name", "url"}},
      {"malware", "controls", {"malware"}},
      {"malware", "downloads", {"malware", "tool", "file"}},
      {"malware", "drops", {"malware", "tool", "file"}},
      {"malware", "exploits", {"vulnerability"}},
      {"malware", "originates-from", {"location"}},
      {"malware", "targets", {"identity", "infrastructure", "location", "vulnerability"}},
      {"malware", "uses", {"attack-pattern", "infrastructure", "malware", "tool"}},
      {"malware", "variant-of", {"malware"}},
      {"malware-analysis", "characterizes", {"malware"}},
      {"malware-analysis", "analysis-of", {"malware"}},
      {"malware-analysis", "static-analysis-of", {"malware"}},
      {"malware-analysis", "dynamic-analysis-of", {"malware"}},
      {"threat-actor", "attributed-to", {"identity"}},
      {"threat-actor", "compromises", {"infrastructure"}},
      {"threat-actor", "hosts", {"infrastructure"}},
      {"threat-actor", "owns", {"infrastructure"}},
      {"threat-actor", "impersonates", {"identity"}},
      {"threat-actor", "located-at", {"location"}},
      {"threat-actor", "targets", {"identity", "location", "vulnerability"}},
      {"threat-actor", "uses", {"attack-pattern", "infrastructure", "malware", "tool"}},
      {"tool", "delivers", {"malware"}},
      {"tool", "drops", {"malware"}},
      {"tool", "has", {"vulnerability"}},
      {"tool", "targets", {"identity", "infrastructure", "location", "vulnerability"}},
      {"tool", "uses", {"infrastructure"}},
      {"domain-name", "resolves-to", {"domain-name", "ipv4-addr", "ipv6-addr"}},
      {"ipv4-addr", "resolves-to", {"mac-addr"}},
      {"ipv4-addr", "belongs-to", {"autonomous-system"}},
      {"ipv6-addr", "resolves-to", {"mac-addr"}},
      {"ipv6-addr", "belongs-to", {"autonomous-system"}},
  };
  return *table;
}

bool IsSpecRelationship(std::string_view source, std::string_view type, std::string_view target,
                        const TypeSpec* target_spec) {
  for (std::string_view common : kCommonRelationships) {
    if (type == common) return true;
  }
  for (const RelationshipEntry& entry : SpecRelationships()) {
    if (entry.source != source || entry.type != type) continue;
    for (std::string_view allowed : entry.targets) {
      if (allowed == target) return true;
      if (allowed == "<sco>" && target_spec != nullptr && target_spec->category == Category::kSco) {
        return true;
      }
    }
  }
  return false;
}

// relationship_type MUST be ASCII a-z, 0-9 and '-'; it SHOULD be one the specification
// defines for the source and target types.
void RelationshipType(RuleContext& ctx) {
  const std::optional<std::string_view> type = StringProperty(ctx, "relationship_type");
  if (!type) return;
  bool syntax_ok = !type->empty();
  for (char c : *type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) syntax_ok = false;
  }
  if (!syntax_ok) {
    ctx.Error("/relationship_type", "relationship-type-syntax",
              util::StrCat("relationship_type (\"", *type,
                           "\") may contain only lower-case a-z, 0-9 and '-'"));
    return;
  }
  const std::optional<std::string_view> source_ref = StringProperty(ctx, "source_ref");
  const std::optional<std::string_view> target_ref = StringProperty(ctx, "target_ref");
  if (!source_ref || !target_ref) return;
  const std::string_view source = IdType(*source_ref);
  const std::string_view target = IdType(*target_ref);
  const Registry& registry = Registry::Get();
  const TypeSpec* source_spec = registry.Find(source);
  const TypeSpec* target_spec = registry.Find(target);
  // Custom objects have no specified relationships; nothing to compare against.
  if (source_spec == nullptr || target_spec == nullptr) return;
  if (IsSpecRelationship(source, *type, target, target_spec)) return;
  ctx.Warning("/relationship_type", "relationship-type",
              util::StrCat("\"", *type, "\" is not a relationship STIX 2.1 defines from ", source,
                           " to ", target));
}

// source_ref and target_ref must not point to a bundle. The engine checks registered
// categories; bundles are not STIX objects and may not be in the registry.
void NotABundle(RuleContext& ctx) {
  if (Registry::Get().Find("bundle") != nullptr) return;  // the engine's reference-type check
  for (const char* name : {"source_ref", "target_ref"}) {
    const std::optional<std::string_view> ref = StringProperty(ctx, name);
    if (ref && IdType(*ref) == "bundle") {
      ctx.Error(util::StrCat("/", name), "reference-type",
                util::StrCat(name, " must refer to an SDO or SCO, not a bundle"));
    }
  }
}

}  // namespace

void RegisterSros(Registry& registry) {
  registry.Add("relationship", Category::kSro)
      .Req("relationship_type", String())
      .Opt("description", String())
      .Req("source_ref", Ref({"<sdo>", "<sco>"}))
      .Req("target_ref", Ref({"<sdo>", "<sco>"}))
      .Opt("start_time", Timestamp())
      .Opt("stop_time", Timestamp())
      .Rule(RelationshipType)
      .Rule(NotABundle)
      .Rule(TimestampOrder("start_time", "stop_time", true, Severity::kError));

  registry.Add("sighting", Category::kSro)
      .Opt("description", String())
      .Opt("first_seen", Timestamp())
      .Opt("last_seen", Timestamp())
      .Opt("count", Integer(0, 999'999'999))
      .Req("sighting_of_ref", Ref({"<sdo>"}))
      .Opt("observed_data_refs", ListOf(Ref({"observed-data"})))
      .Opt("where_sighted_refs", ListOf(Ref({"identity", "location"})))
      .Opt("summary", Boolean())
      .Rule(TimestampOrder("first_seen", "last_seen", false, Severity::kError));
}

}  // namespace kongsi::stix
