// `kongsi export`: writes stored objects as a STIX bundle or JSON lines. Objects leave the
// node through policy::Disclosure (DESIGN.md invariant 1) and every one is audited. With
// --for PRINCIPAL the export holds exactly what that principal may receive (the sharing
// policy of kongsi.toml, redaction included) and is audited as a disclosure to it.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "app/commands.h"
#include "app/disclosed_export.h"
#include "app/progress.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct ExportOptions {
  ExportSelection selection;
  std::string format = "bundle";
  std::string output = "-";
};

int RunExport(const GlobalOptions& global, const ExportOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto plan = PlanExport(*node, options.selection);
  if (!plan.ok()) {
    PrintError(plan.status());
    return kExitUnusable;
  }
  std::FILE* out = stdout;
  if (options.output != "-") {
    out = std::fopen(options.output.c_str(), "wb");
    if (out == nullptr) {
      PrintError(util::StrCat(options.output, ": ", std::strerror(errno)));
      return kExitUnusable;
    }
  }
  auto write = [out](std::string_view bytes) { std::fwrite(bytes.data(), 1, bytes.size(), out); };
  const bool bundle = options.format == "bundle";
  StixBundleWriter writer(write);
  if (bundle) writer.Begin();
  int64_t count = 0, bytes = 0;
  Progress progress(!global.quiet && StderrIsTerminal() && out != stdout, 0);
  auto disclosed = DiscloseObjects(*node, *plan, "export", [&](std::string_view body) {
    if (bundle) {
      writer.Add(body);
    } else {
      write(body);
      std::fputc('\n', out);
    }
    ++count;
    bytes += static_cast<int64_t>(body.size());
    progress.Update(count, bytes);
  });
  if (bundle) writer.End();
  progress.Finish();
  const bool write_failed = std::ferror(out) != 0 || std::fflush(out) != 0;
  if (out != stdout) std::fclose(out);
  if (!disclosed.ok()) {
    PrintError(disclosed.status());
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
  cmd->add_option("--collection", opts->selection.collection,
                  "only objects of this collection (id or alias)");
  cmd->add_option("--type", opts->selection.types, "only objects of these types (repeatable)");
  cmd->add_option("--id", opts->selection.ids, "only objects with these ids (repeatable)");
  cmd->add_option("--since", opts->selection.since,
                  "only objects added at or after this RFC 3339 time (to the collection, or "
                  "to the node without --collection)");
  cmd->add_option("--versions", opts->selection.versions,
                  "which versions of each object: last, first, all")
      ->check(CLI::IsMember({"last", "first", "all"}));
  cmd->add_option("--format", opts->format, "bundle (one STIX bundle) or jsonl (one per line)")
      ->check(CLI::IsMember({"bundle", "jsonl"}));
  cmd->add_option("-o,--output", opts->output, "output file (default: standard output)");
  cmd->add_option("--for", opts->selection.for_name,
                  "export only what this principal (token or [[principal]] name) may receive, "
                  "redacted as it would be; needs --collection");
  cmd->add_option("--config", opts->selection.config_path,
                  "configuration with the sharing policy (default: kongsi.toml in the data "
                  "directory, if present)");
  cmd->callback([&options, &exit_code, opts] { exit_code = RunExport(options, *opts); });
}

}  // namespace kongsi::app
