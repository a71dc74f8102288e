// `kongsi audit [--object ID] [--format text|jsonl|csv]`: who received which object version,
// when, and through which path (export, TAXII objects, manifest, ...), from the audit log.
// `kongsi audit verify`: checks the audit log's hash chain; exit 1 when it was tampered with.
#include <cstdio>

#include "app/commands.h"
#include "nlohmann/json.hpp"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct AuditOptions {
  std::string object_id;
  std::string format = "text";
};

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string VersionText(util::Timestamp version) {
  return version == store::kNoVersion ? "" : util::FormatRfc3339(version, 3);
}

int RunAudit(const GlobalOptions& global, const AuditOptions& options) {
  if (options.format != "text" && options.format != "jsonl" && options.format != "csv") {
    PrintError(util::StrCat("--format: \"", options.format, "\" is not text, jsonl or csv"));
    return kExitUnusable;
  }
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto records = node->store->ReadAudit(options.object_id);
  if (!records.ok()) {
    PrintError(records.status());
    return kExitUnusable;
  }
  if (options.format == "csv") {
    std::printf("time,principal,organisation,channel,object_id,version,redacted\n");
  }
  for (const store::AuditRecord& r : *records) {
    const std::string time = util::FormatRfc3339(r.time, 6);
    const std::string version = VersionText(r.version);
    if (options.format == "jsonl") {
      nlohmann::ordered_json line = {
          {"time", time},          {"principal", r.principal}, {"organisation", r.organisation},
          {"channel", r.channel},  {"object_id", r.object_id}, {"version", version},
          {"redacted", r.redacted}};
      std::printf("%s\n",
                  line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else if (options.format == "csv") {
      std::printf("%s,%s,%s,%s,%s,%s,%s\n", time.c_str(), CsvField(r.principal).c_str(),
                  CsvField(r.organisation).c_str(), CsvField(r.channel).c_str(),
                  CsvField(r.object_id).c_str(), version.c_str(), r.redacted ? "true" : "false");
    } else {
      std::printf("%s  %-20s %-16s %s %s%s\n", time.c_str(), r.principal.c_str(), r.channel.c_str(),
                  r.object_id.c_str(), version.c_str(), r.redacted ? " (redacted)" : "");
    }
  }
  return kExitOk;
}

int RunVerify(const GlobalOptions& global) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto v = node->store->VerifyAudit();
  if (!v.ok()) {
    PrintError(v.status());
    return kExitUnusable;
  }
  if (!v->intact) {
    std::printf("audit log TAMPERED: event %lld: %s (%lld events before it are intact)\n",
                static_cast<long long>(v->first_bad_event), v->problem.c_str(),
                static_cast<long long>(v->first_bad_event - 1));
    return kExitFindings;
  }
  std::printf("audit log intact: %lld events, %lld disclosures; last hash %s\n",
              static_cast<long long>(v->events), static_cast<long long>(v->disclosures),
              v->last_hash.empty() ? "-" : v->last_hash.c_str());
  return kExitOk;
}

}  // namespace

void AddAuditCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto opts = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand("audit", "show the disclosure audit log");
  cmd->add_option("--object", opts->object_id, "only disclosures of this object id");
  cmd->add_option("--format", opts->format, "text (default), jsonl or csv");
  CLI::App* verify = cmd->add_subcommand(
      "verify", "check the audit log's hash chain; exit 1 if it was tampered with");
  verify->callback([&options, &exit_code] { exit_code = RunVerify(options); });
  cmd->callback([&options, &exit_code, opts, verify] {
    if (!verify->parsed()) exit_code = RunAudit(options, *opts);
  });
}

}  // namespace kongsi::app
