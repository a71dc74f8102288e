// `kongsi match`: matches logs (Suricata EVE, Zeek TSV / JSON, CSV, plain text; files,
// folders, gzip, stdin) against the node's indicators, or against indicators in STIX files,
// and writes one JSON line per matching value.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>

#include "app/commands.h"
#include "app/node_indicators.h"
#include "app/node_warninglists.h"
#include "app/progress.h"
#include "ingest/ingester.h"
#include "ingest/input.h"
#include "match/indicator_index.h"
#include "match/matcher.h"
#include "match/sightings.h"
#include "stix/reader.h"
#include "util/json_string.h"
#include "util/status.h"
#include "util/strings.h"
#include "util/uuid.h"

namespace kongsi::app {
namespace {

struct MatchCommandOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> indicator_files;
  std::string collection;
  std::string format = "auto";
  std::string field_map;
  size_t threads = 0;
  std::string output = "-";
  std::string output_format = "jsonl";
  bool subdomains = false;
  std::string validity = "event";
  bool sightings = false;  // write a bundle of sightings instead of hits
  bool submit = false;     // store the sightings in the node
  std::string into = "sightings";
  std::vector<std::string> warninglists;  // lists besides the node's
  bool no_warninglists = false;
};

void AppendHitJson(const std::string& file, const match::Hit& hit,
                   const match::IndicatorIndex& index, std::string& out) {
  out += "{\"file\":";
  util::AppendJsonString(file, out);
  out += ",\"line\":";
  out += std::to_string(hit.line);
  out += ",\"field\":";
  util::AppendJsonString(hit.field, out);
  out += ",\"kind\":";
  util::AppendJsonString(match::ObservableName(hit.kind), out);
  out += ",\"value\":";
  util::AppendJsonString(hit.value, out);
  out += ",\"timestamp\":";
  if (hit.time) {
    util::AppendJsonString(util::FormatRfc3339(*hit.time, 6), out);
  } else if (!hit.timestamp.empty()) {
    util::AppendJsonString(hit.timestamp, out);
  } else {
    out += "null";
  }
  out += ",\"indicators\":[";
  for (size_t i = 0; i < hit.indicators.size(); ++i) {
    const match::IndicatorRecord r = index.Record(hit.indicators[i]);
    if (i > 0) out += ',';
    out += "{\"id\":";
    util::AppendJsonString(r.id, out);
    out += ",\"name\":";
    util::AppendJsonString(r.name, out);
    out += ",\"tlp\":";
    util::AppendJsonString(stix::TlpName(r.tlp), out);
    out += '}';
  }
  out += "]}\n";
}

// Stores the sightings in collection `into` (created, titled "Sightings", when it does not
// exist yet), through the ingest pipeline (validated, one transaction).
absl::Status SubmitSightings(Node& node, const std::string& into, const std::string& bundle,
                             bool quiet) {
  auto collection = FindCollection(*node.store, into);
  if (!collection.ok() && collection.status().code() == absl::StatusCode::kNotFound) {
    store::Collection c;
    c.id = util::NewUuidV4();
    c.title = "Sightings";
    c.description = "Sightings of indicators in this node's logs (kongsi match --submit)";
    c.alias = into;
    c.created = util::SystemClock::Get().Now();
    KONGSI_RETURN_IF_ERROR(node.store->CreateCollection(c));
    collection = c;
  }
  if (!collection.ok()) return collection.status();
  ingest::IngestOptions options;
  options.collection_id = collection->id;
  options.atomic = true;
  ingest::Ingester ingester(*node.store, options);
  ingest::IngestReport report;
  store::Provenance provenance;
  provenance.kind = store::Provenance::Kind::kLocal;
  provenance.source = "kongsi match";
  KONGSI_RETURN_IF_ERROR(ingester.IngestDocument(bundle, provenance, report));
  KONGSI_RETURN_IF_ERROR(ingester.Finish(report));
  if (report.rejected > 0) {
    return absl::InternalError(
        util::StrCat("sightings rejected by validation: ",
                     report.problems.empty() ? std::string() : report.problems.front().message));
  }
  if (!quiet) {
    std::fprintf(stderr, "sightings: %lld stored in %s, %lld already there\n",
                 static_cast<long long>(report.accepted), into.c_str(),
                 static_cast<long long>(report.unchanged));
  }
  return absl::OkStatus();
}

int RunMatch(const GlobalOptions& global, const MatchCommandOptions& options) {
  match::MatchOptions match_options;
  if (!match::ParseLogFormat(options.format, match_options.format)) {
    PrintError(util::StrCat("unknown log format '", options.format,
                            "' (auto, eve, zeek, zeek-json, csv, plain)"));
    return kExitUnusable;
  }
  if (match_options.format == match::LogFormat::kCsv || !options.field_map.empty()) {
    auto csv = match::ParseFieldMap(options.field_map);
    if (!csv.ok()) {
      PrintError(util::StrCat("--field-map: ", csv.status().message()));
      return kExitUnusable;
    }
    if (match_options.format == match::LogFormat::kCsv && csv->fields.empty()) {
      PrintError("--format csv needs --field-map (e.g. src=ip,query=domain,ts=timestamp)");
      return kExitUnusable;
    }
    match_options.csv = *csv;
  }
  match_options.threads = options.threads;
  match_options.validity =
      options.validity == "now" ? match::Validity::kNow : match::Validity::kEventTime;
  match_options.now = util::SystemClock::Get().Now();

  const auto load_start = std::chrono::steady_clock::now();
  match::IndexOptions index_options;
  index_options.subdomains = options.subdomains;
  match::IndexBuilder builder(index_options);
  // The node: its indicators (unless --indicators), its organisation (for sightings).
  std::optional<Node> node;
  const bool need_node = options.indicator_files.empty() || options.sightings || options.submit;
  if (need_node) {
    auto opened = OpenNode(global);
    if (!opened.ok()) {
      PrintError(opened.status());
      return kExitUnusable;
    }
    node = std::move(*opened);
  }
  absl::Status loaded = options.indicator_files.empty()
                            ? LoadStoredIndicators(*node, options.collection, builder)
                            : LoadIndicatorFiles(options.indicator_files, builder);
  if (!loaded.ok()) {
    PrintError(loaded);
    return kExitUnusable;
  }
  const match::IndicatorIndex index = builder.Build();
  // Known-benign values (MISP warninglists): the node's and --warninglists; hits on values they
  // name are counted, not written.
  match::Warninglists warninglists;
  if (!options.no_warninglists) {
    std::vector<std::string> paths;
    const std::string node_lists = WarninglistsPath(node ? node->data_dir : ResolveDataDir(global));
    if (std::filesystem::is_directory(node_lists)) paths.push_back(node_lists);
    paths.insert(paths.end(), options.warninglists.begin(), options.warninglists.end());
    auto loaded = match::Warninglists::Load(paths);
    if (!loaded.ok()) {
      PrintError(util::StrCat("warninglists: ", loaded.status().message()));
      return kExitUnusable;
    }
    warninglists = std::move(*loaded);
    if (!warninglists.empty()) match_options.warninglists = &warninglists;
    if (!global.quiet && !warninglists.empty()) {
      std::fprintf(stderr, "warninglists: %zu lists (--no-warninglists to keep listed values)\n",
                   warninglists.lists().size());
    }
  }
  const double load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  const match::IndexStats& stats = index.stats();
  if (!global.quiet) {
    const double per_value =
        stats.exact_keys > 0 ? static_cast<double>(stats.key_bytes) / stats.exact_keys : 0.0;
    std::fprintf(stderr,
                 "indicators: %zu indexed, %zu values (index %s, %.1f bytes per value; records "
                 "%s), loaded in %.2f s (patterns compiled in %.2f s, tables built in %.2f s); "
                 "%zu need the general evaluator, %zu not STIX patterns, %zu invalid, %zu "
                 "revoked or expired\n",
                 stats.indicators, stats.exact_keys,
                 HumanBytes(static_cast<int64_t>(stats.key_bytes)).c_str(), per_value,
                 HumanBytes(static_cast<int64_t>(stats.record_bytes)).c_str(), load_seconds,
                 stats.compile_seconds, stats.build_seconds, stats.general, stats.not_stix,
                 stats.invalid, stats.revoked);
    if (global.verbose && !stats.first_invalid.empty()) {
      std::fprintf(stderr, "  first invalid: %s\n", stats.first_invalid.c_str());
    }
    if (global.verbose && !stats.first_general.empty()) {
      std::fprintf(stderr, "  first not indexed: %s\n", stats.first_general.c_str());
    }
  }

  std::vector<std::string> inputs = options.inputs;
  if (inputs.empty()) inputs.push_back("-");
  // Folders contribute their regular files, sorted, hidden ones skipped.
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (input != "-" && std::filesystem::is_directory(input, ec)) {
      std::vector<std::string> found;
      for (auto it = std::filesystem::recursive_directory_iterator(input, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file()) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(input);
    }
  }

  std::FILE* out = stdout;
  if (options.output != "-") {
    out = std::fopen(options.output.c_str(), "wb");
    if (out == nullptr) {
      PrintError(util::StrCat(options.output, ": ", std::strerror(errno)));
      return kExitUnusable;
    }
  }
  const bool write_hits = options.output_format == "jsonl" && !options.sightings;
  match::SightingAggregator sightings;
  int exit_code = kExitOk;
  uint64_t total_bytes = 0, total_lines = 0, total_hits = 0, total_malformed = 0;
  const auto match_start = std::chrono::steady_clock::now();
  std::string buffer;
  for (const std::string& file : files) {
    std::error_code ec;
    const auto size = file == "-" ? 0 : std::filesystem::file_size(file, ec);
    Progress progress(!global.quiet && StderrIsTerminal(), ec ? 0 : static_cast<int64_t>(size));
    const auto source_start = std::chrono::steady_clock::now();
    auto report = match::MatchSource(
        index, file, match_options,
        [&](const match::Hit& hit) {
          sightings.Add(hit, match_options.now);
          if (!write_hits) return;
          buffer.clear();
          AppendHitJson(file, hit, index, buffer);
          std::fwrite(buffer.data(), 1, buffer.size(), out);
        },
        [&](uint64_t bytes) { progress.Update(0, static_cast<int64_t>(bytes)); });
    progress.Finish();
    if (!report.ok()) {
      PrintError(report.status());
      exit_code = kExitUnusable;
      continue;
    }
    const double source_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - source_start).count();
    total_bytes += report->bytes;
    total_lines += report->lines;
    total_hits += report->hits;
    total_malformed += report->malformed;
    if (!global.quiet) {
      std::fprintf(
          stderr,
          "%s: %s, %" PRIu64 " lines, %" PRIu64 " events, %" PRIu64 " hits, %" PRIu64
          " malformed lines, %s in %.3f s (%.0f MB/s, %.2f M lines/s)\n",
          file == "-" ? "<stdin>" : file.c_str(),
          std::string(match::LogFormatName(report->format)).c_str(), report->lines, report->events,
          report->hits, report->malformed, HumanBytes(static_cast<int64_t>(report->bytes)).c_str(),
          source_seconds,
          source_seconds > 0 ? static_cast<double>(report->bytes) / 1e6 / source_seconds : 0.0,
          source_seconds > 0 ? static_cast<double>(report->lines) / 1e6 / source_seconds : 0.0);
      for (const auto& m : report->malformed_samples) {
        std::fprintf(stderr, "  %s:%" PRIu64 ": %s\n", file == "-" ? "<stdin>" : file.c_str(),
                     m.line, m.error.c_str());
      }
      if (report->outside_validity > 0) {
        std::fprintf(stderr,
                     "  %" PRIu64
                     " values matched only indicators not valid at the event's time "
                     "(--validity now to hunt with today's indicators)\n",
                     report->outside_validity);
      }
      if (report->suppressed > 0) {
        std::string lists;
        for (const auto& [list, n] : report->suppressed_by_list) {
          lists += util::StrCat(lists.empty() ? "" : ", ", list, ": ", n);
        }
        std::fprintf(stderr, "  %" PRIu64 " values suppressed by warninglists (%s)\n",
                     report->suppressed, lists.c_str());
      }
    }
  }
  std::string bundle;
  if (options.sightings || options.submit) {
    bundle =
        util::StrCat(R"({"type":"bundle","id":"bundle--)", util::NewUuidV4(), R"(","objects":[)");
    bool first = true;
    for (const auto& summary : sightings.Summaries()) {
      if (!first) bundle += ',';
      first = false;
      bundle += match::SightingJson(index.Record(summary.indicator), summary, node->identity_id);
    }
    bundle += "]}\n";
    if (options.sightings) std::fwrite(bundle.data(), 1, bundle.size(), out);
  }
  const bool write_failed = std::ferror(out) != 0 || std::fflush(out) != 0;
  if (out != stdout) std::fclose(out);
  if (write_failed) {
    PrintError("writing the matches failed");
    return kExitUnusable;
  }
  if (options.submit && !sightings.empty()) {
    if (absl::Status s = SubmitSightings(*node, options.into, bundle, global.quiet); !s.ok()) {
      PrintError(s);
      return kExitUnusable;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - match_start).count();
  if (!global.quiet && files.size() > 1) {
    std::fprintf(stderr,
                 "total: %zu sources, %" PRIu64 " lines, %s, %" PRIu64 " hits, %" PRIu64
                 " malformed lines, %.2f s\n",
                 files.size(), total_lines, HumanBytes(static_cast<int64_t>(total_bytes)).c_str(),
                 total_hits, total_malformed, seconds);
  }
  return exit_code;
}

}  // namespace

void AddMatchCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto opts = std::make_shared<MatchCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "match", "match logs (Suricata EVE, Zeek, CSV, plain text) against indicators");
  cmd->add_option("inputs", opts->inputs,
                  "log files or folders; gzip is recognised; '-' or nothing: standard input");
  cmd->add_option("--indicators", opts->indicator_files,
                  "STIX files to take indicators from instead of the node (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--collection", opts->collection,
                  "only the indicators of this collection (id or alias)");
  cmd->add_option("--format", opts->format, "log format: auto, eve, zeek, zeek-json, csv, plain");
  cmd->add_option("--field-map", opts->field_map,
                  "CSV columns to match, e.g. src=ip,query=domain,ts=timestamp");
  cmd->add_option("-j,--threads", opts->threads, "matching threads (default: one per core)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("-o,--output", opts->output, "write matches here (default: standard output)");
  cmd->add_option("--output-format", opts->output_format,
                  "jsonl (one line per matching value) or none (summary only)")
      ->check(CLI::IsMember({"jsonl", "none"}));
  cmd->add_flag("--subdomains", opts->subdomains,
                "a domain indicator also matches every name below it");
  cmd->add_option("--validity", opts->validity,
                  "event: indicators match events inside their valid_from / valid_until window "
                  "(default); now: indicators valid now match events of any time")
      ->check(CLI::IsMember({"event", "now"}));
  cmd->add_flag("--sightings", opts->sightings,
                "write a STIX bundle of sightings (one per indicator seen: count, first and "
                "last seen) instead of the matches");
  cmd->add_flag("--submit", opts->submit,
                "store the sightings in the node (collection --into), from where federation "
                "sends them to partners as the sharing policy allows");
  cmd->add_option("--into", opts->into,
                  "collection (id or alias) for --submit; created when the default "
                  "'sightings' does not exist yet");
  cmd->add_option("--warninglists", opts->warninglists,
                  "MISP warninglists (list.json files or folders) to use besides the node's "
                  "(repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--no-warninglists", opts->no_warninglists,
                "report values on warninglists too (they are suppressed by default)");
  cmd->callback([&options, &exit_code, opts] { exit_code = RunMatch(options, *opts); });
}

}  // namespace kongsi::app
