// Format names, format detection, the CSV field map option and the reader factory.
#include "match/log_reader.h"

#include <charconv>
#include <string>

#include "absl/status/status.h"
#include "match/csv_reader.h"
#include "match/csv_split.h"
#include "match/eve_reader.h"
#include "match/plain_reader.h"
#include "match/zeek_json_reader.h"
#include "match/zeek_tsv_reader.h"
#include "simdjson.h"

namespace kongsi::match {
namespace {

constexpr size_t kDetectBytes = 64 * 1024;
constexpr int kDetectJsonLines = 20;

struct FormatName {
  LogFormat format;
  std::string_view name;
};
constexpr FormatName kFormatNames[] = {
    {LogFormat::kAuto, "auto"},    {LogFormat::kSuricataEve, "eve"},
    {LogFormat::kZeekTsv, "zeek"}, {LogFormat::kZeekJson, "zeek-json"},
    {LogFormat::kCsv, "csv"},      {LogFormat::kPlain, "plain"},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The lines of `head`, without terminators; the last one only when `head` ends with one (a
// cut-off line says nothing reliable).
class HeadLines {
 public:
  explicit HeadLines(std::string_view head) : rest_(head.substr(0, kDetectBytes)) {
    if (StartsWith(rest_, "\xEF\xBB\xBF")) rest_.remove_prefix(3);
    complete_ = head.size() <= kDetectBytes;
  }
  bool Next(std::string_view& line) {
    const size_t nl = rest_.find('\n');
    if (nl == std::string_view::npos) {
      if (rest_.empty() || !complete_) return false;
      line = rest_;
      rest_ = {};
    } else {
      line = rest_.substr(0, nl);
      rest_.remove_prefix(nl + 1);
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return true;
  }

 private:
  std::string_view rest_;
  bool complete_ = true;
};

// EVE or Zeek JSON from the member names of the first JSON object lines.
LogFormat DetectJson(std::string_view head) {
  simdjson::dom::parser parser;
  HeadLines lines(head);
  std::string_view line;
  int seen = 0;
  bool zeek = false;
  while (seen < kDetectJsonLines && lines.Next(line)) {
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() != '{') break;
    ++seen;
    simdjson::dom::object object;
    if (parser.parse(line.data(), line.size()).get(object) != simdjson::SUCCESS) continue;
    for (auto member : object) {
      const std::string_view key = member.key;
      if (key == "event_type") return LogFormat::kSuricataEve;
      if (key == "ts" || key == "uid" || key == "id.orig_h" || key == "_path") zeek = true;
    }
    if (zeek) return LogFormat::kZeekJson;
  }
  return LogFormat::kPlain;
}

bool IsCsvHead(std::string_view first_line, const CsvOptions& csv) {
  std::vector<CsvField> fields;
  std::string error;
  if (!SplitCsvLine(first_line, csv.delimiter, fields, error) || fields.size() < 2) return false;
  auto has_column = [&](std::string_view name) {
    if (!csv.header) {
      size_t number = 0;
      const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
      return ec == std::errc() && end == name.data() + name.size() && number >= 1 &&
             number <= fields.size();
    }
    std::string scratch;
    for (const CsvField& field : fields) {
      if (CsvFieldValue(field, scratch) == name) return true;
    }
    return false;
  };
  for (const auto& [name, kind] : csv.fields) {
    if (!has_column(name)) return false;
  }
  return csv.timestamp_field.empty() || has_column(csv.timestamp_field);
}

}  // namespace

std::string_view LogFormatName(LogFormat format) {
  for (const FormatName& f : kFormatNames) {
    if (f.format == format) return f.name;
  }
  return "unknown";
}

bool ParseLogFormat(std::string_view name, LogFormat& format) {
  for (const FormatName& f : kFormatNames) {
    if (f.name == name) {
      format = f.format;
      return true;
    }
  }
  return false;
}

LogFormat DetectFormat(std::string_view head) { return DetectFormat(head, CsvOptions{}); }

LogFormat DetectFormat(std::string_view head, const CsvOptions& csv) {
  HeadLines lines(head);
  std::string_view line;
  std::string_view first;
  bool found = false;
  while (lines.Next(line)) {
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty()) continue;
    // Zeek TSV: "#separator" first (some published logs have blanks before it), or a
    // "#fields" line among the leading comment lines.
    if (StartsWith(trimmed, "#separator") || StartsWith(line, "#fields")) {
      return LogFormat::kZeekTsv;
    }
    if (trimmed.front() == '#') continue;
    first = line;
    found = true;
    break;
  }
  if (!found) return LogFormat::kPlain;
  if (Trim(first).front() == '{') return DetectJson(head);
  if (!csv.fields.empty() && IsCsvHead(first, csv)) return LogFormat::kCsv;
  return LogFormat::kPlain;
}

absl::StatusOr<CsvOptions> ParseFieldMap(std::string_view text) {
  CsvOptions options;
  if (Trim(text).empty()) return absl::InvalidArgumentError("the field map is empty");
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view entry = Trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    const std::string quoted = "field map entry \"" + std::string(entry) + "\": ";
    if (entry.empty()) return absl::InvalidArgumentError("field map has an empty entry");
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError(quoted + "expected column=kind");
    }
    const std::string_view column = Trim(entry.substr(0, eq));
    const std::string_view kind_name = Trim(entry.substr(eq + 1));
    if (column.empty()) return absl::InvalidArgumentError(quoted + "no column name");
    if (kind_name == "timestamp") {
      if (!options.timestamp_field.empty()) {
        return absl::InvalidArgumentError(quoted + "a second timestamp column (the first is \"" +
                                          options.timestamp_field + "\")");
      }
      options.timestamp_field = std::string(column);
      continue;
    }
    Observable kind;
    if (!ParseObservableName(kind_name, kind)) {
      std::string known;
      for (size_t i = 0; i < static_cast<size_t>(Observable::kCount); ++i) {
        known += std::string(ObservableName(static_cast<Observable>(i))) + ", ";
      }
      return absl::InvalidArgumentError(quoted + "unknown kind \"" + std::string(kind_name) +
                                        "\" (kinds: " + known + "timestamp)");
    }
    options.fields.emplace_back(std::string(column), kind);
  }
  return options;
}

std::unique_ptr<LogReader> MakeReader(LogFormat format, const CsvOptions& csv) {
  switch (format) {
    case LogFormat::kSuricataEve:
      return NewEveReader();
    case LogFormat::kZeekTsv:
      return NewZeekTsvReader();
    case LogFormat::kZeekJson:
      return NewZeekJsonReader();
    case LogFormat::kCsv:
      return NewCsvReader(csv);
    case LogFormat::kPlain:
      return NewPlainReader();
    case LogFormat::kAuto:
      break;
  }
  return nullptr;
}

}  // namespace kongsi::match
