// Observable values that STIX objects mention (IP addresses, domains, URLs, hashes, ...),
// normalised for exact lookup: the value index behind "where else have we seen X".
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "simdjson.h"
#include "stix/observable_value.h"

namespace kongsi::stix {

// Appends the observable values `object` mentions: the value properties of SCOs, and of the
// SCOs embedded in observed-data's deprecated `objects` dictionary, and the values an
// indicator's STIX 2.1 pattern compares with = or IN (stix/pattern/pattern_values.h).
void ExtractObservableValues(simdjson::dom::element object, std::vector<ObservableValue>& out);

// The value-index kind of an SCO property that carries a searchable value: "ipv4-addr" for
// ("ipv4-addr", "value"), "file:name" for ("file", "name"), ...; empty when the property is
// not indexed. One table serves SCOs, observed-data and indicator patterns alike.
std::string IndexedValueKind(std::string_view sco_type, std::string_view property);

// The form in which a value of `kind` is indexed and looked up: domains, e-mail and MAC
// addresses, IPv6 addresses and hex hashes in lower case; a trailing dot dropped from domains.
std::string NormaliseObservable(std::string_view kind, std::string_view value);

// The normalised forms a user-typed value may take, for lookups that do not know the kind.
std::vector<std::string> LookupForms(std::string_view value);

}  // namespace kongsi::stix
