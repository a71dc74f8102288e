// Which values are indexed for correlation, and how they are normalised.
#include "stix/observable.h"

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

TEST(Observable, SdosWithoutObservablesYieldNothing) {
  EXPECT_TRUE(Extract(R"({"type":"malware","name":"x"})").empty());
}

}  // namespace
}  // namespace kongsi::stix
