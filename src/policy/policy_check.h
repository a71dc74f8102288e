// The lint behind `kongsi policy check` and Policy::Compile: unknown references,
// contradictions (a name declared twice, a community named like an organisation), rules that
// would withhold everything, and agreements that can never apply (expired, no recipients, only
// the node itself, AMBER+STRICT only through communities). Errors make a policy unusable;
// warnings are worth a look.
//
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "policy/policy.h"

namespace kongsi::policy {

// `now` unset: the time-dependent checks (expiry) are skipped.
std::vector<PolicyFinding> CheckSpec(const PolicySpec& spec, const NodeFacts& facts,
                                     std::optional<util::Timestamp> now);

}  // namespace kongsi::policy
