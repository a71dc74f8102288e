// Which indicators the exact-value index can answer, and with which keys.
//
// A pattern compiles into exact keys when it is a disjunction (OR of observations, OR inside
// observations, IN sets) of single-value comparisons on one observable each, without
// qualifiers or negation:
//   ipv4-addr:value / ipv6-addr:value  =, IN, ISSUBSET 'cidr'  (a CIDR value with = is a block)
//   domain-name:value                  =, IN; LIKE '%.example.com' (strict subdomains)
//   url:value, email-addr:value, mac-addr:value, file:name        =, IN
//   file:hashes.* / artifact:hashes.*  =, IN (MD5, SHA-1, SHA-256, SHA-512)
//   x509-certificate:hashes.'SHA-1' / 'SHA-256', x509-certificate:serial_number
//   network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'
//   x-ja3:value, x-ja3s:value, x-ja4:value  (TLS client / server fingerprints)
// Anything else (AND, FOLLOWEDBY, qualifiers, other operators, direction-bound paths such as
// network-traffic:dst_ref.value) needs the general evaluator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "match/event.h"
#include "stix/pattern/ast.h"

namespace kongsi::match {

enum class KeyMatch : uint8_t {
  kEqual,       // the value itself
  kSubdomains,  // domains strictly below `key`
  kCidr,        // IP addresses inside the block `key`/`prefix`
};

struct ExactKey {
  Observable kind = Observable::kIpAddress;
  KeyMatch match = KeyMatch::kEqual;
  // ObservableKey form; for IP addresses the 4 or 16 address bytes (network order).
  std::string key;
  uint8_t prefix = 0;  // kCidr
  bool operator==(const ExactKey&) const = default;
};

struct CompiledPattern {
  bool exact = false;          // every key below; nothing else is needed to match
  std::vector<ExactKey> keys;  // when exact
  std::string general_reason;  // when not exact: the first construct that needs the evaluator
  std::string invalid_reason;  // a value that cannot be what its path says ("999.1.1.1")
};

// The observable kind behind an object path, when the index knows it.
bool ObservableKindOf(const stix::pattern::ObjectPath& path, Observable& kind);

CompiledPattern CompileForIndex(const stix::pattern::Pattern& pattern);

}  // namespace kongsi::match
