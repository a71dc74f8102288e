// STIX 2.0 -> 2.1, one object at a time (the rules and their reasons are in docs/stix20.md).
//
// The 2.1 form is rebuilt with nlohmann::ordered_json so that properties keep their input
// order and new properties land next to the ones they belong with (spec_version after type,
// pattern_type after pattern, ...). simdjson gives us the text of the element; duplicate keys
// are refused before nlohmann sees it, because nlohmann would silently keep only one of them.
// nlohmann reports errors with exceptions: they are caught here and never leave this file.
#include "stix/upgrade.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "absl/status/status.h"
#include "stix/validate.h"
#include "stix/vocab.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::stix {
namespace {

using Json = nlohmann::ordered_json;
using simdjson::dom::element;
using simdjson::dom::element_type;

// STIX 2.1 Cyber-observable Objects (section 6). In 2.1 they may omit spec_version; in 2.0
// they only existed inside observed-data's `objects` dictionary.
constexpr std::string_view kScoTypes[] = {"artifact",
                                          "autonomous-system",
                                          "directory",
                                          "domain-name",
                                          "email-addr",
                                          "email-message",
                                          "file",
                                          "ipv4-addr",
                                          "ipv6-addr",
                                          "mac-addr",
                                          "mutex",
                                          "network-traffic",
                                          "process",
                                          "software",
                                          "url",
                                          "user-account",
                                          "windows-registry-key",
                                          "x509-certificate"};

// The SDOs, SROs and marking definition that STIX 2.0 defines (Part 2, sections 2-3, and Part
// 1, section 4.1).
constexpr std::string_view kStix20Types[] = {
    "attack-pattern", "campaign",      "course-of-action", "identity", "indicator",
    "intrusion-set",  "malware",       "observed-data",    "report",   "threat-actor",
    "tool",           "vulnerability", "relationship",     "sighting", "marking-definition"};

// Object types that STIX 2.1 introduced. An object of one of these types without
// spec_version "2.1" is a 2.1 object missing its spec_version, not 2.0 content: upgrading it
// would guess.
constexpr std::string_view kNewIn21Types[] = {"extension-definition",
                                              "grouping",
                                              "incident",
                                              "infrastructure",
                                              "language-content",
                                              "location",
                                              "malware-analysis",
                                              "note",
                                              "opinion"};

template <size_t N>
bool OneOf(const std::string_view (&list)[N], std::string_view value) {
  return std::find(std::begin(list), std::end(list), value) != std::end(list);
}

// The five 2.0 types whose required `labels` held the object's type from a suggested
// vocabulary; 2.1 moved that meaning to a `<type>_types` property (2.1 section 4).
struct TypesProperty {
  std::string_view type;
  std::string_view property;
  const Vocabulary& vocabulary;  // the 2.1 vocabulary, a superset of the 2.0 one
};

const TypesProperty* FindTypesProperty(std::string_view type) {
  static const TypesProperty kTable[] = {
      {"indicator", "indicator_types", vocab::kIndicatorType},
      {"malware", "malware_types", vocab::kMalwareType},
      {"report", "report_types", vocab::kReportType},
      {"threat-actor", "threat_actor_types", vocab::kThreatActorType},
      {"tool", "tool_types", vocab::kToolType},
  };
  for (const TypesProperty& entry : kTable) {
    if (entry.type == type) return &entry;
  }
  return nullptr;
}

// Cyber-observable properties that 2.1 renamed without changing their meaning (2.1 section 6:
// timestamps of files and directories became ctime/mtime/atime, and so on).
struct Rename {
  std::string_view type;
  std::string_view from;  // 2.0 name
  std::string_view to;    // 2.1 name
};
constexpr Rename kObservableRenames[] = {
    {"directory", "created", "ctime"},
    {"directory", "modified", "mtime"},
    {"directory", "accessed", "atime"},
    {"file", "created", "ctime"},
    {"file", "modified", "mtime"},
    {"file", "accessed", "atime"},
    {"process", "created", "created_time"},
    {"process", "binary_ref", "image_ref"},
    {"user-account", "password_last_changed", "credential_last_changed"},
    {"windows-registry-key", "modified", "modified_time"},
};

// One JSON-pointer reference token (RFC 6901): '~' -> "~0", '/' -> "~1".

// Describes the first key that appears twice in one JSON object, anywhere in `value`.
std::optional<std::string> FindDuplicateKey(element value, const std::string& pointer) {
  if (value.type() == element_type::OBJECT) {
    std::unordered_set<std::string_view> seen;
    for (auto field : simdjson::dom::object(value)) {
      if (!seen.insert(field.key).second) {
        return util::StrCat("property \"", field.key, "\" appears more than once in ",
                            pointer.empty() ? std::string("the object") : pointer);
      }
      if (field.value.type() == element_type::OBJECT || field.value.type() == element_type::ARRAY) {
        if (auto found = FindDuplicateKey(
                field.value, util::StrCat(pointer, "/", JsonPointerToken(field.key)))) {
          return found;
        }
      }
    }
  } else if (value.type() == element_type::ARRAY) {
    size_t i = 0;
    for (element item : simdjson::dom::array(value)) {
      if (item.type() == element_type::OBJECT || item.type() == element_type::ARRAY) {
        if (auto found = FindDuplicateKey(item, util::StrCat(pointer, "/", i))) return found;
      }
      ++i;
    }
  }
  return std::nullopt;
}

const std::string* StringMember(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

// Renames the 2.0 properties of one cyber observable (top level or inside observed-data's
// `objects`). `where` names it in messages. Properties 2.1 dropped without a successor
// (file.is_encrypted, process.name, ...) are kept: 2.1 reads them as custom properties.
absl::StatusOr<Json> UpgradeObservable(const Json& observable, std::string_view where) {
  const std::string* type = StringMember(observable, "type");
  if (type == nullptr) return observable;  // not an observable we know; left to the validator
  bool renames = false;
  for (const Rename& rename : kObservableRenames) {
    if (rename.type != *type || !observable.contains(std::string(rename.from))) continue;
    if (observable.contains(std::string(rename.to))) {
      return absl::InvalidArgumentError(util::StrCat(
          where, " (", *type, ") has both \"", rename.from, "\" (its STIX 2.0 name) and \"",
          rename.to, "\" (its STIX 2.1 name); only one value can be kept"));
    }
    renames = true;
  }
  if (!renames) return observable;
  Json out = Json::object();
  for (const auto& [key, value] : observable.items()) {
    std::string_view name = key;
    for (const Rename& rename : kObservableRenames) {
      if (rename.type == *type && rename.from == key) name = rename.to;
    }
    out[std::string(name)] = value;
  }
  return out;
}

// Builds the 2.1 form. `in` is a 2.0 object (spec_version absent or "2.0") of a type that is
// allowed to be upgraded.
absl::StatusOr<Json> Upgrade(Json in, std::string_view type) {
  const bool is_indicator = type == "indicator";
  const bool is_malware = type == "malware";
  const bool is_observed_data = type == "observed-data";
  const TypesProperty* types = FindTypesProperty(type);
  const bool has_spec_version = in.contains("spec_version");
  const bool has_labels = in.contains("labels");

  if (types != nullptr && has_labels && in.contains(std::string(types->property))) {
    return absl::InvalidArgumentError(
        util::StrCat("the ", type, " has both \"labels\" and \"", types->property,
                     "\"; the STIX 2.0 labels would become ", types->property,
                     ", so the two cannot be merged mechanically"));
  }
  if (OneOf(kScoTypes, type)) {
    KONGSI_ASSIGN_OR_RETURN(in, UpgradeObservable(in, "the object"));
  }

  bool need_is_family = is_malware && !in.contains("is_family");
  bool need_pattern_type = is_indicator && !in.contains("pattern_type");
  // pattern_version "2.0" describes STIX patterns only (a 2.0 producer may have used another
  // pattern language through a custom pattern_type).
  const std::string* pattern_type = StringMember(in, "pattern_type");
  bool need_pattern_version = is_indicator && !in.contains("pattern_version") &&
                              (need_pattern_type || (pattern_type && *pattern_type == "stix"));

  Json out = Json::object();
  for (const auto& [key, value] : in.items()) {
    if (key == "spec_version") {  // "2.0", in place
      out[key] = "2.1";
      continue;
    }
    if (key == "labels" && types != nullptr && value.is_array()) {
      // Values of the 2.1 type vocabulary (which contains every 2.0 suggested label) become
      // <type>_types; anything else stays a label, 2.1's free classification property.
      Json type_values = Json::array();
      Json other_labels = Json::array();
      for (const Json& label : value) {
        if (label.is_string() && types->vocabulary.Contains(label.get_ref<const std::string&>())) {
          type_values.push_back(label);
        } else {
          other_labels.push_back(label);
        }
      }
      if (!type_values.empty()) out[std::string(types->property)] = std::move(type_values);
      if (!other_labels.empty() || value.empty()) out["labels"] = std::move(other_labels);
      if (need_is_family) {
        out["is_family"] = true;
        need_is_family = false;
      }
      continue;
    }
    if (key == "objects" && is_observed_data && value.is_object()) {
      Json objects = Json::object();
      for (const auto& [name, observable] : value.items()) {
        if (!observable.is_object()) {
          objects[name] = observable;
          continue;
        }
        KONGSI_ASSIGN_OR_RETURN(
            objects[name],
            UpgradeObservable(observable, util::StrCat("/objects/", JsonPointerToken(name))));
      }
      out[key] = std::move(objects);
      continue;
    }
    out[key] = value;
    if (key == "type" && !has_spec_version) out["spec_version"] = "2.1";
    if (key == "pattern") {
      if (need_pattern_type) out["pattern_type"] = "stix";
      if (need_pattern_version) out["pattern_version"] = "2.0";
      need_pattern_type = need_pattern_version = false;
    }
    if (key == "name" && need_is_family && !has_labels) {
      out["is_family"] = true;
      need_is_family = false;
    }
  }
  // Objects missing the property the new one sits next to (invalid 2.0 already): at the end.
  if (need_is_family) out["is_family"] = true;
  if (need_pattern_type) out["pattern_type"] = "stix";
  if (need_pattern_version) out["pattern_version"] = "2.0";
  return out;
}

}  // namespace

bool IsStix20Object(element object) {
  simdjson::dom::object obj;
  if (object.get(obj) != simdjson::SUCCESS) return false;
  element spec_version;
  if (obj["spec_version"].get(spec_version) == simdjson::SUCCESS) {
    std::string_view version;
    return spec_version.get(version) == simdjson::SUCCESS && version == "2.0";
  }
  std::string_view type;
  if (obj["type"].get(type) != simdjson::SUCCESS) return false;
  // 2.1 SCOs may omit spec_version; 2.1 bundles have none (2.0 bundles must have "2.0").
  if (OneOf(kScoTypes, type) || type == "bundle") return false;
  if (OneOf(kStix20Types, type) || OneOf(kNewIn21Types, type)) return true;
  // A custom type. 2.0 custom objects carry created (a common property required on every 2.0
  // object); a 2.1 custom SCO has no created and may omit spec_version.
  return obj["created"].error() == simdjson::SUCCESS;
}

absl::StatusOr<std::string> UpgradeObjectTo21(element object) {
  simdjson::dom::object obj;
  if (object.get(obj) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        util::StrCat("a STIX object must be a JSON object, not ", JsonTypeWord(object.type())));
  }
  std::string_view type;
  if (obj["type"].get(type) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("the object has no \"type\" (a string)");
  }
  element spec_version;
  if (obj["spec_version"].get(spec_version) == simdjson::SUCCESS) {
    std::string_view version;
    if (spec_version.get(version) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          util::StrCat("spec_version must be a string, not ", JsonTypeWord(spec_version.type())));
    }
    if (version == "2.1") return simdjson::minify(object);  // already 2.1: left as it is
    if (version != "2.0") {
      return absl::InvalidArgumentError(
          util::StrCat("spec_version \"", version,
                       "\" is not a STIX version kongsi reads (2.1 as is, 2.0 upgraded to 2.1)"));
    }
  }
  if (type == "bundle") {
    return absl::InvalidArgumentError(
        "a bundle is not upgraded as an object: each object in it is upgraded on its own");
  }
  if (OneOf(kNewIn21Types, type)) {
    return absl::InvalidArgumentError(util::StrCat(
        "\"", type,
        "\" is not a STIX 2.0 type (it was introduced in STIX 2.1); a STIX 2.1 object must "
        "have \"spec_version\": \"2.1\""));
  }
  if (std::optional<std::string> duplicate = FindDuplicateKey(object, "")) {
    return absl::InvalidArgumentError(*duplicate);
  }
  try {
    KONGSI_ASSIGN_OR_RETURN(Json upgraded, Upgrade(Json::parse(simdjson::minify(object)), type));
    return upgraded.dump();
  } catch (const Json::exception& e) {
    // Not expected (simdjson has validated the JSON and its UTF-8), but never let it escape.
    return absl::InvalidArgumentError(
        util::StrCat("the object cannot be converted: ", std::string_view(e.what())));
  }
}

}  // namespace kongsi::stix
