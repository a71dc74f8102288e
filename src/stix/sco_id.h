// Deterministic identifiers of STIX Cyber-observable Objects (STIX 2.1 sections 2.9 and 3.4).
//
// An SCO's id SHOULD be "type--UUIDv5(00abedb4-aa42-466c-9c01-fed23315a9b7, name)", where
// name is the JSON object made of the type's "ID Contributing Properties" that are present,
// serialised with the JSON Canonicalization Scheme (RFC 8785). From `hashes` only one hash
// takes part: MD5, else SHA-1, else SHA-256, else SHA-512, else the algorithm whose name
// sorts first. When the type has no contributing properties (process) or none is present, the
// id MUST be a UUIDv4 and no deterministic id exists.
//
// Property values take part as they appear in the object. The results agree with the OASIS
// python-stix2 library (`generate_id`) on all of its SCO examples and with the example ids of
// the STIX 2.1 Errata 01 text whose referenced objects are consistent. Pure functions;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simdjson.h"
#include "stix/spec.h"

namespace kongsi::stix {

// The RFC 8785 canonical form of `value`: object members sorted by the UTF-16 code units of
// their names, no white space, numbers as ECMAScript prints doubles (1e+21, 0.002, 4.5),
// strings with only the escapes JSON requires.
std::string JcsCanonicalize(simdjson::dom::element value);

// The deterministic id of `sco` ("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"), looking
// its type up in the registry. nullopt when the type is not a registered SCO, has no ID
// contributing properties, or none of them is present.
std::optional<std::string> ComputeScoId(simdjson::dom::object sco);

// The same for a type whose contributing properties are given (no registry lookup; used by
// the registry's own rules).
std::optional<std::string> ComputeScoId(simdjson::dom::object sco, std::string_view type,
                                        const std::vector<std::string>& id_contributing);

// The per-SCO rule comparing the object's id with its deterministic id (warnings only:
// section 3.4 lets producers use other algorithms). Ids that python-stix2 would produce are
// accepted too: it picks the first hash in document order when none of MD5, SHA-1, SHA-256
// and SHA-512 is present, and hashes timestamps without trailing zero fraction digits.
//   sco-id-mismatch           the id is a UUIDv5 but not a computed one
//   sco-id-not-deterministic  contributing properties are present but the id is not a UUIDv5
//   sco-id-expected-v4        no contributing property is present (or the type has none) and
//                             the id is not a UUIDv4
Rule ScoIdRule(std::string type, std::vector<std::string> id_contributing);

}  // namespace kongsi::stix
