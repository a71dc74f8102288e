// The field text helpers the readers share: IP literals, mail addresses, hosts, URLs,
// fingerprints.
#include "match/field_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::match {
namespace {

TEST(FieldText, Ipv4Literals) {
  for (std::string_view ok : {"0.0.0.0", "192.0.2.1", "255.255.255.255", "10.0.0.10"}) {
    EXPECT_TRUE(IsIpv4Text(ok)) << ok;
  }
  for (std::string_view bad : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.4 ",
                               "1..2.3", "1.2.3.", "a.b.c.d", "1234.1.1.1", "1.2.3.-4"}) {
    EXPECT_FALSE(IsIpv4Text(bad)) << bad;
  }
}

TEST(FieldText, Ipv6Literals) {
  for (std::string_view ok :
       {"::", "::1", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "fe80::", "::ffff:192.0.2.1",
        "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8"}) {
    EXPECT_TRUE(IsIpv6Text(ok)) << ok;
  }
  for (std::string_view bad : {"", ":", ":1", "1:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3",
                               "12345::1", "g::1", "::1.2.3", "1.2.3.4::", "[::1]", "fe80::1%eth0",
                               "1:2:3:4:5:6:7:8::", "00:11:22:33:44:55"}) {
    EXPECT_FALSE(IsIpv6Text(bad)) << bad;
  }
}

TEST(FieldText, EmailAddressIn) {
  EXPECT_EQ(EmailAddressIn("a@b.example"), "a@b.example");
  EXPECT_EQ(EmailAddressIn("<a@b.example>"), "a@b.example");
  EXPECT_EQ(EmailAddressIn(" \"Doe, Jane\" <jane@b.example> "), "jane@b.example");
  EXPECT_EQ(EmailAddressIn("\"x@y.example\" <real@b.example>"), "real@b.example");
  EXPECT_EQ(EmailAddressIn("a@b.example (Jane)"), "a@b.example");
  EXPECT_EQ(EmailAddressIn("Administrator"), "");
  EXPECT_EQ(EmailAddressIn("<nobody+\"|sh"), "");
  EXPECT_EQ(EmailAddressIn(""), "");
}

TEST(FieldText, SplitHostPort) {
  auto split = [](std::string_view host) {
    std::string_view name;
    std::string_view port;
    SplitHostPort(host, name, port);
    return std::make_pair(std::string(name), std::string(port));
  };
  EXPECT_EQ(split("example.com"), std::make_pair(std::string("example.com"), std::string()));
  EXPECT_EQ(split("example.com:8080"),
            std::make_pair(std::string("example.com"), std::string("8080")));
  EXPECT_EQ(split("[2001:db8::1]:443"),
            std::make_pair(std::string("2001:db8::1"), std::string("443")));
  EXPECT_EQ(split("[2001:db8::1]"), std::make_pair(std::string("2001:db8::1"), std::string()));
  EXPECT_EQ(split("2001:db8::1"), std::make_pair(std::string("2001:db8::1"), std::string()));
  EXPECT_EQ(split("a:b"), std::make_pair(std::string("a:b"), std::string()));
  EXPECT_EQ(split("[::1"), std::make_pair(std::string("[::1"), std::string()));
}

TEST(FieldText, ComposeHttpUrl) {
  Event event;
  EXPECT_EQ(ComposeHttpUrl(event, "a.example", "", "/x?y"), "http://a.example/x?y");
  EXPECT_EQ(ComposeHttpUrl(event, "a.example", "80", "/"), "http://a.example/");
  EXPECT_EQ(ComposeHttpUrl(event, "a.example", "8080", "/"), "http://a.example:8080/");
  EXPECT_EQ(ComposeHttpUrl(event, "a.example:81", "8080", "/"), "http://a.example:81/");
  EXPECT_EQ(ComposeHttpUrl(event, "2001:db8::1", "", "/"), "http://[2001:db8::1]/");
  EXPECT_EQ(ComposeHttpUrl(event, "[2001:db8::1]:8443", "", "/"), "http://[2001:db8::1]:8443/");
  EXPECT_EQ(ComposeHttpUrl(event, "a.example", "", "HTTPS://b.example/"), "HTTPS://b.example/");
  EXPECT_EQ(ComposeHttpUrl(event, "", "", "http://b.example/"), "http://b.example/");
  EXPECT_EQ(ComposeHttpUrl(event, "", "", "/x"), "");
  EXPECT_EQ(ComposeHttpUrl(event, "a.example", "", "b.example:443"), "");
  EXPECT_EQ(ComposeHttpUrl(event, "a.example", "", "*"), "");
  EXPECT_EQ(ComposeHttpUrl(event, "a.example", "", ""), "");
}

TEST(FieldText, ComposedUrlsStayPutUntilClear) {
  Event event;
  const std::string_view first = ComposeHttpUrl(event, "a.example", "", "/1");
  for (int i = 0; i < 100; ++i) ComposeHttpUrl(event, "b.example", "", "/2");
  EXPECT_EQ(first, "http://a.example/1");
}

TEST(FieldText, FingerprintKind) {
  Observable kind;
  ASSERT_TRUE(FingerprintKind("2d:d1:9f:80:99:86:fc:ac:5f:2a:2a:fd:a3:f3:7e:96:7c:dd:24:37", kind));
  EXPECT_EQ(kind, Observable::kX509Sha1);
  ASSERT_TRUE(
      FingerprintKind("b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe", kind));
  EXPECT_EQ(kind, Observable::kX509Sha256);
  EXPECT_FALSE(FingerprintKind("d41d8cd98f00b204e9800998ecf8427e", kind));
  EXPECT_FALSE(FingerprintKind("zz", kind));
  EXPECT_FALSE(FingerprintKind("", kind));
}

}  // namespace
}  // namespace kongsi::match
