// The 19 STIX Domain Objects of STIX 2.1 (OASIS Standard, section 4): their properties,
// kinds, required-ness, reference targets and vocabularies, plus per-type rules for the
// MUSTs a property table cannot express (timestamp order, "at least one of", properties
// that depend on each other). SHOULD-level findings are warnings.
//
// The rule factories in `detail` are shared with spec_sro.cc and spec_meta.cc, which
// declare the ones they use (there is no header for them).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "stix/pattern/parser.h"
#include "stix/spec.h"
#include "stix/spec_rules.h"
#include "stix/validate.h"
#include "stix/vocab.h"
#include "util/strings.h"
#include "util/time.h"

namespace kongsi::stix {
namespace detail {

void Report(RuleContext& ctx, Severity severity, std::string_view pointer, std::string_view rule,
            std::string message) {
  if (severity == Severity::kError) {
    ctx.Error(pointer, rule, std::move(message));
  } else {
    ctx.Warning(pointer, rule, std::move(message));
  }
}

std::optional<std::string_view> StringProperty(const RuleContext& ctx, std::string_view name) {
  std::optional<simdjson::dom::element> value = ctx.Get(name);
  std::string_view text;
  if (!value || value->get(text) != simdjson::SUCCESS) return std::nullopt;
  return text;
}

// "a", "a or b", "a, b or c".
std::string JoinWords(const std::vector<std::string>& words, std::string_view last_separator) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? util::StrCat(" ", last_separator, " ") : ", ";
    out += words[i];
  }
  return out;
}

// When both timestamps are present and well-formed, `later` must not be earlier than
// `earlier` (or, with `strictly_later`, must be later). Malformed timestamps are left to the
// engine's timestamp-format check.
Rule TimestampOrder(std::string earlier, std::string later, bool strictly_later,
                    Severity severity) {
  return [earlier = std::move(earlier), later = std::move(later), strictly_later,
          severity](RuleContext& ctx) {
    const std::optional<std::string_view> a = StringProperty(ctx, earlier);
    const std::optional<std::string_view> b = StringProperty(ctx, later);
    if (!a || !b) return;
    const auto ta = util::ParseRfc3339(*a);
    const auto tb = util::ParseRfc3339(*b);
    if (!ta.ok() || !tb.ok()) return;
    if (strictly_later ? tb->micros > ta->micros : tb->micros >= ta->micros) return;
    Report(ctx, severity, util::StrCat("/", later), "timestamp-order",
           util::StrCat(later, " (", *b, ") must ",
                        strictly_later ? "be later than " : "not be earlier than ", earlier, " (",
                        *a, ")"));
  };
}

// At least one of `names` must be present.
Rule AtLeastOneOf(std::vector<std::string> names) {
  return [names = std::move(names)](RuleContext& ctx) {
    for (const std::string& name : names) {
      if (ctx.Has(name)) return;
    }
    ctx.Error("", "at-least-one-of",
              util::StrCat("at least one of ", JoinWords(names, "or"), " must be present"));
  };
}

// When `name` is present, every property of `needs` must be present too.
Rule Requires(std::string name, std::vector<std::string> needs, Severity severity) {
  return [name = std::move(name), needs = std::move(needs), severity](RuleContext& ctx) {
    if (!ctx.Has(name)) return;
    std::vector<std::string> missing;
    for (const std::string& need : needs) {
      if (!ctx.Has(need)) missing.push_back(need);
    }
    if (missing.empty()) return;
    Report(
        ctx, severity, util::StrCat("/", name), "requires-property",
        util::StrCat(name, " requires ", JoinWords(needs, "and"), ", but ",
                     JoinWords(missing, "and"), missing.size() == 1 ? " is" : " are", " missing"));
  };
}

}  // namespace detail

namespace {

using detail::AtLeastOneOf;
using detail::Requires;
using detail::StringProperty;
using detail::TimestampOrder;

PropType Strings() { return ListOf(String()); }
PropType Phases() { return ListOf(KillChainPhase()); }
PropType Refs(std::vector<std::string> types = {}) { return ListOf(Ref(std::move(types))); }
PropType OpenVocabs(const Vocabulary& vocab) { return ListOf(OpenVocab(vocab)); }

// first_seen / last_seen, with last_seen >= first_seen (campaign, infrastructure,
// intrusion-set, malware, threat-actor).
void AddSeenWindow(Registry::TypeBuilder& type) {
  type.Opt("first_seen", Timestamp())
      .Opt("last_seen", Timestamp())
      .Rule(TimestampOrder("first_seen", "last_seen", false, Severity::kError));
}

// Malware: name is required when the object describes a family.
void MalwareFamilyName(RuleContext& ctx) {
  std::optional<simdjson::dom::element> is_family = ctx.Get("is_family");
  bool family = false;
  if (!is_family || is_family->get(family) != simdjson::SUCCESS || !family) return;
  if (!ctx.Has("name")) {
    ctx.Error("/name", "required-property",
              "\"name\" is required on malware when is_family is true");
  }
}

// Malware analysis: product names SHOULD be lower case with words separated by '-'.
void ProductName(RuleContext& ctx) {
  const std::optional<std::string_view> product = StringProperty(ctx, "product");
  if (!product) return;
  for (char c : *product) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
      ctx.Warning("/product", "product-name",
                  util::StrCat("product (\"", *product,
                               "\") should be lower case with words separated by '-'"));
      return;
    }
  }
}

// Indicator: a STIX pattern must be valid STIX 2.1 patterning (section 9). Patterns of other
// languages (sigma, snort, yara, ...) are not checked, nor STIX patterns whose pattern_version
// names another version (STIX 2.0 content upgraded to 2.1 keeps its 2.0 pattern, marked
// "2.0": 2.0 and 2.1 patterns differ, e.g. START '...' versus START t'...').
void StixPattern(RuleContext& ctx) {
  const std::optional<std::string_view> type = StringProperty(ctx, "pattern_type");
  const std::optional<std::string_view> pattern = StringProperty(ctx, "pattern");
  if (!type || *type != "stix" || !pattern) return;
  const std::optional<std::string_view> version = StringProperty(ctx, "pattern_version");
  if (version && *version != "2.1" && version->substr(0, 4) != "2.1.") return;
  std::variant<pattern::Pattern, pattern::ParseError> parsed = pattern::Parse(*pattern);
  if (const auto* error = std::get_if<pattern::ParseError>(&parsed)) {
    ctx.Error("/pattern", "pattern-syntax", error->ToString());
  }
}

// Location: latitude and longitude come together, precision needs both, and at least one of
// region, country or latitude+longitude describes the place.
void LocationPlace(RuleContext& ctx) {
  if (ctx.Has("region") || ctx.Has("country") || (ctx.Has("latitude") && ctx.Has("longitude"))) {
    return;
  }
  ctx.Error("", "at-least-one-of",
            "at least one of region, country, or latitude and longitude must be present");
}

// Location: country SHOULD be an ISO 3166-1 alpha-2 code.
void CountryCode(RuleContext& ctx) {
  const std::optional<std::string_view> country = StringProperty(ctx, "country");
  if (!country) return;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (country->size() == 2 && letter((*country)[0]) && letter((*country)[1])) return;
  ctx.Warning("/country", "country-code",
              util::StrCat("country (\"", *country,
                           "\") should be an ISO 3166-1 alpha-2 code such as \"US\""));
}

// Observed data: exactly one of objects (deprecated) and object_refs; object_refs must
// contain at least one SCO.
void ObservedDataContent(RuleContext& ctx) {
  const bool has_objects = ctx.Has("objects");
  const bool has_refs = ctx.Has("object_refs");
  if (has_objects && has_refs) {
    ctx.Error("/objects", "mutually-exclusive",
              "objects must not be present when object_refs is present");
  } else if (!has_objects && !has_refs) {
    ctx.Error("", "at-least-one-of", "one of object_refs or objects must be present");
  }
  if (has_objects) {
    ctx.Warning("/objects", "deprecated-property",
                "objects is deprecated in STIX 2.1; refer to SCOs with object_refs instead");
  }
  simdjson::dom::array refs;
  if (!has_refs || ctx.Get("object_refs")->get(refs) != simdjson::SUCCESS || refs.size() == 0) {
    return;
  }
  const Registry& registry = Registry::Get();
  for (simdjson::dom::element ref : refs) {
    std::string_view id;
    if (ref.get(id) != simdjson::SUCCESS) return;  // property-type is reported by the engine
    const TypeSpec* target = registry.Find(IdType(id));
    // An unregistered (custom) type may be an SCO.
    if (target == nullptr || target->category == Category::kSco) return;
  }
  ctx.Error("/object_refs", "observed-data-sco",
            "object_refs must contain at least one reference to an SCO");
}

}  // namespace

void RegisterSdos(Registry& registry) {
  registry.Add("attack-pattern", Category::kSdo)
      .Req("name", String())
      .Opt("description", String())
      .Opt("aliases", Strings())
      .Opt("kill_chain_phases", Phases());

  {
    auto campaign = registry.Add("campaign", Category::kSdo);
    campaign.Req("name", String())
        .Opt("description", String())
        .Opt("aliases", Strings())
        .Opt("objective", String());
    AddSeenWindow(campaign);
  }

  registry.Add("course-of-action", Category::kSdo)
      .Req("name", String())
      .Opt("description", String());

  registry.Add("grouping", Category::kSdo)
      .Opt("name", String())
      .Opt("description", String())
      .Req("context", OpenVocab(vocab::kGroupingContext))
      .Req("object_refs", Refs());

  registry.Add("identity", Category::kSdo)
      .Req("name", String())
      .Opt("description", String())
      .Opt("roles", Strings())
      .Opt("identity_class", OpenVocab(vocab::kIdentityClass))
      .Opt("sectors", OpenVocabs(vocab::kIndustrySector))
      .Opt("contact_information", String());

  registry.Add("incident", Category::kSdo)
      .Req("name", String())
      .Opt("description", String())
      .Opt("kill_chain_phases", Phases());

  registry.Add("indicator", Category::kSdo)
      .Opt("name", String())
      .Opt("description", String())
      .Opt("indicator_types", OpenVocabs(vocab::kIndicatorType))
      .Req("pattern", String())
      .Req("pattern_type", OpenVocab(vocab::kPatternType))
      .Opt("pattern_version", String())
      .Req("valid_from", Timestamp())
      .Opt("valid_until", Timestamp())
      .Opt("kill_chain_phases", Phases())
      .Rule(TimestampOrder("valid_from", "valid_until", true, Severity::kError))
      .Rule(StixPattern);

  {
    auto infrastructure = registry.Add("infrastructure", Category::kSdo);
    infrastructure.Req("name", String())
        .Opt("description", String())
        .Opt("infrastructure_types", OpenVocabs(vocab::kInfrastructureType))
        .Opt("aliases", Strings())
        .Opt("kill_chain_phases", Phases());
    AddSeenWindow(infrastructure);
  }

  {
    auto intrusion_set = registry.Add("intrusion-set", Category::kSdo);
    intrusion_set.Req("name", String())
        .Opt("description", String())
        .Opt("aliases", Strings())
        .Opt("goals", Strings())
        .Opt("resource_level", OpenVocab(vocab::kAttackResourceLevel))
        .Opt("primary_motivation", OpenVocab(vocab::kAttackMotivation))
        .Opt("secondary_motivations", OpenVocabs(vocab::kAttackMotivation));
    AddSeenWindow(intrusion_set);
  }

  registry.Add("location", Category::kSdo)
      .Opt("name", String())
      .Opt("description", String())
      .Opt("latitude", Float(-90, 90))
      .Opt("longitude", Float(-180, 180))
      .Opt("precision", Float(0))
      .Opt("region", OpenVocab(vocab::kRegion))
      .Opt("country", String())
      .Opt("administrative_area", String())
      .Opt("city", String())
      .Opt("street_address", String())
      .Opt("postal_code", String())
      .Rule(Requires("latitude", {"longitude"}, Severity::kError))
      .Rule(Requires("longitude", {"latitude"}, Severity::kError))
      .Rule(Requires("precision", {"latitude", "longitude"}, Severity::kError))
      .Rule(LocationPlace)
      .Rule(CountryCode);

  {
    auto malware = registry.Add("malware", Category::kSdo);
    malware.Opt("name", String())
        .Opt("description", String())
        .Opt("malware_types", OpenVocabs(vocab::kMalwareType))
        .Req("is_family", Boolean())
        .Opt("aliases", Strings())
        .Opt("kill_chain_phases", Phases())
        .Opt("operating_system_refs", Refs({"software"}))
        .Opt("architecture_execution_envs", OpenVocabs(vocab::kProcessorArchitecture))
        .Opt("implementation_languages", OpenVocabs(vocab::kImplementationLanguage))
        .Opt("capabilities", OpenVocabs(vocab::kMalwareCapabilities))
        .Opt("sample_refs", Refs({"file", "artifact"}))
        .Rule(MalwareFamilyName);
    AddSeenWindow(malware);
  }

  registry.Add("malware-analysis", Category::kSdo)
      .Req("product", String())
      .Opt("version", String())
      .Opt("host_vm_ref", Ref({"software"}))
      .Opt("operating_system_ref", Ref({"software"}))
      .Opt("installed_software_refs", Refs({"software"}))
      .Opt("configuration_version", String())
      .Opt("modules", Strings())
      .Opt("analysis_engine_version", String())
      .Opt("analysis_definition_version", String())
      .Opt("submitted", Timestamp())
      .Opt("analysis_started", Timestamp())
      .Opt("analysis_ended", Timestamp())
      .Opt("result_name", String())
      .Opt("result", OpenVocab(vocab::kMalwareResult))
      .Opt("analysis_sco_refs", Refs({"<sco>"}))
      .Opt("sample_ref", Ref({"file", "network-traffic", "artifact"}))
      .Rule(AtLeastOneOf({"result", "analysis_sco_refs"}))
      .Rule(TimestampOrder("analysis_started", "analysis_ended", false, Severity::kWarning))
      .Rule(ProductName);

  registry.Add("note", Category::kSdo)
      .Opt("abstract", String())
      .Req("content", String())
      .Opt("authors", Strings())
      .Req("object_refs", Refs());

  registry.Add("observed-data", Category::kSdo)
      .Req("first_observed", Timestamp())
      .Req("last_observed", Timestamp())
      .Req("number_observed", Integer(1, 999'999'999))
      .Opt("objects", Dictionary(Any()))
      .Opt("object_refs", Refs({"<sco>", "<sro>"}))
      .Rule(TimestampOrder("first_observed", "last_observed", false, Severity::kError))
      .Rule(ObservedDataContent);

  registry.Add("opinion", Category::kSdo)
      .Opt("explanation", String())
      .Opt("authors", Strings())
      .Req("opinion", Enum(vocab::kOpinion))
      .Req("object_refs", Refs());

  registry.Add("report", Category::kSdo)
      .Req("name", String())
      .Opt("description", String())
      .Opt("report_types", OpenVocabs(vocab::kReportType))
      .Req("published", Timestamp())
      .Req("object_refs", Refs());

  {
    auto threat_actor = registry.Add("threat-actor", Category::kSdo);
    threat_actor.Req("name", String())
        .Opt("description", String())
        .Opt("threat_actor_types", OpenVocabs(vocab::kThreatActorType))
        .Opt("aliases", Strings())
        .Opt("roles", OpenVocabs(vocab::kThreatActorRole))
        .Opt("goals", Strings())
        .Opt("sophistication", OpenVocab(vocab::kThreatActorSophistication))
        .Opt("resource_level", OpenVocab(vocab::kAttackResourceLevel))
        .Opt("primary_motivation", OpenVocab(vocab::kAttackMotivation))
        .Opt("secondary_motivations", OpenVocabs(vocab::kAttackMotivation))
        .Opt("personal_motivations", OpenVocabs(vocab::kAttackMotivation));
    AddSeenWindow(threat_actor);
  }

  registry.Add("tool", Category::kSdo)
      .Req("name", String())
      .Opt("description", String())
      .Opt("tool_types", OpenVocabs(vocab::kToolType))
      .Opt("aliases", Strings())
      .Opt("kill_chain_phases", Phases())
      .Opt("tool_version", String());

  registry.Add("vulnerability", Category::kSdo).Req("name", String()).Opt("description", String());
}

}  // namespace kongsi::stix
