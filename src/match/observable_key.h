// The key under which a value of an observable kind is indexed and looked up. Indicator
// values and log values go through the same function, so they meet whatever their spelling.
// IP addresses are not keyed here: the index keeps them as integers (indicator_index.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "match/event.h"

namespace kongsi::match {

// Sets `key` (a view of `value` when it is already canonical, else of `scratch`). False when
// `value` is not a value of `kind`:
//   domain        NormaliseDomain (lower case, no trailing dot, IDN as A-labels)
//   url           NormaliseUrl (RFC 3986 normalisation)
//   hash, x509-*  the digest's raw bytes (hex in any case, colons allowed)
//   email         NormaliseEmail
//   ja3/ja3s/ja4  lower case
//   x509-serial   hex digits in lower case, colons and leading zeros dropped
//   mac           lower case, '-' as ':'
//   user-agent, file-name   as is
bool ObservableKey(Observable kind, std::string_view value, std::string& scratch,
                   std::string_view& key);

// The kinds a value typed by a user may be ("203.0.113.7" an IP address; a 32-digit hex
// string an MD5 or a JA3; any string a user agent or a file name), for lookups that are not
// told the kind.
std::vector<Observable> KindsOf(std::string_view value);

}  // namespace kongsi::match
