// Field text helpers for the log readers. Everything here runs per value on the matching hot
// path, so it is written as plain loops over bytes without allocation.
#include "match/field_text.h"

#include <cstring>

namespace kongsi::match {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

}  // namespace

bool IsIpv4Text(std::string_view text) {
  if (text.size() < 7 || text.size() > 15) return false;
  int parts = 0;
  size_t i = 0;
  const size_t n = text.size();
  while (true) {
    const size_t start = i;
    unsigned value = 0;
    while (i < n && IsDigit(text[i]) && i - start < 3) {
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
    }
    const size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && text[start] == '0')) return false;
    ++parts;
    if (i == n) break;
    if (text[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

bool IsIpv6Text(std::string_view text) {
  const size_t n = text.size();
  if (n < 2 || n > 45) return false;
  size_t i = 0;
  size_t groups = 0;
  bool double_colon = false;
  if (text[0] == ':') {
    if (text[1] != ':') return false;
    double_colon = true;
    i = 2;
    if (i == n) return true;
  }
  while (true) {
    const size_t start = i;
    while (i < n && IsHex(text[i])) ++i;
    if (i < n && text[i] == '.') {  // an embedded dotted quad ends the address
      if (!IsIpv4Text(text.substr(start))) return false;
      groups += 2;
      break;
    }
    const size_t len = i - start;
    if (len == 0 || len > 4) return false;
    ++groups;
    if (i == n) break;
    if (text[i] != ':') return false;
    ++i;
    if (i == n) return false;  // a single trailing colon
    if (text[i] == ':') {
      if (double_colon) return false;
      double_colon = true;
      ++i;
      if (i == n) break;
    }
  }
  return double_colon ? groups <= 7 : groups == 8;
}

std::string_view EmailAddressIn(std::string_view text) {
  std::string_view inner = text;
  if (const size_t lt = text.rfind('<'); lt != std::string_view::npos) {
    inner = text.substr(lt + 1);
    if (const size_t gt = inner.find('>'); gt != std::string_view::npos)
      inner = inner.substr(0, gt);
  }
  inner = Trim(inner);
  const size_t at = inner.find('@');
  if (at == std::string_view::npos) return {};
  // "a@b.example (Name)" or stray words around the address: keep the word holding the '@'.
  size_t begin = at;
  while (begin > 0 && !IsSpace(inner[begin - 1])) --begin;
  size_t end = at;
  while (end < inner.size() && !IsSpace(inner[end])) ++end;
  return inner.substr(begin, end - begin);
}

void SplitHostPort(std::string_view host, std::string_view& name, std::string_view& port) {
  name = host;
  port = {};
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return;
    name = host.substr(1, close - 1);
    if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
    return;
  }
  const size_t colon = host.find(':');
  if (colon == std::string_view::npos) return;
  if (host.find(':', colon + 1) != std::string_view::npos) return;  // a bare IPv6 address
  if (!AllDigits(host.substr(colon + 1))) return;
  name = host.substr(0, colon);
  port = host.substr(colon + 1);
}

void AddHost(Event& event, std::string_view field, std::string_view host) {
  std::string_view name;
  std::string_view port;
  SplitHostPort(host, name, port);
  event.Add(field, IsIpText(name) ? Observable::kIpAddress : Observable::kDomainName, name);
}

std::string_view ComposeHttpUrl(Event& event, std::string_view host, std::string_view port,
                                std::string_view target) {
  if (StartsWithNoCase(target, "http://") || StartsWithNoCase(target, "https://")) return target;
  if (host.empty() || target.empty() || target.front() != '/') return {};
  std::string_view name;
  std::string_view host_port;
  SplitHostPort(host, name, host_port);
  std::string& url = event.Scratch();
  url.reserve(7 + host.size() + 8 + target.size());
  url.append("http://");
  const bool bare_ipv6 =
      host.front() != '[' && host.find(':') != std::string_view::npos && host_port.empty();
  if (bare_ipv6) url.push_back('[');
  url.append(host);
  if (bare_ipv6) url.push_back(']');
  if (host_port.empty() && !port.empty() && port != "80") {
    url.push_back(':');
    url.append(port);
  }
  url.append(target);
  return url;
}

bool FingerprintKind(std::string_view text, Observable& kind) {
  size_t digits = 0;
  for (char c : text) {
    if (IsHex(c)) {
      ++digits;
    } else if (c != ':') {
      return false;
    }
  }
  if (digits == 40) {
    kind = Observable::kX509Sha1;
    return true;
  }
  if (digits == 64) {
    kind = Observable::kX509Sha256;
    return true;
  }
  return false;
}

}  // namespace kongsi::match
