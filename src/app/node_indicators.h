// Indicators for matching and lookups: the node's stored indicators or those in STIX files,
// fed into a match::IndexBuilder.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "app/node.h"
#include "match/indicator_index.h"

namespace kongsi::app {

// The latest version of every indicator of the node, or of one collection (id or alias).
absl::Status LoadStoredIndicators(Node& node, const std::string& collection,
                                  match::IndexBuilder& builder);

// The indicators in STIX files (bundles, objects, arrays, JSON lines; gzip; folders).
absl::Status LoadIndicatorFiles(const std::vector<std::string>& paths,
                                match::IndexBuilder& builder);

}  // namespace kongsi::app
