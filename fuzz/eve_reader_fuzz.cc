// libFuzzer target for the Suricata EVE reader (match/eve_reader.h): any bytes, cut into lines,
// read by one reader as a matcher thread does, with the checks of log_reader_fuzz.h (views
// inside the line or a scratch string, errors for malformed lines, clones read alike).
// DetectFormat runs on the whole input too.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log_reader_fuzz.h"
#include "match/eve_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kongsi::match;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)DetectFormat(text);
  std::unique_ptr<LogReader> reader = NewEveReader();
  Event event;
  for (std::string_view line : fuzz::SplitLines(text)) fuzz::ReadAndCheck(*reader, line, event);
  return 0;
}
