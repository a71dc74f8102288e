// `kongsi audit [--object ID] [--principal NAME] [--since TIME] [--until TIME]
// [--format text|jsonl|csv]`: who received which object version, when, and through which path
// (export, TAXII objects, manifest, ...), from the audit log. TIME is an RFC 3339 time or a
// date (YYYY-MM-DD, its midnight UTC); `--since` is inclusive, `--until` exclusive. CSV follows
// RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, a quote or a
// line break. Exit 2 for a bad option (an unparsable time, a range that ends before it starts).
// `kongsi audit verify`: checks the audit log's hash chain; exit 1 when it was tampered with.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "app/commands.h"
#include "nlohmann/json.hpp"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct AuditOptions {
  std::string object_id;
  std::string principal;
  std::string since;
  std::string until;
  std::string format = "text";
};

// A time option: an RFC 3339 date-time, or a date (YYYY-MM-DD) meaning its midnight UTC.
// InvalidArgument naming the option and what is wrong.
absl::StatusOr<util::Timestamp> ParseTimeOption(std::string_view option, std::string_view text) {
  const bool is_date = text.size() == 10 && text[4] == '-' && text[7] == '-';
  auto parsed = util::ParseRfc3339(is_date ? util::StrCat(text, "T00:00:00Z") : std::string(text));
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(util::StrCat(
        option, ": \"", text,
        "\" is neither an RFC 3339 time (2024-05-01T08:00:00Z) nor a date (2024-05-01): ",
        parsed.status().message()));
  }
  return parsed->micros;
}

// One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a
// line break.
std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(value);
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
  store::AuditQuery query;
  query.object_id = options.object_id;
  query.principal = options.principal;
  // Sets `bound` from a time option when one was given; false (error printed) when bad.
  auto parse_bound = [](std::string_view option, const std::string& text,
                        std::optional<util::Timestamp>& bound) {
    if (text.empty()) return true;
    auto time = ParseTimeOption(option, text);
    if (!time.ok()) {
      PrintError(time.status());
      return false;
    }
    bound = *time;
    return true;
  };
  if (!parse_bound("--since", options.since, query.since) ||
      !parse_bound("--until", options.until, query.until)) {
    return kExitUnusable;
  }
  if (query.since && query.until && *query.since > *query.until) {
    PrintError(util::StrCat("--since ", options.since, " is after --until ", options.until));
    return kExitUnusable;
  }
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto records = node->store->ReadAudit(query);
  if (!records.ok()) {
    PrintError(records.status());
    return kExitUnusable;
  }
  if (options.format == "csv") {
    std::printf("time,principal,organisation,channel,object_id,version,redacted\r\n");
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
      std::printf("%s,%s,%s,%s,%s,%s,%s\r\n", CsvField(time).c_str(), CsvField(r.principal).c_str(),
                  CsvField(r.organisation).c_str(), CsvField(r.channel).c_str(),
                  CsvField(r.object_id).c_str(), CsvField(version).c_str(),
                  r.redacted ? "true" : "false");
    } else {
      std::printf("%s  %-20s %-20s %-16s %s %s%s\n", time.c_str(), r.principal.c_str(),
                  r.organisation.empty() ? "-" : r.organisation.c_str(), r.channel.c_str(),
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
  cmd->add_option("--object", opts->object_id, "only disclosures of this object id")
      ->type_name("ID");
  cmd->add_option("--principal", opts->principal,
                  "only disclosures to this principal (exact name, e.g. operator:alice or a "
                  "token name)")
      ->type_name("NAME");
  cmd->add_option("--since", opts->since,
                  "only disclosures at or after TIME: RFC 3339 (2024-05-01T08:00:00Z) or a date "
                  "(2024-05-01, midnight UTC)")
      ->type_name("TIME");
  cmd->add_option("--until", opts->until,
                  "only disclosures before TIME (exclusive): RFC 3339 or a date (midnight UTC)")
      ->type_name("TIME");
  cmd->add_option("--format", opts->format,
                  "text (default), jsonl or csv (RFC 4180, with a header row)");
  CLI::App* verify = cmd->add_subcommand(
      "verify", "check the audit log's hash chain; exit 1 if it was tampered with");
  verify->callback([&options, &exit_code] { exit_code = RunVerify(options); });
  cmd->callback([&options, &exit_code, opts, verify] {
    if (!verify->parsed()) exit_code = RunAudit(options, *opts);
  });
}

}  // namespace kongsi::app
