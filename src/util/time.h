// Time: RFC 3339 timestamps as STIX and TAXII use them, and an injectable clock.
//
// A `Timestamp` is microseconds since the Unix epoch (UTC). STIX allows any number of
// fractional digits; digits beyond microseconds are accepted and truncated (documented in
// docs/store.md). Thread-safe: all functions are pure; `SystemClock` is stateless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace kongsi::util {

// Microseconds since 1970-01-01T00:00:00Z.
using Timestamp = int64_t;

struct ParsedTimestamp {
  Timestamp micros = 0;
  int fraction_digits = 0;  // digits after the '.', 0 when there is no fraction
  bool utc_z = false;       // true when the string ends in 'Z' (STIX requires it)
};

// Parses an RFC 3339 date-time ("2016-05-12T08:17:27.000Z", offsets like "+01:00" too).
// Returns InvalidArgument naming what is wrong (month out of range, missing 'T', ...).
absl::StatusOr<ParsedTimestamp> ParseRfc3339(std::string_view text);

// Formats as "YYYY-MM-DDTHH:MM:SS.ffffffZ" with `fraction_digits` (0, 3 or 6) digits.
std::string FormatRfc3339(Timestamp t, int fraction_digits = 3);

// The source of "now". Inject a fake in tests so expiry and ordering logic runs without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// Wall-clock time from the system.
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
  static const SystemClock& Get();
};

}  // namespace kongsi::util
