// STIX 2.1 validation: every MUST of the specification is an error, SHOULD-level findings
// and open-vocabulary misses are warnings (rules listed in docs/validation.md).
//
// The validator works on simdjson DOM elements and is driven by the type registry
// (spec.h). It is stateless apart from the registry, so one Validator may be used from
// several threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "simdjson.h"
#include "stix/finding.h"

namespace kongsi::stix {

struct ValidatorOptions {
  // Report a warning for every custom property / object (deprecated in STIX 2.1).
  bool warn_custom = true;
};

class Validator {
 public:
  explicit Validator(ValidatorOptions options = {});

  // Validates one STIX object. `object_name` names it in findings (its id, or "#N");
  // `base` is the JSON pointer of the object in the input document ("/objects/3"), which
  // prefixes every finding's pointer. Findings are appended to `out`.
  void ValidateObject(simdjson::dom::element object, std::string_view object_name,
                      std::string_view base, std::vector<Finding>& out) const;

  // Checks the bundle envelope (type, id, no spec_version in 2.1 bundles, objects array)
  // without looking into the objects.
  void ValidateBundleEnvelope(simdjson::dom::element bundle, std::vector<Finding>& out) const;

 private:
  ValidatorOptions options_;
};

// Low-level checks shared by the engine and per-type rules. Each returns an empty string
// when the value is fine, otherwise a message saying what is wrong.
std::string CheckIdentifier(std::string_view id);      // "type--uuid", RFC 4122 UUID
std::string CheckTypeName(std::string_view type);      // 3-250 chars, a-z 0-9 '-'
std::string CheckPropertyName(std::string_view name);  // 3-250 chars, a-z 0-9 '_' (custom)
std::string CheckTimestamp(std::string_view ts);       // RFC 3339, 'Z'
std::string_view IdType(std::string_view id);          // "indicator" of "indicator--..."

// "a list", "an object", "an integer", ... for messages about JSON types.
const char* JsonTypeWord(simdjson::dom::element_type type);
// One JSON pointer reference token (RFC 6901): '~' -> "~0", '/' -> "~1".
std::string JsonPointerToken(std::string_view key);

}  // namespace kongsi::stix
