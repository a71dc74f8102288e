// Loading indicators into an index builder (see node_indicators.h).
#include "app/node_indicators.h"

#include "ingest/input.h"
#include "stix/reader.h"
#include "util/strings.h"

namespace kongsi::app {

// Indicators from STIX files (bundles, objects, arrays, JSON lines; gzip).
absl::Status LoadIndicatorFiles(const std::vector<std::string>& paths,
                                match::IndexBuilder& builder) {
  auto sources = ingest::ExpandInputs(paths);
  if (!sources.ok()) return sources.status();
  stix::DocumentReader reader;
  for (const auto& source : *sources) {
    auto text = ingest::ReadSource(source);
    if (!text.ok()) return text.status();
    stix::ReadSummary summary;
    match::Indicator indicator;
    absl::Status read = reader.Read(
        *text,
        [&](const stix::InputObject& object) {
          simdjson::dom::object o;
          if (object.element.get(o) == simdjson::SUCCESS &&
              match::IndicatorFromJson(o, indicator)) {
            builder.Add(indicator);
          }
          return true;
        },
        summary);
    if (!read.ok()) {
      return absl::InvalidArgumentError(util::StrCat(source.DisplayName(), ": ", read.message()));
    }
  }
  return absl::OkStatus();
}

// The node's indicators: the latest version of each, in one collection or all.
absl::Status LoadStoredIndicators(Node& node, const std::string& collection,
                                  match::IndexBuilder& builder) {
  store::ObjectQuery query;
  query.types = {"indicator"};
  if (!collection.empty()) {
    auto found = FindCollection(*node.store, collection);
    if (!found.ok()) return found.status();
    query.collection_id = found->id;
  }
  simdjson::dom::parser parser;
  match::Indicator indicator;
  return node.store->Scan(query, [&](const store::StoredObject& stored) {
    if (match::IndicatorFromStored(stored, parser, indicator)) builder.Add(indicator);
    return true;
  });
}

}  // namespace kongsi::app
