// libFuzzer target for the plain-text scanner (match/plain_reader.h): any bytes, cut into
// lines, with the checks of log_reader_fuzz.h, and for each value found the shape its kind
// promises: IP addresses are IP literals, domains are dotted names ending in 2-63 letters,
// hashes are 32, 40, 64 or 128 hex digits, URLs start with http://, https:// or ftp://,
// e-mail addresses have one '@' with a domain after it; a line is never malformed.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "log_reader_fuzz.h"
#include "match/field_text.h"
#include "match/plain_reader.h"

namespace {

using kongsi::match::Observable;
using kongsi::match::fuzz::Fail;

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

bool IsDomainShape(std::string_view s) {
  const size_t dot = s.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view last = s.substr(dot + 1);
  if (last.size() < 2 || last.size() > 63) return false;
  for (char c : last) {
    if (!IsLetter(c)) return false;
  }
  return s.find("..") == std::string_view::npos;
}

void CheckShape(const kongsi::match::FieldValue& v) {
  const std::string_view s = v.value;
  switch (v.kind) {
    case Observable::kIpAddress:
      if (!kongsi::match::IsIpText(s)) Fail("an IP address that is not one", s);
      break;
    case Observable::kDomainName:
      if (!IsDomainShape(s)) Fail("a domain name that is not one", s);
      break;
    case Observable::kFileHash:
      if (s.size() != 32 && s.size() != 40 && s.size() != 64 && s.size() != 128) {
        Fail("a hash of the wrong length", s);
      }
      for (char c : s) {
        if (!IsHex(c)) Fail("a hash with a non-hex digit", s);
      }
      break;
    case Observable::kUrl:
      if (!StartsWithNoCase(s, "http://") && !StartsWithNoCase(s, "https://") &&
          !StartsWithNoCase(s, "ftp://")) {
        Fail("a URL without a known scheme", s);
      }
      break;
    case Observable::kEmailAddress: {
      const size_t at = s.find('@');
      if (at == 0 || at == std::string_view::npos ||
          s.find('@', at + 1) != std::string_view::npos || !IsDomainShape(s.substr(at + 1))) {
        Fail("an e-mail address that is not one", s);
      }
      break;
    }
    default:
      Fail("a kind the scanner does not report", s);
  }
  if (v.field != "text") Fail("a field name other than \"text\"", v.field);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kongsi::match;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::unique_ptr<LogReader> reader = NewPlainReader();
  Event event;
  for (std::string_view line : fuzz::SplitLines(text)) {
    if (fuzz::ReadAndCheck(*reader, line, event, CheckShape) == LineResult::kMalformed) {
      Fail("a plain-text line is malformed", line);
    }
  }
  return 0;
}
