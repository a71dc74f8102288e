// TAXII query parameters: every filter, comma lists, repeats, percent-encoding, and a clear
// error naming the parameter for every bad value.
#include "taxii/query.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::taxii {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr uint32_t kAll =
    kAddedAfter | kLimit | kNext | kMatchId | kMatchType | kMatchVersion | kMatchSpecVersion;
constexpr char kId1[] = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
constexpr char kId2[] = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";

TEST(QueryTest, ParsesEveryFilter) {
  auto f = ParseFilters(
      "added_after=2026-01-01T00:00:00.000Z&limit=5&next=1700000000000001"
      "&match[id]=" +
          std::string(kId1) + "," + kId2 +
          "&match[type]=indicator,malware&match[version]=first,last,2026-02-01T00:00:00Z"
          "&match[spec_version]=2.1,2.0",
      kAll);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->added_after, 1767225600000000);
  EXPECT_EQ(f->limit, 5u);
  EXPECT_EQ(f->next, 1700000000000001);
  EXPECT_THAT(f->ids, ElementsAre(kId1, kId2));
  EXPECT_THAT(f->types, ElementsAre("indicator", "malware"));
  EXPECT_THAT(f->version_selects,
              ElementsAre(store::VersionSelect::kFirst, store::VersionSelect::kLast));
  EXPECT_THAT(f->exact_versions, ElementsAre(1769904000000000));
  EXPECT_THAT(f->spec_versions, ElementsAre("2.1", "2.0"));
}

TEST(QueryTest, PercentEncodedNamesAndValuesAndRepeatedFilters) {
  auto f = ParseFilters(
      "match%5Btype%5D=indicator&match[type]=malware&added_after=2026-01-01T00%3A00%3A00Z", kAll);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_THAT(f->types, ElementsAre("indicator", "malware"));
  EXPECT_EQ(f->added_after, 1767225600000000);
}

TEST(QueryTest, UnknownParametersAreIgnoredButUnknownMatchFieldsAreNot) {
  EXPECT_TRUE(ParseFilters("foo=bar&_=123", kAll).ok());
  auto f = ParseFilters("match[relationship_type]=uses", kAll);
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(std::string(f.status().message()), HasSubstr("match[relationship_type]"));
}

TEST(QueryTest, BadValuesNameTheParameter) {
  const std::pair<const char*, const char*> cases[] = {
      {"limit=0", "limit"},
      {"limit=-3", "limit"},
      {"limit=abc", "limit"},
      {"limit=5&limit=6", "limit"},
      {"added_after=yesterday", "added_after"},
      {"next=abc", "next"},
      {"match[id]=not-an-id", "match[id]"},
      {"match[type]=Not_A_Type", "match[type]"},
      {"match[version]=newest", "match[version]"},
      {"match[spec_version]=two", "match[spec_version]"},
      {"match[type]=indicator,,malware", "match[type]"},
      {"match[type]=", "match[type]"},
      {"limit=%zz", "%-escape"},
      {"limit=5%", "%-escape"},
  };
  for (const auto& [query, name] : cases) {
    auto f = ParseFilters(query, kAll);
    ASSERT_FALSE(f.ok()) << query;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << query;
    EXPECT_THAT(std::string(f.status().message()), HasSubstr(name)) << query;
  }
}

TEST(QueryTest, FiltersAnEndpointDoesNotTakeAreRefused) {
  auto f = ParseFilters("match[type]=indicator", kAddedAfter | kLimit | kNext);
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(std::string(f.status().message()), HasSubstr("not supported by this endpoint"));
}

TEST(QueryTest, ToObjectQueryCombinesVersionsAndTheCursor) {
  Filters f;
  f.added_after = 10;
  f.next = 20;
  f.version_selects = {store::VersionSelect::kFirst, store::VersionSelect::kLast};
  store::ObjectQuery q = ToObjectQuery(f, "c", store::VersionSelect::kLast, 7);
  EXPECT_EQ(q.added_after, 20);  // the later of added_after and next
  EXPECT_EQ(q.versions, store::VersionSelect::kFirst);
  EXPECT_THAT(q.also_versions, ElementsAre(store::VersionSelect::kLast));
  EXPECT_EQ(q.limit, 7u);
  f = Filters{};
  f.exact_versions = {5};
  f.version_selects = {store::VersionSelect::kLast};
  q = ToObjectQuery(f, "c", store::VersionSelect::kAll, 0);
  EXPECT_THAT(q.exact_versions, ElementsAre(5));
  EXPECT_THAT(q.also_versions, ElementsAre(store::VersionSelect::kLast));
  q = ToObjectQuery(Filters{}, "c", store::VersionSelect::kAll, 0);
  EXPECT_EQ(q.versions, store::VersionSelect::kAll);
  EXPECT_FALSE(q.added_after.has_value());
}

}  // namespace
}  // namespace kongsi::taxii
