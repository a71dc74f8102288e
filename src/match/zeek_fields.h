// What Zeek's log columns mean, shared by the TSV and JSON readers: a column is mapped by its
// name, the same in every Zeek log (id.orig_h, query, answers, host, uri, server_name,
// certificate.serial, md5, mailfrom, ...; the table is in zeek_fields.cc and
// docs/matching.md). The TSV reader also takes every `addr` column as an IP address, the JSON
// reader every other member whose value is an IP address. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "match/event.h"

namespace kongsi::match {

enum class ZeekValue : uint8_t {
  kNone,
  kTimestamp,    // ts
  kIp,           // kIpAddress
  kDomain,       // kDomainName
  kHost,         // an HTTP Host value: kIpAddress or kDomainName (AddHost), and the URL's host
  kUri,          // the request target, composed with kHost into a URL
  kDnsAnswer,    // an address (kIpAddress) or a name (kDomainName); TXT and others skipped
  kUserAgent,    // kUserAgent
  kEmail,        // kEmailAddress, taken out of "Name <a@b>" forms
  kFileHash,     // kFileHash
  kFileName,     // kFileName
  kX509Serial,   // kX509Serial
  kFingerprint,  // kX509Sha1 or kX509Sha256 by length
  kJa3,          // kJa3
  kJa3s,         // kJa3s
  kJa4,          // kJa4
  kMac,          // kMacAddress
};

struct ZeekField {
  ZeekValue value = ZeekValue::kNone;
  bool container = false;  // a set or vector in Zeek's logs (used when #types is missing)
};

// The meaning of the column called `name`.
ZeekField ZeekFieldByName(std::string_view name);

// Adds one value of a column (one element of a set) to `event`. kTimestamp, kHost and kUri are
// the reader's business (they combine columns) and are not handled here.
void AddZeekValue(Event& event, std::string_view field, ZeekValue what, std::string_view text);

}  // namespace kongsi::match
