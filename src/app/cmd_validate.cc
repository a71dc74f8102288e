// `kongsi validate FILE...`: a STIX 2.1 validation report. Exit 0 when every input is valid
// (warnings allowed), 1 when any object is invalid, 2 when an input is unusable (missing,
// unreadable, not JSON, not STIX). `--json` prints one JSON report for machines.
#include <cstdio>
#include <map>

#include "app/commands.h"
#include "app/findings_output.h"
#include "ingest/input.h"
#include "stix/reader.h"
#include "stix/validate.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct ValidateOptions {
  std::vector<std::string> inputs;
  bool json = false;
};

struct FileResult {
  std::string path;
  size_t objects = 0;
  size_t upgraded = 0;
  int64_t errors = 0;
  int64_t warnings = 0;
  std::string unusable;  // why the input could not be read at all
  std::vector<stix::Finding> findings;
};

FileResult ValidateOne(const ingest::InputSource& source, stix::DocumentReader& reader,
                       const stix::Validator& validator) {
  FileResult result;
  result.path = source.DisplayName();
  auto text = ingest::ReadSource(source);
  if (!text.ok()) {
    result.unusable = std::string(text.status().message());
    return result;
  }
  stix::ReadSummary summary;
  absl::Status status = reader.Read(
      *text,
      [&](const stix::InputObject& input) {
        const size_t before = result.findings.size();
        validator.ValidateObject(input.element, input.name, input.pointer, result.findings);
        for (size_t i = before; i < result.findings.size(); ++i) {
          result.findings[i].line = input.line;
        }
        return true;
      },
      summary);
  if (!status.ok()) {
    result.unusable = std::string(status.message());
    return result;
  }
  result.objects = summary.objects;
  result.upgraded = summary.upgraded;
  for (auto& f : summary.document_findings) result.findings.push_back(std::move(f));
  for (const auto& f : result.findings) {
    (f.severity == stix::Severity::kError ? result.errors : result.warnings)++;
  }
  return result;
}

int RunValidate(const GlobalOptions& global, const ValidateOptions& options) {
  auto sources = ingest::ExpandInputs(options.inputs);
  if (!sources.ok()) {
    PrintError(sources.status());
    return kExitUnusable;
  }
  stix::DocumentReader reader;
  stix::Validator validator;
  std::vector<FileResult> results;
  bool any_unusable = false, any_invalid = false;
  for (const auto& source : *sources) {
    results.push_back(ValidateOne(source, reader, validator));
    any_unusable |= !results.back().unusable.empty();
    any_invalid |= results.back().errors > 0;
  }
  const int code = any_unusable ? kExitUnusable : any_invalid ? kExitFindings : kExitOk;

  if (options.json) {
    nlohmann::ordered_json report = {{"valid", code == kExitOk},
                                     {"files", nlohmann::json::array()}};
    for (const auto& r : results) {
      nlohmann::ordered_json file = {
          {"path", r.path},       {"valid", r.unusable.empty() && r.errors == 0},
          {"objects", r.objects}, {"upgraded_from_2_0", r.upgraded},
          {"errors", r.errors},   {"warnings", r.warnings}};
      if (!r.unusable.empty()) file["unusable"] = r.unusable;
      file["findings"] = nlohmann::json::array();
      for (const auto& f : r.findings) file["findings"].push_back(FindingToJson(f));
      report["files"].push_back(std::move(file));
    }
    std::printf("%s\n", report.dump(2).c_str());
    return code;
  }

  for (const auto& r : results) {
    if (!r.unusable.empty()) {
      std::printf("%s: unusable: %s\n", r.path.c_str(), r.unusable.c_str());
      continue;
    }
    std::map<std::string, int64_t> warning_rules;
    for (const auto& f : r.findings) {
      if (f.severity == stix::Severity::kError || global.verbose) {
        PrintFinding(stdout, r.path, f);
      }
      if (f.severity == stix::Severity::kWarning) warning_rules[f.rule]++;
    }
    if (!global.quiet) {
      std::printf(
          "%s: %zu objects%s, %lld errors, %lld warnings: %s\n", r.path.c_str(), r.objects,
          r.upgraded ? util::StrCat(" (", r.upgraded, " upgraded from STIX 2.0)").c_str() : "",
          static_cast<long long>(r.errors), static_cast<long long>(r.warnings),
          r.errors == 0 ? "valid" : "INVALID");
      if (!global.verbose)
        PrintRuleCounts(stdout, "  warnings by rule (-v lists them):", warning_rules);
    }
  }
  return code;
}

}  // namespace

void AddValidateCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto opts = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "validate STIX 2.1 input; exit 0 valid, 1 invalid, 2 unusable input");
  cmd->add_option("inputs", opts->inputs, "files, folders (recursive), gzip, - for stdin")
      ->required();
  cmd->add_flag("--json", opts->json, "print the report as JSON");
  cmd->callback([&options, &exit_code, opts] { exit_code = RunValidate(options, *opts); });
}

}  // namespace kongsi::app
