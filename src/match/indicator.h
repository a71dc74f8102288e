// An indicator as the matcher needs it: identity, name, pattern, validity window, TLP and
// producer. Read from a stored version (FromStored) or from a STIX JSON object (FromJson).
#pragma once

#include <optional>
#include <string>

#include "simdjson.h"
#include "stix/tlp.h"
#include "store/store.h"
#include "util/time.h"

namespace kongsi::match {

struct Indicator {
  std::string id;
  util::Timestamp modified = 0;
  std::string name;
  std::string pattern;
  std::string pattern_type;  // "stix", "sigma", ...
  bool revoked = false;
  std::optional<util::Timestamp> valid_from;
  std::optional<util::Timestamp> valid_until;
  stix::Tlp tlp = stix::Tlp::kNone;
  std::string created_by_ref;  // the producer, to whom sightings go back
};

// False when `object` is not an indicator (or lacks id / pattern).
bool IndicatorFromJson(simdjson::dom::object object, Indicator& out);
bool IndicatorFromStored(const store::StoredObject& stored, simdjson::dom::parser& parser,
                         Indicator& out);

// Whether an indicator applies at instant `t`: not revoked, valid_from <= t < valid_until.
inline bool ValidAt(const Indicator& indicator, util::Timestamp t) {
  if (indicator.revoked) return false;
  if (indicator.valid_from && t < *indicator.valid_from) return false;
  if (indicator.valid_until && t >= *indicator.valid_until) return false;
  return true;
}

}  // namespace kongsi::match
