// CSV lines mapped to observables by a field map. The first line decides the columns: the
// header names them, or (without a header) it sets how many there are and columns are named
// 1, 2, ... The field map is resolved to column indexes once, on that line.
#include "match/csv_reader.h"

#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "match/csv_split.h"

namespace kongsi::match {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);
constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool IsBlankLine(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

class CsvReader final : public LogReader {
 public:
  explicit CsvReader(const CsvOptions& options) : options_(options) {}

  LineResult Read(std::string_view line, Event& event) override;
  std::string_view Error() const override { return error_; }
  std::unique_ptr<LogReader> Clone() const override { return std::make_unique<CsvReader>(*this); }

 private:
  // Resolves the field map against the first line; false (and error_) when it names columns
  // that the line does not have.
  bool ResolveColumns();
  size_t ColumnIndex(std::string_view name) const;

  CsvOptions options_;
  bool started_ = false;
  size_t columns_ = 0;
  std::vector<std::string> names_;                 // header names (empty without a header)
  std::vector<std::pair<size_t, size_t>> mapped_;  // (column index, options_.fields index)
  size_t timestamp_column_ = kNone;
  std::vector<CsvField> fields_;
  std::string scratch_;
  std::string error_;
};

size_t CsvReader::ColumnIndex(std::string_view name) const {
  if (options_.header) {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return i;
    }
    return kNone;
  }
  size_t number = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (ec != std::errc() || end != name.data() + name.size() || number == 0 || number > columns_) {
    return kNone;
  }
  return number - 1;
}

bool CsvReader::ResolveColumns() {
  std::vector<std::string_view> missing;
  for (size_t i = 0; i < options_.fields.size(); ++i) {
    const size_t column = ColumnIndex(options_.fields[i].first);
    if (column == kNone) {
      missing.push_back(options_.fields[i].first);
    } else {
      mapped_.emplace_back(column, i);
    }
  }
  if (!options_.timestamp_field.empty()) {
    timestamp_column_ = ColumnIndex(options_.timestamp_field);
    if (timestamp_column_ == kNone) missing.push_back(options_.timestamp_field);
  }
  if (missing.empty()) return true;
  error_ = missing.size() == 1 ? "field map names column " : "field map names columns ";
  for (size_t i = 0; i < missing.size(); ++i) {
    if (i > 0) error_ += ", ";
    error_ += '\'';
    error_ += missing[i];
    error_ += '\'';
  }
  if (!options_.header) {
    error_ += ", without a header line columns are numbered 1 to " + std::to_string(columns_);
    return false;
  }
  error_ += ", the header has: ";
  for (size_t i = 0; i < names_.size() && i < 50; ++i) {
    if (i > 0) error_ += ", ";
    error_ += names_[i];
  }
  if (names_.size() > 50) error_ += ", ...";
  return false;
}

LineResult CsvReader::Read(std::string_view line, Event& event) {
  event.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!started_ && line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
  if (IsBlankLine(line)) return LineResult::kSkip;
  if (!SplitCsvLine(line, options_.delimiter, fields_, error_)) return LineResult::kMalformed;

  if (!started_) {
    started_ = true;
    columns_ = fields_.size();
    if (options_.header) {
      for (const CsvField& field : fields_) names_.emplace_back(CsvFieldValue(field, scratch_));
      return ResolveColumns() ? LineResult::kSkip : LineResult::kMalformed;
    }
    if (!ResolveColumns()) return LineResult::kMalformed;
  }

  if (fields_.size() != columns_) {
    error_ = std::to_string(fields_.size()) + (fields_.size() == 1 ? " field, " : " fields, ") +
             (options_.header ? "the header has " : "the first line has ") +
             std::to_string(columns_);
    return LineResult::kMalformed;
  }
  for (const auto& [column, entry] : mapped_) {
    const CsvField& field = fields_[column];
    const std::string_view value =
        field.escaped_quotes ? CsvFieldValue(field, event.Scratch()) : field.text;
    event.Add(options_.fields[entry].first, options_.fields[entry].second, value);
  }
  if (timestamp_column_ != kNone) {
    const CsvField& field = fields_[timestamp_column_];
    event.timestamp = field.escaped_quotes ? CsvFieldValue(field, event.Scratch()) : field.text;
  }
  return LineResult::kEvent;
}

}  // namespace

std::unique_ptr<LogReader> NewCsvReader(const CsvOptions& options) {
  return std::make_unique<CsvReader>(options);
}

}  // namespace kongsi::match
