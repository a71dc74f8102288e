// The plain-text scanner: what it finds in free text, and what it leaves alone.
#include "match/plain_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "match/reader_test_util.h"

namespace kongsi::match {
namespace {

using testing::FileLines;
using ::testing::IsEmpty;
using testing::PaddedLine;
using ::testing::UnorderedElementsAre;
using testing::Value;
using testing::Values;

Value Ip(std::string_view v) { return {"text", Observable::kIpAddress, std::string(v)}; }
Value Domain(std::string_view v) { return {"text", Observable::kDomainName, std::string(v)}; }
Value Url(std::string_view v) { return {"text", Observable::kUrl, std::string(v)}; }
Value Email(std::string_view v) { return {"text", Observable::kEmailAddress, std::string(v)}; }
Value Hash(std::string_view v) { return {"text", Observable::kFileHash, std::string(v)}; }

class PlainReaderTest : public ::testing::Test {
 protected:
  std::vector<Value> Scan(std::string_view text) {
    EXPECT_EQ(reader_->Read(line_.Set(text), event_), LineResult::kEvent);
    EXPECT_TRUE(event_.timestamp.empty());
    return Values(event_);
  }

  std::unique_ptr<LogReader> reader_ = NewPlainReader();
  PaddedLine line_;
  Event event_;
};

TEST_F(PlainReaderTest, Ipv4Addresses) {
  EXPECT_THAT(Scan("Jan 1 sshd[42]: Failed password from 192.0.2.1:52113 to 10.0.0.1."),
              UnorderedElementsAre(Ip("192.0.2.1"), Ip("10.0.0.1")));
  EXPECT_THAT(Scan("src=198.51.100.7,dst=203.0.113.9;x=(0.0.0.0)"),
              UnorderedElementsAre(Ip("198.51.100.7"), Ip("203.0.113.9"), Ip("0.0.0.0")));
}

TEST_F(PlainReaderTest, ThingsThatAreNotIpv4Addresses) {
  EXPECT_THAT(Scan("1.2.3.4.5 256.1.1.1 01.2.3.4 1.2.3 v1.2.3.4 1.2.3.4a Chrome/52.0.2743.116"),
              IsEmpty());
}

TEST_F(PlainReaderTest, Ipv6Addresses) {
  EXPECT_THAT(Scan("from 2001:db8::1 via [2001:db8:0:1::53]:53 and fe80::1%eth0, ::ffff:192.0.2.1"),
              UnorderedElementsAre(Ip("2001:db8::1"), Ip("2001:db8:0:1::53"), Ip("fe80::1"),
                                   Ip("::ffff:192.0.2.1")));
  EXPECT_THAT(Scan("2001:0db8:85a3:0000:0000:8a2e:0370:7334 ::1"),
              UnorderedElementsAre(Ip("2001:0db8:85a3:0000:0000:8a2e:0370:7334"), Ip("::1")));
}

TEST_F(PlainReaderTest, ThingsThatAreNotIpv6Addresses) {
  EXPECT_THAT(Scan("at 12:34:56 mac 00:11:22:33:44:55 std::string a:b 1:2:3:4:5:6:7:8:9 :: "
                   "2021-06-06T16:26:27.431769+0200 fe80:::1 12345::1"),
              IsEmpty());
}

TEST_F(PlainReaderTest, UrlsAndTheirHosts) {
  EXPECT_THAT(Scan("GET http://evil.example/path/file.php?x=1&y=a.b HTTP/1.1"),
              UnorderedElementsAre(Url("http://evil.example/path/file.php?x=1&y=a.b"),
                                   Domain("evil.example")));
  EXPECT_THAT(Scan("see <HTTPS://User:pw@Secure.Example.ORG:8443/a>, 'ftp://192.0.2.5/pub' and "
                   "\"http://[2001:db8::7]:8080/\" (also https://a.example/x)."),
              UnorderedElementsAre(
                  Url("HTTPS://User:pw@Secure.Example.ORG:8443/a"), Domain("Secure.Example.ORG"),
                  Url("ftp://192.0.2.5/pub"), Ip("192.0.2.5"), Url("http://[2001:db8::7]:8080/"),
                  Ip("2001:db8::7"), Url("https://a.example/x"), Domain("a.example")));
  EXPECT_THAT(
      Scan("https://en.example.org/wiki/Foo_(bar)"),
      UnorderedElementsAre(Url("https://en.example.org/wiki/Foo_(bar)"), Domain("en.example.org")));
}

TEST_F(PlainReaderTest, AddressesDoNotStartInsideAUrl) {
  EXPECT_THAT(Scan("see http://a.example/1:: now"),
              UnorderedElementsAre(Url("http://a.example/1"), Domain("a.example")));
}

TEST_F(PlainReaderTest, OtherSchemesAndEmptyHostsAreNotUrls) {
  EXPECT_THAT(Scan("file:///etc/passwd xhttp://a.example/ http:// hxxp://b.example/"),
              UnorderedElementsAre(Domain("a.example"), Domain("b.example")));
}

TEST_F(PlainReaderTest, EmailAddresses) {
  EXPECT_THAT(
      Scan("From: \"John\" <john.doe+tag@mail.example.com>, cc: x%y@example.org."),
      UnorderedElementsAre(Email("john.doe+tag@mail.example.com"), Domain("mail.example.com"),
                           Email("x%y@example.org"), Domain("example.org")));
  EXPECT_THAT(Scan("user@localhost root@ @example.com"),
              UnorderedElementsAre(Domain("example.com")));
}

TEST_F(PlainReaderTest, DomainNames) {
  EXPECT_THAT(Scan("query www.example.com. failed; _ldap._tcp.dc.example.net SRV; x.co"),
              UnorderedElementsAre(Domain("www.example.com"), Domain("_ldap._tcp.dc.example.net"),
                                   Domain("x.co")));
  EXPECT_THAT(Scan("a..b.com example.c e.g. i.e. version 1.2 -.- .com"), IsEmpty());
}

TEST_F(PlainReaderTest, HexHashes) {
  const std::string md5 = "d41d8cd98f00b204e9800998ecf8427e";
  const std::string sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
  const std::string sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const std::string sha512 = sha256 + sha256;
  EXPECT_THAT(Scan("md5=" + md5 + " sha1:" + sha1 + " [" + sha256 + "] " + sha512),
              UnorderedElementsAre(Hash(md5), Hash(sha1), Hash(sha256), Hash(sha512)));
  // Bounded by any character that is not a hex digit (the file name is also domain-shaped).
  EXPECT_THAT(Scan("0x" + md5 + " file_" + sha1 + ".bin"),
              UnorderedElementsAre(Hash(md5), Hash(sha1), Domain("file_" + sha1 + ".bin")));
  // 33 digits, a hash inside a longer hex string, a UUID.
  EXPECT_THAT(Scan(md5 + "a 1" + md5 + "2 550e8400-e29b-41d4-a716-446655440000"), IsEmpty());
}

TEST_F(PlainReaderTest, BlankLinesAreSkippedAndNothingIsMalformed) {
  EXPECT_EQ(reader_->Read(line_.Set(""), event_), LineResult::kSkip);
  EXPECT_EQ(reader_->Read(line_.Set(" \t\r"), event_), LineResult::kSkip);
  EXPECT_THAT(Scan("\x01\xff\xfe{}[]::: @@ ://"), IsEmpty());
}

// Long lines of one repeated pattern were scanned in quadratic time (a ')' check per trailing
// parenthesis, a look-ahead per run of an e-mail local part).
TEST_F(PlainReaderTest, LongLinesOfRepeatedPatterns) {
  std::string parens = "http://a.example/" + std::string(200000, ')');
  EXPECT_THAT(Scan(parens), UnorderedElementsAre(Url("http://a.example/"), Domain("a.example")));
  std::string local;
  for (int i = 0; i < 100000; ++i) local += "a+";
  EXPECT_THAT(Scan(local + "b@c.example"),
              UnorderedElementsAre(Email(local + "b@c.example"), Domain("c.example")));
  EXPECT_THAT(Scan(local), IsEmpty());
}

TEST_F(PlainReaderTest, FixtureFile) {
  FileLines file;
  ASSERT_TRUE(file.Load(testing::TestDataPath("logs/syslog.txt")));
  std::vector<Value> all;
  for (std::string_view line : file.lines()) {
    if (reader_->Read(line, event_) != LineResult::kEvent) continue;
    for (const Value& v : Values(event_)) all.push_back(v);
  }
  EXPECT_THAT(all, UnorderedElementsAre(
                       Ip("203.0.113.45"), Ip("2001:db8::2:1"),
                       Url("http://malware.example.net/payload.sh"), Domain("malware.example.net"),
                       Email("alerts@soc.example.org"), Domain("soc.example.org"),
                       Domain("update.example.com"), Hash("44d88612fea8a8f36de82e1278abb02f")));
}

}  // namespace
}  // namespace kongsi::match
