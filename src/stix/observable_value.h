// An observable value a STIX object mentions (IP address, domain, URL, hash, ...), normalised
// for exact lookup. Kept apart from observable.h so the store can use it without simdjson.
#pragma once

#include <string>

namespace kongsi::stix {

struct ObservableValue {
  std::string kind;   // "ipv4-addr", "domain-name", "url", "file:hashes.SHA-256", ...
  std::string value;  // normalised with NormaliseObservable (observable.h)
  bool operator==(const ObservableValue&) const = default;
};

}  // namespace kongsi::stix
