// Shared checks of the log reader fuzz targets (eve_reader_fuzz, zeek_reader_fuzz,
// csv_reader_fuzz, plain_reader_fuzz): the input is cut into lines, each line is copied into
// a buffer of exactly its size plus kLinePadding (the padding contract of match/log_reader.h,
// so that AddressSanitizer sees any read beyond it), read, and checked:
//  - a malformed line has a non-empty Error(); a skipped line has no values;
//  - every value and the timestamp are non-empty views that lie inside the line, or wholly
//    outside its buffer (an event's Scratch() string: copied here, in instrumented code, so
//    that ASan checks the memory is alive); field names are non-empty;
//  - a Clone() taken before the line reads it the same way (same result, same values), so
//    clones carry the reader's state (Zeek and CSV headers).
// A broken invariant aborts with a message, which libFuzzer reports as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match/log_reader.h"

namespace kongsi::match::fuzz {

[[noreturn]] inline void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "log reader fuzz: invariant broken: %s\n  %.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// A line's values as owned strings: (field, kind, value), and the timestamp last.
inline std::vector<std::string> Snapshot(LineResult result, const Event& event) {
  std::vector<std::string> out;
  out.push_back(std::to_string(static_cast<int>(result)));
  for (const FieldValue& v : event.values) {
    out.push_back(std::string(v.field) + "\x1f" + std::to_string(static_cast<int>(v.kind)) +
                  "\x1f" + std::string(v.value));
  }
  out.push_back(std::string(event.timestamp));
  return out;
}

inline void CheckView(std::string_view view, const char* begin, const char* buffer_end,
                      std::string_view line, const char* what) {
  if (view.empty()) Fail(what, "empty view");
  const char* b = view.data();
  const char* e = view.data() + view.size();
  const char* line_end = begin + line.size();
  if (b >= begin && e <= line_end) return;  // inside the line
  if (e <= begin || b >= buffer_end) {      // a scratch string: must be readable
    std::string copy(view);
    if (copy.size() != view.size()) Fail(what, "copy");
    return;
  }
  Fail(what, line);  // straddles the line's end or points into the padding
}

// Reads `line` with `reader` and checks the invariants above, and `check(value)` for each
// value while the line's buffer is alive; returns the result.
template <typename Check>
LineResult ReadAndCheck(LogReader& reader, std::string_view line, Event& event, Check&& check) {
  std::unique_ptr<char[]> buffer(new char[line.size() + kLinePadding]);
  if (!line.empty()) std::memcpy(buffer.get(), line.data(), line.size());
  std::memset(buffer.get() + line.size(), 'x', kLinePadding);
  const std::string_view padded(buffer.get(), line.size());
  const char* buffer_end = buffer.get() + line.size() + kLinePadding;

  std::unique_ptr<LogReader> twin = reader.Clone();
  if (twin == nullptr) Fail("Clone() returned null", line);
  const LineResult result = reader.Read(padded, event);
  if (result == LineResult::kMalformed && reader.Error().empty()) {
    Fail("malformed line without an error", line);
  }
  if (result == LineResult::kSkip && !event.values.empty()) Fail("skipped line has values", line);
  for (const FieldValue& v : event.values) {
    if (v.field.empty()) Fail("value without a field name", line);
    if (static_cast<size_t>(v.kind) >= static_cast<size_t>(Observable::kCount)) {
      Fail("value of no kind", line);
    }
    CheckView(v.value, buffer.get(), buffer_end, padded, "value view");
    check(v);
  }
  if (!event.timestamp.empty()) {
    CheckView(event.timestamp, buffer.get(), buffer_end, padded, "timestamp view");
  }
  const std::vector<std::string> first = Snapshot(result, event);
  Event twin_event;
  const LineResult twin_result = twin->Read(padded, twin_event);
  if (Snapshot(twin_result, twin_event) != first) Fail("a clone reads the line differently", line);
  return result;
}

inline LineResult ReadAndCheck(LogReader& reader, std::string_view line, Event& event) {
  return ReadAndCheck(reader, line, event, [](const FieldValue&) {});
}

}  // namespace kongsi::match::fuzz
