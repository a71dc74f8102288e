// A 64-bit summary of an object's top-level property names, computed once at ingest and stored
// with each version, so that serving can tell without reading the body that no redaction rule
// can apply (policy/redaction.h MayNeedRedaction). A Bloom filter over the names that are *not*
// among the common STIX properties (type, id, name, description, pattern, ...): each such name
// sets one bit for the whole name and one for its first two characters. A clear bit proves a
// name (or prefix) absent; a set bit may be another name's. Questions about common names (or
// prefixes of them) are always answered "maybe": they are not summarised, which keeps the few
// bits for what redaction looks for (granular_markings, external_references, x_* properties).
// Names are the unescaped keys.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "simdjson.h"

namespace kongsi::stix {

// Never 0 (the top bit marks a computed summary): 0 means "not computed" (versions stored
// before summaries existed).
uint64_t PropertyBloom(simdjson::dom::object object);

// The bit a name (or a prefix of at least two characters) sets, for testing many objects
// against one name; nullopt when the summary cannot tell (a common name, a short prefix).
std::optional<uint64_t> BloomNameBit(std::string_view name);
std::optional<uint64_t> BloomPrefixBit(std::string_view prefix);

}  // namespace kongsi::stix
