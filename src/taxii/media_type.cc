// Media-range parsing after RFC 9110 section 12.5.1, reduced to what TAXII needs.
#include "taxii/media_type.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "util/strings.h"

namespace kongsi::taxii {
namespace {

struct MediaRange {
  std::string type;  // lower case "application/taxii+json"
  std::string version;
  bool has_version = false;
  double q = 1.0;
  bool malformed = false;
};

std::string Unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

MediaRange ParseRange(std::string_view text) {
  MediaRange range;
  bool first = true;
  for (absl::string_view part : absl::StrSplit(util::AsAbsl(text), ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (first) {
      range.type = absl::AsciiStrToLower(part);
      first = false;
      continue;
    }
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) {
      range.malformed = true;
      continue;
    }
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(part.substr(0, eq)));
    const std::string value = Unquote(util::AsStd(absl::StripAsciiWhitespace(part.substr(eq + 1))));
    if (name == "version") {
      range.version = value;
      range.has_version = true;
    } else if (name == "q") {
      if (!absl::SimpleAtod(value, &range.q)) range.malformed = true;
    }
  }
  return range;
}

bool IsTaxiiRange(const MediaRange& range) {
  return range.type == "application/taxii+json" && (!range.has_version || range.version == "2.1");
}

}  // namespace

bool AcceptsTaxii(std::string_view accept) {
  if (absl::StripAsciiWhitespace(util::AsAbsl(accept)).empty()) return true;
  for (absl::string_view item : absl::StrSplit(util::AsAbsl(accept), ',')) {
    const MediaRange range = ParseRange(util::AsStd(item));
    if (range.malformed || range.q <= 0) continue;
    if (range.type == "*/*" || range.type == "application/*" || IsTaxiiRange(range)) return true;
  }
  return false;
}

bool IsTaxiiContentType(std::string_view content_type) {
  const MediaRange range = ParseRange(content_type);
  return !range.malformed && IsTaxiiRange(range);
}

}  // namespace kongsi::taxii
