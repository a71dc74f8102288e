// Add-objects bodies: valid objects become records stored as received, invalid ones failures
// with a reason, and a malformed body is refused as a whole with its line and column.
#include "taxii/add_objects.h"

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::taxii {
namespace {

using ::testing::HasSubstr;

constexpr char kIndicator[] =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",)"
    R"("pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
    R"("valid_from":"2026-01-01T00:00:00Z"})";

TEST(AddObjectsTest, ValidAndInvalidObjectsAreSeparated) {
  const std::string body = std::string("{\"objects\": [\n  ") + kIndicator +
                           ",\n  {\"type\":\"indicator\",\"id\":\"bad\"},\n  42\n]}";
  stix::Validator validator;
  auto parsed = ParseAddObjects(body, validator, {});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->items.size(), 3u);
  ASSERT_EQ(parsed->records.size(), 1u);
  EXPECT_EQ(parsed->records[0].body, kIndicator);  // stored exactly as received (minified)
  EXPECT_EQ(parsed->items[0].error, "");
  EXPECT_EQ(parsed->items[0].version, "2026-01-01T00:00:00.000Z");
  EXPECT_THAT(parsed->items[1].error, HasSubstr("/objects/1"));
  EXPECT_THAT(parsed->items[2].error, HasSubstr("not a STIX object"));

  const std::string status = StatusResourceJson("s-1", 0, *parsed, {store::PutOutcome::kAdded});
  const auto json = nlohmann::json::parse(status);
  EXPECT_EQ(json["status"], "complete");
  EXPECT_EQ(json["total_count"], 3);
  EXPECT_EQ(json["success_count"], 1);
  EXPECT_EQ(json["failure_count"], 2);
  EXPECT_EQ(json["pending_count"], 0);
  EXPECT_EQ(json["successes"][0]["id"], "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
}

TEST(AddObjectsTest, ConflictIsAFailure) {
  stix::Validator validator;
  auto parsed = ParseAddObjects(std::string("{\"objects\":[") + kIndicator + "]}", validator, {});
  ASSERT_TRUE(parsed.ok());
  const auto json =
      nlohmann::json::parse(StatusResourceJson("s-2", 0, *parsed, {store::PutOutcome::kConflict}));
  EXPECT_EQ(json["failure_count"], 1);
  EXPECT_THAT(json["failures"][0]["message"].get<std::string>(), HasSubstr("immutable"));
}

// Valid JSON may spell member names with escapes: such an envelope is read like any other (a
// peer's page, a client's POST), its objects stored as their minified JSON.
TEST(AddObjectsTest, EnvelopeSpelledWithEscapesIsRead) {
  stix::Validator validator;
  auto parsed = ParseAddObjects(
      std::string("{\"\\u006fbjects\": [ ") + kIndicator + " ], \"more\": false}", validator, {});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->records.size(), 1u);
  EXPECT_EQ(parsed->records[0].id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(nlohmann::json::parse(parsed->records[0].body), nlohmann::json::parse(kIndicator));
  EXPECT_FALSE(ParseAddObjects("{\"\\u006fbjects\": 3}", validator, {}).ok());
}

TEST(AddObjectsTest, MalformedBodiesAreRefusedWithWhere) {
  stix::Validator validator;
  const std::pair<std::string, std::string> cases[] = {
      {"{\"objects\": [\n {\"type\": }\n]}", "line 2"},
      {"[1, 2]", "envelope"},
      {"{\"more\": false}", "envelope"},
      {"{\"objects\": {}}", "envelope"},
      {"", "not valid JSON"},
      {std::string(5000, '[') + std::string(5000, ']'), "JSON"},
  };
  for (const auto& [body, expected] : cases) {
    auto parsed = ParseAddObjects(body, validator, {});
    ASSERT_FALSE(parsed.ok()) << body.substr(0, 40);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(expected)) << body.substr(0, 40);
  }
}

TEST(AddObjectsTest, DeeplyNestedObjectIsRefusedNotCrashed) {
  stix::Validator validator;
  std::string deep = std::string(kIndicator);
  deep.pop_back();
  deep += ",\"x_deep\":" + std::string(3000, '[') + std::string(3000, ']') + "}";
  auto parsed = ParseAddObjects("{\"objects\":[" + deep + "]}", validator, {});
  EXPECT_FALSE(parsed.ok());
}

TEST(AddObjectsTest, EmptyEnvelopeIsAnEmptyRequest) {
  stix::Validator validator;
  auto parsed = ParseAddObjects("{\"objects\": []}", validator, {});
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->items.empty());
}

}  // namespace
}  // namespace kongsi::taxii
