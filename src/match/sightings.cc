// Aggregating hits into sightings and writing them as STIX (see sightings.h).
#include "match/sightings.h"

#include <algorithm>

#include "nlohmann/json.hpp"
#include "util/strings.h"
#include "util/uuid.h"

namespace kongsi::match {

void SightingAggregator::Add(const Hit& hit, util::Timestamp fallback) {
  const util::Timestamp at = hit.time.value_or(fallback);
  for (uint32_t indicator : hit.indicators) {
    auto [it, inserted] = by_indicator_.try_emplace(indicator);
    SightingSummary& s = it->second;
    if (inserted) {
      s.indicator = indicator;
      s.first_seen = s.last_seen = at;
    }
    ++s.count;
    s.first_seen = std::min(s.first_seen, at);
    s.last_seen = std::max(s.last_seen, at);
  }
}

std::vector<SightingSummary> SightingAggregator::Summaries() const {
  std::vector<SightingSummary> out;
  out.reserve(by_indicator_.size());
  for (const auto& [indicator, summary] : by_indicator_) out.push_back(summary);
  return out;
}

std::string SightingJson(const IndicatorRecord& indicator, const SightingSummary& summary,
                         std::string_view organisation) {
  const std::string first = util::FormatRfc3339(summary.first_seen, 6);
  const std::string last = util::FormatRfc3339(summary.last_seen, 6);
  const std::string id = util::StrCat(
      "sighting--", util::UuidV5(util::kStixScoNamespace,
                                 util::StrCat("kongsi-sighting|", organisation, "|", indicator.id,
                                              "|", first, "|", last, "|", summary.count)));
  nlohmann::ordered_json s;
  s["type"] = "sighting";
  s["spec_version"] = "2.1";
  s["id"] = id;
  s["created"] = last;
  s["modified"] = last;
  s["created_by_ref"] = organisation;
  s["sighting_of_ref"] = indicator.id;
  s["count"] = std::min<uint64_t>(summary.count, 999999999);  // the specification's maximum
  s["first_seen"] = first;
  s["last_seen"] = last;
  s["where_sighted_refs"] = nlohmann::json::array({organisation});
  const std::string_view marking = stix::Tlp2MarkingId(indicator.tlp);
  if (!marking.empty()) s["object_marking_refs"] = nlohmann::json::array({marking});
  return s.dump();
}

}  // namespace kongsi::match
