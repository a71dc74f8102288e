// IPv4 and IPv6 addresses and CIDR blocks (normalize.h): strict parsers that do not allocate,
// as the log matcher calls them for every address field it reads, and the RFC 5952 printer.
//
// inet_pton is not used: it needs a NUL-terminated copy, knows no zones, and what it accepts
// differs between C libraries (some read "0x" or octal IPv4 parts), while the indicator index
// and the value index must agree on one grammar everywhere.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stix/normalize.h"

namespace kongsi::stix {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 6874 ZoneID: 1*( unreserved / pct-encoded ); interface names and numbers fit in it.
bool IsZoneId(std::string_view zone) {
  if (zone.empty()) return false;
  for (char c : zone) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == '%';
    if (!ok) return false;
  }
  return true;
}

// A prefix length: decimal without sign or leading zeros ("0" itself is fine), at most `max`.
std::optional<uint8_t> ParsePrefix(std::string_view text, unsigned max) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > max) return std::nullopt;
  return static_cast<uint8_t>(value);
}

// Splits "address/prefix"; without a slash `has_prefix` is false and `prefix` empty.
void SplitCidr(std::string_view text, std::string_view& address, std::string_view& prefix,
               bool& has_prefix) {
  const size_t slash = text.find('/');
  has_prefix = slash != std::string_view::npos;
  address = text.substr(0, slash);
  prefix = has_prefix ? text.substr(slash + 1) : std::string_view();
}

char* AppendHexGroup(uint16_t group, char* p) {
  constexpr char kHex[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned nibble = (group >> shift) & 0xF;
    if (nibble != 0 || started || shift == 0) {
      *p++ = kHex[nibble];
      started = true;
    }
  }
  return p;
}

char* AppendDecimalByte(unsigned value, char* p) {
  if (value >= 100) *p++ = static_cast<char>('0' + value / 100);
  if (value >= 10) *p++ = static_cast<char>('0' + value / 10 % 10);
  *p++ = static_cast<char>('0' + value % 10);
  return p;
}

char* AppendIpv4(uint32_t address, char* p) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    p = AppendDecimalByte((address >> shift) & 0xFF, p);
    if (shift != 0) *p++ = '.';
  }
  return p;
}

}  // namespace

std::optional<uint32_t> ParseIpv4(std::string_view text) {
  const size_t n = text.size();
  if (n < 7 || n > 15) return std::nullopt;
  uint32_t address = 0;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= n || text[i] != '.') return std::nullopt;
      ++i;
    }
    if (i >= n || !IsDigit(text[i])) return std::nullopt;
    unsigned value = static_cast<unsigned>(text[i++] - '0');
    // At most three digits, and a leading "0" only as the whole part ("01" could be octal to
    // some readers and decimal to others: it names no address for certain).
    for (int k = 0; k < 2 && i < n && IsDigit(text[i]); ++k) {
      if (value == 0) return std::nullopt;
      value = value * 10 + static_cast<unsigned>(text[i++] - '0');
    }
    if (value > 255 || (i < n && IsDigit(text[i]))) return std::nullopt;
    address = address << 8 | value;
  }
  if (i != n) return std::nullopt;
  return address;
}

std::optional<Ipv6Bytes> ParseIpv6(std::string_view text) {
  if (const size_t percent = text.find('%'); percent != std::string_view::npos) {
    if (!IsZoneId(text.substr(percent + 1))) return std::nullopt;
    text = text.substr(0, percent);
  }
  const size_t n = text.size();
  if (n < 2 || n > 45) return std::nullopt;  // "::" .. "ffff:...:ffff:255.255.255.255"
  uint16_t groups[8] = {};
  int count = 0;
  int gap = -1;  // index in `groups` where "::" stands
  size_t i = 0;
  if (text[0] == ':') {
    if (text[1] != ':') return std::nullopt;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    // One piece: 1-4 hex digits, or a dotted quad that ends the address.
    size_t j = i;
    unsigned value = 0;
    while (j < n && HexValue(text[j]) >= 0 && j - i < 5) {
      value = value << 4 | static_cast<unsigned>(HexValue(text[j]));
      ++j;
    }
    if (j == i) return std::nullopt;
    if (j < n && text[j] == '.') {
      if (count > 6) return std::nullopt;
      const auto v4 = ParseIpv4(text.substr(i));
      if (!v4) return std::nullopt;
      groups[count++] = static_cast<uint16_t>(*v4 >> 16);
      groups[count++] = static_cast<uint16_t>(*v4 & 0xFFFF);
      i = n;
      break;
    }
    if (j - i > 4 || count == 8) return std::nullopt;
    groups[count++] = static_cast<uint16_t>(value);
    i = j;
    if (i == n) break;
    if (text[i] != ':') return std::nullopt;
    ++i;
    if (i < n && text[i] == ':') {
      if (gap >= 0) return std::nullopt;  // a second "::"
      gap = count;
      ++i;
    } else if (i == n) {
      return std::nullopt;  // a single trailing ':'
    }
  }
  // "::" stands for at least one zero group.
  if (gap < 0 ? count != 8 : count > 7) return std::nullopt;
  Ipv6Bytes bytes{};
  const int tail = gap < 0 ? 0 : count - gap;  // groups written after "::"
  for (int g = 0; g < count; ++g) {
    const int at = (gap >= 0 && g >= gap) ? 8 - tail + (g - gap) : g;
    bytes[2 * at] = static_cast<uint8_t>(groups[g] >> 8);
    bytes[2 * at + 1] = static_cast<uint8_t>(groups[g] & 0xFF);
  }
  return bytes;
}

std::string FormatIpv4(uint32_t address) {
  char buffer[16];
  char* end = AppendIpv4(address, buffer);
  return std::string(buffer, end);
}

std::string FormatIpv6(const Ipv6Bytes& address) {
  uint16_t groups[8];
  for (int g = 0; g < 8; ++g) {
    groups[g] = static_cast<uint16_t>(address[2 * g] << 8 | address[2 * g + 1]);
  }
  char buffer[48];
  char* p = buffer;
  // IPv4-mapped addresses in the mixed notation of RFC 5952 section 5.
  if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0 &&
      groups[5] == 0xFFFF) {
    constexpr std::string_view kMapped = "::ffff:";
    p += kMapped.copy(p, kMapped.size());
    const uint32_t v4 = static_cast<uint32_t>(groups[6]) << 16 | groups[7];
    p = AppendIpv4(v4, p);
    return std::string(buffer, p);
  }
  // The longest run of two or more zero groups, the first of equally long ones.
  int best_start = -1;
  int best_length = 1;
  for (int g = 0; g < 8;) {
    if (groups[g] != 0) {
      ++g;
      continue;
    }
    int end = g;
    while (end < 8 && groups[end] == 0) ++end;
    if (end - g > best_length) {
      best_start = g;
      best_length = end - g;
    }
    g = end;
  }
  for (int g = 0; g < 8; ++g) {
    if (g == best_start) {
      *p++ = ':';
      *p++ = ':';
      g += best_length - 1;
      continue;
    }
    if (g > 0 && g != best_start + best_length) *p++ = ':';
    p = AppendHexGroup(groups[g], p);
  }
  return std::string(buffer, p);
}

std::optional<Ipv4Cidr> ParseIpv4Cidr(std::string_view text) {
  std::string_view address_text, prefix_text;
  bool has_prefix = false;
  SplitCidr(text, address_text, prefix_text, has_prefix);
  const auto address = ParseIpv4(address_text);
  if (!address) return std::nullopt;
  Ipv4Cidr cidr;
  if (has_prefix) {
    const auto prefix = ParsePrefix(prefix_text, 32);
    if (!prefix) return std::nullopt;
    cidr.prefix = *prefix;
  }
  const uint32_t mask = cidr.prefix == 0 ? 0 : ~uint32_t{0} << (32 - cidr.prefix);
  cidr.address = *address & mask;
  return cidr;
}

std::optional<Ipv6Cidr> ParseIpv6Cidr(std::string_view text) {
  std::string_view address_text, prefix_text;
  bool has_prefix = false;
  SplitCidr(text, address_text, prefix_text, has_prefix);
  const auto address = ParseIpv6(address_text);
  if (!address) return std::nullopt;
  Ipv6Cidr cidr;
  if (has_prefix) {
    const auto prefix = ParsePrefix(prefix_text, 128);
    if (!prefix) return std::nullopt;
    cidr.prefix = *prefix;
  }
  cidr.address = *address;
  for (int i = 0; i < 16; ++i) {
    const int bits = cidr.prefix - 8 * i;  // bits of this byte inside the prefix
    if (bits >= 8) continue;
    cidr.address[i] = bits <= 0 ? 0 : static_cast<uint8_t>(cidr.address[i] & (0xFF << (8 - bits)));
  }
  return cidr;
}

}  // namespace kongsi::stix
