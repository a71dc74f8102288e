// `kongsi sync status` and `kongsi sync run --peer P`: what federation has done with each
// configured peer ([[peer]] in kongsi.toml; docs/federation.md), and one run with a peer now.
//
// `status` reads what the server's workers recorded in the store (last success and error,
// lag, cursors, objects in and out, versions waiting to be sent again); it works whether the
// server runs or not. `run` pulls and pushes on this process, through the same code and the
// same policy door as the server, and prints what each link did. Exit codes: 0 every link
// succeeded; 1 the peer sent invalid objects or refused some (they are listed); 2 a link
// failed, or the node or its configuration is unusable.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/commands.h"
#include "app/node_policy.h"
#include "app/progress.h"
#include "federation/federation.h"
#include "federation/sync_state.h"
#include "policy/disclosure.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct SyncOptions {
  std::string config_path;
  std::string peer;
  std::string format = "text";
  bool pull_only = false;
  bool push_only = false;
};

std::string TimeOrNever(const std::optional<util::Timestamp>& t) {
  return t ? util::FormatRfc3339(*t, 0) : "never";
}

std::string Ago(util::Timestamp now, const std::optional<util::Timestamp>& t) {
  if (!t) return "";
  const int64_t seconds = (now - *t) / 1'000'000;
  if (seconds < 120) return util::StrCat(" (", seconds, " s ago)");
  if (seconds < 7200) return util::StrCat(" (", seconds / 60, " min ago)");
  return util::StrCat(" (", seconds / 3600, " h ago)");
}

// The local collection id a link names (id or alias), or the name itself when unknown.
std::string LocalId(store::Store& store, const std::string& id_or_alias) {
  auto c = FindCollection(store, id_or_alias);
  return c.ok() ? c->id : id_or_alias;
}

std::string CursorOrNone(store::Store& store, const std::string& key) {
  auto cursor = federation::ReadCursor(store, key);
  if (!cursor.ok()) return util::StrCat("unreadable (", cursor.status().message(), ")");
  return *cursor ? util::FormatRfc3339(**cursor, 6) : "none yet";
}

// The node and its configuration, or an error printed.
bool OpenNodeAndConfig(const GlobalOptions& global, const SyncOptions& options,
                       std::optional<Node>& node, std::optional<ServeConfig>& config) {
  auto opened = OpenNode(global);
  if (!opened.ok()) {
    PrintError(opened.status());
    return false;
  }
  auto loaded = LoadConfigAt(ConfigPath(opened->data_dir, options.config_path));
  if (!loaded.ok()) {
    PrintError(loaded.status());
    return false;
  }
  node = *std::move(opened);
  config = *std::move(loaded);
  return true;
}

int RunStatus(const GlobalOptions& global, const SyncOptions& options) {
  std::optional<Node> node;
  std::optional<ServeConfig> config;
  if (!OpenNodeAndConfig(global, options, node, config)) return kExitUnusable;
  if (!options.peer.empty() && FindPeer(*config, options.peer) == nullptr) {
    PrintError(util::StrCat("no peer named ", options.peer, " in the configuration"));
    return kExitUnusable;
  }
  store::Store& store = *node->store;
  const util::Timestamp now = util::SystemClock::Get().Now();
  nlohmann::json peers_json = nlohmann::json::array();
  for (const federation::PeerSpec& peer : config->peers) {
    if (!options.peer.empty() && peer.name != options.peer) continue;
    auto status = federation::ReadPeerStatus(store, peer.name);
    if (!status.ok()) {
      PrintError(status.status());
      return kExitUnusable;
    }
    nlohmann::json j = {{"peer", peer.name},
                        {"url", peer.url},
                        {"organisation", peer.organisation},
                        {"runs", status->runs},
                        {"last_attempt", TimeOrNever(status->last_attempt)},
                        {"last_success", TimeOrNever(status->last_success)},
                        {"last_error", status->last_error},
                        {"last_error_at", TimeOrNever(status->last_error_at)},
                        {"objects_in", status->objects_in},
                        {"objects_out", status->objects_out},
                        {"rejected", status->rejected},
                        {"refused_by_peer", status->push_failures},
                        {"given_up", status->given_up},
                        {"recent_problems", status->recent_problems}};
    if (status->last_success) j["lag_seconds"] = (now - *status->last_success) / 1'000'000;
    nlohmann::json links = nlohmann::json::array();
    for (const federation::PullSpec& link : peer.pull) {
      const std::string local = LocalId(store, link.into);
      links.push_back({{"direction", "pull"},
                       {"remote", link.remote},
                       {"local", link.into},
                       {"cursor", CursorOrNone(store, federation::PullCursorKey(
                                                          peer.name, link.remote, local))}});
    }
    for (const federation::PushSpec& link : peer.push) {
      const std::string local = LocalId(store, link.local);
      auto retries =
          federation::ReadRetries(store, federation::PushRetryKey(peer.name, local, link.to));
      links.push_back(
          {{"direction", "push"},
           {"remote", link.to},
           {"local", link.local},
           {"cursor", CursorOrNone(store, federation::PushCursorKey(peer.name, local, link.to))},
           {"to_retry", retries.ok() ? retries->size() : 0}});
    }
    j["links"] = std::move(links);
    if (options.format == "json") {
      peers_json.push_back(std::move(j));
      continue;
    }
    std::printf("peer %s  %s  (organisation %s)\n", peer.name.c_str(),
                peer.url.empty() ? "(bundles only)" : peer.url.c_str(), peer.organisation.c_str());
    std::printf("  last success   %s%s\n", TimeOrNever(status->last_success).c_str(),
                Ago(now, status->last_success).c_str());
    std::printf("  last attempt   %s%s, %lld runs\n", TimeOrNever(status->last_attempt).c_str(),
                Ago(now, status->last_attempt).c_str(), static_cast<long long>(status->runs));
    if (!status->last_error.empty()) {
      std::printf("  last error     %s: %s\n", TimeOrNever(status->last_error_at).c_str(),
                  status->last_error.c_str());
    }
    std::printf(
        "  objects        %lld in, %lld out; %lld invalid received, %lld refused by the peer, "
        "%lld given up\n",
        static_cast<long long>(status->objects_in), static_cast<long long>(status->objects_out),
        static_cast<long long>(status->rejected), static_cast<long long>(status->push_failures),
        static_cast<long long>(status->given_up));
    for (const nlohmann::json& link : j["links"]) {
      std::printf("  %-4s %s %s %s  cursor %s", link["direction"].get<std::string>().c_str(),
                  link["direction"] == "pull" ? link["remote"].get<std::string>().c_str()
                                              : link["local"].get<std::string>().c_str(),
                  "->",
                  link["direction"] == "pull" ? link["local"].get<std::string>().c_str()
                                              : link["remote"].get<std::string>().c_str(),
                  link["cursor"].get<std::string>().c_str());
      if (link.contains("to_retry") && link["to_retry"].get<size_t>() > 0) {
        std::printf(", %zu to send again", link["to_retry"].get<size_t>());
      }
      std::printf("\n");
    }
    for (const std::string& problem : status->recent_problems) {
      std::printf("  problem        %s\n", problem.c_str());
    }
  }
  if (options.format == "json") {
    std::printf("%s\n",
                peers_json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else if (config->peers.empty()) {
    std::printf("no peers configured ([[peer]] in kongsi.toml)\n");
  }
  return kExitOk;
}

int RunOnce(const GlobalOptions& global, const SyncOptions& options) {
  std::optional<Node> node;
  std::optional<ServeConfig> config;
  if (!OpenNodeAndConfig(global, options, node, config)) return kExitUnusable;
  auto compiled = CompileNodePolicy(*node, *config);
  auto federation_options = compiled.ok()
                                ? FederationOptionsFor(*node, *config)
                                : absl::StatusOr<federation::FederationOptions>(compiled.status());
  if (!federation_options.ok()) {
    PrintError(federation_options.status());
    return kExitUnusable;
  }
  const util::Clock& clock = util::SystemClock::Get();
  Progress progress(!global.quiet && StderrIsTerminal(), 0);
  federation_options->on_pull_page = [&progress](const federation::PullOutcome& o) {
    progress.Update(o.received, o.bytes);
  };
  policy::Disclosure disclosure(*node->store, clock, *std::move(compiled));
  federation::Federation federation(*node->store, disclosure, clock,
                                    *std::move(federation_options));
  auto run = federation.RunOnce(options.peer, !options.push_only, !options.pull_only);
  progress.Finish();
  if (!run.ok()) {
    PrintError(run.status());
    return kExitUnusable;
  }
  bool findings = false;
  for (const auto& p : run->pulls) {
    std::printf(
        "pull %s -> %s: %lld pages, %lld objects: %lld new, %lld already here, "
        "%lld invalid, %lld conflicts%s%s\n",
        p.link.remote.c_str(), p.link.into.c_str(), static_cast<long long>(p.outcome.pages),
        static_cast<long long>(p.outcome.received), static_cast<long long>(p.outcome.stored),
        static_cast<long long>(p.outcome.unchanged), static_cast<long long>(p.outcome.rejected),
        static_cast<long long>(p.outcome.conflicts), p.status.ok() ? "" : ": FAILED: ",
        p.status.ok() ? "" : std::string(p.status.message()).c_str());
    findings = findings || p.outcome.rejected > 0 || p.outcome.conflicts > 0;
    for (const std::string& problem : p.outcome.problems) std::printf("  %s\n", problem.c_str());
  }
  for (const auto& p : run->pushes) {
    std::printf(
        "push %s -> %s: %lld sent in %lld requests, %lld accepted, %lld refused, "
        "%lld given up%s%s\n",
        p.link.local.c_str(), p.link.to.c_str(), static_cast<long long>(p.outcome.sent),
        static_cast<long long>(p.outcome.batches), static_cast<long long>(p.outcome.accepted),
        static_cast<long long>(p.outcome.failed), static_cast<long long>(p.outcome.given_up),
        p.status.ok() ? "" : ": FAILED: ",
        p.status.ok() ? "" : std::string(p.status.message()).c_str());
    findings = findings || p.outcome.failed > 0 || p.outcome.given_up > 0;
    for (const std::string& problem : p.outcome.problems) std::printf("  %s\n", problem.c_str());
  }
  if (!run->status.ok()) {
    PrintError(util::StrCat("sync with ", options.peer, " failed: ", run->status.message()));
    return kExitUnusable;
  }
  return findings ? kExitFindings : kExitOk;
}

}  // namespace

void AddSyncCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  CLI::App* sync = app.add_subcommand("sync", "federation with partner nodes ([[peer]])");
  sync->require_subcommand(1);
  auto opts = std::make_shared<SyncOptions>();

  CLI::App* status = sync->add_subcommand("status",
                                          "per peer: last success, lag, cursors, "
                                          "objects in and out, last error");
  status->add_option("--peer", opts->peer, "only this peer");
  status->add_option("--format", opts->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  status->add_option("--config", opts->config_path,
                     "configuration file (default: kongsi.toml in the data directory)");
  status->callback([&options, &exit_code, opts] { exit_code = RunStatus(options, *opts); });

  CLI::App* run = sync->add_subcommand("run", "pull from and push to one peer, now");
  run->add_option("--peer", opts->peer, "the peer ([[peer]] name)")->required();
  run->add_flag("--pull-only", opts->pull_only, "only pull");
  run->add_flag("--push-only", opts->push_only, "only push");
  run->add_option("--config", opts->config_path,
                  "configuration file (default: kongsi.toml in the data directory)");
  run->callback([&options, &exit_code, opts] { exit_code = RunOnce(options, *opts); });
}

}  // namespace kongsi::app
