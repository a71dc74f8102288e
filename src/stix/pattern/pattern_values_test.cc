// Tests of AppendPatternValues (pattern_values.h): which comparisons of a parsed pattern name
// indexed observable values, under which kind, and in which normalised form.
#include "stix/pattern/pattern_values.h"

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stix/observable.h"
#include "stix/pattern/parser.h"

namespace kongsi::stix::pattern {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<ObservableValue> ValuesOf(std::string_view text) {
  std::variant<Pattern, ParseError> parsed = Parse(text);
  if (const auto* error = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << text << ": " << error->ToString();
    return {};
  }
  std::vector<ObservableValue> out;
  AppendPatternValues(std::get<Pattern>(parsed), out);
  return out;
}

ObservableValue V(std::string kind, std::string value) {
  return ObservableValue{std::move(kind), std::move(value)};
}

// The value as the value index keeps it.
ObservableValue N(std::string kind, std::string_view value) {
  std::string normalised = NormaliseObservable(kind, value);
  return ObservableValue{std::move(kind), std::move(normalised)};
}

TEST(PatternValuesTest, ValuePropertiesUnderTheirKinds) {
  EXPECT_THAT(ValuesOf("[ipv4-addr:value = '198.51.100.1']"),
              ElementsAre(V("ipv4-addr", "198.51.100.1")));
  EXPECT_THAT(ValuesOf("[url:value = 'http://example.com/A']"),
              ElementsAre(N("url", "http://example.com/A")));
  EXPECT_THAT(ValuesOf("[file:name = 'Invoice.EXE']"), ElementsAre(V("file:name", "Invoice.EXE")));
  EXPECT_THAT(ValuesOf(R"([windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\Run'])"),
              ElementsAre(V("windows-registry-key:key", R"(HKEY_LOCAL_MACHINE\Run)")));
  EXPECT_THAT(ValuesOf("[x509-certificate:serial_number = '4c:0b:1d']"),
              ElementsAre(V("x509-certificate:serial_number", "4c:0b:1d")));
}

TEST(PatternValuesTest, ValuesAreNormalisedAsSightedValuesAre) {
  EXPECT_THAT(ValuesOf("[domain-name:value = 'WWW.Example.COM.']"),
              ElementsAre(V("domain-name", "www.example.com")));
  for (const auto& [kind, value] :
       std::vector<std::pair<std::string, std::string>>{{"email-addr", "JDoe@Example.com"},
                                                        {"ipv6-addr", "2001:DB8:0:0::1"},
                                                        {"ipv4-addr", "198.51.100.1"},
                                                        {"url", "HTTP://Example.COM:80/a/../b"},
                                                        {"mac-addr", "AA:BB:CC:DD:EE:FF"}}) {
    SCOPED_TRACE(value);
    const std::string text = "[" + kind + ":value = '" + value + "']";
    EXPECT_THAT(ValuesOf(text), ElementsAre(N(kind, value)));
  }
}

TEST(PatternValuesTest, HashesEntries) {
  const char* const sha256 = "AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F";
  EXPECT_THAT(ValuesOf(std::string("[file:hashes.'SHA-256' = '") + sha256 +
                       "' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']"),
              ElementsAre(V("file:hashes.SHA-256",
                            "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"),
                          V("file:hashes.MD5", "cead3f77f6cda6ec00f57d76c9a6879f")));
  EXPECT_THAT(ValuesOf("[artifact:hashes.'SHA-1' = 'DA39A3EE5E6B4B0D3255BFEF95601890AFD80709']"),
              ElementsAre(V("artifact:hashes.SHA-1", "da39a3ee5e6b4b0d3255bfef95601890afd80709")));
  // A hashes entry that is not hex is kept as written (ssdeep, TLSH, ...).
  EXPECT_THAT(ValuesOf("[file:hashes.SSDEEP = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']"),
              ElementsAre(V("file:hashes.SSDEEP", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C")));
}

TEST(PatternValuesTest, InSetsGiveEveryStringMember) {
  EXPECT_THAT(ValuesOf("[ipv4-addr:value IN ('198.51.100.1', '198.51.100.2', 7, true)]"),
              ElementsAre(V("ipv4-addr", "198.51.100.1"), V("ipv4-addr", "198.51.100.2")));
}

TEST(PatternValuesTest, EveryObservationAndComparisonIsVisited) {
  EXPECT_THAT(ValuesOf("([domain-name:value = 'a.example' OR ipv4-addr:value = '198.51.100.1'] "
                       "FOLLOWEDBY [url:value = 'http://b.example/']) WITHIN 60 SECONDS AND "
                       "[(file:name = 'x.exe' OR file:size = 10) AND file:hashes.MD5 = "
                       "'cead3f77f6cda6ec00f57d76c9a6879f']"),
              ElementsAre(V("domain-name", "a.example"), V("ipv4-addr", "198.51.100.1"),
                          N("url", "http://b.example/"), V("file:name", "x.exe"),
                          V("file:hashes.MD5", "cead3f77f6cda6ec00f57d76c9a6879f")));
}

TEST(PatternValuesTest, OnlyPositiveEqualityNamesAValue) {
  EXPECT_THAT(ValuesOf("[domain-name:value != 'a.example']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[domain-name:value NOT = 'a.example']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[domain-name:value NOT IN ('a.example')]"), IsEmpty());
  EXPECT_THAT(ValuesOf("[domain-name:value LIKE '%.example']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[domain-name:value MATCHES 'example']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[ipv4-addr:value ISSUBSET '10.0.0.0/8']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[EXISTS domain-name:value]"), IsEmpty());
}

TEST(PatternValuesTest, OtherPathsAreNotValues) {
  EXPECT_THAT(ValuesOf("[file:size = 10]"), IsEmpty());
  EXPECT_THAT(ValuesOf("[file:mime_type = 'text/plain']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[email-message:from_ref.value = 'a@example.com']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[network-traffic:dst_ref.value = '198.51.100.1']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[file:hashes[*] = 'cead3f77f6cda6ec00f57d76c9a6879f']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[file:hashes.MD5.x = 'cead3f77f6cda6ec00f57d76c9a6879f']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[file:name.x = 'a']"), IsEmpty());
  EXPECT_THAT(ValuesOf("[x-custom:value = 'a']"), IsEmpty());
  // The value of another type's value property is not mistaken for it.
  EXPECT_THAT(ValuesOf("[file:value = 'a' OR domain-name:name = 'b']"), IsEmpty());
}

TEST(PatternValuesTest, DuplicatesAndEmptyValuesAreSkipped) {
  EXPECT_THAT(ValuesOf("[domain-name:value = 'a.example' OR domain-name:value = 'A.example.'] "
                       "OR [domain-name:value = ''] OR [domain-name:value = '.']"),
              ElementsAre(V("domain-name", "a.example")));
}

TEST(PatternValuesTest, AppendsToWhatIsThere) {
  std::variant<Pattern, ParseError> parsed = Parse("[mutex:name = 'Global\\\\x']");
  ASSERT_TRUE(std::holds_alternative<Pattern>(parsed));
  std::vector<ObservableValue> out{V("url", "http://a.example/")};
  AppendPatternValues(std::get<Pattern>(parsed), out);
  EXPECT_THAT(out, ElementsAre(V("url", "http://a.example/"), V("mutex:name", "Global\\x")));
}

}  // namespace
}  // namespace kongsi::stix::pattern
