// libFuzzer target for the Zeek readers (match/zeek_tsv_reader.h, match/zeek_json_reader.h).
//
// Input: byte 0 chooses the reader: 0 TSV with a dns-like header read first (so that data
// lines reach the column mapping), 1 TSV as given (the input brings its own header lines),
// 2 and above JSON. The rest is cut into lines and read by one reader, with the checks of
// log_reader_fuzz.h (views inside the line or a scratch string, errors for malformed lines,
// clones carry the header and read alike).
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log_reader_fuzz.h"
#include "match/zeek_json_reader.h"
#include "match/zeek_tsv_reader.h"

namespace {

constexpr std::string_view kHeader =
    "#separator \\x09\n"
    "#set_separator\t,\n"
    "#empty_field\t(empty)\n"
    "#unset_field\t-\n"
    "#path\tmixed\n"
    "#fields\tts\tid.orig_h\tid.resp_h\tquery\tanswers\thost\turi\tuser_agent\tserver_name\t"
    "certificate.serial\tfingerprint\tsan.dns\tmd5\tfilename\ttx_hosts\tmailfrom\trcptto\tto\t"
    "path\n"
    "#types\ttime\taddr\taddr\tstring\tvector[string]\tstring\tstring\tstring\tstring\tstring\t"
    "string\tvector[string]\tstring\tstring\tset[addr]\tstring\tset[string]\tset[string]\t"
    "vector[addr]\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kongsi::match;
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::unique_ptr<LogReader> reader = selector >= 2 ? NewZeekJsonReader() : NewZeekTsvReader();
  Event event;
  if (selector == 0) {
    for (std::string_view line : fuzz::SplitLines(kHeader)) {
      if (fuzz::ReadAndCheck(*reader, line, event) != LineResult::kSkip) {
        fuzz::Fail("a header line is not skipped", line);
      }
    }
  }
  for (std::string_view line : fuzz::SplitLines(text)) fuzz::ReadAndCheck(*reader, line, event);
  return 0;
}
