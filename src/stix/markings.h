// TLP of STIX objects and marking definitions, read from simdjson DOM values.
// Pure functions; thread-safe.
#pragma once

#include <optional>

#include "simdjson.h"
#include "stix/tlp.h"

namespace kongsi::stix {

// The TLP a marking-definition object itself declares (definition_type "tlp" with
// definition.tlp, or the TLP 2.0 extension with a "TLP:..." name), or nullopt.
std::optional<Tlp> TlpOfMarkingDefinition(simdjson::dom::object marking_definition);

// The strictest TLP among the object's object_marking_refs, kNone when there is none.
Tlp ObjectTlp(simdjson::dom::object object);

}  // namespace kongsi::stix
