// Timestamps as logs write them: RFC 3339 with any fraction and a "Z", "+00:00" or "+0000"
// offset (Suricata EVE), or seconds since the Unix epoch with a fraction (Zeek).
#pragma once

#include <optional>
#include <string_view>

#include "util/time.h"

namespace kongsi::match {

std::optional<util::Timestamp> ParseEventTime(std::string_view text);

}  // namespace kongsi::match
