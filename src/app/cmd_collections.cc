// `kongsi collections create TITLE [--id UUID]` and `kongsi collections list`.
#include <cstdio>

#include "app/commands.h"
#include "nlohmann/json.hpp"
#include "util/strings.h"
#include "util/uuid.h"

namespace kongsi::app {
namespace {

struct CollectionOptions {
  std::string title;
  std::string id;
  std::string description;
  std::string alias;
  bool json = false;
};

int RunCreate(const GlobalOptions& global, const CollectionOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  store::Collection c;
  c.id = options.id.empty() ? util::NewUuidV4() : options.id;
  c.title = options.title;
  c.description = options.description;
  c.alias = options.alias;
  c.created = util::SystemClock::Get().Now();
  if (absl::Status status = node->store->CreateCollection(c); !status.ok()) {
    PrintError(status);
    return kExitUnusable;
  }
  std::printf("%s\n", c.id.c_str());
  return kExitOk;
}

int RunList(const GlobalOptions& global, const CollectionOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto collections = node->store->ListCollections();
  if (!collections.ok()) {
    PrintError(collections.status());
    return kExitUnusable;
  }
  if (options.json) {
    nlohmann::ordered_json list = nlohmann::json::array();
    for (const auto& c : *collections) {
      list.push_back({{"id", c.id},
                      {"title", c.title},
                      {"description", c.description},
                      {"alias", c.alias},
                      {"created", util::FormatRfc3339(c.created, 3)}});
    }
    std::printf("%s\n", list.dump(2).c_str());
    return kExitOk;
  }
  for (const auto& c : *collections) {
    std::printf("%s  %s%s\n", c.id.c_str(), c.title.c_str(),
                c.alias.empty() ? "" : util::StrCat("  (", c.alias, ")").c_str());
  }
  return kExitOk;
}

}  // namespace

void AddCollectionsCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("collections", "create and list collections");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<CollectionOptions>();
  CLI::App* create = cmd->add_subcommand("create", "create a collection; prints its id");
  create->add_option("title", opts->title, "human-readable title")->required();
  create->add_option("--id", opts->id, "collection id (a UUID; default: a new random one)");
  create->add_option("--description", opts->description, "description");
  create->add_option("--alias", opts->alias, "short alias used in URLs");
  create->callback([&options, &exit_code, opts] { exit_code = RunCreate(options, *opts); });
  CLI::App* list = cmd->add_subcommand("list", "list collections");
  list->add_flag("--json", opts->json, "print as JSON");
  list->callback([&options, &exit_code, opts] { exit_code = RunList(options, *opts); });
}

}  // namespace kongsi::app
