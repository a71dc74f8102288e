// The indicator index: which patterns it takes, and that every kind of value finds the
// indicators that name it (in whatever spelling the log uses) and nothing else.
#include "match/indicator_index.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::match {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Indicator Make(std::string id, std::string pattern) {
  Indicator i;
  i.id = "indicator--" + id;
  i.name = "name of " + id;
  i.pattern = std::move(pattern);
  i.pattern_type = "stix";
  return i;
}

class IndexTest : public ::testing::Test {
 protected:
  void Build(const std::vector<Indicator>& indicators, IndexOptions options = {}) {
    IndexBuilder builder(options);
    for (const auto& i : indicators) builder.Add(i);
    index_ = builder.Build();
  }
  // Ids of the indicators `value` hits, sorted.
  std::vector<std::string> Hits(Observable kind, std::string_view value) {
    std::vector<std::string> out;
    std::string scratch;
    index_.Lookup(kind, value, scratch,
                  [&](uint32_t i) { out.push_back(std::string(index_.Record(i).id.substr(11))); });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  IndicatorIndex index_;
};

TEST_F(IndexTest, Ipv4AddressesAndEveryContainingBlock) {
  Build({Make("a", "[ipv4-addr:value = '198.51.100.7']"),
         Make("b", "[ipv4-addr:value = '198.51.100.0/24']"),
         Make("c", "[ipv4-addr:value ISSUBSET '198.51.0.0/16']"),
         Make("d", "[ipv4-addr:value = '203.0.113.9/32']"),
         Make("e", "[ipv4-addr:value = '10.1.2.3/8']")});  // host bits: the block 10/8
  EXPECT_THAT(Hits(Observable::kIpAddress, "198.51.100.7"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Hits(Observable::kIpAddress, "198.51.100.8"), ElementsAre("b", "c"));
  EXPECT_THAT(Hits(Observable::kIpAddress, "198.51.7.1"), ElementsAre("c"));
  EXPECT_THAT(Hits(Observable::kIpAddress, "198.52.0.1"), IsEmpty());
  EXPECT_THAT(Hits(Observable::kIpAddress, "203.0.113.9"), ElementsAre("d"));
  EXPECT_THAT(Hits(Observable::kIpAddress, "10.255.0.1"), ElementsAre("e"));
  EXPECT_THAT(Hits(Observable::kIpAddress, "11.0.0.0"), IsEmpty());
  EXPECT_EQ(index_.stats().indicators, 5u);
}

TEST_F(IndexTest, Ipv6InAnySpellingAndBlocksAcrossWordBoundaries) {
  Build({Make("a", "[ipv6-addr:value = '2001:DB8::1']"),
         Make("b", "[ipv6-addr:value ISSUBSET '2001:db8:0:1::/64']"),
         Make("c", "[ipv6-addr:value = '2001:db8::/65']"),
         Make("d", "[ipv6-addr:value = '::/0']")});
  EXPECT_THAT(Hits(Observable::kIpAddress, "2001:0db8:0000:0000:0000:0000:0000:0001"),
              ElementsAre("a", "c", "d"));
  EXPECT_THAT(Hits(Observable::kIpAddress, "2001:db8:0:1:ffff::1"), ElementsAre("b", "d"));
  EXPECT_THAT(Hits(Observable::kIpAddress, "2001:db8::8000:0:0:1"), ElementsAre("d"));
  EXPECT_THAT(Hits(Observable::kIpAddress, "192.0.2.1"), IsEmpty());  // IPv4 is apart
}

TEST_F(IndexTest, DomainsExactSubdomainsAndSpellings) {
  Build({Make("a", "[domain-name:value = 'Evil.Example.']"),
         Make("b", "[domain-name:value LIKE '%.tracker.example']"),
         Make("c", "[domain-name:value = 'bücher.example']")});
  EXPECT_THAT(Hits(Observable::kDomainName, "evil.example"), ElementsAre("a"));
  EXPECT_THAT(Hits(Observable::kDomainName, "EVIL.example."), ElementsAre("a"));
  EXPECT_THAT(Hits(Observable::kDomainName, "www.evil.example"), IsEmpty());
  EXPECT_THAT(Hits(Observable::kDomainName, "notevil.example"), IsEmpty());
  EXPECT_THAT(Hits(Observable::kDomainName, "a.b.tracker.example"), ElementsAre("b"));
  EXPECT_THAT(Hits(Observable::kDomainName, "tracker.example"), IsEmpty());
  EXPECT_THAT(Hits(Observable::kDomainName, "xn--bcher-kva.example"), ElementsAre("c"));

  Build({Make("a", "[domain-name:value = 'evil.example']")}, IndexOptions{.subdomains = true});
  EXPECT_THAT(Hits(Observable::kDomainName, "www.evil.example"), ElementsAre("a"));
  EXPECT_THAT(Hits(Observable::kDomainName, "evil.example"), ElementsAre("a"));
  EXPECT_THAT(Hits(Observable::kDomainName, "xevil.example"), IsEmpty());
}

TEST_F(IndexTest, UrlsMeetAfterNormalisation) {
  Build({Make("a", "[url:value = 'HTTP://Evil.Example:80/a/./b/../c?q=1']"),
         Make("b", "[url:value = 'evil.example/download.exe']")});
  EXPECT_THAT(Hits(Observable::kUrl, "http://evil.example/a/c?q=1"), ElementsAre("a"));
  EXPECT_THAT(Hits(Observable::kUrl, "http://evil.example/a/c?q=2"), IsEmpty());
  EXPECT_THAT(Hits(Observable::kUrl, "http://EVIL.example/%64ownload.exe"), ElementsAre("b"));
}

TEST_F(IndexTest, HashesFingerprintsAndStrings) {
  Build({Make("md5", "[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E']"),
         Make("sha256",
              "[file:hashes.'SHA-256' = "
              "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']"),
         Make("x509",
              "[x509-certificate:hashes.'SHA-1' = "
              "'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3']"),
         Make("ja3", "[x-ja3:value = '6734F37431670B3AB4292B8F60F29984']"),
         Make("ua",
              "[network-traffic:extensions.'http-request-ext'.request_header."
              "'User-Agent' = 'EvilBot/1.0']"),
         Make("mail", "[email-addr:value = 'Bad.Actor@Evil.Example']")});
  EXPECT_THAT(Hits(Observable::kFileHash, "d41d8cd98f00b204e9800998ecf8427e"), ElementsAre("md5"));
  EXPECT_THAT(Hits(Observable::kFileHash,
                   "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
              ElementsAre("sha256"));
  EXPECT_THAT(
      Hits(Observable::kX509Sha1, "a9:4a:8f:e5:cc:b1:9b:a6:1c:4c:08:73:d3:91:e9:87:98:2f:bb:d3"),
      ElementsAre("x509"));
  EXPECT_THAT(Hits(Observable::kFileHash, "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"),
              IsEmpty());  // a certificate's digest is not a file's
  EXPECT_THAT(Hits(Observable::kJa3, "6734f37431670b3ab4292b8f60f29984"), ElementsAre("ja3"));
  EXPECT_THAT(Hits(Observable::kUserAgent, "EvilBot/1.0"), ElementsAre("ua"));
  EXPECT_THAT(Hits(Observable::kUserAgent, "evilbot/1.0"), IsEmpty());
  EXPECT_THAT(Hits(Observable::kEmailAddress, "bad.actor@evil.example"), ElementsAre("mail"));
}

TEST_F(IndexTest, DisjunctionsAndSetsGiveEveryKeyOneValueManyIndicators) {
  Build({Make("a",
              "[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')] OR "
              "[domain-name:value = 'x.example' OR domain-name:value = 'y.example']"),
         Make("b", "[ipv4-addr:value = '192.0.2.2']")});
  EXPECT_THAT(Hits(Observable::kIpAddress, "192.0.2.1"), ElementsAre("a"));
  EXPECT_THAT(Hits(Observable::kIpAddress, "192.0.2.2"), ElementsAre("a", "b"));
  EXPECT_THAT(Hits(Observable::kDomainName, "y.example"), ElementsAre("a"));
  EXPECT_EQ(index_.stats().exact_keys, 5u);
}

TEST_F(IndexTest, WhatTheIndexLeavesOutIsCountedNotMatched) {
  Indicator revoked = Make("revoked", "[ipv4-addr:value = '192.0.2.9']");
  revoked.revoked = true;
  Indicator sigma = Make("sigma", "title: x");
  sigma.pattern_type = "sigma";
  Build({Make("and",
              "[domain-name:value = 'x.example' AND "
              "domain-name:resolves_to_refs[*].value = '192.0.2.9']"),
         Make("followed",
              "[ipv4-addr:value = '192.0.2.9'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.8']"),
         Make("within", "[ipv4-addr:value = '192.0.2.9'] WITHIN 5 SECONDS"),
         Make("not", "[ipv4-addr:value != '192.0.2.9']"),
         Make("direction", "[network-traffic:dst_ref.value = '192.0.2.9']"),
         Make("bad-ip", "[ipv4-addr:value = '192.0.2.999']"),
         Make("syntax", "[ipv4-addr:value = '192.0.2.9'"), revoked, sigma});
  EXPECT_THAT(Hits(Observable::kIpAddress, "192.0.2.9"), IsEmpty());
  const IndexStats& s = index_.stats();
  EXPECT_EQ(s.indicators, 0u);
  EXPECT_EQ(s.general, 5u);
  EXPECT_EQ(s.invalid, 2u);
  EXPECT_EQ(s.revoked, 1u);
  EXPECT_EQ(s.not_stix, 1u);
  EXPECT_THAT(s.first_invalid, ::testing::HasSubstr("indicator--bad-ip"));
}

TEST_F(IndexTest, RecordsCarryWhatHitsReport) {
  Indicator i = Make("rec", "[ipv4-addr:value = '192.0.2.1']");
  i.tlp = stix::Tlp::kAmber;
  i.created_by_ref = "identity--producer";
  i.valid_from = 1000;
  i.valid_until = 2000;
  Build({i});
  ASSERT_EQ(index_.size(), 1u);
  const IndicatorRecord r = index_.Record(0);
  EXPECT_EQ(r.id, "indicator--rec");
  EXPECT_EQ(r.name, "name of rec");
  EXPECT_EQ(r.tlp, stix::Tlp::kAmber);
  EXPECT_EQ(r.created_by_ref, "identity--producer");
  EXPECT_FALSE(r.ValidAt(999));
  EXPECT_TRUE(r.ValidAt(1000));
  EXPECT_TRUE(r.ValidAt(1999));
  EXPECT_FALSE(r.ValidAt(2000));
}

TEST_F(IndexTest, ValuesThatAreNotOfTheirKindAreSaidSo) {
  Build({Make("a", "[ipv4-addr:value = '192.0.2.1']"),
         Make("b", "[domain-name:value = 'x.example']")});
  std::string scratch;
  auto none = [](uint32_t) {};
  EXPECT_FALSE(index_.Lookup(Observable::kIpAddress, "-", scratch, none));
  EXPECT_FALSE(index_.Lookup(Observable::kDomainName, "a..b", scratch, none));
  EXPECT_TRUE(index_.Lookup(Observable::kDomainName, "y.example", scratch, none));
}

}  // namespace
}  // namespace kongsi::match
