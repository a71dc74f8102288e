// The node's MISP warninglists (<data-dir>/warninglists/, filled by `kongsi warninglists
// import`): loading them for `match`, `ingest` and `warninglists`, and the ingest check that
// flags indicators whose patterns name a listed value.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ingest/ingester.h"
#include "match/warninglist.h"

namespace kongsi::app {

// The lists in the node's warninglists folder; none (empty) when it has no such folder.
// Errors as match::Warninglists::Load.
absl::StatusOr<match::Warninglists> LoadNodeWarninglists(const std::string& data_dir);

// An ingest check: for each indicator with a STIX pattern, one warning (rule "warninglist",
// pointer "/pattern") per value the pattern compares with = or IN that a list names:
// "198.51.100.1 is on the warninglist 'List of RFC 1918 CIDR blocks'". A CIDR block is judged
// by its first address. `lists` must outlive the ingester; it is only read.
ingest::Ingester::ObjectCheck WarninglistCheck(const match::Warninglists& lists);

}  // namespace kongsi::app
