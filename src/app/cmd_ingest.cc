// `kongsi ingest INPUT...`: stores STIX objects from files, folders, gzip and stdin. Objects are
// accepted or rejected one by one; `--atomic` stores nothing unless everything is valid.
// `--origin ORG` records the organisation the input came from (a partner's feed) with every
// version stored, for origin binding in the sharing policy; without it they are the node's own.
// Exit 0 when everything was stored (or already present), 1 when anything was rejected or
// conflicted, 2 for usage or environment errors (no node, unknown collection, store failure).
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "app/commands.h"
#include "app/findings_output.h"
#include "app/node_warninglists.h"
#include "app/progress.h"
#include "ingest/ingester.h"
#include "ingest/input.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct IngestCliOptions {
  std::vector<std::string> inputs;
  std::string collection;
  std::string origin;  // organisation the input came from; empty: this node
  bool atomic = false;
  bool json = false;
};

int64_t TotalSize(const std::vector<ingest::InputSource>& sources) {
  int64_t total = 0;
  for (const auto& s : sources) {
    struct stat st;
    if (s.path == "-" || stat(s.path.c_str(), &st) != 0) return 0;
    total += st.st_size;
  }
  return total;
}

int RunIngest(const GlobalOptions& global, const IngestCliOptions& options) {
  auto sources = ingest::ExpandInputs(options.inputs);
  if (!sources.ok()) {
    PrintError(sources.status());
    return kExitUnusable;
  }
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  std::string collection_id;
  if (!options.collection.empty()) {
    auto c = FindCollection(*node->store, options.collection);
    if (!c.ok()) {
      PrintError(c.status());
      return kExitUnusable;
    }
    collection_id = c->id;
  }
  // Indicators that name values on the node's warninglists get a warning (never a rejection).
  auto warninglists = LoadNodeWarninglists(node->data_dir);
  if (!warninglists.ok()) {
    PrintError(util::StrCat("warninglists not checked: ", warninglists.status().message()));
    warninglists = match::Warninglists();
  }
  ingest::Ingester ingester(*node->store,
                            ingest::IngestOptions{collection_id, options.atomic, 10000});
  if (!warninglists->empty()) ingester.set_check(WarninglistCheck(*warninglists));
  ingest::IngestReport report;
  report.keep_warnings = global.verbose;
  Progress progress(!global.quiet && StderrIsTerminal(), TotalSize(*sources));
  int64_t bytes_before_document = 0;
  ingester.set_progress(
      [&](const ingest::IngestReport& r) { progress.Update(r.objects, bytes_before_document); });

  const auto start = std::chrono::steady_clock::now();
  // Problems are printed per input as it completes, so they name their file.
  size_t printed = 0;
  bool store_failed = false;
  auto print_new_problems = [&](const std::string& source) {
    for (; printed < report.problems.size(); ++printed) {
      if (!options.json && !global.quiet) PrintFinding(stdout, source, report.problems[printed]);
    }
  };
  std::vector<std::pair<std::string, std::string>> unreadable;
  for (const auto& source : *sources) {
    auto text = ingest::ReadSource(source);
    if (!text.ok()) {
      ++report.rejected;
      unreadable.emplace_back(source.DisplayName(), std::string(text.status().message()));
      if (!options.json) PrintError(text.status());
      continue;
    }
    const store::Provenance provenance{.kind = store::Provenance::Kind::kFile,
                                       .source = source.DisplayName(),
                                       .organisation = options.origin};
    absl::Status status = ingester.IngestDocument(*text, provenance, report);
    bytes_before_document += static_cast<int64_t>(text->size());
    progress.Update(report.objects, bytes_before_document);
    if (!status.ok()) {
      if (absl::IsInvalidArgument(status)) {
        unreadable.emplace_back(source.DisplayName(), std::string(status.message()));
        if (!options.json) PrintError(util::StrCat(source.DisplayName(), ": ", status.message()));
      } else {
        PrintError(util::StrCat(source.DisplayName(), ": store failed: ", status.message()));
        store_failed = true;
        break;
      }
    }
    print_new_problems(source.DisplayName());
  }
  if (!store_failed) {
    absl::Status status = ingester.Finish(report);
    if (!status.ok()) {
      PrintError(util::StrCat("store failed: ", status.message()));
      store_failed = true;
    }
    print_new_problems("");
  }
  progress.Finish();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool nothing_stored_atomic = options.atomic && report.rejected > 0;

  if (options.json) {
    nlohmann::ordered_json j = {{"accepted", report.accepted},
                                {"unchanged", report.unchanged},
                                {"conflicts", report.conflicts},
                                {"rejected", report.rejected},
                                {"upgraded_from_2_0", report.upgraded},
                                {"warnings", report.warnings},
                                {"objects", report.objects},
                                {"bytes", report.bytes},
                                {"seconds", seconds},
                                {"atomic_rolled_back", nothing_stored_atomic}};
    j["problems"] = nlohmann::json::array();
    for (const auto& [path, why] : unreadable) {
      j["problems"].push_back(
          {{"severity", "error"}, {"object", path}, {"rule", "unreadable"}, {"message", why}});
    }
    for (const auto& f : report.problems) j["problems"].push_back(FindingToJson(f));
    std::printf("%s\n", j.dump(2).c_str());
  } else if (!global.quiet) {
    std::printf(
        "%s%lld objects from %zu input%s (%s) in %.2f s, %.0f objects/s: accepted %lld, "
        "unchanged %lld, conflicts %lld, rejected %lld, upgraded from 2.0 %lld, warnings %lld\n",
        store_failed ? "FAILED after " : "", static_cast<long long>(report.objects),
        sources->size(), sources->size() == 1 ? "" : "s", HumanBytes(report.bytes).c_str(), seconds,
        seconds > 0 ? static_cast<double>(report.objects) / seconds : 0.0,
        static_cast<long long>(report.accepted), static_cast<long long>(report.unchanged),
        static_cast<long long>(report.conflicts), static_cast<long long>(report.rejected),
        static_cast<long long>(report.upgraded), static_cast<long long>(report.warnings));
    if (nothing_stored_atomic) {
      std::printf("--atomic: nothing was stored because %lld object%s rejected\n",
                  static_cast<long long>(report.rejected),
                  report.rejected == 1 ? " was" : "s were");
    }
  }
  if (store_failed) return kExitUnusable;
  return report.rejected > 0 || report.conflicts > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void AddIngestCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto opts = std::make_shared<IngestCliOptions>();
  CLI::App* cmd =
      app.add_subcommand("ingest", "store STIX objects from files, folders, gzip, stdin");
  cmd->add_option("inputs", opts->inputs, "files, folders (recursive), gzip, - for stdin")
      ->required();
  cmd->add_option("-c,--collection", opts->collection,
                  "add the objects to this collection (id or alias)");
  cmd->add_option("--origin", opts->origin,
                  "organisation the input came from (a partner's name or identity id), e.g. for "
                  "a partner's feed; default: this node")
      ->type_name("ORG");
  cmd->add_flag("--atomic", opts->atomic, "store nothing unless every object is valid");
  cmd->add_flag("--json", opts->json, "print the summary as JSON");
  cmd->callback([&options, &exit_code, opts] { exit_code = RunIngest(options, *opts); });
}

}  // namespace kongsi::app
