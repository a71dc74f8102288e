// The page cache's bookkeeping: stamps, least-recently-used eviction, the byte bound.
#include "store/scan_cache.h"

#include <set>

#include "gtest/gtest.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::store {
namespace {

ScanCache::Rows Page(size_t rows, size_t body_bytes) {
  ScanCache::Rows out(rows);
  for (StoredObject& o : out) o.record.body.assign(body_bytes, 'x');
  return out;
}

TEST(ScanCacheTest, AStaleStampIsAMiss) {
  ScanCache cache(1 << 20);
  cache.Insert("k", 10, 0, Page(2, 10));
  EXPECT_NE(cache.Find("k", 10, 0), nullptr);
  EXPECT_EQ(cache.Find("k", 11, 0), nullptr);  // something was added
  EXPECT_EQ(cache.Find("k", 10, 0), nullptr);  // and the stale entry is gone
  cache.Insert("k", 10, 0, Page(2, 10));
  EXPECT_EQ(cache.Find("k", 10, 1), nullptr);  // something was removed
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 3u);
}

TEST(ScanCacheTest, LeastRecentlyUsedGoesFirstAndTheBoundHolds) {
  ScanCache cache(40'000);
  cache.Insert("a", 1, 0, Page(1, 9'000));
  cache.Insert("b", 1, 0, Page(1, 9'000));
  cache.Insert("c", 1, 0, Page(1, 9'000));
  EXPECT_NE(cache.Find("a", 1, 0), nullptr);  // "a" is now the most recent
  cache.Insert("d", 1, 0, Page(1, 9'000));
  cache.Insert("e", 1, 0, Page(1, 9'000));  // over the bound: "b" then "c" leave
  EXPECT_LE(cache.bytes(), 40'000u);
  EXPECT_NE(cache.Find("a", 1, 0), nullptr);
  EXPECT_EQ(cache.Find("b", 1, 0), nullptr);
  EXPECT_NE(cache.Find("e", 1, 0), nullptr);
  // A page larger than a quarter of the cache is not kept at all.
  cache.Insert("huge", 1, 0, Page(1, 20'000));
  EXPECT_EQ(cache.Find("huge", 1, 0), nullptr);
}

TEST(ScanCacheTest, AFullCacheAdmitsOneMissInEight) {
  ScanCache cache(16'000);
  EXPECT_TRUE(cache.Admit());  // room left
  // Fill it with small pages until it evicts: then it is within one page of its bound.
  for (int i = 0; i < 100; ++i) cache.Insert("k" + std::to_string(i), 1, 0, Page(1, 300));
  ASSERT_GT(cache.bytes(), 15'000u);
  int admitted = 0;
  for (int i = 0; i < 80; ++i) admitted += cache.Admit() ? 1 : 0;
  EXPECT_EQ(admitted, 10);
}

TEST(ScanCacheTest, KeysDifferForEveryField) {
  const ObjectQuery base{.collection_id = "c", .limit = 10};
  std::vector<ObjectQuery> variants(9, base);
  variants[1].ids = {"x"};
  variants[2].types = {"indicator"};
  variants[3].spec_versions = {"2.1"};
  variants[4].versions = VersionSelect::kAll;
  variants[5].exact_versions = {5};
  variants[6].added_after = 5;
  variants[7].added_since = 5;
  variants[8].also_versions = {VersionSelect::kFirst};
  std::set<std::string> keys;
  for (const ObjectQuery& q : variants) keys.insert(ScanCache::KeyOf(q));
  EXPECT_EQ(keys.size(), variants.size());
  ObjectQuery other_limit = base;
  other_limit.limit = 11;
  EXPECT_NE(ScanCache::KeyOf(other_limit), ScanCache::KeyOf(base));
}

}  // namespace
}  // namespace kongsi::store
