// How findings are shown: one line each for people, JSON objects for machines.
// Shared by `validate` and `ingest`.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "stix/finding.h"

namespace kongsi::app {

// "bundle.json:7: indicator--... /objects/3/valid_until: error [timestamp-order] message"
void PrintFinding(std::FILE* out, std::string_view source, const stix::Finding& finding);

nlohmann::ordered_json FindingToJson(const stix::Finding& finding);

// Counts of findings per rule, for a compact summary of (many) warnings.
void PrintRuleCounts(std::FILE* out, std::string_view label,
                     const std::map<std::string, int64_t>& counts);

}  // namespace kongsi::app
