// Mechanical upgrade of STIX 2.0 content to STIX 2.1, where the 2.1 specification allows it
// (docs/stix20.md lists every transformation and what is refused).
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "simdjson.h"

namespace kongsi::stix {

// True when `object` is STIX 2.0: it has no spec_version and is not an SCO (2.1 SCOs may omit
// spec_version), or its spec_version is "2.0".
bool IsStix20Object(simdjson::dom::element object);

// The minified JSON of the 2.1 form of a 2.0 object. InvalidArgument, with the reason, when
// the object cannot be upgraded mechanically.
absl::StatusOr<std::string> UpgradeObjectTo21(simdjson::dom::element object);

}  // namespace kongsi::stix
