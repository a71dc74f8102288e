// `kongsi token create|list|revoke`: API tokens for TAXII clients (partners, constituents'
// SIEMs, MISP or OpenCTI instances). `create` prints the token, once, alone on stdout, so a
// script can capture it; everything else goes to stderr.
#include <cstdio>

#include "app/commands.h"
#include "nlohmann/json.hpp"
#include "policy/tokens.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct TokenOptions {
  std::string name;
  std::string organisation;
  std::vector<std::string> read;
  std::vector<std::string> write;
  bool json = false;
};

// Collection ids, aliases or "*" to ids or "*". NotFound for an unknown collection.
absl::StatusOr<std::vector<std::string>> ResolveCollections(store::Store& store,
                                                            const std::vector<std::string>& names) {
  std::vector<std::string> out;
  if (names.empty()) return out;
  auto collections = store.ListCollections();
  if (!collections.ok()) return collections.status();
  for (const std::string& name : names) {
    if (name == policy::kAllCollections) {
      out.push_back(name);
      continue;
    }
    const store::Collection* found = nullptr;
    for (const store::Collection& c : *collections) {
      if (c.id == name || (!c.alias.empty() && c.alias == name)) found = &c;
    }
    if (found == nullptr) {
      return absl::NotFoundError(util::StrCat("no collection with id or alias \"", name,
                                              "\" (see kongsi collections list)"));
    }
    out.push_back(found->id);
  }
  return out;
}

int RunCreate(const GlobalOptions& global, const TokenOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto read = ResolveCollections(*node->store, options.read);
  auto write = ResolveCollections(*node->store, options.write);
  for (const auto* resolved : {&read, &write}) {
    if (!resolved->ok()) {
      PrintError(resolved->status());
      return kExitFindings;
    }
  }
  auto issued = policy::IssueToken(
      *node->store,
      {.name = options.name, .organisation = options.organisation, .read = *read, .write = *write},
      util::SystemClock::Get());
  if (!issued.ok()) {
    PrintError(issued.status());
    return kExitFindings;
  }
  std::printf("%s\n", issued->token.c_str());
  std::fflush(stdout);
  if (!global.quiet) {
    std::fprintf(stderr,
                 "kongsi: token %s created; it is shown only once: keep it safe (use it as "
                 "\"Authorization: Bearer TOKEN\", or as the password of HTTP Basic with user "
                 "%s)\n",
                 options.name.c_str(), options.name.c_str());
    if (read->empty() && write->empty()) {
      std::fprintf(stderr, "kongsi: note: it has no rights yet (use --read / --write)\n");
    }
  }
  return kExitOk;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out = util::StrCat(out, out.empty() ? "" : ",", item);
  return out.empty() ? "-" : out;
}

int RunList(const GlobalOptions& global, const TokenOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto tokens = node->store->ListTokens();
  if (!tokens.ok()) {
    PrintError(tokens.status());
    return kExitUnusable;
  }
  if (options.json) {
    nlohmann::ordered_json list = nlohmann::json::array();
    for (const store::TokenRecord& t : *tokens) {
      nlohmann::ordered_json item = {
          {"name", t.name}, {"key_id", t.key_id}, {"organisation", t.organisation},
          {"read", t.read}, {"write", t.write},   {"created", util::FormatRfc3339(t.created, 3)}};
      item["revoked"] =
          t.revoked ? nlohmann::ordered_json(util::FormatRfc3339(*t.revoked, 3)) : nullptr;
      list.push_back(std::move(item));
    }
    std::printf("%s\n", list.dump(2).c_str());
    return kExitOk;
  }
  for (const store::TokenRecord& t : *tokens) {
    std::printf(
        "%-24s %-8s org=%s read=%s write=%s created=%s%s\n", t.name.c_str(),
        t.revoked ? "revoked" : "live", t.organisation.empty() ? "-" : t.organisation.c_str(),
        Join(t.read).c_str(), Join(t.write).c_str(), util::FormatRfc3339(t.created, 0).c_str(),
        t.revoked ? util::StrCat(" revoked=", util::FormatRfc3339(*t.revoked, 0)).c_str() : "");
  }
  return kExitOk;
}

int RunRevoke(const GlobalOptions& global, const TokenOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  if (absl::Status status = node->store->RevokeToken(options.name); !status.ok()) {
    PrintError(status);
    return kExitFindings;
  }
  if (!global.quiet) {
    std::fprintf(stderr,
                 "kongsi: token %s revoked (effective at once, also for a running server)\n",
                 options.name.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddTokenCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("token", "create, list and revoke API tokens");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<TokenOptions>();
  CLI::App* create = cmd->add_subcommand("create", "create a token; prints it once");
  create->add_option("--name", opts->name, "token name (A-Z a-z 0-9 . _ -)")->required();
  create->add_option("--org", opts->organisation, "organisation of the token's holder");
  create->add_option("--read", opts->read, "collection (id, alias or *) it may read")
      ->expected(1, -1);
  create->add_option("--write", opts->write, "collection (id, alias or *) it may add to")
      ->expected(1, -1);
  create->callback([&options, &exit_code, opts] { exit_code = RunCreate(options, *opts); });
  CLI::App* list = cmd->add_subcommand("list", "list tokens (never their secrets)");
  list->add_flag("--json", opts->json, "print as JSON");
  list->callback([&options, &exit_code, opts] { exit_code = RunList(options, *opts); });
  CLI::App* revoke = cmd->add_subcommand("revoke", "revoke a token at once");
  revoke->add_option("name", opts->name, "token name")->required();
  revoke->callback([&options, &exit_code, opts] { exit_code = RunRevoke(options, *opts); });
}

}  // namespace kongsi::app
