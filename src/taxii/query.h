// TAXII 2.1 URL query parameters (section 3.4): added_after, limit, next and the match[...]
// filters, parsed and checked, ready to become a store query. Values may be
// percent-encoded and comma-separated; a filter given twice adds its values.
//
// Pure functions; thread-safe. Errors: InvalidArgument naming the parameter and saying what
// is wrong with its value ("limit: must be a positive integer, got \"0\"").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace kongsi::taxii {

// Which parameters an endpoint takes (a bit set).
enum ParamBits : uint32_t {
  kAddedAfter = 1u << 0,
  kLimit = 1u << 1,
  kNext = 1u << 2,
  kMatchId = 1u << 3,
  kMatchType = 1u << 4,
  kMatchVersion = 1u << 5,
  kMatchSpecVersion = 1u << 6,
};

struct Filters {
  std::optional<util::Timestamp> added_after;
  std::optional<size_t> limit;
  std::optional<util::Timestamp> next;  // date_added of the last object of the previous page
  std::vector<std::string> ids;
  std::vector<std::string> types;
  std::vector<std::string> spec_versions;
  // match[version]: selectors and exact timestamps; both empty when not given.
  std::vector<store::VersionSelect> version_selects;
  std::vector<util::Timestamp> exact_versions;
};

// Decodes %XX escapes; InvalidArgument for a bad escape.
absl::StatusOr<std::string> PercentDecode(std::string_view text);

// Parses `query` (the part after '?'). Parameters outside `allowed` that TAXII defines are
// refused; unknown ones are ignored, except match[...] filters this server does not
// support, which are refused so that a client never mistakes an unfiltered answer for a
// filtered one.
absl::StatusOr<Filters> ParseFilters(std::string_view query, uint32_t allowed);

// The opaque `next` value for a page whose last object was added at `date_added`.
std::string MakeNext(util::Timestamp date_added);

// Fills the store query's filters; `default_versions` applies when match[version] is absent
// (last for reads, all for delete). `limit` is the page size in force.
store::ObjectQuery ToObjectQuery(const Filters& filters, std::string collection_id,
                                 store::VersionSelect default_versions, size_t limit);

}  // namespace kongsi::taxii
