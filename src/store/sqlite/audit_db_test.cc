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
    db.Scan({}, [&](const AuditRecord& r, int64_t key) { read.emplace_back(r, key); });
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

namespace kongsi::store::sqlite::detail {
namespace {

class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kongsi-audit-chain-" + util::NewUuidV4());
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<AuditDb>(path());
    for (int i = 0; i < 5; ++i) {
      AuditEvent e{.time = 100 + i, .principal = "p" + std::to_string(i), .channel = "taxii"};
      e.objects.push_back({.key = 1000 + i});
      db_->Append({&e, 1});
    }
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string path() const { return (dir_ / "audit.db").string(); }
  void Tamper(const std::string& sql) {
    SQLite::Database raw(path(), SQLite::OPEN_READWRITE);
    raw.exec(sql);
  }

  std::filesystem::path dir_;
  std::unique_ptr<AuditDb> db_;
};

TEST_F(AuditChainTest, IntactChainVerifies) {
  const AuditVerification v = db_->Verify();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.events, 5);
  EXPECT_EQ(v.disclosures, 5);
  EXPECT_EQ(v.last_hash.size(), 64u);
  // Appending (also through a second handle, as another process would) extends the chain.
  AuditDb other(path());
  AuditEvent e{.time = 200, .principal = "q", .channel = "export", .objects = {{.key = 7}}};
  other.Append({&e, 1});
  const AuditVerification after = db_->Verify();
  EXPECT_TRUE(after.intact) << after.problem;
  EXPECT_EQ(after.events, 6);
  EXPECT_NE(after.last_hash, v.last_hash);
}

TEST_F(AuditChainTest, ChangedRowIsFound) {
  Tamper("UPDATE disclosures SET principal = 'someone-else' WHERE seq = 3");
  const AuditVerification v = db_->Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_event, 3);
}

TEST_F(AuditChainTest, ChangedObjectListIsFound) {
  Tamper("UPDATE disclosures SET objects = x'02' WHERE seq = 4");
  EXPECT_EQ(db_->Verify().first_bad_event, 4);
}

TEST_F(AuditChainTest, DeletedRowIsFound) {
  Tamper("DELETE FROM disclosures WHERE seq = 2");
  const AuditVerification v = db_->Verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_event, 2);
}

TEST_F(AuditChainTest, RehashingOneRowDoesNotHideTheChange) {
  // Whoever edits row 2 and recomputes its hash still breaks row 3's link.
  SQLite::Database raw(path(), SQLite::OPEN_READWRITE);
  const std::string first =
      raw.execAndGet("SELECT hash FROM disclosures WHERE seq = 1").getString();
  SQLite::Statement blob(raw, "SELECT objects FROM disclosures WHERE seq = 2");
  ASSERT_TRUE(blob.executeStep());
  const std::string objects = blob.getColumn(0).getString();
  const std::string forged = AuditRowHash(first, 2, 101, "mallory", "", "taxii", false, objects);
  SQLite::Statement update(raw,
                           "UPDATE disclosures SET principal = 'mallory', hash = ? WHERE seq = 2");
  update.bind(1, forged.data(), static_cast<int>(forged.size()));
  update.exec();
  EXPECT_EQ(db_->Verify().first_bad_event, 3);
}

}  // namespace
}  // namespace kongsi::store::sqlite::detail
