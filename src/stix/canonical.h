// Canonical forms of STIX objects: minified JSON as received (what the store keeps and
// serves) and a content hash over the sorted-key form, which tells "the same version
// again" from "a different body under the same (id, modified)" regardless of key order or
// white space. Thread-safe: no shared state.
#pragma once

#include <string>
#include <string_view>

#include "simdjson.h"

namespace kongsi::stix {

// Minified JSON of `element`, keys in their input order.
std::string Minify(simdjson::dom::element element);

// The same from the object's original text, byte for byte except for white space between
// tokens (strings and numbers keep their exact spelling). `raw` must be valid JSON.
std::string MinifyText(std::string_view raw);

// SHA-256 (32 raw bytes) of the canonical form: keys sorted by their bytes, no white space.
// Not RFC 8785 (sco_id.h has that, for SCO ids): JCS turns every number into a double, so two
// bodies differing only in a large integer would hash alike; this form keeps numbers exact.
std::string ContentHash(simdjson::dom::element element);

// The canonical (sorted-key, minified) JSON text, as hashed by ContentHash.
std::string CanonicalJson(simdjson::dom::element element);

}  // namespace kongsi::stix
