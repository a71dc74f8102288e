// Splitting one CSV line into fields (RFC 4180): fields separated by a delimiter, a field that
// starts with '"' is quoted and may hold delimiters and "" (one quote). Used by the CSV reader
// and by DetectFormat to read header lines. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kongsi::match {

struct CsvField {
  std::string_view raw;         // between the delimiters, quotes and spaces included
  std::string_view text;        // the content: inside the quotes, or `raw` without spaces around
  bool escaped_quotes = false;  // `text` holds "" pairs that stand for one quote
};

// Splits `line` into `fields` (cleared first). False with a reason in `error` when a quoted
// field is not closed on the line or its closing quote is followed by something other than
// spaces and the delimiter ("unterminated quoted field starting at column 7").
bool SplitCsvLine(std::string_view line, char delimiter, std::vector<CsvField>& fields,
                  std::string& error);

// A field's value: `text` itself, or with "" turned into " (written to `scratch`).
std::string_view CsvFieldValue(const CsvField& field, std::string& scratch);

}  // namespace kongsi::match
