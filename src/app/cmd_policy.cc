// `kongsi policy`: the sharing policy from the operator's side.
//   check    lint the policy in kongsi.toml against this node (exit 1 on errors)
//   explain  the decision for one principal and one object, with every rule that led to it
//   reload   have the running `kongsi serve` put the policy in force (checked here first)
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "app/commands.h"
#include "app/node_policy.h"
#include "policy/disclosure.h"
#include "stix/validate.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct PolicyOptions {
  std::string config_path;
  std::string principal;
  std::string object_id;
  std::string collection;
  std::string versions = "last";
};

struct Loaded {
  Node node;
  ServeConfig config;
  std::string config_path;
};

absl::StatusOr<Loaded> Load(const GlobalOptions& global, const PolicyOptions& options) {
  Loaded loaded;
  loaded.config_path = ConfigPath(ResolveDataDir(global), options.config_path);
  KONGSI_ASSIGN_OR_RETURN(loaded.config, LoadConfigAt(loaded.config_path));
  KONGSI_ASSIGN_OR_RETURN(loaded.node, OpenNode(global));
  return loaded;
}

int RunCheck(const GlobalOptions& global, const PolicyOptions& options) {
  auto loaded = Load(global, options);
  if (!loaded.ok()) {
    PrintError(loaded.status());
    return kExitUnusable;
  }
  const policy::PolicySpec& spec = loaded->config.policy;
  if (!loaded->config.has_policy) {
    std::printf(
        "no sharing policy configured%s: the built-in policy applies (the node's own "
        "organisation receives everything up to TLP:AMBER+STRICT; others only TLP:CLEAR)\n",
        loaded->config_path.empty() ? "" : util::StrCat(" in ", loaded->config_path).c_str());
  }
  auto facts = GatherNodeFacts(loaded->node, loaded->config);
  if (!facts.ok()) {
    PrintError(facts.status());
    return kExitUnusable;
  }
  size_t errors = 0, warnings = 0;
  std::vector<policy::PolicyFinding> findings =
      policy::Policy::Check(spec, *facts, util::SystemClock::Get().Now());
  for (policy::PolicyFinding& f : CheckPeers(loaded->config, *facts)) {
    findings.push_back(std::move(f));
  }
  for (const policy::PolicyFinding& f : findings) {
    std::printf("%s\n", f.ToString().c_str());
    (f.severity == policy::PolicyFinding::Severity::kError ? errors : warnings)++;
  }
  std::printf(
      "%s: %zu organisations, %zu principals, %zu communities, %zu agreements, %zu peers; %zu "
      "error%s, %zu warning%s\n",
      spec.source.empty() ? "policy" : spec.source.c_str(), spec.organisations.size(),
      spec.principals.size(), spec.communities.size(), spec.agreements.size(),
      loaded->config.peers.size(), errors, errors == 1 ? "" : "s", warnings,
      warnings == 1 ? "" : "s");
  return errors > 0 ? kExitFindings : kExitOk;
}

int RunExplain(const GlobalOptions& global, const PolicyOptions& options) {
  auto loaded = Load(global, options);
  if (!loaded.ok()) {
    PrintError(loaded.status());
    return kExitUnusable;
  }
  auto compiled = CompileNodePolicy(loaded->node, loaded->config);
  if (!compiled.ok()) {
    PrintError(compiled.status());
    return kExitUnusable;
  }
  auto principal = FindPrincipal(loaded->node, loaded->config, options.principal);
  if (!principal.ok()) {
    PrintError(principal.status());
    return kExitUnusable;
  }
  auto collections = loaded->node.store->ListCollections();
  if (!collections.ok()) {
    PrintError(collections.status());
    return kExitUnusable;
  }
  const policy::Policy& policy = **compiled;
  const policy::Recipient recipient = policy.Resolve(*principal);
  std::printf(
      "principal %s: organisation %s%s%s\n", principal->name.c_str(),
      recipient.organisation.empty() ? "(none)" : recipient.organisation.c_str(),
      recipient.own_organisation ? " (this node's own)" : "",
      recipient.org < 0 && !recipient.own_organisation ? " (not declared in the policy)" : "");
  const stix::Validator validator;
  const util::Timestamp now = util::SystemClock::Get().Now();
  size_t versions_seen = 0;
  for (const store::Collection& c : *collections) {
    if (!options.collection.empty() && c.id != options.collection &&
        c.alias != options.collection) {
      continue;
    }
    store::ObjectQuery query;
    query.collection_id = c.id;
    query.ids = {options.object_id};
    query.versions = options.versions == "all"     ? store::VersionSelect::kAll
                     : options.versions == "first" ? store::VersionSelect::kFirst
                                                   : store::VersionSelect::kLast;
    std::vector<store::StoredObject> found;
    absl::Status status = loaded->node.store->Scan(query, [&](const store::StoredObject& o) {
      found.push_back(o);
      return true;
    });
    if (!status.ok()) {
      PrintError(status);
      return kExitUnusable;
    }
    const std::string collection_name =
        c.alias.empty() ? c.id : util::StrCat(c.alias, " (", c.id, ")");
    for (const store::StoredObject& o : found) {
      ++versions_seen;
      std::printf("\ncollection %s, version %s:\n", collection_name.c_str(),
                  o.record.version == store::kNoVersion
                      ? "(unversioned)"
                      : util::FormatRfc3339(o.record.version, 3).c_str());
      if (!principal->CanRead(c.id)) {
        std::printf("  - the principal may not read this collection\n  => WITHHELD\n");
        continue;
      }
      const policy::Grant grant = policy.GrantFor(recipient, c.id, now);
      std::vector<std::string> why;
      const policy::Verdict verdict = policy.Evaluate(recipient, grant, o.record, validator, &why);
      for (const std::string& step : why) std::printf("  - %s\n", step.c_str());
      if (!verdict.disclosed) {
        std::printf("  => WITHHELD (%s)\n",
                    std::string(policy::DenialName(verdict.denial)).c_str());
      } else {
        std::printf("  => DISCLOSED%s\n", verdict.redacted ? ", REDACTED" : " as stored");
      }
    }
  }
  if (versions_seen == 0) {
    PrintError(util::StrCat("object ", options.object_id, " is in no collection",
                            options.collection.empty() ? "" : " of that name"));
    return kExitFindings;
  }
  return kExitOk;
}

int RunReload(const GlobalOptions& global, const PolicyOptions& options) {
  // The server records its pid and the --config it was started with: check what it will read.
  const std::string pid_path = ServePidPath(ResolveDataDir(global));
  long pid = 0;
  std::string server_config;
  {
    std::ifstream in(pid_path);
    if (!(in >> pid) || pid <= 1) {
      PrintError(util::StrCat("no running kongsi serve for this data directory (", pid_path,
                              " is missing)"));
      return kExitUnusable;
    }
    in.ignore(1);
    std::getline(in, server_config);
  }
  if (!options.config_path.empty() &&
      std::filesystem::absolute(options.config_path).string() != server_config) {
    PrintError(
        util::StrCat("the server reads ",
                     server_config.empty() ? "the data directory's kongsi.toml" : server_config,
                     ", not ", options.config_path));
    return kExitUnusable;
  }
  PolicyOptions as_server = options;
  as_server.config_path = server_config;
  auto loaded = Load(global, as_server);
  if (!loaded.ok()) {
    PrintError(util::StrCat(loaded.status().message(), " (the server keeps the policy in force)"));
    return kExitFindings;
  }
  // Checked here first: a policy with errors is refused before the server sees it.
  if (auto compiled = CompileNodePolicy(loaded->node, loaded->config); !compiled.ok()) {
    PrintError(
        util::StrCat(compiled.status().message(), " (the server keeps the policy in force)"));
    return kExitFindings;
  }
  if (kill(static_cast<pid_t>(pid), SIGHUP) != 0) {
    PrintError(util::StrCat("cannot signal kongsi serve (pid ", pid, "): ", std::strerror(errno)));
    return kExitUnusable;
  }
  std::printf("policy checked; kongsi serve (pid %ld) reloads it now\n", pid);
  return kExitOk;
}

}  // namespace

void AddPolicyCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("policy", "check, explain and reload the sharing policy");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<PolicyOptions>();
  auto add_config = [&](CLI::App* sub) {
    sub->add_option("--config", opts->config_path,
                    "configuration file (default: kongsi.toml in the data directory, if present)");
  };
  CLI::App* check = cmd->add_subcommand(
      "check", "lint the policy: unknown references, contradictions, agreements that never apply");
  add_config(check);
  check->callback([&options, &exit_code, opts] { exit_code = RunCheck(options, *opts); });

  CLI::App* explain =
      cmd->add_subcommand("explain", "why a principal would or would not receive an object");
  add_config(explain);
  explain->add_option("--principal", opts->principal, "token or [[principal]] name")->required();
  explain->add_option("--object", opts->object_id, "object id")->required();
  explain->add_option("--collection", opts->collection, "only this collection (id or alias)");
  explain->add_option("--versions", opts->versions, "which versions: last, first, all")
      ->check(CLI::IsMember({"last", "first", "all"}));
  explain->callback([&options, &exit_code, opts] { exit_code = RunExplain(options, *opts); });

  CLI::App* reload = cmd->add_subcommand(
      "reload", "check the policy, then have the running server put it in force (SIGHUP)");
  add_config(reload);
  reload->callback([&options, &exit_code, opts] { exit_code = RunReload(options, *opts); });
}

}  // namespace kongsi::app
