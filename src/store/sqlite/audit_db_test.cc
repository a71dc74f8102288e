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
  std::vector<AuditedObject> in = {
      {.key = 1700000000000123},
      {.key = 1700000000000001, .redacted = true},  // a smaller key: negative delta
      {.id = "indicator--x", .version = 1700000000000000},
      {.key = 1700000000000001},  // the same key again: zero delta
      {.id = "ipv4-addr--y", .version = kNoVersion, .redacted = true},
  };
  std::string blob;
  int64_t previous = 0;
  for (const AuditedObject& o : in) EncodeAuditObject(o, previous, blob);
  size_t pos = 0;
  previous = 0;
  for (const AuditedObject& want : in) {
    AuditedObject got;
    ASSERT_TRUE(DecodeAuditObject(blob, pos, previous, got));
    EXPECT_EQ(got.key, want.key);
    EXPECT_EQ(got.redacted, want.redacted);
    if (want.key == 0) {
      EXPECT_EQ(got.id, want.id);
      EXPECT_EQ(got.version, want.version);
    }
  }
  EXPECT_EQ(pos, blob.size());
  AuditedObject ignored;
  EXPECT_FALSE(DecodeAuditObject(blob, pos, previous, ignored));
  // A truncated blob is refused, not over-read.
  size_t p = 0;
  int64_t prev = 0;
  EXPECT_FALSE(DecodeAuditObject(std::string_view("\x03\x7f", 2), p, prev, ignored));
}

TEST(AuditDbTest, APageOfDisclosuresIsOneSmallRow) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kongsi-audit-db-" + util::NewUuidV4());
  std::filesystem::create_directories(dir);
  {
    AuditDb db((dir / "a.db").string());
    AuditEvent page{
        .time = 5, .principal = "soc-bank-a", .organisation = "bank-a", .channel = "taxii.objects"};
    for (int i = 0; i < 100; ++i) page.objects.push_back({.key = 1700000000000000 + 3 * i});
    AuditEvent other = page;
    other.principal = "partner-sg";
    const std::vector<AuditEvent> events = {page, other};
    db.Append(events);
    std::vector<std::pair<AuditRecord, int64_t>> read;
    db.Scan([&](const AuditRecord& r, int64_t key) { read.emplace_back(r, key); });
    ASSERT_EQ(read.size(), 200u);
    EXPECT_EQ(read[0].first.principal, "soc-bank-a");
    EXPECT_EQ(read[150].first.principal, "partner-sg");
    EXPECT_EQ(read[150].second, 1700000000000000 + 3 * 50);
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
