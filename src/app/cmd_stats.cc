// `kongsi stats`: objects by type, by collection and by TLP.
#include <cstdio>

#include "app/commands.h"
#include "nlohmann/json.hpp"

namespace kongsi::app {
namespace {

int RunStats(const GlobalOptions& global, bool json) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto stats = node->store->GetStats();
  if (!stats.ok()) {
    PrintError(stats.status());
    return kExitUnusable;
  }
  auto collections = node->store->ListCollections();
  std::map<std::string, std::string> titles;
  if (collections.ok()) {
    for (const auto& c : *collections) titles[c.id] = c.title;
  }
  if (json) {
    auto counts = [](const std::vector<store::Stats::Count>& v) {
      nlohmann::ordered_json j = nlohmann::ordered_json::object();
      for (const auto& c : v) j[c.key] = {{"objects", c.objects}, {"versions", c.versions}};
      return j;
    };
    nlohmann::ordered_json j = {{"node", node->name},
                                {"objects", stats->objects},
                                {"versions", stats->versions},
                                {"by_type", counts(stats->by_type)},
                                {"by_collection", counts(stats->by_collection)},
                                {"by_tlp", counts(stats->by_tlp)}};
    std::printf("%s\n", j.dump(2).c_str());
    return kExitOk;
  }
  std::printf("node %s (%s): %lld objects, %lld versions\n", node->name.c_str(),
              node->data_dir.c_str(), static_cast<long long>(stats->objects),
              static_cast<long long>(stats->versions));
  auto table = [](const char* title, const std::vector<store::Stats::Count>& rows,
                  const std::map<std::string, std::string>* names) {
    std::printf("\n%s\n", title);
    if (rows.empty()) std::printf("  (none)\n");
    for (const auto& c : rows) {
      std::string label = c.key;
      if (names != nullptr) {
        auto it = names->find(c.key);
        if (it != names->end()) label += "  " + it->second;
      }
      std::printf("  %10lld objects %10lld versions  %s\n", static_cast<long long>(c.objects),
                  static_cast<long long>(c.versions), label.c_str());
    }
  };
  table("by type:", stats->by_type, nullptr);
  table("by collection:", stats->by_collection, &titles);
  table("by TLP (latest version):", stats->by_tlp, nullptr);
  return kExitOk;
}

}  // namespace

void AddStatsCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("stats", "objects by type, by collection, by TLP");
  cmd->add_flag("--json", *json, "print as JSON");
  cmd->callback([&options, &exit_code, json] { exit_code = RunStats(options, *json); });
}

}  // namespace kongsi::app
