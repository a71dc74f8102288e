// Which values are indexed for correlation, and how they are normalised.
#include "stix/observable.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::stix {
namespace {

using ::testing::UnorderedElementsAre;

std::vector<ObservableValue> Extract(std::string_view text) {
  simdjson::dom::parser parser;
  std::vector<ObservableValue> out;
  ExtractObservableValues(parser.parse(text.data(), text.size()).value(), out);
  return out;
}

TEST(Observable, ScoValuesAreNormalised) {
  EXPECT_THAT(
      Extract(
          R"({"type":"domain-name","id":"domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5","value":"Example.COM."})"),
      UnorderedElementsAre(ObservableValue{"domain-name", "example.com"}));
  EXPECT_THAT(
      Extract(
          R"({"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"})"),
      UnorderedElementsAre(ObservableValue{"ipv4-addr", "198.51.100.3"}));
  EXPECT_THAT(
      Extract(
          R"({"type":"file","id":"file--5a27d487-c542-5f97-a131-a8866b477b46","name":"a.exe","hashes":{"MD5":"0123456789ABCDEF0123456789ABCDEF"}})"),
      UnorderedElementsAre(ObservableValue{"file:name", "a.exe"},
                           ObservableValue{"file:hashes.MD5", "0123456789abcdef0123456789abcdef"}));
}

TEST(Observable, EmbeddedObservedDataObjectsAreIndexed) {
  EXPECT_THAT(
      Extract(
          R"({"type":"observed-data","objects":{"0":{"type":"ipv4-addr","value":"203.0.113.7"},"1":{"type":"email-addr","value":"Bad@Example.com"}}})"),
      UnorderedElementsAre(ObservableValue{"ipv4-addr", "203.0.113.7"},
                           ObservableValue{"email-addr", "bad@example.com"}));
}

TEST(Observable, NetworkValuesTakeTheirCanonicalForms) {
  EXPECT_EQ(NormaliseObservable("ipv4-addr", "10.1.2.3/8"), "10.0.0.0/8");
  EXPECT_EQ(NormaliseObservable("ipv4-addr", "10.1.2.3/32"), "10.1.2.3");
  EXPECT_EQ(NormaliseObservable("ipv4-addr", "198.51.100.0/24"), "198.51.100.0/24");
  EXPECT_EQ(NormaliseObservable("ipv6-addr", "2001:0DB8:0:0::1"), "2001:db8::1");
  EXPECT_EQ(NormaliseObservable("ipv6-addr", "2001:DB8::1/128"), "2001:db8::1");
  EXPECT_EQ(NormaliseObservable("ipv6-addr", "2001:DB8::1/32"), "2001:db8::/32");
  EXPECT_EQ(NormaliseObservable("ipv6-addr", "::FFFF:C000:201"), "::ffff:192.0.2.1");
  EXPECT_EQ(NormaliseObservable("domain-name", "Bücher.Example."), "xn--bcher-kva.example");
  EXPECT_EQ(NormaliseObservable("url", "HTTP://Example.COM:80/a/./b/../c?q=1#frag"),
            "http://example.com/a/c?q=1");
  EXPECT_EQ(NormaliseObservable("url", "evil.example/path"), "http://evil.example/path");
  EXPECT_EQ(NormaliseObservable("email-addr", "John.Doe@MÜNCHEN.DE"), "john.doe@xn--mnchen-3ya.de");
  EXPECT_EQ(NormaliseObservable("mac-addr", "00:1A:2B:3C:4D:5E"), "00:1a:2b:3c:4d:5e");
}

// A value the canonical normalisers refuse is still indexed, in the form it had before.
TEST(Observable, RefusedValuesKeepTheSimpleForms) {
  EXPECT_EQ(NormaliseObservable("ipv4-addr", "010.1.1.1"), "010.1.1.1");
  EXPECT_EQ(NormaliseObservable("ipv6-addr", "1::2::3"), "1::2::3");
  EXPECT_EQ(NormaliseObservable("ipv6-addr", "FE80::1::Z"), "fe80::1::z");
  EXPECT_EQ(NormaliseObservable("domain-name", "A..B."), "a..b");
  EXPECT_EQ(NormaliseObservable("domain-name", "Example.COM.."), "example.com");
  EXPECT_EQ(NormaliseObservable("domain-name", "Bücher.Example.."), "xn--bcher-kva.example");
  EXPECT_EQ(NormaliseObservable("url", "http://x.example/%zz"), "http://x.example/%zz");
  EXPECT_EQ(NormaliseObservable("email-addr", "A@B@C"), "a@b@c");
}

TEST(Observable, NormalisingTwiceChangesNothing) {
  for (const auto& [kind, value] : std::vector<std::pair<std::string, std::string>>{
           {"ipv4-addr", "10.1.2.3/8"},
           {"ipv4-addr", "010.1.1.1/8"},
           {"ipv6-addr", "::FFFF:1.2.3.4/100"},
           {"ipv6-addr", "Zone%X"},
           {"domain-name", "Bücher.Example.."},
           {"domain-name", "A B.."},
           {"url", "evil.example/a b/../c"},
           {"url", "mailto:X@Y"},
           {"email-addr", "A@Bücher.example"},
           {"email-addr", "A@B..C"},
           {"file:hashes.MD5", "0123456789ABCDEF0123456789ABCDEF"},
       }) {
    const std::string once = NormaliseObservable(kind, value);
    EXPECT_EQ(NormaliseObservable(kind, once), once) << kind << " " << value;
  }
}

TEST(Observable, LookupFormsCoverEveryKind) {
  EXPECT_THAT(LookupForms("Bücher.Example"),
              UnorderedElementsAre("Bücher.Example", "bücher.example", "xn--bcher-kva.example"));
  EXPECT_THAT(LookupForms("HTTP://X.example"),
              UnorderedElementsAre("HTTP://X.example", "http://x.example", "http://x.example/"));
  EXPECT_THAT(LookupForms("evil.example/x"),
              UnorderedElementsAre("evil.example/x", "http://evil.example/x"));
  EXPECT_THAT(LookupForms("2001:0DB8::0001"),
              UnorderedElementsAre("2001:0DB8::0001", "2001:0db8::0001", "2001:db8::1"));
  EXPECT_THAT(LookupForms("198.51.100.7"), UnorderedElementsAre("198.51.100.7"));
  EXPECT_THAT(LookupForms("evil.example"), UnorderedElementsAre("evil.example"));
  EXPECT_THAT(LookupForms("Bad@Example.COM"),
              UnorderedElementsAre("Bad@Example.COM", "bad@example.com"));
  // A certificate fingerprint with colons, as hashes are indexed: lower-case hex.
  std::string fingerprint, hex;
  for (int i = 0; i < 20; ++i) {
    fingerprint += i == 0 ? "AB" : ":AB";
    hex += "ab";
  }
  std::string lower = fingerprint;
  for (char& c : lower) c = c == 'A' ? 'a' : c == 'B' ? 'b' : c;
  EXPECT_THAT(LookupForms(fingerprint), UnorderedElementsAre(fingerprint, lower, hex));
}

TEST(Observable, SdosWithoutObservablesYieldNothing) {
  EXPECT_TRUE(Extract(R"({"type":"malware","name":"x"})").empty());
}

}  // namespace
}  // namespace kongsi::stix

namespace kongsi::stix {
namespace {

TEST(Observable, IndicatorPatternValuesAreIndexed) {
  EXPECT_THAT(
      Extract(
          R"({"type":"indicator","pattern_type":"stix",)"
          R"("pattern":"[ipv4-addr:value = '198.51.100.1'] OR [domain-name:value = 'Evil.Example.']"})"),
      ::testing::UnorderedElementsAre(ObservableValue{"ipv4-addr", "198.51.100.1"},
                                      ObservableValue{"domain-name", "evil.example"}));
  // Other pattern languages, STIX 2.0 patterns and unparsable patterns give nothing.
  EXPECT_TRUE(Extract(R"({"type":"indicator","pattern_type":"sigma","pattern":"[x]"})").empty());
  EXPECT_TRUE(Extract(R"({"type":"indicator","pattern_type":"stix","pattern_version":"2.0",)"
                      R"("pattern":"[ipv4-addr:value = '198.51.100.1']"})")
                  .empty());
  EXPECT_TRUE(
      Extract(R"({"type":"indicator","pattern_type":"stix","pattern":"[ipv4-addr:value = "})")
          .empty());
}

}  // namespace
}  // namespace kongsi::stix
