// The plain-text scanner. Three passes over the line, each cheap when its trigger is absent:
//  1. URLs: every "://" preceded by http, https or ftp; the URL runs to whitespace, a quote,
//     '<' or '>' (trailing sentence punctuation dropped); its host is reported too, and the
//     rest of the URL is not scanned again (path words are not domains).
//  2. IPv6: every ':' outside a URL, widened to the run of hex digits, colons and dots around
//     it, which must stand alone (no letter or digit next to it) and be a valid address.
//  3. Words: runs of [A-Za-z0-9._-] outside those spans. A run followed by '@' is the local
//     part of an e-mail address (reported with the domain after the '@', which the next run
//     reports as a domain). Other runs give dotted quads ([0-9.] stretches not touching
//     letters or digits), domain names (a dot, a last label of 2-63 letters) and hex hashes
//     (maximal hex stretches of exactly 32, 40, 64 or 128 digits).
#include "match/plain_reader.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "match/field_text.h"

namespace kongsi::match {
namespace {

constexpr std::string_view kField = "text";

enum : uint8_t {
  kWord = 1,     // [A-Za-z0-9._-]
  kHex = 2,      // [0-9A-Fa-f]
  kDigit = 4,    // [0-9]
  kAlpha = 8,    // [A-Za-z]
  kLocal = 16,   // characters of an e-mail local part: [A-Za-z0-9._%+-]
  kUrlEnd = 32,  // ends a URL: control characters, space, quotes, '<', '>'
  kV6 = 64,      // [0-9A-Fa-f:.]
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    uint8_t v = 0;
    const bool digit = c >= '0' && c <= '9';
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool hex = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (digit || alpha || c == '.' || c == '-' || c == '_') v |= kWord;
    if (hex) v |= kHex | kV6;
    if (c == ':' || c == '.') v |= kV6;
    if (digit) v |= kDigit;
    if (alpha) v |= kAlpha;
    if (digit || alpha || c == '.' || c == '_' || c == '%' || c == '+' || c == '-') v |= kLocal;
    if (c <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`') {
      v |= kUrlEnd;
    }
    t[static_cast<size_t>(c)] = v;
  }
  return t;
}

constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

inline bool Is(char c, uint8_t cls) { return (kClasses[static_cast<uint8_t>(c)] & cls) != 0; }
inline bool IsAlnum(char c) { return Is(c, kDigit | kAlpha); }

bool EqualsNoCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// A domain name as the scanner accepts it: labels of [A-Za-z0-9_-] of 1-63 characters, at
// least two, at most 253 characters, the last label 2-63 letters.
bool IsDomainText(std::string_view s) {
  if (s.size() < 4 || s.size() > 253) return false;
  size_t label = 0;
  size_t dots = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      ++dots;
      continue;
    }
    if (!Is(c, kWord)) return false;
    if (++label > 63) return false;
  }
  if (dots == 0 || label < 2) return false;
  for (size_t i = s.size() - label; i < s.size(); ++i) {
    if (!Is(s[i], kAlpha)) return false;
  }
  return true;
}

struct Span {
  size_t begin;
  size_t end;
};

class PlainReader final : public LogReader {
 public:
  LineResult Read(std::string_view line, Event& event) override;
  std::string_view Error() const override { return {}; }
  std::unique_ptr<LogReader> Clone() const override { return std::make_unique<PlainReader>(); }

 private:
  void ScanUrls(std::string_view line, Event& event);
  void ScanIpv6(std::string_view line, Event& event);
  void ScanWords(std::string_view line, Event& event);
  void ScanWord(std::string_view line, size_t begin, size_t end, bool has_dot, Event& event);

  std::vector<Span> spans_;  // URLs and IPv6 addresses already reported
};

LineResult PlainReader::Read(std::string_view line, Event& event) {
  event.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return LineResult::kSkip;
  spans_.clear();
  ScanUrls(line, event);
  ScanIpv6(line, event);
  if (spans_.size() > 1) {
    std::sort(spans_.begin(), spans_.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
  }
  ScanWords(line, event);
  return LineResult::kEvent;
}

void PlainReader::ScanUrls(std::string_view line, Event& event) {
  const size_t n = line.size();
  size_t pos = 0;
  while ((pos = line.find("://", pos)) != std::string_view::npos) {
    size_t begin = pos;
    while (begin > 0 && Is(line[begin - 1], kAlpha)) --begin;
    const std::string_view scheme = line.substr(begin, pos - begin);
    const bool known = EqualsNoCase(scheme, "http") || EqualsNoCase(scheme, "https") ||
                       EqualsNoCase(scheme, "ftp");
    if (!known || (begin > 0 && IsAlnum(line[begin - 1]))) {
      pos += 3;
      continue;
    }
    size_t end = pos + 3;
    while (end < n && !Is(line[end], kUrlEnd)) ++end;
    const size_t rest = pos + 3;
    // Sentence punctuation after a URL is not part of it; ')' only when unbalanced.
    const bool has_open = line.substr(begin, end - begin).find('(') != std::string_view::npos;
    while (end > rest) {
      const char c = line[end - 1];
      if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' ||
          (c == ')' && !has_open)) {
        --end;
      } else {
        break;
      }
    }
    std::string_view authority = line.substr(rest, end - rest);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);
    }
    std::string_view host;
    bool bracketed = false;
    if (!authority.empty() && authority.front() == '[') {
      host = authority.substr(1, authority.find(']') - 1);
      bracketed = true;
    } else {
      host = authority.substr(0, authority.find(':'));
    }
    if (host.empty()) {
      pos = end > pos + 3 ? end : pos + 3;
      continue;
    }
    event.Add(kField, Observable::kUrl, line.substr(begin, end - begin));
    if (bracketed ? IsIpv6Text(host) : IsIpv4Text(host)) {
      event.Add(kField, Observable::kIpAddress, host);
    } else if (!bracketed && IsDomainText(host)) {
      event.Add(kField, Observable::kDomainName, host);
    }
    spans_.push_back({begin, end});
    pos = end;
  }
}

void PlainReader::ScanIpv6(std::string_view line, Event& event) {
  const size_t n = line.size();
  const size_t url_spans = spans_.size();
  size_t pos = 0;
  size_t next_url = 0;
  while ((pos = line.find(':', pos)) != std::string_view::npos) {
    while (next_url < url_spans && spans_[next_url].end <= pos) ++next_url;
    if (next_url < url_spans && spans_[next_url].begin <= pos) {
      pos = spans_[next_url].end;
      continue;
    }
    // Not back into the URL before (its trailing punctuation was left out of it).
    const size_t floor = next_url > 0 ? spans_[next_url - 1].end : 0;
    size_t begin = pos;
    while (begin > floor && Is(line[begin - 1], kV6)) --begin;
    size_t end = pos;
    while (end < n && Is(line[end], kV6)) ++end;
    const size_t after = end;
    while (end > begin && line[end - 1] == '.') --end;  // a full stop after the address
    const bool alone = (begin == 0 || !(IsAlnum(line[begin - 1]) || line[begin - 1] == '_')) &&
                       (after == n || !(IsAlnum(line[after]) || line[after] == '_'));
    const std::string_view candidate = line.substr(begin, end - begin);
    if (alone && std::count(candidate.begin(), candidate.end(), ':') >= 2 &&
        candidate.find_first_of("0123456789abcdefABCDEF") != std::string_view::npos &&
        IsIpv6Text(candidate)) {
      event.Add(kField, Observable::kIpAddress, candidate);
      spans_.push_back({begin, end});
    }
    pos = after;
  }
}

void PlainReader::ScanWords(std::string_view line, Event& event) {
  const size_t n = line.size();
  size_t next_span = 0;
  size_t local_end = 0;   // the end of the last stretch of local-part characters looked at
  bool local_at = false;  // whether an '@' follows it
  size_t i = 0;
  while (i < n) {
    if (!Is(line[i], kWord)) {
      ++i;
      continue;
    }
    size_t j = i;
    bool has_dot = false;
    while (j < n && Is(line[j], kWord)) {
      has_dot |= line[j] == '.';
      ++j;
    }
    while (next_span < spans_.size() && spans_[next_span].end <= i) ++next_span;
    if (next_span < spans_.size() && spans_[next_span].begin < j) {  // inside a URL or IPv6
      i = j;
      continue;
    }
    if (j < n && line[j] == '@') {
      // The local part may hold characters that end a word ('+', '%'): widen it.
      size_t local = j;
      while (local > 0 && Is(line[local - 1], kLocal)) --local;
      while (local < j && line[local] == '.') ++local;
      size_t domain_end = j + 1;
      while (domain_end < n && Is(line[domain_end], kWord)) ++domain_end;
      while (domain_end > j + 1 && (line[domain_end - 1] == '.' || line[domain_end - 1] == '-')) {
        --domain_end;
      }
      if (local < j && IsDomainText(line.substr(j + 1, domain_end - j - 1))) {
        event.Add(kField, Observable::kEmailAddress, line.substr(local, domain_end - local));
      }
      i = j + 1;
      continue;
    }
    if (j < n && (line[j] == '+' || line[j] == '%')) {  // "first.last+tag@...": a local part
      if (j >= local_end) {  // the stretch is looked at once, however many runs it holds
        local_end = j;
        while (local_end < n && Is(line[local_end], kLocal)) ++local_end;
        local_at = local_end < n && line[local_end] == '@';
      }
      if (local_at) {  // the run before the '@' reports the address
        i = j + 1;
        continue;
      }
    }
    ScanWord(line, i, j, has_dot, event);
    i = j;
  }
}

void PlainReader::ScanWord(std::string_view line, size_t begin, size_t end, bool has_dot,
                           Event& event) {
  const std::string_view word = line.substr(begin, end - begin);
  if (word.size() >= 32) {  // hex hashes: maximal stretches of hex digits
    size_t start = 0;
    for (size_t k = 0; k <= word.size(); ++k) {
      if (k < word.size() && Is(word[k], kHex)) continue;
      const size_t len = k - start;
      if (len == 32 || len == 40 || len == 64 || len == 128) {
        event.Add(kField, Observable::kFileHash, word.substr(start, len));
      }
      start = k + 1;
    }
  }
  if (!has_dot) return;
  // Dotted quads: [0-9.] stretches with no letter or digit next to them.
  bool has_alpha = false;
  for (size_t k = 0; k < word.size();) {
    if (!Is(word[k], kDigit) && word[k] != '.') {
      has_alpha |= Is(word[k], kAlpha);
      ++k;
      continue;
    }
    size_t e = k;
    while (e < word.size() && (Is(word[e], kDigit) || word[e] == '.')) ++e;
    const bool alone = (k == 0 || !IsAlnum(word[k - 1])) && (e == word.size() || !IsAlnum(word[e]));
    if (alone && e - k >= 7) {
      std::string_view quad = word.substr(k, e - k);
      while (!quad.empty() && quad.front() == '.') quad.remove_prefix(1);
      while (!quad.empty() && quad.back() == '.') quad.remove_suffix(1);
      if (IsIpv4Text(quad)) event.Add(kField, Observable::kIpAddress, quad);
    }
    k = e;
  }
  if (!has_alpha) return;
  std::string_view name = word;
  while (!name.empty() && (name.front() == '.' || name.front() == '-')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == '.' || name.back() == '-')) name.remove_suffix(1);
  if (IsDomainText(name)) event.Add(kField, Observable::kDomainName, name);
}

}  // namespace

std::unique_ptr<LogReader> NewPlainReader() { return std::make_unique<PlainReader>(); }

}  // namespace kongsi::match
