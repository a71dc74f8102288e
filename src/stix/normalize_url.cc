// URL normalisation (normalize.h): RFC 3986 section 6.2.2 (case, percent-encoding, dot
// segments) and 6.2.3 (default port, empty path), with the host in the form NormaliseDomain
// and the IP parsers give it.
//
// The split is written out here rather than done with uriparser: URLs in feeds and logs are
// often not RFC 3986 URIs (no scheme, spaces, raw UTF-8, '[' in queries), and what is done with
// each such byte is part of the canonical form, so one pass decides it byte by byte.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "stix/normalize.h"

namespace kongsi::stix {
namespace {

// Which bytes may stand unencoded in which component (RFC 3986 section 3).
enum : uint8_t {
  kUnreserved = 1,  // ALPHA / DIGIT / "-" / "." / "_" / "~"
  kInUserinfo = 2,  // unreserved / sub-delims / ":"
  kInPath = 4,      // pchar / "/"
  kInQuery = 8,     // pchar / "/" / "?"
};

constexpr std::array<uint8_t, 256> MakeUrlClasses() {
  std::array<uint8_t, 256> table{};
  constexpr uint8_t kEverywhere = kUnreserved | kInUserinfo | kInPath | kInQuery;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = kEverywhere;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = kEverywhere;
  for (int c = '0'; c <= '9'; ++c) table[c] = kEverywhere;
  for (char c : std::string_view("-._~")) table[static_cast<unsigned char>(c)] = kEverywhere;
  for (char c : std::string_view("!$&'()*+,;=:")) {
    table[static_cast<unsigned char>(c)] = kInUserinfo | kInPath | kInQuery;
  }
  table['@'] = kInPath | kInQuery;
  table['/'] = kInPath | kInQuery;
  table['?'] = kInQuery;
  return table;
}
constexpr std::array<uint8_t, 256> kUrlClasses = MakeUrlClasses();

constexpr char kUpperHex[] = "0123456789ABCDEF";

constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendEscaped(unsigned char byte, std::string& out) {
  out.push_back('%');
  out.push_back(kUpperHex[byte >> 4]);
  out.push_back(kUpperHex[byte & 0xF]);
}

// Appends `text` with its escapes normalised: an escaped unreserved character decoded, other
// escapes in upper-case hex, bytes that `allowed` does not let stand (spaces, controls,
// non-ASCII, '"', '<', '[', ...) escaped as browsers do. False for a '%' not followed by two
// hex digits.
bool AppendComponent(std::string_view text, uint8_t allowed, std::string& out) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return false;
      const auto byte = static_cast<unsigned char>(high << 4 | low);
      if (kUrlClasses[byte] & kUnreserved) {
        out.push_back(static_cast<char>(byte));
      } else {
        AppendEscaped(byte, out);
      }
      i += 2;
    } else if (kUrlClasses[c] & allowed) {
      out.push_back(static_cast<char>(c));
    } else {
      AppendEscaped(c, out);
    }
  }
  return true;
}

// RFC 3986 section 5.2.4 for a path that is empty or starts with '/': "." and ".." segments
// removed (".." taking the segment before it with it), a trailing one leaving a '/'.
void AppendWithoutDotSegments(std::string_view path, std::string& out) {
  const size_t base = out.size();
  size_t start = 0;  // at the '/' that opens the segment
  while (start < path.size()) {
    size_t end = path.find('/', start + 1);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start + 1, end - start - 1);
    const bool last = end == path.size();
    if (segment == "." || segment == "..") {
      if (segment == "..") {
        const size_t slash = out.rfind('/');
        out.resize(slash == std::string::npos || slash < base ? base : slash);
      }
      if (last) out.push_back('/');
    } else {
      out.append(path.substr(start, end - start));
    }
    start = end;
  }
  if (out.size() == base) out.push_back('/');
}

// The decimal port without leading zeros; empty for none or an empty port. False for anything
// but digits or a value over 65535.
bool NormalisePort(std::string_view text, std::string& port) {
  port.clear();
  unsigned value = 0;
  bool any = false;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 65535) return false;
    any = true;
  }
  if (any) port = std::to_string(value);
  return true;
}

std::string_view DefaultPort(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return "80";
  if (scheme == "https" || scheme == "wss") return "443";
  if (scheme == "ftp") return "21";
  return {};
}

// The host of an authority: an IP literal in brackets, an IPv4 address or a domain name
// (escapes decoded first, as a browser does before IDNA).
bool AppendHost(std::string_view host, std::string& out) {
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') return false;
    // IPvFuture ("[v1.x]") names nothing the indicator index could hold.
    const auto address = ParseIpv6(host.substr(1, host.size() - 2));
    if (!address) return false;
    out.push_back('[');
    out += FormatIpv6(*address);
    out.push_back(']');
    return true;
  }
  std::string decoded;
  for (size_t i = 0; i < host.size(); ++i) {
    if (host[i] != '%') {
      decoded.push_back(host[i]);
      continue;
    }
    if (i + 2 >= host.size()) return false;
    const int high = HexValue(host[i + 1]);
    const int low = HexValue(host[i + 2]);
    if (high < 0 || low < 0) return false;
    decoded.push_back(static_cast<char>(high << 4 | low));
    i += 2;
  }
  if (ParseIpv4(decoded)) {
    out += decoded;
    return true;
  }
  std::string domain;
  if (!NormaliseDomain(decoded, domain)) return false;
  out += domain;
  return true;
}

enum class SchemeKind { kGiven, kAssumedHttp, kOther };

// Splits off "scheme://". A value without one is read as "http://" + value, unless it starts
// with another scheme ("mailto:", "javascript:", "http:/x"): "host:port" is the one form of
// "name:" that a scheme-less value may start with.
SchemeKind SplitScheme(std::string_view url, std::string_view& scheme, std::string_view& rest) {
  const size_t colon = url.find(':');
  bool scheme_syntax = colon != std::string_view::npos && colon > 0 && IsAlpha(url[0]);
  for (size_t i = 0; scheme_syntax && i < colon; ++i) {
    const char c = url[i];
    scheme_syntax = IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.';
  }
  if (scheme_syntax && url.substr(colon + 1, 2) == "//") {
    scheme = url.substr(0, colon);
    rest = url.substr(colon + 3);
    return SchemeKind::kGiven;
  }
  if (scheme_syntax && colon + 1 < url.size() && !IsDigit(url[colon + 1])) {
    return SchemeKind::kOther;
  }
  scheme = "http";
  rest = url.substr(0, 2) == "//" ? url.substr(2) : url;
  return SchemeKind::kAssumedHttp;
}

// Leading and trailing spaces and controls are not part of a URL (WHATWG URL: "strip leading
// and trailing C0 control or space").
std::string_view Trim(std::string_view text) {
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= 0x20) text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= 0x20) text.remove_suffix(1);
  return text;
}

}  // namespace

bool NormaliseUrl(std::string_view url, std::string& out) {
  out.clear();
  std::string_view scheme, rest;
  if (SplitScheme(Trim(url), scheme, rest) == SchemeKind::kOther) return false;

  const size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  const size_t fragment = tail.find('#');
  const std::string_view path_query = tail.substr(0, fragment);
  const size_t question = path_query.find('?');
  const std::string_view path = path_query.substr(0, question);

  // User info ends at the last '@': "http://a@b@evil.example/" is a request to evil.example.
  const size_t at = authority.rfind('@');
  const std::string_view userinfo =
      at == std::string_view::npos ? std::string_view() : authority.substr(0, at);
  const std::string_view host_port =
      at == std::string_view::npos ? authority : authority.substr(at + 1);
  size_t port_colon;
  if (!host_port.empty() && host_port.front() == '[') {
    const size_t close = host_port.find(']');
    if (close == std::string_view::npos) return false;
    port_colon = close + 1;
    if (port_colon < host_port.size() && host_port[port_colon] != ':') return false;
  } else {
    port_colon = host_port.find(':');
  }
  const std::string_view host = host_port.substr(0, port_colon);
  const std::string_view port_text =
      port_colon >= host_port.size() ? std::string_view() : host_port.substr(port_colon + 1);
  if (host.empty()) return false;
  std::string port;
  if (!NormalisePort(port_text, port)) return false;

  for (char c : scheme) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  const std::string_view default_port = DefaultPort(std::string_view(out));
  out += "://";
  if (!userinfo.empty()) {
    if (!AppendComponent(userinfo, kInUserinfo, out)) return false;
    out.push_back('@');
  }
  if (!AppendHost(host, out)) return false;
  if (!port.empty() && port != default_port) {
    out.push_back(':');
    out += port;
  }
  // Escapes first, then dot segments: "%2e%2e" is a ".." segment (RFC 3986 section 6.2.2).
  std::string escaped_path;
  if (!AppendComponent(path, kInPath, escaped_path)) return false;
  AppendWithoutDotSegments(escaped_path, out);
  if (question != std::string_view::npos) {
    out.push_back('?');
    if (!AppendComponent(path_query.substr(question + 1), kInQuery, out)) return false;
  }
  return true;
}

}  // namespace kongsi::stix
