// `kongsi lookup VALUE...`: which of the node's indicators cover these values (with the
// matcher's semantics: CIDR blocks, subdomains, URL and IDN normalisation) and which stored
// objects mention them (the value index: SCOs, observed-data, indicator patterns).
#include <cstdio>
#include <set>

#include "app/commands.h"
#include "app/node_indicators.h"
#include "match/indicator_index.h"
#include "match/observable_key.h"
#include "nlohmann/json.hpp"
#include "stix/observable.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct LookupOptions {
  std::vector<std::string> values;
  std::string collection;
  std::string format = "text";
  bool subdomains = false;
};

nlohmann::ordered_json LookupOne(const std::string& value, const match::IndicatorIndex& index,
                                 store::Store& store, absl::Status& error) {
  nlohmann::ordered_json result;
  result["value"] = value;
  result["indicators"] = nlohmann::json::array();
  result["objects"] = nlohmann::json::array();
  std::set<std::pair<uint32_t, match::Observable>> seen;
  std::string scratch;
  for (match::Observable kind : match::KindsOf(value)) {
    index.Lookup(kind, value, scratch, [&](uint32_t i) { seen.insert({i, kind}); });
  }
  std::set<uint32_t> listed;
  for (const auto& [i, kind] : seen) {
    if (!listed.insert(i).second) continue;
    const match::IndicatorRecord r = index.Record(i);
    result["indicators"].push_back({{"id", r.id},
                                    {"name", r.name},
                                    {"tlp", stix::TlpName(r.tlp)},
                                    {"as", match::ObservableName(kind)}});
  }
  std::set<std::pair<std::string, util::Timestamp>> objects;
  for (const std::string& form : stix::LookupForms(value)) {
    auto hits = store.LookupValue(form);
    if (!hits.ok()) {
      error = hits.status();
      return result;
    }
    for (const store::ValueHit& hit : *hits) {
      if (!objects.insert({hit.id, hit.version}).second) continue;
      result["objects"].push_back({{"id", hit.id},
                                   {"type", hit.type},
                                   {"version", util::FormatRfc3339(hit.version)},
                                   {"as", hit.kind}});
    }
  }
  return result;
}

int RunLookup(const GlobalOptions& global, const LookupOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  match::IndexOptions index_options;
  index_options.subdomains = options.subdomains;
  match::IndexBuilder builder(index_options);
  if (absl::Status s = LoadStoredIndicators(*node, options.collection, builder); !s.ok()) {
    PrintError(s);
    return kExitUnusable;
  }
  const match::IndicatorIndex index = builder.Build();
  bool any = false;
  for (const std::string& value : options.values) {
    absl::Status error;
    const nlohmann::ordered_json result = LookupOne(value, index, *node->store, error);
    if (!error.ok()) {
      PrintError(error);
      return kExitUnusable;
    }
    any = any || !result["indicators"].empty() || !result["objects"].empty();
    if (options.format == "json") {
      std::printf("%s\n", result.dump().c_str());
      continue;
    }
    std::printf("%s\n", value.c_str());
    if (result["indicators"].empty() && result["objects"].empty()) std::printf("  not known\n");
    for (const auto& i : result["indicators"]) {
      std::printf("  indicator %s  %s  (TLP:%s, as %s)\n", i["id"].get<std::string>().c_str(),
                  i["name"].get<std::string>().c_str(), i["tlp"].get<std::string>().c_str(),
                  i["as"].get<std::string>().c_str());
    }
    for (const auto& o : result["objects"]) {
      std::printf("  object    %s  version %s  (as %s)\n", o["id"].get<std::string>().c_str(),
                  o["version"].get<std::string>().c_str(), o["as"].get<std::string>().c_str());
    }
  }
  return any ? kExitOk : kExitFindings;
}

}  // namespace

void AddLookupCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto opts = std::make_shared<LookupOptions>();
  CLI::App* cmd = app.add_subcommand(
      "lookup", "which indicators and stored objects mention these values (exit 1: none)");
  cmd->add_option("values", opts->values, "IP addresses, domains, URLs, hashes, e-mail addresses")
      ->required();
  cmd->add_option("--collection", opts->collection, "only indicators of this collection");
  cmd->add_option("--format", opts->format, "text or json (one JSON object per value)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--subdomains", opts->subdomains,
                "a domain indicator also covers every name below it");
  cmd->callback([&options, &exit_code, opts] { exit_code = RunLookup(options, *opts); });
}

}  // namespace kongsi::app
