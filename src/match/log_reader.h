// Log readers: turn one line of a log into an Event (the observable values it holds).
//
// A reader is created per file (Zeek TSV takes its columns from the file's header lines) and
// copied for each matching thread with Clone() once the header has been read. Readers never
// fail a file: a line they cannot read is reported as malformed with a reason, and the next
// line is read as usual.
//
// Padding contract: every line passed to Read() lies in a buffer that has at least
// kLinePadding readable bytes after the line's end (simdjson reads ahead; the bytes'
// content does not matter).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "match/event.h"

namespace kongsi::match {

inline constexpr size_t kLinePadding = 64;

enum class LogFormat {
  kAuto,         // decided from the first lines (DetectFormat)
  kSuricataEve,  // Suricata EVE JSON, one event per line
  kZeekTsv,      // Zeek ASCII logs: #separator, #fields, ... header lines, TAB-separated
  kZeekJson,     // Zeek JSON logs, one record per line (LogAscii::use_json)
  kCsv,          // comma-separated with a header line and a field map (CsvOptions)
  kPlain,        // any text: addresses, domains, URLs, e-mail addresses, hashes found anywhere
};

// "eve", "zeek", "zeek-json", "csv", "plain" ("auto" for kAuto).
std::string_view LogFormatName(LogFormat format);
bool ParseLogFormat(std::string_view name, LogFormat& format);

// Decides the format from the first bytes of a file (up to 64 KiB, whole lines): a Zeek TSV
// header, JSON objects with EVE's "event_type" or Zeek's "ts"/"uid"/"id.orig_h", a CSV header
// line that the field map names (the overload below, which has the field map), otherwise plain
// text. Without a field map a CSV file is read as plain text.
LogFormat DetectFormat(std::string_view head);

enum class LineResult {
  kEvent,      // `event` holds the line's values (possibly none)
  kSkip,       // nothing to match: blank line, comment, header (headers still update state)
  kMalformed,  // not a line of this format; the reason is in Error()
};

class LogReader {
 public:
  virtual ~LogReader() = default;

  // Reads one line (without its line terminator; a trailing '\r' is tolerated).
  // `event` is cleared first.
  virtual LineResult Read(std::string_view line, Event& event) = 0;

  // Why the last line was malformed: "invalid JSON: ...", "12 fields, the header has 19".
  virtual std::string_view Error() const = 0;

  // A reader in the same state (header read), for another thread.
  virtual std::unique_ptr<LogReader> Clone() const = 0;
};

// How CSV columns map to observables: {"src", kIpAddress}, {"query", kDomainName}, ...
// Columns are named by the header line (or by 1-based number when `header` is false).
struct CsvOptions {
  char delimiter = ',';
  bool header = true;
  std::vector<std::pair<std::string, Observable>> fields;
  std::string timestamp_field;  // optional
};

// Parses "src=ip,query=domain,ts=timestamp" (the --field-map option): `timestamp` as a kind
// names the timestamp column. InvalidArgument naming the bad entry.
absl::StatusOr<CsvOptions> ParseFieldMap(std::string_view text);

// DetectFormat that also recognises CSV: the first line is a header naming every column of
// `csv` (or, when `csv.header` is false, has at least as many columns as the highest column
// number the map names). Same as DetectFormat(head) when `csv.fields` is empty.
LogFormat DetectFormat(std::string_view head, const CsvOptions& csv);

// A reader for `format` (not kAuto). CSV needs `csv`; the others ignore it.
std::unique_ptr<LogReader> MakeReader(LogFormat format, const CsvOptions& csv = {});

}  // namespace kongsi::match
