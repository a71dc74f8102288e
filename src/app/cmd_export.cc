// `kongsi export`: writes stored objects as a STIX bundle or JSON lines. Objects leave the
// node through policy::Disclosure (DESIGN.md invariant 1) and every one is audited. With
// --for PRINCIPAL the export holds exactly what that principal may receive (the sharing
// policy of kongsi.toml, redaction included) and is audited as a disclosure to it.
#include <cstdio>

#include "app/commands.h"
#include "app/node_policy.h"
#include "app/progress.h"
#include "policy/disclosure.h"
#include "util/strings.h"
#include "util/uuid.h"

namespace kongsi::app {
namespace {

struct ExportOptions {
  std::string collection;
  std::vector<std::string> types;
  std::vector<std::string> ids;
  std::string since;
  std::string versions = "last";
  std::string format = "bundle";
  std::string output = "-";
  std::string for_principal;
  std::string config_path;
};

int RunExport(const GlobalOptions& global, const ExportOptions& options) {
  store::ObjectQuery query;
  query.collection_id = options.collection;
  query.types = options.types;
  query.ids = options.ids;
  if (!options.since.empty()) {
    auto since = util::ParseRfc3339(options.since);
    if (!since.ok()) {
      PrintError(util::StrCat("--since: ", since.status().message()));
      return kExitUnusable;
    }
    query.added_since = since->micros;
  }
  if (options.versions == "last") {
    query.versions = store::VersionSelect::kLast;
  } else if (options.versions == "first") {
    query.versions = store::VersionSelect::kFirst;
  } else {
    query.versions = store::VersionSelect::kAll;
  }
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  if (!options.collection.empty()) {
    auto c = FindCollection(*node->store, options.collection);
    if (!c.ok()) {
      PrintError(c.status());
      return kExitUnusable;
    }
    query.collection_id = c->id;
  }
  policy::Principal recipient = policy::LocalOperator(node->identity_id);
  // The operator receives everything whatever the policy says; the built-in one names the
  // node's organisation in the audit log.
  std::shared_ptr<const policy::Policy> sharing_policy = policy::Policy::BuiltIn(node->identity_id);
  if (!options.for_principal.empty()) {
    if (options.collection.empty()) {
      PrintError("--for needs --collection: principals receive objects through collections");
      return kExitUnusable;
    }
    auto config = LoadConfigAt(ConfigPath(node->data_dir, options.config_path));
    auto compiled = config.ok()
                        ? CompileNodePolicy(*node, *config)
                        : absl::StatusOr<std::shared_ptr<const policy::Policy>>(config.status());
    auto principal = compiled.ok() ? FindPrincipal(*node, *config, options.for_principal)
                                   : absl::StatusOr<policy::Principal>(compiled.status());
    if (!principal.ok()) {
      PrintError(principal.status());
      return kExitUnusable;
    }
    recipient = *std::move(principal);
    sharing_policy = *std::move(compiled);
  }
  std::FILE* out = stdout;
  if (options.output != "-") {
    out = std::fopen(options.output.c_str(), "wb");
    if (out == nullptr) {
      PrintError(util::StrCat(options.output, ": ", std::strerror(errno)));
      return kExitUnusable;
    }
  }
  const bool bundle = options.format == "bundle";
  if (bundle) {
    std::fprintf(out, "{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[",
                 util::NewUuidV4().c_str());
  }
  int64_t count = 0, bytes = 0;
  Progress progress(!global.quiet && StderrIsTerminal() && out != stdout, 0);
  policy::Disclosure door(*node->store, util::SystemClock::Get(), sharing_policy);
  absl::Status status = door.Disclose(recipient, "export", query,
                                      [&](std::string_view body, const store::StoredObject&) {
                                        if (bundle && count > 0) std::fputc(',', out);
                                        if (bundle) std::fputc('\n', out);
                                        std::fwrite(body.data(), 1, body.size(), out);
                                        if (!bundle) std::fputc('\n', out);
                                        ++count;
                                        bytes += static_cast<int64_t>(body.size());
                                        progress.Update(count, bytes);
                                        return true;
                                      })
                            .status();
  if (bundle) std::fprintf(out, "%s]}\n", count > 0 ? "\n" : "");
  progress.Finish();
  const bool write_failed = std::ferror(out) != 0 || std::fflush(out) != 0;
  if (out != stdout) std::fclose(out);
  if (!status.ok()) {
    PrintError(status);
    return kExitUnusable;
  }
  if (write_failed) {
    PrintError("writing the export failed");
    return kExitUnusable;
  }
  if (!global.quiet) {
    std::fprintf(stderr, "exported %lld objects (%s)\n", static_cast<long long>(count),
                 HumanBytes(bytes).c_str());
  }
  return kExitOk;
}

}  // namespace

void AddExportCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto opts = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "write stored objects as a bundle or JSON lines");
  cmd->add_option("--collection", opts->collection,
                  "only objects of this collection (id or alias)");
  cmd->add_option("--type", opts->types, "only objects of these types (repeatable)");
  cmd->add_option("--id", opts->ids, "only objects with these ids (repeatable)");
  cmd->add_option("--since", opts->since,
                  "only objects added at or after this RFC 3339 time (to the collection, or "
                  "to the node without --collection)");
  cmd->add_option("--versions", opts->versions, "which versions of each object: last, first, all")
      ->check(CLI::IsMember({"last", "first", "all"}));
  cmd->add_option("--format", opts->format, "bundle (one STIX bundle) or jsonl (one per line)")
      ->check(CLI::IsMember({"bundle", "jsonl"}));
  cmd->add_option("-o,--output", opts->output, "output file (default: standard output)");
  cmd->add_option("--for", opts->for_principal,
                  "export only what this principal (token or [[principal]] name) may receive, "
                  "redacted as it would be; needs --collection");
  cmd->add_option("--config", opts->config_path,
                  "configuration with the sharing policy (default: kongsi.toml in the data "
                  "directory, if present)");
  cmd->callback([&options, &exit_code, opts] { exit_code = RunExport(options, *opts); });
}

}  // namespace kongsi::app
