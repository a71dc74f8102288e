// A structural scanner for JSON: skips strings (honouring escapes) and balanced containers.
// Scalars are skipped up to the next delimiter; their syntax is checked by the real parser.
#include "stix/bundle_split.h"

#include <cstring>

// GCC 12 reports a false -Wrestrict on std::string::append at -O2 (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace kongsi::stix {
namespace {

// Nesting deeper than this is left to the real parser (which has its own limit).
constexpr int kMaxDepth = 1024;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view s, size_t pos) {
  while (pos < s.size() && IsSpace(s[pos])) ++pos;
  return pos;
}

// `pos` at the opening quote; returns the position after the closing quote, or npos.
size_t SkipString(std::string_view s, size_t pos) {
  ++pos;
  while (pos < s.size()) {
    const void* hit = std::memchr(s.data() + pos, '"', s.size() - pos);
    if (hit == nullptr) return std::string_view::npos;
    size_t quote = static_cast<const char*>(hit) - s.data();
    // The quote is escaped when preceded by an odd number of backslashes.
    size_t backslashes = 0;
    while (quote - backslashes > pos && s[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    pos = quote + 1;
  }
  return std::string_view::npos;
}

// Skips one value starting at `pos` (no leading space); returns the position after it or npos.
size_t SkipValue(std::string_view s, size_t pos) {
  if (pos >= s.size()) return std::string_view::npos;
  const char c = s[pos];
  if (c == '"') return SkipString(s, pos);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (pos < s.size()) {
      const char d = s[pos];
      if (d == '"') {
        pos = SkipString(s, pos);
        if (pos == std::string_view::npos) return pos;
        continue;
      }
      if (d == '{' || d == '[') {
        if (++depth > kMaxDepth) return std::string_view::npos;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) return pos + 1;
      }
      ++pos;
    }
    return std::string_view::npos;
  }
  while (pos < s.size() && !IsSpace(s[pos]) && s[pos] != ',' && s[pos] != '}' && s[pos] != ']') {
    ++pos;
  }
  return pos;
}

}  // namespace

bool SplitBundle(std::string_view s, BundleSplit& out) {
  out.envelope.clear();
  out.objects.clear();
  size_t pos = SkipSpace(s, 0);
  if (pos >= s.size() || s[pos] != '{') return false;
  pos = SkipSpace(s, pos + 1);
  out.envelope = "{";
  bool found_objects = false;
  bool first_member = true;
  if (pos < s.size() && s[pos] == '}') return false;  // {} has no objects array
  while (pos < s.size()) {
    if (s[pos] != '"') return false;
    const size_t key_end = SkipString(s, pos);
    if (key_end == std::string_view::npos) return false;
    const std::string_view key = s.substr(pos, key_end - pos);
    pos = SkipSpace(s, key_end);
    if (pos >= s.size() || s[pos] != ':') return false;
    pos = SkipSpace(s, pos + 1);
    if (key == "\"objects\"" && !found_objects && pos < s.size() && s[pos] == '[') {
      found_objects = true;
      pos = SkipSpace(s, pos + 1);
      if (pos < s.size() && s[pos] == ']') {
        pos = SkipSpace(s, pos + 1);
      } else {
        while (true) {
          const size_t end = SkipValue(s, pos);
          if (end == std::string_view::npos || end == pos) return false;
          out.objects.push_back(s.substr(pos, end - pos));
          pos = SkipSpace(s, end);
          if (pos >= s.size()) return false;
          if (s[pos] == ']') {
            pos = SkipSpace(s, pos + 1);
            break;
          }
          if (s[pos] != ',') return false;
          pos = SkipSpace(s, pos + 1);
        }
      }
    } else {
      const size_t end = SkipValue(s, pos);
      if (end == std::string_view::npos || end == pos) return false;
      if (!first_member) out.envelope.push_back(',');
      out.envelope.append(key.data(), key.size());
      out.envelope.push_back(':');
      out.envelope.append(s.data() + pos, end - pos);
      first_member = false;
      pos = SkipSpace(s, end);
    }
    if (pos >= s.size()) return false;
    if (s[pos] == '}') {
      pos = SkipSpace(s, pos + 1);
      break;
    }
    if (s[pos] != ',') return false;
    pos = SkipSpace(s, pos + 1);
  }
  out.envelope.push_back('}');
  return found_objects && pos == s.size();
}

}  // namespace kongsi::stix
