// Canonical forms of network observables: the spellings that must meet (a value in a pattern
// and the same value in a log) and the strings that are not addresses, names or URLs.
#include "stix/normalize.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace kongsi::stix {
namespace {

std::optional<std::string> Domain(std::string_view name) {
  std::string out;
  if (!NormaliseDomain(name, out)) return std::nullopt;
  return out;
}

std::optional<std::string> Url(std::string_view url) {
  std::string out;
  if (!NormaliseUrl(url, out)) return std::nullopt;
  return out;
}

std::optional<std::string> Email(std::string_view address) {
  std::string out;
  if (!NormaliseEmail(address, out)) return std::nullopt;
  return out;
}

std::optional<std::string> Hash(std::string_view hex) {
  std::string out;
  if (!DecodeHashHex(hex, out)) return std::nullopt;
  return out;
}

std::string Ipv6(std::string_view text) {
  const auto bytes = ParseIpv6(text);
  return bytes ? FormatIpv6(*bytes) : "(rejected)";
}

std::string Ipv4Cidr(std::string_view text) {
  const auto cidr = ParseIpv4Cidr(text);
  return cidr ? FormatIpv4(cidr->address) + "/" + std::to_string(cidr->prefix) : "(rejected)";
}

std::string Ipv6Cidr(std::string_view text) {
  const auto cidr = ParseIpv6Cidr(text);
  return cidr ? FormatIpv6(cidr->address) + "/" + std::to_string(cidr->prefix) : "(rejected)";
}

// --- IPv4 -------------------------------------------------------------------------------

TEST(NormaliseIpv4, DottedQuadsAreParsed) {
  EXPECT_EQ(ParseIpv4("1.2.3.4"), 0x01020304u);
  EXPECT_EQ(ParseIpv4("0.0.0.0"), 0u);
  EXPECT_EQ(ParseIpv4("255.255.255.255"), 0xFFFFFFFFu);
  EXPECT_EQ(ParseIpv4("192.0.2.10"), 0xC000020Au);
  EXPECT_EQ(FormatIpv4(0xC000020Au), "192.0.2.10");
  EXPECT_EQ(FormatIpv4(0), "0.0.0.0");
  EXPECT_EQ(FormatIpv4(0xFFFFFFFFu), "255.255.255.255");
}

TEST(NormaliseIpv4, AnythingButAStrictDottedQuadIsRejected) {
  for (std::string_view bad :
       {"",          "01.2.3.4",  "1.2.3.04",  "00.1.1.1", "1.2.3",     "1.2.3.4.5",
        "256.1.1.1", "1.2.3.256", " 1.2.3.4",  "1.2.3.4 ", "1.2.3.",    ".1.2.3",
        "1..2.3",    "1.2.3.4/8", "1.2.3.-4",  "+1.2.3.4", "0x1.2.3.4", "1.2.3.1000",
        "1.2.3.4x",  "1.2.3.4\n", "1234.1.1.1"}) {
    EXPECT_EQ(ParseIpv4(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseIpv4(std::string_view("1.2.3.4\0", 8)), std::nullopt);
}

TEST(NormaliseIpv4, CidrBlocksHaveTheirHostBitsCleared) {
  EXPECT_EQ(Ipv4Cidr("10.1.2.3/8"), "10.0.0.0/8");
  EXPECT_EQ(Ipv4Cidr("10.1.2.3"), "10.1.2.3/32");
  EXPECT_EQ(Ipv4Cidr("10.1.2.3/32"), "10.1.2.3/32");
  EXPECT_EQ(Ipv4Cidr("255.255.255.255/0"), "0.0.0.0/0");
  EXPECT_EQ(Ipv4Cidr("192.0.2.255/25"), "192.0.2.128/25");
  EXPECT_EQ(Ipv4Cidr("192.0.2.255/31"), "192.0.2.254/31");
  EXPECT_EQ(Ipv4Cidr("203.0.113.77/1"), "128.0.0.0/1");
}

TEST(NormaliseIpv4, BadPrefixesAreRejectedIncludingLeadingZeros) {
  for (std::string_view bad : {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/00",
                               "10.0.0.0/", "10.0.0.0/+8", "10.0.0.0/8/8", "10.0.0.0/ 8",
                               "10.0.0.0/8 ", "10.0.0.0/1000", "/8", "10.0.0/8", "010.0.0.0/8"}) {
    EXPECT_EQ(ParseIpv4Cidr(bad), std::nullopt) << bad;
  }
}

// --- IPv6 -------------------------------------------------------------------------------

TEST(NormaliseIpv6, TextFormsAreParsedAndPrintedPerRfc5952) {
  EXPECT_EQ(Ipv6("::"), "::");
  EXPECT_EQ(Ipv6("::1"), "::1");
  EXPECT_EQ(Ipv6("1::"), "1::");
  EXPECT_EQ(Ipv6("2001:DB8::1"), "2001:db8::1");
  EXPECT_EQ(Ipv6("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(Ipv6("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");     // first of equal runs
  EXPECT_EQ(Ipv6("2001:db8:0:0:1:0:0:0"), "2001:db8:0:0:1::");      // the longest run
  EXPECT_EQ(Ipv6("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");  // one zero group stays
  EXPECT_EQ(Ipv6("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(Ipv6("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0");
  EXPECT_EQ(Ipv6("::2:3:4:5:6:7:8"), "0:2:3:4:5:6:7:8");
  EXPECT_EQ(Ipv6("FFFF:ffff:FfFf:ffff:ffff:ffff:ffff:ffff"),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  EXPECT_EQ(Ipv6("fe80::1%eth0"), "fe80::1");
  EXPECT_EQ(Ipv6("fe80::1%25"), "fe80::1");
}

TEST(NormaliseIpv6, EmbeddedIpv4IsParsedAndMappedAddressesPrintedMixed) {
  EXPECT_EQ(Ipv6("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
  EXPECT_EQ(Ipv6("::FFFF:c000:0201"), "::ffff:192.0.2.1");
  EXPECT_EQ(Ipv6("0:0:0:0:0:ffff:192.0.2.1"), "::ffff:192.0.2.1");
  EXPECT_EQ(Ipv6("::ffff:0.0.0.0"), "::ffff:0.0.0.0");
  // Only IPv4-mapped addresses are printed mixed; the deprecated IPv4-compatible ones are not.
  EXPECT_EQ(Ipv6("::192.0.2.1"), "::c000:201");
  EXPECT_EQ(Ipv6("64:ff9b::192.0.2.1"), "64:ff9b::c000:201");
  EXPECT_EQ(Ipv6("1:2:3:4:5:6:1.2.3.4"), "1:2:3:4:5:6:102:304");
}

TEST(NormaliseIpv6, MalformedAddressesAreRejected) {
  for (std::string_view bad : {"",
                               ":",
                               ":::",
                               "1",
                               "1:2",
                               "1::2::3",
                               "::1::",
                               "12345::",
                               "1:2:3:4:5:6:7:8:9",
                               "1:2:3:4:5:6:7:8::",
                               "::1:2:3:4:5:6:7:8",
                               "1:2:3:4:5:6:7",
                               ":1::",
                               "1::2:",
                               "1:::2",
                               "g::",
                               " ::1",
                               "::1 ",
                               "1.2.3.4",
                               "::1.2.3",
                               "::01.2.3.4",
                               "::256.1.1.1",
                               "::1.2.3.4:5",
                               "1:2:3:4:5:6:7:1.2.3.4",
                               "::ffff:1.2.3.4.5",
                               "fe80::1%",
                               "fe80::1%eth 0",
                               "fe80::1%eth0/64",
                               "[::1]",
                               "::-1",
                               "::+1",
                               "0x1::"}) {
    EXPECT_EQ(ParseIpv6(bad), std::nullopt) << bad;
  }
}

TEST(NormaliseIpv6, CidrBlocksHaveTheirHostBitsClearedAcrossByteBoundaries) {
  EXPECT_EQ(Ipv6Cidr("2001:db8::1/32"), "2001:db8::/32");
  EXPECT_EQ(Ipv6Cidr("2001:db8::1"), "2001:db8::1/128");
  EXPECT_EQ(Ipv6Cidr("2001:db8::1/128"), "2001:db8::1/128");
  EXPECT_EQ(Ipv6Cidr("ffff::1/0"), "::/0");
  EXPECT_EQ(Ipv6Cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/65"),
            "ffff:ffff:ffff:ffff:8000::/65");
  EXPECT_EQ(Ipv6Cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/127"),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");
  EXPECT_EQ(Ipv6Cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/12"), "fff0::/12");
  EXPECT_EQ(Ipv6Cidr("fe80::1%eth0/10"), "fe80::/10");
  for (std::string_view bad :
       {"::/129", "::/-1", "::/064", "::/", "::/1/1", "/64", "1::2::3/64", "::/ 1"}) {
    EXPECT_EQ(ParseIpv6Cidr(bad), std::nullopt) << bad;
  }
}

TEST(NormaliseIpv6, FormattedAddressesReadBackAsTheSameBytes) {
  std::mt19937 random(7);
  for (int i = 0; i < 5000; ++i) {
    Ipv6Bytes bytes{};
    for (auto& b : bytes) {
      // Mostly zeros, so that runs of zero groups of every length and place occur.
      b = random() % 3 == 0 ? static_cast<uint8_t>(random()) : 0;
    }
    if (i % 7 == 0) bytes[10] = bytes[11] = 0xFF;
    const std::string text = FormatIpv6(bytes);
    EXPECT_EQ(ParseIpv6(text), bytes) << text;
    EXPECT_EQ(Ipv6(text), text);
  }
}

// --- Domains ----------------------------------------------------------------------------

TEST(NormaliseDomain, AsciiNamesAreLowerCasedWithoutTheTrailingDot) {
  EXPECT_EQ(Domain("Example.COM."), "example.com");
  EXPECT_EQ(Domain("example.com"), "example.com");
  EXPECT_EQ(Domain("localhost"), "localhost");
  EXPECT_EQ(Domain("XN--BCHER-KVA.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Domain("_dmarc.example.com"), "_dmarc.example.com");
  EXPECT_EQ(Domain("_sip._tcp.Example.com"), "_sip._tcp.example.com");
  EXPECT_EQ(Domain("r3---sn-abc.example"), "r3---sn-abc.example");
  EXPECT_EQ(Domain("1.2.3.example"), "1.2.3.example");
  EXPECT_EQ(Domain("4.3.2.1.in-addr.arpa"), "4.3.2.1.in-addr.arpa");
  EXPECT_EQ(Domain("123.4a"), "123.4a");
}

TEST(NormaliseDomain, UnicodeLabelsBecomeALabels) {
  EXPECT_EQ(Domain("bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Domain("Bücher.Example."), "xn--bcher-kva.example");
  EXPECT_EQ(Domain("münchen.de"), "xn--mnchen-3ya.de");
  EXPECT_EQ(Domain("MÜNCHEN.DE"), "xn--mnchen-3ya.de");           // UTS #46 mapping
  EXPECT_EQ(Domain("faß.de"), "xn--fa-hia.de");                   // non-transitional: ß kept
  EXPECT_EQ(Domain("bücher。example"), "xn--bcher-kva.example");  // ideographic full stop
  EXPECT_EQ(Domain("bücher.example。"), "xn--bcher-kva.example");
  EXPECT_EQ(Domain("ｅｘａｍｐｌｅ.ü"), "example.xn--tda");  // full-width letters mapped
  EXPECT_EQ(Domain("_dmarc.bücher.example"), "_dmarc.xn--bcher-kva.example");
  EXPECT_EQ(Domain("xn--abc.bücher.example"), "xn--abc.xn--bcher-kva.example");
}

TEST(NormaliseDomain, WhatIsNotADomainNameIsRejected) {
  const std::string label63(63, 'a');
  const std::string label64(64, 'a');
  std::string name253;
  while (name253.size() < 253) name253 += name253.empty() ? "a" : ".a";
  ASSERT_EQ(name253.size(), 253u);
  EXPECT_EQ(Domain(label63 + ".example"), label63 + ".example");
  EXPECT_EQ(Domain(name253), name253);
  EXPECT_EQ(Domain(name253 + "."), name253);
  for (const std::string& bad : {std::string(""),
                                 std::string("."),
                                 std::string(".."),
                                 std::string("a..b"),
                                 std::string(".a"),
                                 std::string("a b"),
                                 std::string("a.com.."),
                                 std::string("a.com..."),
                                 label64 + ".example",
                                 name253 + "a",
                                 name253 + "..",
                                 std::string("1.2.3.4"),
                                 std::string("1.2.3.4."),
                                 std::string("127.1"),
                                 std::string("example.123"),
                                 std::string("a*.example"),
                                 std::string("a/b.example"),
                                 std::string("a@b.example"),
                                 std::string("[::1]"),
                                 std::string("a\0b.example", 11),
                                 std::string("a.example\n"),
                                 std::string("ü_x.example"),
                                 std::string("ü*.example"),
                                 std::string("ü b.example"),
                                 std::string("-ü.example"),
                                 std::string("\xff.example"),
                                 std::string("\xc3.example"),
                                 std::string("１.２.３.４"),
                                 std::string("ü.com。."),
                                 std::string("\xc2\xad.example"),
                                 std::string("bücher..example"),
                                 std::string(2000, '\xc3')}) {
    EXPECT_EQ(Domain(bad), std::nullopt) << bad;
  }
}

// What IsNormalDomain accepts is exactly what NormaliseDomain leaves as it is, on ASCII input.
TEST(NormaliseDomain, IsNormalDomainAgreesWithNormaliseDomainOnAscii) {
  constexpr std::string_view kAlphabet = "abzAZ09-_..  *\x01~xn";
  std::mt19937 random(42);
  int normal = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string name;
    const size_t length = random() % (i % 50 == 0 ? 300 : 24);
    for (size_t k = 0; k < length; ++k) {
      // Long runs of letters reach the label limit; dots make labels.
      name.push_back(random() % 4 == 0 ? kAlphabet[random() % kAlphabet.size()] : 'a');
    }
    std::string out;
    const bool ok = NormaliseDomain(name, out);
    EXPECT_EQ(IsNormalDomain(name), ok && out == name) << name;
    if (ok) {
      EXPECT_TRUE(IsNormalDomain(out)) << name;
    }
    normal += IsNormalDomain(name) ? 1 : 0;
  }
  EXPECT_GT(normal, 1000);  // the loop tried names of both kinds
}

TEST(NormaliseDomain, NormalisedNamesAreNormal) {
  for (std::string_view name : {"Bücher.Example.", "MÜNCHEN.DE", "_dmarc.example.com", "A.B.C."}) {
    const auto once = Domain(name);
    ASSERT_TRUE(once.has_value()) << name;
    EXPECT_TRUE(IsNormalDomain(*once)) << *once;
    EXPECT_EQ(Domain(*once), once);
  }
  EXPECT_FALSE(IsNormalDomain("Example.com"));
  EXPECT_FALSE(IsNormalDomain("example.com."));
  EXPECT_FALSE(IsNormalDomain("bücher.example"));
}

// --- URLs -------------------------------------------------------------------------------

TEST(NormaliseUrl, Rfc3986NormalisationApplies) {
  EXPECT_EQ(Url("HTTP://Example.COM:80/a/./b/../c?q=1#frag"), "http://example.com/a/c?q=1");
  EXPECT_EQ(Url("https://x.example:443"), "https://x.example/");
  EXPECT_EQ(Url("http://x.example:8080/"), "http://x.example:8080/");
  EXPECT_EQ(Url("http://x.example:443/"), "http://x.example:443/");
  EXPECT_EQ(Url("https://x.example:80/"), "https://x.example:80/");
  EXPECT_EQ(Url("ftp://x.example:21/f"), "ftp://x.example/f");
  EXPECT_EQ(Url("ws://x.example:80/"), "ws://x.example/");
  EXPECT_EQ(Url("wss://x.example:443/"), "wss://x.example/");
  EXPECT_EQ(Url("http://x.example:0080/"), "http://x.example/");
  EXPECT_EQ(Url("http://x.example:/"), "http://x.example/");
  EXPECT_EQ(Url("http://x.example:08080/"), "http://x.example:8080/");
  EXPECT_EQ(Url("http://x.example/%7euser/%2f%41"), "http://x.example/~user/%2FA");
  EXPECT_EQ(Url("http://x.example/%c3%bc?a=%c3%BC&b=%7E"), "http://x.example/%C3%BC?a=%C3%BC&b=~");
  EXPECT_EQ(Url("http://x.example"), "http://x.example/");
  EXPECT_EQ(Url("http://x.example?q"), "http://x.example/?q");
  EXPECT_EQ(Url("http://x.example#top"), "http://x.example/");
  EXPECT_EQ(Url("http://x.example/?"), "http://x.example/?");
  EXPECT_EQ(Url("http://x.example./"), "http://x.example/");
  EXPECT_EQ(Url("http://[2001:DB8::1]:80/"), "http://[2001:db8::1]/");
  EXPECT_EQ(Url("http://[::ffff:192.0.2.1]:8080/"), "http://[::ffff:192.0.2.1]:8080/");
  EXPECT_EQ(Url("http://[fe80::1%25eth0]/"), "http://[fe80::1]/");
  EXPECT_EQ(Url("http://192.0.2.1:80/x"), "http://192.0.2.1/x");
  EXPECT_EQ(Url("http://bücher.example/"), "http://xn--bcher-kva.example/");
  EXPECT_EQ(Url("http://b%C3%BCcher.example/"), "http://xn--bcher-kva.example/");
  EXPECT_EQ(Url("http://%65xample.com/"), "http://example.com/");
  EXPECT_EQ(Url("svn+SSH://x.example/r"), "svn+ssh://x.example/r");
}

TEST(NormaliseUrl, DotSegmentsAreRemovedAfterEscapesAreDecoded) {
  EXPECT_EQ(Url("http://x.example/a/b/c/./../../g"), "http://x.example/a/g");
  EXPECT_EQ(Url("http://x.example/a/%2e%2e/b"), "http://x.example/b");
  EXPECT_EQ(Url("http://x.example/a/.%2E/b"), "http://x.example/b");
  EXPECT_EQ(Url("http://x.example/a/%2E"), "http://x.example/a/");
  EXPECT_EQ(Url("http://x.example/../../a"), "http://x.example/a");
  EXPECT_EQ(Url("http://x.example/a/.."), "http://x.example/");
  EXPECT_EQ(Url("http://x.example/a/."), "http://x.example/a/");
  EXPECT_EQ(Url("http://x.example/a//../b"), "http://x.example/a/b");
  EXPECT_EQ(Url("http://x.example/a/.../b"), "http://x.example/a/.../b");
  EXPECT_EQ(Url("http://x.example/a/%2F../b"), "http://x.example/a/%2F../b");  // no '/'
  EXPECT_EQ(Url("http://x.example/a?b/../c"), "http://x.example/a?b/../c");    // not the query
}

TEST(NormaliseUrl, ValuesWithoutASchemeAreHttp) {
  EXPECT_EQ(Url("evil.example/path"), "http://evil.example/path");
  EXPECT_EQ(Url("Evil.Example"), "http://evil.example/");
  EXPECT_EQ(Url("evil.example:8080/x"), "http://evil.example:8080/x");
  EXPECT_EQ(Url("localhost:80"), "http://localhost/");
  EXPECT_EQ(Url("//evil.example/x"), "http://evil.example/x");
  EXPECT_EQ(Url("192.0.2.1/x"), "http://192.0.2.1/x");
  EXPECT_EQ(Url("[2001:db8::1]/x"), "http://[2001:db8::1]/x");
  EXPECT_EQ(Url("user@evil.example/x"), "http://user@evil.example/x");
}

TEST(NormaliseUrl, UserInfoIsKeptAndEndsAtTheLastAt) {
  EXPECT_EQ(Url("http://u:p@x.example/"), "http://u:p@x.example/");
  EXPECT_EQ(Url("http://U:P@X.example/"), "http://U:P@x.example/");
  EXPECT_EQ(Url("http://good.example@evil.example/"), "http://good.example@evil.example/");
  EXPECT_EQ(Url("http://a@b@evil.example/"), "http://a%40b@evil.example/");
  EXPECT_EQ(Url("http://@x.example/"), "http://x.example/");
  EXPECT_EQ(Url("http://u%3a%41@x.example/"), "http://u%3AA@x.example/");
}

TEST(NormaliseUrl, BytesAUriCannotHoldArePercentEncoded) {
  EXPECT_EQ(Url("http://x.example/a b"), "http://x.example/a%20b");
  EXPECT_EQ(Url("http://x.example/a b?c d"), "http://x.example/a%20b?c%20d");
  EXPECT_EQ(Url("http://x.example/ü"), "http://x.example/%C3%BC");
  EXPECT_EQ(Url("http://x.example/a\"<>\\^`{|}"), "http://x.example/a%22%3C%3E%5C%5E%60%7B%7C%7D");
  EXPECT_EQ(Url("http://x.example/?a[]=1&b=%5b%5D"), "http://x.example/?a%5B%5D=1&b=%5B%5D");
  EXPECT_EQ(Url("http://x.example/a\tb"), "http://x.example/a%09b");
  EXPECT_EQ(Url("  http://x.example/a \r\n"), "http://x.example/a");
  EXPECT_EQ(Url(std::string_view("http://x.example/a\0b", 20)), "http://x.example/a%00b");
}

TEST(NormaliseUrl, QueryIsKeptByteForByteButForEscapes) {
  EXPECT_EQ(Url("http://x.example/p?B=2&a=1&a=1;c=/x?y:z@w!$'()*+,"),
            "http://x.example/p?B=2&a=1&a=1;c=/x?y:z@w!$'()*+,");
  EXPECT_EQ(Url("http://x.example/p?q=%2fa%2B%41"), "http://x.example/p?q=%2Fa%2BA");
  EXPECT_EQ(Url("http://x.example/p?q=a#b?c"), "http://x.example/p?q=a");
}

TEST(NormaliseUrl, WhatIsNotAUrlIsRejected) {
  for (std::string_view bad : {"",
                               "   ",
                               "http://",
                               "http:///path",
                               "http://:80/",
                               "http://u@/",
                               "http://?q",
                               "http://x.example:99999/",
                               "http://x.example:65536/",
                               "http://x.example:abc/",
                               "http://x.example:-1/",
                               "http://x.example:8 0/",
                               "http://x.example/%zz",
                               "http://x.example/%",
                               "http://x.example/%4",
                               "http://x.example/?%g0",
                               "http://u%zz@x.example/",
                               "http://%zz.example/",
                               "http://x%2.example/",
                               "http://a b/",
                               "http://x..example/",
                               "http://1.2.3/",
                               "http://[::1/",
                               "http://[::1]x/",
                               "http://[v1.fe]/",
                               "http://[1::2::3]/",
                               "http://x.example\\y/",
                               "mailto:a@b.example",
                               "javascript:alert(1)",
                               "http:/x.example/",
                               "urn:isbn:1",
                               "file:///etc/passwd"}) {
    EXPECT_EQ(Url(bad), std::nullopt) << bad;
  }
}

TEST(NormaliseUrl, NormalisedUrlsAreFixedPoints) {
  for (std::string_view url :
       {"HTTP://Example.COM:80/a/./b/../c?q=1#frag", "http://x.example/%7euser/%2f%41",
        "evil.example/a b/ü?x=[1]", "http://a@b@x.example./..%2f/%2e", "http://[::FFFF:1.2.3.4]",
        "http://x.example//a/./../b/", "http://x.example/%2e%2E/%2e/x/.."}) {
    const auto once = Url(url);
    ASSERT_TRUE(once.has_value()) << url;
    EXPECT_EQ(Url(*once), once) << url;
  }
}

// --- Hashes and e-mail ------------------------------------------------------------------

TEST(NormaliseHash, HexDigestsOfTheFourLengthsBecomeBytes) {
  EXPECT_EQ(Hash("d41d8cd98f00b204e9800998ecf8427e"),
            std::string("\xd4\x1d\x8c\xd9\x8f\x00\xb2\x04\xe9\x80\x09\x98\xec\xf8\x42\x7e", 16));
  EXPECT_EQ(Hash("D41D8CD98F00B204E9800998ECF8427E"), Hash("d41d8cd98f00b204e9800998ecf8427e"));
  EXPECT_EQ(Hash(std::string(40, 'a'))->size(), 20u);
  EXPECT_EQ(Hash(std::string(64, 'F'))->size(), 32u);
  EXPECT_EQ(Hash(std::string(128, '0'))->size(), 64u);
  std::string colons;
  for (int i = 0; i < 20; ++i) colons += i == 0 ? "AB" : ":ab";
  EXPECT_EQ(Hash(colons), std::string(20, '\xab'));
}

TEST(NormaliseHash, OtherLengthsAndNonHexAreRejected) {
  std::string colons32;
  for (int i = 0; i < 32; ++i) colons32 += i == 0 ? "aa" : ":aa";
  std::string mixed = colons32;
  mixed[5] = '0';  // one colon missing
  for (const std::string& bad :
       {std::string(""), std::string(31, 'a'), std::string(33, 'a'), std::string(48, 'a'),
        std::string(30, 'a'), std::string(31, 'a') + "g", std::string(32, 'a') + " ",
        std::string(63, 'a') + "x", ":" + colons32.substr(1), colons32 + ":", mixed,
        colons32.substr(0, colons32.size() - 3), std::string(40, ':')}) {
    EXPECT_EQ(Hash(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(Hash(colons32)->size(), 32u);
}

TEST(NormaliseEmail, LocalPartLowerCasedAndDomainNormalised) {
  EXPECT_EQ(Email("John.Doe@Example.COM"), "john.doe@example.com");
  EXPECT_EQ(Email("a@Bücher.example."), "a@xn--bcher-kva.example");
  EXPECT_EQ(Email("x+tag@sub.example"), "x+tag@sub.example");
  for (std::string_view bad : {"a@b@c.example", "@x.com", "x@", "", "x", "x@1.2.3.4",
                               "x@[192.0.2.1]", "x@a..b", "x@@a.example"}) {
    EXPECT_EQ(Email(bad), std::nullopt) << bad;
  }
  const auto once = Email("Ü@MÜNCHEN.DE");
  ASSERT_TRUE(once.has_value());
  EXPECT_EQ(*once, "Ü@xn--mnchen-3ya.de");  // non-ASCII local parts are kept as written
  EXPECT_EQ(Email(*once), once);
}

}  // namespace
}  // namespace kongsi::stix
