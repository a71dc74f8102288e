// Zeek TSV: header lines set the separators and columns, data lines are cut 16 bytes at a time and
// only the columns that yield values are looked at. Escapes ("\xHH", "\\" for a backslash)
// are decoded only in those columns, and only when the value holds a backslash.
#include "match/zeek_tsv_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "match/field_text.h"
#include "match/zeek_fields.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kongsi::match {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes Zeek's escapes into `out`; false on a broken one, with the escape in `bad`.
bool Unescape(std::string_view text, std::string& out, std::string_view& bad) {
  out.clear();
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
      continue;
    }
    if (i + 3 < text.size() && text[i + 1] == 'x' && HexValue(text[i + 2]) >= 0 &&
        HexValue(text[i + 3]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 2]) * 16 + HexValue(text[i + 3])));
      i += 3;
      continue;
    }
    bad = text.substr(i, std::min<size_t>(4, text.size() - i));
    return false;
  }
  return true;
}

// Cuts `line` at every `separator` into `cells`. Columns are short (a few bytes each), so
// instead of a memchr call per column, 16 bytes are compared at a time; the last block may
// read up to 15 bytes past the line, which the padding contract of log_reader.h allows.
void SplitCells(std::string_view line, char separator, std::vector<std::string_view>& cells) {
  cells.clear();
  const char* p = line.data();
  const size_t n = line.size();
  size_t start = 0;
#if defined(__SSE2__)
  const __m128i wanted = _mm_set1_epi8(separator);
  for (size_t block = 0; block < n; block += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + block));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, wanted)));
    if (n - block < 16) mask &= (1u << (n - block)) - 1;
    while (mask != 0) {
      const size_t at = block + static_cast<size_t>(__builtin_ctz(mask));
      cells.emplace_back(p + start, at - start);
      start = at + 1;
      mask &= mask - 1;
    }
  }
#else
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == separator) {
      cells.emplace_back(p + start, i - start);
      start = i + 1;
    }
  }
#endif
  cells.emplace_back(p + start, n - start);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

class ZeekTsvReader final : public LogReader {
 public:
  LineResult Read(std::string_view line, Event& event) override;
  std::string_view Error() const override { return error_; }
  std::unique_ptr<LogReader> Clone() const override {
    return std::make_unique<ZeekTsvReader>(*this);
  }

 private:
  struct Column {
    size_t index = 0;
    ZeekValue what = ZeekValue::kNone;
    bool container = false;
  };

  LineResult ReadHeader(std::string_view line);
  // Sets `value` from a header value written with escapes; false (error_) when it is broken.
  bool HeaderValue(std::string_view name, std::string_view text, std::string& value);
  void Compile();
  // The decoded text of `cell` (a view into the line, or a Scratch() string).
  bool Decode(std::string_view cell, size_t column, Event& event, std::string_view& out);
  bool AddCell(const Column& column, std::string_view cell, Event& event);
  bool Unset(std::string_view cell) const { return cell == unset_field_ || cell == empty_field_; }

  // Header state.
  char separator_ = '\t';
  char set_separator_ = ',';
  std::string empty_field_ = "(empty)";
  std::string unset_field_ = "-";
  bool have_fields_ = false;
  std::vector<std::string> names_;
  std::vector<std::string> types_;
  // Compiled from the header: the columns that yield values.
  std::vector<Column> columns_;
  size_t ts_column_ = kNone;
  size_t host_column_ = kNone;
  size_t uri_column_ = kNone;
  // Per line.
  std::vector<std::string_view> cells_;
  bool line_has_escapes_ = true;
  std::string error_;
};

LineResult ZeekTsvReader::Read(std::string_view line, Event& event) {
  event.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return LineResult::kSkip;
  if (line.front() == '#') return ReadHeader(line);
  if (line.front() == '\t' || line.front() == ' ') {
    // Some published logs have blanks before "#separator".
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) return LineResult::kSkip;
    if (StartsWith(line.substr(first), "#separator")) return ReadHeader(line.substr(first));
  }
  if (!have_fields_) {
    error_ = "data before the #fields header";
    return LineResult::kMalformed;
  }

  // One look for a backslash in the whole line spares one per cell in nearly every line.
  line_has_escapes_ = std::memchr(line.data(), '\\', line.size()) != nullptr;
  SplitCells(line, separator_, cells_);
  if (cells_.size() != names_.size()) {
    error_ = std::to_string(cells_.size()) + (cells_.size() == 1 ? " field" : " fields") +
             ", the header has " + std::to_string(names_.size());
    return LineResult::kMalformed;
  }

  for (const Column& column : columns_) {
    if (!AddCell(column, cells_[column.index], event)) return LineResult::kMalformed;
  }
  if (ts_column_ != kNone && !Unset(cells_[ts_column_])) event.timestamp = cells_[ts_column_];
  if (host_column_ != kNone && uri_column_ != kNone && !Unset(cells_[host_column_]) &&
      !Unset(cells_[uri_column_])) {
    std::string_view host;
    std::string_view uri;
    if (!Decode(cells_[host_column_], host_column_, event, host) ||
        !Decode(cells_[uri_column_], uri_column_, event, uri)) {
      return LineResult::kMalformed;
    }
    event.Add(names_[uri_column_], Observable::kUrl, ComposeHttpUrl(event, host, {}, uri));
  }
  return LineResult::kEvent;
}

bool ZeekTsvReader::Decode(std::string_view cell, size_t column, Event& event,
                           std::string_view& out) {
  if (!line_has_escapes_ || std::memchr(cell.data(), '\\', cell.size()) == nullptr) {
    out = cell;
    return true;
  }
  std::string& decoded = event.Scratch();
  std::string_view bad;
  if (!Unescape(cell, decoded, bad)) {
    error_ = "bad escape \"";
    error_.append(bad);
    error_ += "\" in column '" + names_[column] + "'";
    return false;
  }
  out = decoded;
  return true;
}

bool ZeekTsvReader::AddCell(const Column& column, std::string_view cell, Event& event) {
  if (Unset(cell)) return true;
  const std::string_view field = names_[column.index];
  if (!column.container) {
    std::string_view text;
    if (!Decode(cell, column.index, event, text)) return false;
    AddZeekValue(event, field, column.what, text);
    return true;
  }
  while (true) {
    const size_t sep = cell.find(set_separator_);
    const std::string_view element = cell.substr(0, sep);
    if (!element.empty() && element != unset_field_) {
      std::string_view text;
      if (!Decode(element, column.index, event, text)) return false;
      AddZeekValue(event, field, column.what, text);
    }
    if (sep == std::string_view::npos) return true;
    cell.remove_prefix(sep + 1);
  }
}

bool ZeekTsvReader::HeaderValue(std::string_view name, std::string_view text, std::string& value) {
  std::string_view bad;
  if (Unescape(text, value, bad)) return true;
  error_ = "bad escape \"";
  error_.append(bad);
  error_ += "\" in the ";
  error_.append(name);
  error_ += " header";
  return false;
}

LineResult ZeekTsvReader::ReadHeader(std::string_view line) {
  if (StartsWith(line, "#separator")) {
    // "#separator \x09": the only header line written with a space, as the separator is not
    // known yet.
    std::string_view text = line.substr(std::strlen("#separator"));
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    std::string value;
    if (!HeaderValue("#separator", text, value)) return LineResult::kMalformed;
    if (value.size() != 1) {
      error_ = "unsupported #separator \"" + std::string(text) + "\" (one character expected)";
      return LineResult::kMalformed;
    }
    separator_ = value[0];
    return LineResult::kSkip;
  }
  // "#name<sep>value<sep>value..."
  const size_t first_sep = line.find(separator_);
  const std::string_view name = line.substr(0, first_sep);
  const std::string_view rest =
      first_sep == std::string_view::npos ? std::string_view() : line.substr(first_sep + 1);
  auto split = [&](std::vector<std::string>& out) {
    out.clear();
    std::string_view r = rest;
    while (true) {
      const size_t sep = r.find(separator_);
      out.emplace_back(r.substr(0, sep));
      if (sep == std::string_view::npos) break;
      r.remove_prefix(sep + 1);
    }
  };
  if (name == "#set_separator") {
    std::string value;
    if (!HeaderValue(name, rest, value)) return LineResult::kMalformed;
    if (value.size() != 1) {
      error_ = "unsupported #set_separator \"" + std::string(rest) + "\" (one character expected)";
      return LineResult::kMalformed;
    }
    set_separator_ = value[0];
  } else if (name == "#empty_field") {
    if (!HeaderValue(name, rest, empty_field_)) return LineResult::kMalformed;
  } else if (name == "#unset_field") {
    if (!HeaderValue(name, rest, unset_field_)) return LineResult::kMalformed;
  } else if (name == "#fields") {
    split(names_);
    types_.clear();
    have_fields_ = true;
    Compile();
  } else if (name == "#types") {
    split(types_);
    Compile();
  }
  // #path, #open, #close and comment lines carry nothing for matching.
  return LineResult::kSkip;
}

void ZeekTsvReader::Compile() {
  columns_.clear();
  ts_column_ = host_column_ = uri_column_ = kNone;
  const bool typed = types_.size() == names_.size();
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i].empty()) continue;  // a value needs a field name
    ZeekField field = ZeekFieldByName(names_[i]);
    if (typed) {
      const std::string_view type = types_[i];
      field.container = StartsWith(type, "set[") || StartsWith(type, "vector[");
      if (type == "addr" || type == "set[addr]" || type == "vector[addr]") {
        if (field.value == ZeekValue::kNone) field.value = ZeekValue::kIp;
      }
    }
    switch (field.value) {
      case ZeekValue::kNone:
        break;
      case ZeekValue::kTimestamp:
        if (ts_column_ == kNone) ts_column_ = i;
        break;
      case ZeekValue::kUri:
        if (uri_column_ == kNone) uri_column_ = i;
        break;
      case ZeekValue::kHost:
        if (host_column_ == kNone) host_column_ = i;
        columns_.push_back({i, field.value, field.container});
        break;
      default:
        columns_.push_back({i, field.value, field.container});
        break;
    }
  }
}

}  // namespace

std::unique_ptr<LogReader> NewZeekTsvReader() { return std::make_unique<ZeekTsvReader>(); }

}  // namespace kongsi::match
