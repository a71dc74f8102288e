// Schema migrations of the SQLite backend: a store file written by an older kongsi is upgraded
// in place on open, keeping what it holds, and what the older schema could not record reads
// back with its documented default. The old files are made here by applying the first
// migrations only, as the older kongsi did.
#include "store/sqlite/schema.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/store.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::store::sqlite {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

constexpr Timestamp kT0 = 1'700'000'000'000'000;
constexpr char kOldId[] = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
constexpr char kNewId[] = "indicator--1b0e5c3a-3f2d-4e7b-9c1a-2d3e4f5a6b7c";

class SchemaMigrationTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "kongsi_schema_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "store.db").string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // A store file at schema version `version`, holding one object version and one disclosure
  // recorded in the store file (as the first schema version did).
  void MakeOldStore(int version) {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (int v = 0; v < version; ++v) db.exec(std::string(Migrations()[v]));
    db.exec("PRAGMA user_version = " + std::to_string(version));
    SQLite::Statement object(
        db,
        "INSERT INTO objects (first_added, id, version, type, spec_version, created, revoked,"
        " created_by_ref, tlp, valid_from, valid_until, provenance_kind, provenance_source,"
        " content_hash, body) VALUES (?, ?, ?, 'indicator', '2.1', ?, 0, '', 3, NULL, NULL, 1,"
        " 'old-feed.json', x'0102', '{\"old\":true}')");
    object.bind(1, kT0);
    object.bind(2, kOldId);
    object.bind(3, kT0 + 1);
    object.bind(4, kT0 + 1);
    object.exec();
    SQLite::Statement audit(
        db,
        "INSERT INTO audit (time, principal, organisation, channel, object_id, version, redacted)"
        " VALUES (?, ?, 'bank-a', 'export', ?, ?, 0)");
    for (const auto& [time, principal] :
         std::vector<std::pair<Timestamp, std::string>>{{kT0 + 10, "alice"}, {kT0 + 20, "bob"}}) {
      audit.bind(1, time);
      audit.bind(2, principal);
      audit.bind(3, kOldId);
      audit.bind(4, kT0 + 1);
      audit.exec();
      audit.reset();
    }
  }

  std::unique_ptr<Store> Open() {
    auto opened = Store::Open({.backend = "sqlite", .path = path_});
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? *std::move(opened) : nullptr;
  }

  fs::path dir_;
  std::string path_;
};

TEST_P(SchemaMigrationTest, OldStoreIsUpgradedInPlaceAndKeepsItsObjects) {
  MakeOldStore(GetParam());
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  std::vector<StoredObject> rows;
  ASSERT_TRUE(store
                  ->Scan({.versions = VersionSelect::kAll},
                         [&](const StoredObject& o) {
                           rows.push_back(o);
                           return true;
                         })
                  .ok());
  ASSERT_EQ(rows.size(), 1u);
  const ObjectRecord& old = rows[0].record;
  EXPECT_EQ(old.id, kOldId);
  EXPECT_EQ(old.version, kT0 + 1);
  EXPECT_EQ(old.tlp, stix::Tlp::kAmber);
  EXPECT_EQ(old.provenance.kind, Provenance::Kind::kFile);
  EXPECT_EQ(old.provenance.source, "old-feed.json");
  EXPECT_EQ(old.provenance.organisation, "");  // not recorded before version 4: this node's
  EXPECT_EQ(old.body, "{\"old\":true}");

  // The upgraded store takes new versions with their origin, and reopens as it is.
  ObjectRecord r{.id = kNewId, .type = "indicator", .spec_version = "2.1", .version = kT0 + 5};
  r.provenance = {.kind = Provenance::Kind::kFile, .source = "x.json", .organisation = "partner"};
  r.body = "{\"new\":true}";
  r.content_hash = "h";
  ASSERT_TRUE(store->Put("", {&r, 1}).ok());
  store.reset();
  store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  std::vector<std::string> origins;
  ASSERT_TRUE(store
                  ->Scan({.versions = VersionSelect::kAll},
                         [&](const StoredObject& o) {
                           origins.push_back(o.record.id + "=" + o.record.provenance.organisation);
                           return true;
                         })
                  .ok());
  EXPECT_THAT(origins, ElementsAre(std::string(kOldId) + "=", std::string(kNewId) + "=partner"));
}

// Disclosures recorded in the store file by the first schema version are filtered like the
// newer ones.
TEST_P(SchemaMigrationTest, OldAuditRecordsAreFilteredByPrincipalAndTime) {
  MakeOldStore(GetParam());
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto principals = [&](const AuditQuery& query) {
    std::vector<std::string> out;
    auto records = store->ReadAudit(query);
    EXPECT_TRUE(records.ok()) << records.status();
    if (records.ok()) {
      for (const AuditRecord& r : *records) out.push_back(r.principal);
    }
    return out;
  };
  EXPECT_THAT(principals({}), ElementsAre("alice", "bob"));
  EXPECT_THAT(principals({.principal = "bob"}), ElementsAre("bob"));
  EXPECT_THAT(principals({.since = kT0 + 11}), ElementsAre("bob"));
  EXPECT_THAT(principals({.until = kT0 + 20}), ElementsAre("alice"));
  EXPECT_THAT(principals({.object_id = kOldId, .principal = "alice", .since = kT0 + 10}),
              ElementsAre("alice"));
  EXPECT_THAT(principals({.object_id = kNewId}), ElementsAre());
}

INSTANTIATE_TEST_SUITE_P(FromEveryOlderVersion, SchemaMigrationTest,
                         ::testing::Range(1, LatestSchemaVersion()),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return "V" + std::to_string(info.param);
                         });

TEST(SchemaTest, VersionIsTheNumberOfMigrations) {
  EXPECT_EQ(LatestSchemaVersion(), static_cast<int>(Migrations().size()));
  EXPECT_GE(LatestSchemaVersion(), 4);  // 4: objects.origin_org
}

}  // namespace
}  // namespace kongsi::store::sqlite
