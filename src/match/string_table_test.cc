// StringTable: every added key is found with exactly its values; absent keys are not.
#include "match/string_table.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::match {
namespace {

std::vector<uint32_t> ValuesOf(const StringTable& table, std::string_view key) {
  std::vector<uint32_t> out;
  table.ForEach(key, [&](uint32_t v) { out.push_back(v); });
  return out;
}

TEST(StringTableTest, EmptyTableFindsNothing) {
  StringTable table;
  EXPECT_FALSE(table.Contains("x"));
  StringTableBuilder builder;
  ASSERT_TRUE(builder.Build(table));
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.Contains(""));
}

TEST(StringTableTest, RepeatedKeysCollectTheirValuesOnce) {
  StringTableBuilder builder;
  builder.Add("evil.example", 7);
  builder.Add("good.example", 1);
  builder.Add("evil.example", 3);
  builder.Add("evil.example", 7);
  StringTable table;
  ASSERT_TRUE(builder.Build(table));
  EXPECT_EQ(table.size(), 2u);
  EXPECT_THAT(ValuesOf(table, "evil.example"), ::testing::ElementsAre(3, 7));
  EXPECT_THAT(ValuesOf(table, "good.example"), ::testing::ElementsAre(1));
  EXPECT_TRUE(ValuesOf(table, "evil.exampl").empty());
  EXPECT_TRUE(ValuesOf(table, "evil.example.").empty());
}

TEST(StringTableTest, ManyKeysAllFoundAndNeighboursNot) {
  StringTableBuilder builder;
  const int n = 50000;
  for (int i = 0; i < n; ++i) builder.Add("host" + std::to_string(i) + ".example", i);
  builder.Add(std::string("\0binary\xff", 8), 99);
  StringTable table;
  ASSERT_TRUE(builder.Build(table));
  EXPECT_EQ(table.size(), static_cast<size_t>(n + 1));
  for (int i = 0; i < n; ++i) {
    const auto values = ValuesOf(table, "host" + std::to_string(i) + ".example");
    ASSERT_EQ(values.size(), 1u) << i;
    EXPECT_EQ(values[0], static_cast<uint32_t>(i));
    EXPECT_FALSE(table.Contains("host" + std::to_string(i + n) + ".example"));
  }
  EXPECT_THAT(ValuesOf(table, std::string_view("\0binary\xff", 8)), ::testing::ElementsAre(99));
  // Slots, entries and key bytes only: well under 64 bytes per key of this length.
  EXPECT_LT(table.MemoryBytes() / table.size(), 64u);
}

}  // namespace
}  // namespace kongsi::match
