// Canonical forms of network observables, shared by the value index (observable.h), the
// indicator index and the log matcher (match/), so that a value in a pattern and the same
// value in a log meet: IPv4 / IPv6 addresses and CIDR blocks, domain names (IDNA2008 via
// libidn2), URLs (RFC 3986 section 6 normalisation), hashes, e-mail addresses.
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kongsi::stix {

using Ipv6Bytes = std::array<uint8_t, 16>;

// Strict dotted quad "a.b.c.d" (decimal, 0-255, no leading zeros beyond "0"), host byte
// order. nullopt for anything else.
std::optional<uint32_t> ParseIpv4(std::string_view text);
// RFC 4291 text forms: "::", "2001:db8::1", embedded IPv4 "::ffff:192.0.2.1" (a strict dotted
// quad as above), any case; a zone suffix "%eth0" (RFC 6874 ZoneID characters) is ignored.
// nullopt for anything else: groups of more than 4 hex digits, two "::", more than 8 groups.
std::optional<Ipv6Bytes> ParseIpv6(std::string_view text);
std::string FormatIpv4(uint32_t address);
// RFC 5952: lower case, no leading zeros, the longest run of zero groups (length >= 2, the
// first of equally long runs) as "::". IPv4-mapped addresses (::ffff:0:0/96) in the mixed
// notation RFC 5952 section 5 recommends: "::ffff:192.0.2.1".
std::string FormatIpv6(const Ipv6Bytes& address);

struct Ipv4Cidr {
  uint32_t address = 0;  // host bits cleared
  uint8_t prefix = 32;
};
struct Ipv6Cidr {
  Ipv6Bytes address{};  // host bits cleared
  uint8_t prefix = 128;
};
// "10.0.0.0/8", or a bare address (/32, /128). Host bits set ("10.1.2.3/8") are cleared,
// as a block is meant. The prefix is decimal 0-32 (0-128) without sign or leading zeros, as
// the address parts are ("/08" is refused). nullopt for a bad address or prefix.
std::optional<Ipv4Cidr> ParseIpv4Cidr(std::string_view text);
std::optional<Ipv6Cidr> ParseIpv6Cidr(std::string_view text);

// True when `name` is already in the form NormaliseDomain gives (lower-case ASCII letters,
// digits, '-', '_', labels of 1-63 bytes, at most 253 bytes, no trailing dot, a last label
// that is not all digits): the fast path for log values, which nearly always are. Does not
// allocate.
bool IsNormalDomain(std::string_view name);
// Lower case, one trailing dot dropped, Unicode labels converted to A-labels (IDNA2008 with
// UTS #46 mapping: "Bücher.Example." -> "xn--bcher-kva.example"), A-labels lower-cased and
// kept (ASCII labels are not checked further, so what IsNormalDomain accepts is its own
// normal form). Only labels with non-ASCII bytes go through libidn2; '_' is allowed in ASCII
// labels ("_dmarc.example.com"), not in Unicode ones. False (out unspecified) when `name` is
// not a domain name: empty labels, over-long labels or names, characters no DNS name has,
// more than one trailing dot, IP addresses (any name whose last label is all digits).
bool NormaliseDomain(std::string_view name, std::string& out);

// RFC 3986 section 6.2.2 / 6.2.3 normalisation: scheme and host in lower case, host as
// NormaliseDomain gives it (IP literals kept, IPv6 in RFC 5952 form inside brackets), the
// scheme's default port removed (http 80, https 443, ftp 21, ws 80, wss 443), percent-
// encodings of unreserved characters decoded and the rest in upper-case hex, dot segments
// removed, an empty path made "/", the fragment dropped; user info, path and query otherwise
// kept byte for byte. A value without "scheme://" is taken as "http://" + value (feeds often
// list "evil.example/path"; "//host/path" likewise). Beyond RFC 3986, as browsers do: spaces
// and controls around the value are trimmed; bytes a URI may not hold (space, controls,
// non-ASCII, '"', '<', '>', '[', '\', '^', '`', '{', '|', '}', and '@' in user info) are
// percent-encoded ("http://x.example/a b" -> "http://x.example/a%20b"); user info ends at the
// last '@'; an empty user info and an IPv6 zone are dropped. False when it is not a URL: no
// host, a host that is neither an IP address nor a domain name, bad port (not digits, over
// 65535), a '%' without two hex digits, or a value that starts with another scheme without
// "//" ("mailto:a@b.example", "javascript:...", "http:/x").
bool NormaliseUrl(std::string_view url, std::string& out);

// Hex digests as raw bytes: 32, 40, 64 or 128 hex digits (MD5, SHA-1, SHA-256, SHA-512),
// any case, colons between byte pairs allowed ("AB:CD:..."). False otherwise.
bool DecodeHashHex(std::string_view hex, std::string& out);

// "local@domain": the domain part normalised as NormaliseDomain does, the local part
// lower-cased (mail systems treat it case-insensitively in practice). False without exactly
// one '@', an empty local part or a bad domain.
bool NormaliseEmail(std::string_view address, std::string& out);

}  // namespace kongsi::stix
