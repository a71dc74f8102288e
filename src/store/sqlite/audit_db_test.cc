// The audit log's compact encoding: keys and textual ids round-trip, a response's records
// share one row, and a TAXII page of disclosures costs a few bytes per object.
#include "store/sqlite/audit_db.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "util/uuid.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::store::sqlite::detail {
namespace {

TEST(AuditDbTest, EncodingRoundTripsKeysAndTextualIds) {
  std::vector<AuditRecord> in = {
      {.object_key = 1700000000000123},
      {.object_key = 1700000000000001},  // a smaller key: negative delta
      {.object_id = "indicator--x", .version = 1700000000000000, .object_key = 0},
      {.object_key = 1700000000000001},  // the same key again: zero delta
      {.object_id = "ipv4-addr--y", .version = kNoVersion, .object_key = 0},
  };
  std::string blob;
  int64_t previous = 0;
  for (const AuditRecord& r : in) EncodeAuditObject(r, previous, blob);
  size_t pos = 0;
  previous = 0;
  for (const AuditRecord& want : in) {
    AuditRecord got;
    ASSERT_TRUE(DecodeAuditObject(blob, pos, previous, got));
    EXPECT_EQ(got.object_key, want.object_key);
    if (want.object_key == 0) {
      EXPECT_EQ(got.object_id, want.object_id);
      EXPECT_EQ(got.version, want.version);
    }
  }
  EXPECT_EQ(pos, blob.size());
  AuditRecord ignored;
  EXPECT_FALSE(DecodeAuditObject(blob, pos, previous, ignored));
  // A truncated blob is refused, not over-read.
  size_t p = 0;
  int64_t prev = 0;
  EXPECT_FALSE(DecodeAuditObject(std::string_view("\x03\x7f", 2), p, prev, ignored));
}

TEST(AuditDbTest, APageOfDisclosuresIsOneSmallRow) {
  const auto dir = std::filesystem::temp_directory_path() / ("kongsi-audit-db-" + util::NewUuidV4());
  std::filesystem::create_directories(dir);
  {
    AuditDb db((dir / "a.db").string());
    std::vector<AuditRecord> page;
    for (int i = 0; i < 100; ++i) {
      page.push_back({.time = 5, .principal = "soc-bank-a", .organisation = "bank-a",
                      .channel = "taxii.objects", .object_key = 1700000000000000 + 3 * i});
    }
    std::vector<AuditRecord> other = page;
    for (auto& r : other) r.principal = "partner-sg";
    page.insert(page.end(), other.begin(), other.end());
    db.Append(page);
    std::vector<AuditRecord> read;
    db.Scan([&](const AuditRecord& r) { read.push_back(r); });
    ASSERT_EQ(read.size(), 200u);
    EXPECT_EQ(read[0].principal, "soc-bank-a");
    EXPECT_EQ(read[150].principal, "partner-sg");
    EXPECT_EQ(read[150].object_key, 1700000000000000 + 3 * 50);
    SQLite::Database check((dir / "a.db").string());
    EXPECT_EQ(check.execAndGet("SELECT COUNT(*) FROM disclosures").getInt(), 2);
    // 100 keys in ~100-110 bytes: the first key is 8 bytes, the deltas 1 byte each.
    EXPECT_LT(check.execAndGet("SELECT MAX(LENGTH(objects)) FROM disclosures").getInt(), 120);
  }
  std::filesystem::remove_all(dir);
}

TEST(AuditDbTest, AuditFileSitsBesideTheStore) {
  EXPECT_EQ(AuditPathFor("/var/lib/kongsi/store.db"), "/var/lib/kongsi/store-audit.db");
}

}  // namespace
}  // namespace kongsi::store::sqlite::detail
