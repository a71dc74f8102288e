// Rule helpers shared by the type tables (spec_sdo.cc defines them; spec_sro.cc and
// spec_meta.cc use them). Internal to the stix module.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stix/spec.h"

namespace kongsi::stix::detail {

// The value of top-level string property `name`, or nullopt when absent or not a string.
std::optional<std::string_view> StringProperty(const RuleContext& ctx, std::string_view name);

// A rule: when both timestamps are present and well-formed, `later` must not be earlier than
// `earlier` (with `strictly_later`: must be later). Reported as `timestamp-order`.
Rule TimestampOrder(std::string earlier, std::string later, bool strictly_later, Severity severity);

}  // namespace kongsi::stix::detail
