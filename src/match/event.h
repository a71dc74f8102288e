// What a log reader hands to the matcher: the observable values one log event holds, each
// labelled with what it is (the event -> observation mapping per log type is in
// docs/matching.md).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace kongsi::match {

// The kinds of observable value the matcher knows. Each corresponds to STIX object paths
// (ObservableKindOf in indicator_compile.h maps patterns' paths onto them).
enum class Observable : uint8_t {
  kIpAddress,     // ipv4-addr:value, ipv6-addr:value (either family; the matcher tells them apart)
  kDomainName,    // domain-name:value (also DNS answers that are names: CNAME, MX, NS, PTR)
  kUrl,           // url:value (readers compose scheme://host[:port]/path?query when the log
                  // splits them)
  kFileHash,      // file:hashes.* (MD5, SHA-1, SHA-256, SHA-512 told apart by length)
  kEmailAddress,  // email-addr:value
  kUserAgent,     // network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'
  kJa3,           // JA3 client fingerprint (MD5 hex)
  kJa3s,          // JA3S server fingerprint (MD5 hex)
  kJa4,           // JA4 client fingerprint
  kX509Sha1,      // x509-certificate:hashes.'SHA-1' (colons in log values are dropped)
  kX509Sha256,    // x509-certificate:hashes.'SHA-256'
  kX509Serial,    // x509-certificate:serial_number
  kFileName,      // file:name
  kMacAddress,    // mac-addr:value
  kCount,         // number of kinds (not a kind)
};

// "ip", "domain", "url", "hash", "email", "user-agent", "ja3", "ja3s", "ja4", "x509-sha1",
// "x509-sha256", "x509-serial", "file-name", "mac" (the names CSV field maps use).
std::string_view ObservableName(Observable kind);
// The inverse of ObservableName; false when `name` names no kind.
bool ParseObservableName(std::string_view name, Observable& kind);

// One value found in an event.
struct FieldValue {
  std::string_view field;  // the log's name for it: "dest_ip", "dns.rrname", "id.resp_h", ...
  Observable kind;
  std::string_view value;  // as the log has it (not normalised)
};

// One log event, reused from line to line (clear() keeps capacity). The views point into the
// line being read or into `Scratch()` strings, valid until the next clear().
struct Event {
  std::string_view timestamp;  // as the log has it: EVE "2017-...+0000", Zeek epoch seconds
  std::vector<FieldValue> values;

  void clear() {
    timestamp = {};
    values.clear();
    scratch_used_ = 0;
  }
  void Add(std::string_view field, Observable kind, std::string_view value) {
    if (!value.empty()) values.push_back(FieldValue{field, kind, value});
  }
  // A string that stays put until clear(), for values a reader composes (URLs) or unescapes.
  std::string& Scratch() {
    if (scratch_used_ == scratch_.size()) scratch_.emplace_back();
    std::string& s = scratch_[scratch_used_++];
    s.clear();
    return s;
  }

 private:
  std::deque<std::string> scratch_;  // a deque: growing it never moves existing strings
  size_t scratch_used_ = 0;
};

}  // namespace kongsi::match
