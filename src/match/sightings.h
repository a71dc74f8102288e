// Sightings: hits aggregated per indicator (count, first and last time seen) and written as
// STIX 2.1 `sighting` objects by the node's organisation, for storing and for sending back to
// the indicator's producer (through the policy layer, like any other object).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "match/indicator_index.h"
#include "match/matcher.h"

namespace kongsi::match {

struct SightingSummary {
  uint32_t indicator = 0;
  uint64_t count = 0;
  util::Timestamp first_seen = 0;
  util::Timestamp last_seen = 0;
};

// Not thread-safe; fed from MatchSource's hit callback (which runs on one thread).
class SightingAggregator {
 public:
  // Counts the hit once for each of its indicators, at the event's time (`fallback` when the
  // event has none).
  void Add(const Hit& hit, util::Timestamp fallback);
  // In indicator order.
  std::vector<SightingSummary> Summaries() const;
  bool empty() const { return by_indicator_.empty(); }

 private:
  std::map<uint32_t, SightingSummary> by_indicator_;
};

// The STIX sighting for one summary, as minified JSON:
//   sighting_of_ref  the indicator;  count, first_seen, last_seen;
//   where_sighted_refs and created_by_ref  `organisation` (an identity id);
//   object_marking_refs  the indicator's TLP 2.0 marking (a sighting tells that the
//   indicator's values were seen here: it is shared no wider than the indicator);
//   id  a version 5 UUID of (organisation, indicator, first_seen, last_seen, count), and
//   created = modified = last_seen, so submitting the same logs twice stores nothing new.
std::string SightingJson(const IndicatorRecord& indicator, const SightingSummary& summary,
                         std::string_view organisation);

}  // namespace kongsi::match
