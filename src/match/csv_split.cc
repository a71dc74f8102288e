// RFC 4180 field splitting. Quotes are only special at the start of a field (after spaces):
// an unquoted field with a quote inside is taken as it is, as most CSV writers and readers do.
#include "match/csv_split.h"

#include <cstring>

namespace kongsi::match {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool SplitCsvLine(std::string_view line, char delimiter, std::vector<CsvField>& fields,
                  std::string& error) {
  fields.clear();
  size_t pos = 0;
  const size_t n = line.size();
  while (true) {
    const size_t start = pos;
    size_t first = pos;
    while (first < n && IsBlank(line[first]) && line[first] != delimiter) ++first;
    CsvField field;
    if (first < n && line[first] == '"') {
      size_t i = first + 1;
      while (true) {
        const void* quote = std::memchr(line.data() + i, '"', n - i);
        if (quote == nullptr) {
          error = "unterminated quoted field starting at column " + std::to_string(first + 1);
          return false;
        }
        i = static_cast<size_t>(static_cast<const char*>(quote) - line.data());
        if (i + 1 < n && line[i + 1] == '"') {  // "" stands for one quote
          field.escaped_quotes = true;
          i += 2;
          continue;
        }
        break;
      }
      field.text = line.substr(first + 1, i - first - 1);
      size_t after = i + 1;
      while (after < n && IsBlank(line[after]) && line[after] != delimiter) ++after;
      if (after < n && line[after] != delimiter) {
        error =
            "unexpected character after the closing quote at column " + std::to_string(after + 1);
        return false;
      }
      pos = after;
    } else {
      const void* next = std::memchr(line.data() + pos, delimiter, n - pos);
      pos = next == nullptr ? n : static_cast<size_t>(static_cast<const char*>(next) - line.data());
      field.text = TrimBlanks(line.substr(start, pos - start));
    }
    field.raw = line.substr(start, pos - start);
    fields.push_back(field);
    if (pos >= n) return true;
    ++pos;  // the delimiter
  }
}

std::string_view CsvFieldValue(const CsvField& field, std::string& scratch) {
  if (!field.escaped_quotes) return field.text;
  scratch.clear();
  for (size_t i = 0; i < field.text.size(); ++i) {
    scratch.push_back(field.text[i]);
    if (field.text[i] == '"') ++i;  // the second quote of a pair
  }
  return scratch;
}

}  // namespace kongsi::match
