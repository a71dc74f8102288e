// libFuzzer target for the CSV reader (match/csv_reader.h) and the field map option
// (ParseFieldMap).
//
// Input: byte 0 chooses the options (bits 0-1: delimiter ',' ';' TAB '|'; bit 2: no header
// line); the first line is the field map ("src=ip,query=domain,ts=timestamp"), replaced by
// "a=ip,b=domain,1=url,2=hash,t=timestamp" when it does not parse (a failed parse must give
// InvalidArgument with a message); the other lines are the CSV file, read by one reader with
// the checks of log_reader_fuzz.h. DetectFormat with the field map runs on the file too.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "log_reader_fuzz.h"
#include "match/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kongsi::match;
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t nl = text.find('\n');
  const std::string_view map = text.substr(0, nl);
  text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);

  absl::StatusOr<CsvOptions> options = ParseFieldMap(map);
  if (!options.ok()) {
    if (options.status().code() != absl::StatusCode::kInvalidArgument ||
        options.status().message().empty()) {
      fuzz::Fail("a bad field map is not InvalidArgument with a message", map);
    }
    options = ParseFieldMap("a=ip,b=domain,1=url,2=hash,t=timestamp");
    if (!options.ok()) fuzz::Fail("the fallback field map does not parse", map);
  }
  constexpr char kDelimiters[] = {',', ';', '\t', '|'};
  options->delimiter = kDelimiters[selector & 3];
  options->header = (selector & 4) == 0;
  (void)DetectFormat(text, *options);

  std::unique_ptr<LogReader> reader = NewCsvReader(*options);
  Event event;
  for (std::string_view line : fuzz::SplitLines(text)) fuzz::ReadAndCheck(*reader, line, event);
  return 0;
}
