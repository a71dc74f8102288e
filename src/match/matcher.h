// The matcher: reads a log (file, gzip, stdin), cuts it into chunks of whole lines, matches
// the chunks on worker threads against an IndicatorIndex and hands hits back in line order.
//
// Pipeline per source: the calling thread reads (a regular file is mapped into memory, gzip
// and pipes are inflated / copied chunk by chunk), hands chunks to N workers through a bounded
// queue (memory stays at about 2 x N chunks), and emits each chunk's hits when every earlier
// chunk is done, so output is in input order whatever the thread count. Each worker has its
// own log reader; Zeek header lines met mid-file are applied to the chunks after them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "match/indicator_index.h"
#include "match/log_reader.h"
#include "match/warninglist.h"

namespace kongsi::match {

enum class Validity {
  kEventTime,  // an indicator matches events inside its valid_from / valid_until window
  kNow,        // an indicator valid now matches events of any time (hunting in old logs)
};

struct MatchOptions {
  size_t threads = 0;  // 0: one per core
  LogFormat format = LogFormat::kAuto;
  CsvOptions csv;
  Validity validity = Validity::kEventTime;
  util::Timestamp now = 0;        // for kNow, and for events without a readable time
  size_t chunk_bytes = 4u << 20;  // per chunk handed to a worker
  size_t malformed_samples = 20;  // malformed lines described per source
  // Values a list names are not reported as hits, only counted (nullptr: no lists).
  const Warninglists* warninglists = nullptr;
};

struct Hit {
  uint64_t line = 0;  // 1-based
  std::string field;
  Observable kind = Observable::kIpAddress;
  std::string value;
  std::string timestamp;                // as the log wrote it
  std::optional<util::Timestamp> time;  // parsed
  std::vector<uint32_t> indicators;     // sorted, distinct
};

struct MalformedLine {
  uint64_t line = 0;
  std::string error;
};

struct SourceReport {
  std::string name;  // as given ("-" for stdin)
  LogFormat format = LogFormat::kAuto;
  uint64_t bytes = 0;
  uint64_t lines = 0;
  uint64_t events = 0;
  uint64_t values = 0;             // values looked up
  uint64_t malformed = 0;          // lines the reader could not read
  uint64_t unreadable_values = 0;  // values that are not what their field says ("-" as an IP)
  uint64_t hits = 0;               // Hit records (field values that matched)
  uint64_t outside_validity = 0;   // hits dropped: no indicator valid at the event's time
  uint64_t suppressed = 0;         // hits dropped: a warninglist names the value
  // How many of `suppressed` each list named (by list name).
  std::map<std::string, uint64_t> suppressed_by_list;
  std::vector<MalformedLine> malformed_samples;  // the first ones, in line order
};

using HitCallback = std::function<void(const Hit&)>;
using ProgressCallback = std::function<void(uint64_t bytes_done)>;

// Matches one source: a path, or "-" for standard input. Gzip is recognised by content.
// Errors only when the source cannot be read at all (missing, unreadable, corrupt gzip: the
// report up to the corruption is lost, the error says where). `on_hit` is called on the
// calling thread, in line order.
absl::StatusOr<SourceReport> MatchSource(const IndicatorIndex& index, const std::string& path,
                                         const MatchOptions& options, const HitCallback& on_hit,
                                         const ProgressCallback& progress = {});

}  // namespace kongsi::match
