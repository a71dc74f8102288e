// The property-name summary: names present are always "maybe", the summary of typical objects
// rules most absent names out, and it never changes (it is stored).
#include "stix/property_bloom.h"

#include "gtest/gtest.h"

namespace kongsi::stix {
namespace {

// Whether an object with `bloom` may have a property `name` / one starting with `prefix`.
bool BloomMayHaveName(uint64_t bloom, std::string_view name) {
  const std::optional<uint64_t> bit = BloomNameBit(name);
  return !bit || (bloom & *bit) != 0;
}
bool BloomMayHavePrefix(uint64_t bloom, std::string_view prefix) {
  const std::optional<uint64_t> bit = BloomPrefixBit(prefix);
  return !bit || (bloom & *bit) != 0;
}

uint64_t BloomOf(const char* json) {
  static simdjson::dom::parser parser;
  return PropertyBloom(parser.parse(std::string_view(json)).get_object().value());
}

TEST(PropertyBloomTest, EveryNamePresentIsMaybe) {
  const uint64_t b =
      BloomOf(R"({"type":"indicator","id":"x","granular_markings":[],"x_internal_note":"n",)"
              R"("external_references":[],"granular\u005fmarkings2":1})");
  for (const char* name : {"type", "id", "granular_markings", "x_internal_note",
                           "external_references", "granular_markings2"}) {
    EXPECT_TRUE(BloomMayHaveName(b, name)) << name;
  }
  EXPECT_TRUE(BloomMayHavePrefix(b, "x_"));
  EXPECT_TRUE(BloomMayHavePrefix(b, "x_internal_"));
  EXPECT_TRUE(BloomMayHavePrefix(b, "x"));  // too short to tell: maybe
}

TEST(PropertyBloomTest, CommonNamesAreAlwaysMaybe) {
  const uint64_t b = BloomOf(R"({"type":"indicator"})");
  EXPECT_TRUE(BloomMayHaveName(b, "description"));
  EXPECT_TRUE(BloomMayHavePrefix(b, "desc"));
  EXPECT_FALSE(BloomMayHaveName(b, "granular_markings"));
}

TEST(PropertyBloomTest, TypicalIndicatorRulesOutWhatRedactionLooksFor) {
  const uint64_t b = BloomOf(
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--1","created":"t",)"
      R"("modified":"t","name":"n","description":"d","indicator_types":["malicious-activity"],)"
      R"("pattern":"p","pattern_type":"stix","valid_from":"t","kill_chain_phases":[],)"
      R"("labels":["l"],"confidence":80,"created_by_ref":"identity--1","object_marking_refs":[]})");
  EXPECT_NE(b, 0u);
  EXPECT_FALSE(BloomMayHaveName(b, "granular_markings"));
  EXPECT_FALSE(BloomMayHaveName(b, "external_references"));
  EXPECT_FALSE(BloomMayHavePrefix(b, "x_"));
}

TEST(PropertyBloomTest, SummaryIsStable) {
  // Stored summaries must keep their meaning across releases.
  EXPECT_EQ(BloomOf(R"({"type":"x"})"), 0x8000000000000000ull);
  EXPECT_EQ(BloomOf(R"({"type":"x","x_a":1})"), 0x8000100400000000ull);
}

}  // namespace
}  // namespace kongsi::stix
