// Conformance tests of the Store interface: what every backend must do, written against the
// public API only. A backend joins by adding one BackendParam to the INSTANTIATE line below.
// The few SQLite-specific tests at the end (locks, unusable files) use SQLiteCpp directly.
#include <SQLiteCpp/SQLiteCpp.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/store.h"
#include "util/time.h"

// Queries and records below name only the fields a test is about (designated initializers);
// GCC 12 would flag every defaulted field.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

namespace fs = std::filesystem;

constexpr char kCollectionA[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kCollectionB[] = "52892447-4d7e-4f70-b94d-d7f22742ff63";
constexpr char kUnknownCollection[] = "0d5a1e57-5b5a-4b83-8d8f-6b0a6c1e2f00";
constexpr Timestamp kT0 = 1'700'000'000'000'000;  // 2023-11-14, in micros

// A clock that only moves when the test says so (and may move backwards).
class FakeClock final : public util::Clock {
 public:
  Timestamp Now() const override { return now_.load(); }
  void Set(Timestamp t) { now_.store(t); }
  void Advance(Timestamp d) { now_.fetch_add(d); }

 private:
  std::atomic<Timestamp> now_{kT0};
};

// How to open a backend in a fresh, test-owned directory, and how to make its stored schema
// look as if a newer kongsi wrote it.
struct BackendParam {
  std::string name;
  std::function<StoreConfig(const fs::path& dir)> config;
  std::function<void(const fs::path& dir, int version)> set_schema_version;
};

void PrintTo(const BackendParam& param, std::ostream* os) { *os << param.name; }

BackendParam SqliteBackend() {
  return BackendParam{
      .name = "Sqlite",
      .config =
          [](const fs::path& dir) {
            return StoreConfig{.backend = "sqlite", .path = (dir / "store.db").string()};
          },
      .set_schema_version =
          [](const fs::path& dir, int version) {
            SQLite::Database db((dir / "store.db").string(), SQLite::OPEN_READWRITE);
            db.exec("PRAGMA user_version = " + std::to_string(version));
          },
  };
}

// The same backend with the page cache on: every conformance test also runs against cached
// scans, so a stale page would fail them.
BackendParam SqliteCachedBackend() {
  BackendParam param = SqliteBackend();
  param.name = "SqliteCached";
  auto config = param.config;
  param.config = [config](const fs::path& dir) {
    StoreConfig c = config(dir);
    c.scan_cache_bytes = 1 << 20;
    return c;
  };
  return param;
}

fs::path MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "kongsi_store_test_XXXXXX").string();
  const char* made = mkdtemp(pattern.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  return fs::path(made);
}

// A record whose content hash is derived from its body, as the ingest path's would be.
ObjectRecord Obj(std::string id, Timestamp version, std::string body = "",
                 std::string type = "indicator") {
  ObjectRecord r;
  r.id = std::move(id);
  r.type = std::move(type);
  r.spec_version = "2.1";
  r.version = version;
  r.created = version == kNoVersion ? std::nullopt : std::optional<Timestamp>(version);
  r.body = body.empty() ? "{\"id\":\"" + r.id + "\",\"v\":" + std::to_string(version) + "}"
                        : std::move(body);
  r.content_hash = "sha256:" + std::to_string(std::hash<std::string>()(r.body));
  return r;
}

std::string Id(int n) {
  return "indicator--00000000-0000-4000-8000-" + std::to_string(1000000 + n);
}

class StoreConformanceTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    Reopen();
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  absl::StatusOr<std::unique_ptr<Store>> OpenStore() {
    StoreConfig config = GetParam().config(dir_);
    config.clock = &clock_;
    return Store::Open(config);
  }

  void Reopen() {
    store_.reset();
    auto opened = OpenStore();
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
  }

  void MakeCollection(const std::string& id, const std::string& title = "feed") {
    ASSERT_TRUE(store_->CreateCollection(Collection{.id = id, .title = title}).ok());
  }

  std::vector<PutOutcome> MustPut(std::string_view collection, std::vector<ObjectRecord> records) {
    auto outcomes = store_->Put(collection, records);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    return outcomes.ok() ? *outcomes : std::vector<PutOutcome>{};
  }

  std::vector<StoredObject> ScanAll(const ObjectQuery& query) {
    std::vector<StoredObject> out;
    absl::Status status = store_->Scan(query, [&](const StoredObject& o) {
      out.push_back(o);
      return true;
    });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  }

  // "id@version" of each row, in scan order.
  std::vector<std::string> Keys(const ObjectQuery& query) {
    std::vector<std::string> keys;
    for (const StoredObject& o : ScanAll(query)) {
      keys.push_back(o.record.id + "@" + std::to_string(o.record.version));
    }
    return keys;
  }

  static std::string Key(const std::string& id, Timestamp version) {
    return id + "@" + std::to_string(version);
  }

  FakeClock clock_;
  fs::path dir_;
  std::unique_ptr<Store> store_;
};

// --- versions ------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, StoredVersionReadsBackWithEveryField) {
  ObjectRecord r = Obj(Id(1), kT0 + 5);
  r.created = kT0;
  r.revoked = true;
  r.created_by_ref = "identity--6b9f1a3e-8f4d-4f0a-9d6a-3f1c2b0e7a11";
  r.tlp = stix::Tlp::kAmberStrict;
  r.valid_from = kT0 - 10;
  r.valid_until = kT0 + 10;
  r.provenance = Provenance{
      .kind = Provenance::Kind::kPeer, .source = "peer-a", .organisation = "Partner A Bank"};
  r.content_hash = std::string("\x00\x01\xff", 3);  // raw digest bytes survive too
  r.property_bloom = 0x8000000000000001ull;         // all 64 bits, the top one included
  EXPECT_THAT(MustPut("", {r}), ElementsAre(PutOutcome::kAdded));

  std::vector<StoredObject> rows = ScanAll({});
  ASSERT_EQ(rows.size(), 1u);
  const ObjectRecord& got = rows[0].record;
  EXPECT_EQ(got.id, r.id);
  EXPECT_EQ(got.type, r.type);
  EXPECT_EQ(got.spec_version, "2.1");
  EXPECT_EQ(got.created, kT0);
  EXPECT_EQ(got.version, kT0 + 5);
  EXPECT_TRUE(got.revoked);
  EXPECT_EQ(got.created_by_ref, r.created_by_ref);
  EXPECT_EQ(got.tlp, stix::Tlp::kAmberStrict);
  EXPECT_EQ(got.valid_from, kT0 - 10);
  EXPECT_EQ(got.valid_until, kT0 + 10);
  EXPECT_EQ(got.provenance.kind, Provenance::Kind::kPeer);
  EXPECT_EQ(got.provenance.source, "peer-a");
  EXPECT_EQ(got.provenance.organisation, "Partner A Bank");
  EXPECT_EQ(got.body, r.body);
  EXPECT_EQ(got.content_hash, r.content_hash);
  EXPECT_EQ(got.property_bloom, r.property_bloom);
  EXPECT_THAT(got.values, IsEmpty());
  EXPECT_EQ(rows[0].date_added, kT0);  // first ingest time without a collection
  EXPECT_EQ(rows[0].collection_id, "");
}

// Origin binding in the sharing policy needs each version's origin organisation on every read
// path: scans with and without a collection, paged (and cached) scans, id lookups, and a
// version stored before without one reads as this node's own.
TEST_P(StoreConformanceTest, OriginOrganisationIsKeptPerVersion) {
  MakeCollection(kCollectionA);
  ObjectRecord from_partner = Obj(Id(1), kT0 + 1);
  from_partner.provenance = {
      .kind = Provenance::Kind::kFile, .source = "feed.json", .organisation = "partner-x"};
  ObjectRecord own = Obj(Id(1), kT0 + 2);  // a newer version, written here
  ObjectRecord other = Obj(Id(2), kT0);
  other.provenance.organisation = "identity--0b1e2d3c-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
  MustPut(kCollectionA, {from_partner, own, other});
  // The same version again from elsewhere keeps the origin it was first stored with.
  ObjectRecord again = from_partner;
  again.provenance.organisation = "partner-y";
  EXPECT_THAT(MustPut(kCollectionA, {again}), ElementsAre(PutOutcome::kUnchanged));

  auto origins = [&](const ObjectQuery& query) {
    std::vector<std::string> out;
    for (const StoredObject& o : ScanAll(query)) {
      out.push_back(Key(o.record.id, o.record.version) + "=" + o.record.provenance.organisation);
    }
    return out;
  };
  const std::vector<std::string> all = {Key(Id(1), kT0 + 1) + "=partner-x",
                                        Key(Id(1), kT0 + 2) + "=",
                                        Key(Id(2), kT0) + "=" + other.provenance.organisation};
  EXPECT_EQ(origins({.versions = VersionSelect::kAll}), all);
  for (int twice = 0; twice < 2; ++twice) {  // the second paged scan may come from the cache
    EXPECT_EQ(
        origins({.collection_id = kCollectionA, .versions = VersionSelect::kAll, .limit = 10}),
        all);
  }
  EXPECT_THAT(origins({.ids = {Id(1)}, .versions = VersionSelect::kFirst}),
              ElementsAre(Key(Id(1), kT0 + 1) + "=partner-x"));
  Reopen();
  EXPECT_EQ(origins({.collection_id = kCollectionA, .versions = VersionSelect::kAll}), all);
}

TEST_P(StoreConformanceTest, ObjectWithoutVersionIsStoredOnce) {
  ObjectRecord sco =
      Obj("ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", kNoVersion, "", "ipv4-addr");
  EXPECT_THAT(MustPut("", {sco}), ElementsAre(PutOutcome::kAdded));
  EXPECT_THAT(MustPut("", {sco}), ElementsAre(PutOutcome::kUnchanged));
  std::vector<StoredObject> rows = ScanAll({});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].record.version, kNoVersion);
  EXPECT_EQ(rows[0].record.created, std::nullopt);
}

TEST_P(StoreConformanceTest, SameVersionAgainIsUnchanged) {
  EXPECT_THAT(MustPut("", {Obj(Id(1), kT0)}), ElementsAre(PutOutcome::kAdded));
  EXPECT_THAT(MustPut("", {Obj(Id(1), kT0)}), ElementsAre(PutOutcome::kUnchanged));
  EXPECT_EQ(ScanAll({.versions = VersionSelect::kAll}).size(), 1u);
}

TEST_P(StoreConformanceTest, ConflictingBodyIsReportedAndStoredBodyKept) {
  ObjectRecord original = Obj(Id(1), kT0, R"({"name":"original"})");
  ObjectRecord rewritten = Obj(Id(1), kT0, R"({"name":"rewritten"})");
  EXPECT_THAT(MustPut("", {original}), ElementsAre(PutOutcome::kAdded));
  EXPECT_THAT(MustPut("", {rewritten}), ElementsAre(PutOutcome::kConflict));
  std::vector<StoredObject> rows = ScanAll({.versions = VersionSelect::kAll});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].record.body, original.body);
  EXPECT_EQ(rows[0].record.content_hash, original.content_hash);
}

TEST_P(StoreConformanceTest, NewVersionOfSameObjectIsAdded) {
  EXPECT_THAT(MustPut("", {Obj(Id(1), kT0), Obj(Id(1), kT0 + 1)}),
              ElementsAre(PutOutcome::kAdded, PutOutcome::kAdded));
  EXPECT_THAT(Keys({.versions = VersionSelect::kAll}),
              ElementsAre(Key(Id(1), kT0), Key(Id(1), kT0 + 1)));
}

TEST_P(StoreConformanceTest, DuplicatesInsideOnePutBehaveAsSuccessivePuts) {
  MakeCollection(kCollectionA);
  ObjectRecord a = Obj(Id(1), kT0, R"({"a":1})");
  ObjectRecord a_again = a;
  ObjectRecord a_other = Obj(Id(1), kT0, R"({"a":2})");
  EXPECT_THAT(MustPut(kCollectionA, {a, a_again, a_other}),
              ElementsAre(PutOutcome::kAdded, PutOutcome::kUnchanged, PutOutcome::kConflict));
  std::vector<StoredObject> rows = ScanAll({.collection_id = kCollectionA});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].record.body, a.body);
}

// A large Put mixing new, repeated and conflicting versions (backends batch rows internally)
// must give the outcomes, stored bodies and collection order of one-by-one Puts.
TEST_P(StoreConformanceTest, LargeMixedPutMatchesOneByOneSemantics) {
  MakeCollection(kCollectionA);
  std::vector<ObjectRecord> earlier;
  for (int i = 0; i < 100; ++i) earlier.push_back(Obj(Id(i), kT0));
  MustPut("", earlier);  // stored, in no collection yet

  std::mt19937 rng(42);
  std::vector<ObjectRecord> batch;
  for (int i = 0; i < 700; ++i) {
    const int id = static_cast<int>(rng() % 300);  // a third stored before, many repeats
    const bool other_body = rng() % 5 == 0;
    batch.push_back(Obj(Id(id), kT0, other_body ? "{\"other\":" + std::to_string(id) + "}" : ""));
  }
  // The model: one Put per record.
  std::map<std::string, std::string> stored_hash;
  for (const ObjectRecord& r : earlier) stored_hash[r.id] = r.content_hash;
  std::map<std::string, std::string> stored_body;
  for (const ObjectRecord& r : earlier) stored_body[r.id] = r.body;
  std::vector<PutOutcome> want;
  std::vector<std::string> want_members;  // in order of joining the collection
  std::set<std::string> members;
  for (const ObjectRecord& r : batch) {
    auto [it, added] = stored_hash.emplace(r.id, r.content_hash);
    if (added) stored_body[r.id] = r.body;
    const PutOutcome o = added                          ? PutOutcome::kAdded
                         : it->second == r.content_hash ? PutOutcome::kUnchanged
                                                        : PutOutcome::kConflict;
    want.push_back(o);
    if (o != PutOutcome::kConflict && members.insert(r.id).second) want_members.push_back(r.id);
  }

  EXPECT_EQ(MustPut(kCollectionA, batch), want);
  std::vector<std::string> got_members;
  Timestamp previous = 0;
  for (const StoredObject& o : ScanAll({.collection_id = kCollectionA})) {
    got_members.push_back(o.record.id);
    EXPECT_GT(o.date_added, previous);
    previous = o.date_added;
    EXPECT_EQ(o.record.body, stored_body[o.record.id]);
  }
  EXPECT_EQ(got_members, want_members);
  EXPECT_EQ(ScanAll({.versions = VersionSelect::kAll}).size(), stored_hash.size());
}

// --- collections --------------------------------------------------------------------------

TEST_P(StoreConformanceTest, CollectionsAreListedAndFetched) {
  Collection a{
      .id = kCollectionA, .title = "A", .description = "first", .alias = "a", .created = kT0};
  ASSERT_TRUE(store_->CreateCollection(a).ok());
  MakeCollection(kCollectionB, "B");
  auto list = store_->ListCollections();
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, kCollectionA);
  EXPECT_EQ((*list)[1].id, kCollectionB);
  auto got = store_->GetCollection(kCollectionA);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->title, "A");
  EXPECT_EQ(got->description, "first");
  EXPECT_EQ(got->alias, "a");
  EXPECT_EQ(got->created, kT0);
}

TEST_P(StoreConformanceTest, PutIntoCollectionMakesMembersOfThatCollectionOnly) {
  MakeCollection(kCollectionA);
  MakeCollection(kCollectionB);
  MustPut(kCollectionA, {Obj(Id(1), kT0), Obj(Id(2), kT0)});
  MustPut("", {Obj(Id(3), kT0)});
  EXPECT_THAT(Keys({.collection_id = kCollectionA}), ElementsAre(Key(Id(1), kT0), Key(Id(2), kT0)));
  EXPECT_THAT(Keys({.collection_id = kCollectionB}), IsEmpty());
  for (const StoredObject& o : ScanAll({.collection_id = kCollectionA})) {
    EXPECT_EQ(o.collection_id, kCollectionA);
  }
  // Without a collection, every stored version is visible.
  EXPECT_EQ(ScanAll({}).size(), 3u);
}

TEST_P(StoreConformanceTest, UnchangedVersionJoinsAnotherCollectionOnce) {
  MakeCollection(kCollectionA);
  MakeCollection(kCollectionB);
  MustPut(kCollectionA, {Obj(Id(1), kT0)});
  clock_.Advance(100);
  EXPECT_THAT(MustPut(kCollectionB, {Obj(Id(1), kT0)}), ElementsAre(PutOutcome::kUnchanged));
  std::vector<StoredObject> in_b = ScanAll({.collection_id = kCollectionB});
  ASSERT_EQ(in_b.size(), 1u);
  const Timestamp first_date = in_b[0].date_added;
  // Putting it again neither duplicates it nor moves it forward in the collection.
  clock_.Advance(100);
  EXPECT_THAT(MustPut(kCollectionB, {Obj(Id(1), kT0)}), ElementsAre(PutOutcome::kUnchanged));
  in_b = ScanAll({.collection_id = kCollectionB});
  ASSERT_EQ(in_b.size(), 1u);
  EXPECT_EQ(in_b[0].date_added, first_date);
}

TEST_P(StoreConformanceTest, ConflictIsNotAddedToCollection) {
  MakeCollection(kCollectionA);
  MakeCollection(kCollectionB);
  MustPut(kCollectionA, {Obj(Id(1), kT0, R"({"a":1})")});
  EXPECT_THAT(MustPut(kCollectionB, {Obj(Id(1), kT0, R"({"a":2})")}),
              ElementsAre(PutOutcome::kConflict));
  EXPECT_THAT(Keys({.collection_id = kCollectionB}), IsEmpty());
}

TEST_P(StoreConformanceTest, DateAddedFollowsTheClock) {
  MakeCollection(kCollectionA);
  MustPut(kCollectionA, {Obj(Id(1), kT0)});
  clock_.Advance(1'000'000);
  MustPut(kCollectionA, {Obj(Id(2), kT0)});
  std::vector<StoredObject> rows = ScanAll({.collection_id = kCollectionA});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].date_added, kT0);
  EXPECT_EQ(rows[1].date_added, kT0 + 1'000'000);
}

TEST_P(StoreConformanceTest, DateAddedStrictlyIncreasesWhenClockStandsStillOrGoesBack) {
  MakeCollection(kCollectionA);
  MustPut(kCollectionA, {Obj(Id(1), kT0), Obj(Id(2), kT0), Obj(Id(3), kT0)});
  MustPut(kCollectionA, {Obj(Id(4), kT0)});  // clock unchanged
  clock_.Set(kT0 - 3'600'000'000);           // an hour back (NTP step)
  MustPut(kCollectionA, {Obj(Id(5), kT0)});
  Reopen();  // the high-water mark survives a restart
  MustPut(kCollectionA, {Obj(Id(6), kT0)});
  std::vector<StoredObject> rows = ScanAll({.collection_id = kCollectionA});
  ASSERT_EQ(rows.size(), 6u);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GT(rows[i].date_added, rows[i - 1].date_added) << "row " << i;
    EXPECT_EQ(rows[i].record.id, Id(static_cast<int>(i) + 1)) << "insertion order";
  }
}

TEST_P(StoreConformanceTest, AddedAfterPagingNeitherSkipsNorRepeats) {
  MakeCollection(kCollectionA);
  int next = 0;
  std::set<std::string> added;
  auto add_batch = [&](int n) {
    std::vector<ObjectRecord> batch;
    for (int i = 0; i < n; ++i, ++next) {
      batch.push_back(Obj(Id(next), kT0));
      added.insert(Id(next));
    }
    MustPut(kCollectionA, batch);
  };
  add_batch(200);
  std::vector<std::string> seen;
  std::optional<Timestamp> cursor;
  for (int page = 0; page < 1000; ++page) {
    std::vector<StoredObject> rows =
        ScanAll({.collection_id = kCollectionA, .added_after = cursor, .limit = 17});
    for (const StoredObject& o : rows) {
      if (cursor) {
        EXPECT_GT(o.date_added, *cursor);
      }
      cursor = o.date_added;
      seen.push_back(o.record.id);
    }
    // Writers keep adding between pages, with a clock that stalls and jumps back.
    if (page < 30) {
      if (page % 3 == 0) clock_.Advance(-50);
      add_batch(page % 4);
    } else if (rows.empty()) {
      break;
    }
  }
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "an object was repeated";
  EXPECT_EQ(unique, added) << "an object was skipped";
}

TEST_P(StoreConformanceTest, AddedSinceIsInclusiveAndAddedAfterStrict) {
  MakeCollection(kCollectionA);
  MustPut(kCollectionA, {Obj(Id(1), kT0)});
  clock_.Set(kT0 + 10);
  MustPut(kCollectionA, {Obj(Id(2), kT0)});
  clock_.Set(kT0 + 20);
  MustPut(kCollectionA, {Obj(Id(3), kT0)});
  EXPECT_THAT(Keys({.collection_id = kCollectionA, .added_after = kT0 + 10}),
              ElementsAre(Key(Id(3), kT0)));
  EXPECT_THAT(Keys({.collection_id = kCollectionA, .added_since = kT0 + 10}),
              ElementsAre(Key(Id(2), kT0), Key(Id(3), kT0)));
  // Without a collection the same filters apply to the first ingest time.
  EXPECT_THAT(Keys({.added_after = kT0 + 10}), ElementsAre(Key(Id(3), kT0)));
  EXPECT_THAT(Keys({.added_since = kT0 + 10}), ElementsAre(Key(Id(2), kT0), Key(Id(3), kT0)));
}

TEST_P(StoreConformanceTest, ScanWithoutCollectionFollowsFirstIngestOrder) {
  MustPut("", {Obj(Id(2), kT0 + 9)});
  clock_.Advance(-1000);  // ingest order wins over clock and version order
  MustPut("", {Obj(Id(1), kT0 + 1), Obj(Id(3), kT0 + 5)});
  std::vector<StoredObject> rows = ScanAll({});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].record.id, Id(2));
  EXPECT_EQ(rows[1].record.id, Id(1));
  EXPECT_EQ(rows[2].record.id, Id(3));
  EXPECT_LT(rows[0].date_added, rows[1].date_added);
  EXPECT_LT(rows[1].date_added, rows[2].date_added);
}

// --- queries --------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, VersionSelectionInCollectionSeesOnlyItsMembers) {
  MakeCollection(kCollectionA);
  MakeCollection(kCollectionB);
  MustPut(kCollectionA, {Obj(Id(1), kT0 + 1)});
  MustPut(kCollectionB, {Obj(Id(1), kT0 + 2)});  // not in A
  MustPut(kCollectionA, {Obj(Id(1), kT0 + 3), Obj(Id(2), kT0 + 7)});
  MustPut(kCollectionA, {Obj(Id(2), kT0 + 4)});  // an older version arriving later

  const ObjectQuery in_a{.collection_id = kCollectionA};
  ObjectQuery q = in_a;
  EXPECT_THAT(Keys(q), ElementsAre(Key(Id(1), kT0 + 3), Key(Id(2), kT0 + 7)));  // kLast
  q.versions = VersionSelect::kFirst;
  EXPECT_THAT(Keys(q), ElementsAre(Key(Id(1), kT0 + 1), Key(Id(2), kT0 + 4)));
  q.versions = VersionSelect::kAll;
  EXPECT_THAT(Keys(q), ElementsAre(Key(Id(1), kT0 + 1), Key(Id(1), kT0 + 3), Key(Id(2), kT0 + 7),
                                   Key(Id(2), kT0 + 4)));
  q.exact_versions = {kT0 + 2, kT0 + 4};
  EXPECT_THAT(Keys(q), ElementsAre(Key(Id(2), kT0 + 4)));  // kT0 + 2 is in B only
}

TEST_P(StoreConformanceTest, VersionSelectionWithoutCollectionSeesEveryVersion) {
  MustPut("", {Obj(Id(1), kT0 + 1), Obj(Id(1), kT0 + 2), Obj(Id(1), kT0 + 3),
               Obj(Id(2), kNoVersion, "", "file")});
  EXPECT_THAT(Keys({}), ElementsAre(Key(Id(1), kT0 + 3), Key(Id(2), kNoVersion)));
  EXPECT_THAT(Keys({.versions = VersionSelect::kFirst}),
              ElementsAre(Key(Id(1), kT0 + 1), Key(Id(2), kNoVersion)));
  EXPECT_EQ(Keys({.versions = VersionSelect::kAll}).size(), 4u);
  EXPECT_THAT(Keys({.exact_versions = {kT0 + 2}}), ElementsAre(Key(Id(1), kT0 + 2)));
  EXPECT_THAT(Keys({.exact_versions = {kNoVersion}}), ElementsAre(Key(Id(2), kNoVersion)));
}

TEST_P(StoreConformanceTest, FiltersByIdTypeAndSpecVersion) {
  ObjectRecord old_spec = Obj(Id(4), kT0, "", "malware");
  old_spec.spec_version = "2.0";
  MustPut("", {Obj(Id(1), kT0), Obj(Id(2), kT0, "", "malware"), Obj(Id(3), kT0, "", "campaign"),
               old_spec});
  EXPECT_THAT(Keys({.ids = {Id(1), Id(3)}}), ElementsAre(Key(Id(1), kT0), Key(Id(3), kT0)));
  EXPECT_THAT(Keys({.types = {"malware", "campaign"}}),
              ElementsAre(Key(Id(2), kT0), Key(Id(3), kT0), Key(Id(4), kT0)));
  EXPECT_THAT(Keys({.types = {"malware"}, .spec_versions = {"2.0"}}), ElementsAre(Key(Id(4), kT0)));
  EXPECT_THAT(Keys({.ids = {Id(1)}, .types = {"malware"}}), IsEmpty());
  EXPECT_THAT(Keys({.ids = {"indicator--nope"}}), IsEmpty());
}

TEST_P(StoreConformanceTest, IdFilterInCollectionSeesOnlyMembers) {
  MakeCollection(kCollectionA);
  MakeCollection(kCollectionB);
  MustPut(kCollectionA, {Obj(Id(1), kT0 + 1), Obj(Id(2), kT0)});
  MustPut(kCollectionB, {Obj(Id(1), kT0 + 2), Obj(Id(3), kT0)});
  MustPut(kCollectionA, {Obj(Id(4), kT0)});
  EXPECT_THAT(Keys({.collection_id = kCollectionA, .ids = {Id(4), Id(1), Id(3)}}),
              ElementsAre(Key(Id(1), kT0 + 1), Key(Id(4), kT0)));  // date_added order
  EXPECT_THAT(Keys({.collection_id = kCollectionB, .ids = {Id(1)}}),
              ElementsAre(Key(Id(1), kT0 + 2)));
  EXPECT_THAT(Keys({.ids = {Id(1)}}), ElementsAre(Key(Id(1), kT0 + 2)));
}

TEST_P(StoreConformanceTest, LastVersionIsChosenAmongRequestedSpecVersions) {
  ObjectRecord v1 = Obj(Id(1), kT0 + 1);
  v1.spec_version = "2.0";
  MustPut("", {v1, Obj(Id(1), kT0 + 2)});
  EXPECT_THAT(Keys({.spec_versions = {"2.0"}}), ElementsAre(Key(Id(1), kT0 + 1)));
  EXPECT_THAT(Keys({.spec_versions = {"2.1"}}), ElementsAre(Key(Id(1), kT0 + 2)));
}

TEST_P(StoreConformanceTest, LimitAppliesAfterVersionSelection) {
  MakeCollection(kCollectionA);
  std::vector<ObjectRecord> batch;
  for (int id = 0; id < 3; ++id) {
    for (int v = 0; v < 3; ++v) batch.push_back(Obj(Id(id), kT0 + v));
  }
  MustPut(kCollectionA, batch);
  EXPECT_THAT(Keys({.collection_id = kCollectionA, .limit = 2}),
              ElementsAre(Key(Id(0), kT0 + 2), Key(Id(1), kT0 + 2)));
  EXPECT_EQ(
      Keys({.collection_id = kCollectionA, .versions = VersionSelect::kAll, .limit = 4}).size(),
      4u);
  EXPECT_EQ(Keys({.limit = 100}).size(), 3u);
}

TEST_P(StoreConformanceTest, ScanStopsWhenCallbackReturnsFalse) {
  std::vector<ObjectRecord> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(Obj(Id(i), kT0));
  MustPut("", batch);
  int calls = 0;
  ASSERT_TRUE(store_->Scan({}, [&](const StoredObject&) { return ++calls < 5; }).ok());
  EXPECT_EQ(calls, 5);
}

TEST_P(StoreConformanceTest, CallbackMayUseTheStore) {
  MakeCollection(kCollectionA);
  MustPut(kCollectionA, {Obj(Id(1), kT0), Obj(Id(2), kT0)});
  int rows = 0;
  absl::Status status = store_->Scan({.collection_id = kCollectionA}, [&](const StoredObject& o) {
    ++rows;
    // The export path audits each disclosure while it streams; writers must not deadlock.
    AuditEvent audit{.time = kT0,
                     .principal = "p",
                     .channel = "export",
                     .objects = {{.key = o.key, .version = o.record.version}}};
    EXPECT_TRUE(store_->AppendAudit({&audit, 1}).ok());
    EXPECT_TRUE(store_->Put("", std::vector<ObjectRecord>{Obj(Id(100 + rows), kT0)}).ok());
    EXPECT_EQ(ScanAll({.ids = {o.record.id}}).size(), 1u);
    return true;
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(rows, 2);  // the objects put by the callback are in no collection
  auto audit = store_->ReadAudit({});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->size(), 2u);
}

TEST_P(StoreConformanceTest, LookupValueFindsEveryVersionMentioningIt) {
  ObjectRecord v1 = Obj(Id(1), kT0 + 1);
  v1.values = {{"ipv4-addr", "198.51.100.7"}, {"domain-name", "evil.example"}};
  ObjectRecord v2 = Obj(Id(1), kT0 + 2);
  v2.values = {{"ipv4-addr", "198.51.100.7"}};
  ObjectRecord other =
      Obj("observed-data--9a3c1b2e-0e0f-4a52-b1a4-0a4d3c2b1a00", kT0, "", "observed-data");
  other.values = {{"ipv4-addr", "198.51.100.7"}, {"ipv4-addr", "198.51.100.7"}};  // twice
  MustPut("", {v1, v2, other});

  auto hits = store_->LookupValue("198.51.100.7");
  ASSERT_TRUE(hits.ok()) << hits.status();
  std::vector<std::string> found;
  for (const ValueHit& h : *hits) {
    EXPECT_EQ(h.kind, "ipv4-addr");
    EXPECT_EQ(h.value, "198.51.100.7");
    found.push_back(h.type + " " + Key(h.id, h.version));
  }
  EXPECT_THAT(found, UnorderedElementsAre("indicator " + Key(Id(1), kT0 + 1),
                                          "indicator " + Key(Id(1), kT0 + 2),
                                          "observed-data " + Key(other.id, kT0)));
  auto domain = store_->LookupValue("evil.example");
  ASSERT_TRUE(domain.ok());
  ASSERT_EQ(domain->size(), 1u);
  EXPECT_EQ((*domain)[0].kind, "domain-name");
  auto none = store_->LookupValue("203.0.113.1");
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty());
}

TEST_P(StoreConformanceTest, ValuesOfAConflictingBodyAreNotIndexed) {
  ObjectRecord stored = Obj(Id(1), kT0, R"({"a":1})");
  ObjectRecord conflicting = Obj(Id(1), kT0, R"({"a":2})");
  conflicting.values = {{"url", "http://evil.example/x"}};
  MustPut("", {stored});
  MustPut("", {conflicting});
  auto hits = store_->LookupValue("http://evil.example/x");
  ASSERT_TRUE(hits.ok());
  EXPECT_THAT(*hits, IsEmpty());
}

TEST_P(StoreConformanceTest, StatsCountObjectsVersionsTypesCollectionsAndTlp) {
  MakeCollection(kCollectionA);
  MakeCollection(kCollectionB);
  ObjectRecord ind_v1 = Obj(Id(1), kT0 + 1);
  ind_v1.tlp = stix::Tlp::kRed;
  ObjectRecord ind_v2 = Obj(Id(1), kT0 + 2);
  ind_v2.tlp = stix::Tlp::kGreen;  // latest version decides
  ObjectRecord malware = Obj(Id(2), kT0, "", "malware");
  malware.tlp = stix::Tlp::kAmberStrict;
  ObjectRecord loose = Obj(Id(3), kT0);
  MustPut(kCollectionA, {ind_v1, ind_v2, malware});
  MustPut("", {loose});

  auto stats = store_->GetStats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->objects, 3);
  EXPECT_EQ(stats->versions, 4);
  auto counts = [](const std::vector<Stats::Count>& cs) {
    std::vector<std::string> out;
    for (const Stats::Count& c : cs) {
      out.push_back(c.key + "=" + std::to_string(c.objects) + "/" + std::to_string(c.versions));
    }
    return out;
  };
  EXPECT_THAT(counts(stats->by_type), UnorderedElementsAre("indicator=2/3", "malware=1/1"));
  EXPECT_THAT(
      counts(stats->by_collection),
      UnorderedElementsAre(std::string(kCollectionA) + "=2/3", std::string(kCollectionB) + "=0/0"));
  EXPECT_THAT(counts(stats->by_tlp),
              UnorderedElementsAre("none=1/1", "green=1/2", "amber+strict=1/1"));
}

TEST_P(StoreConformanceTest, EmptyStoreHasZeroStats) {
  auto stats = store_->GetStats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->objects, 0);
  EXPECT_EQ(stats->versions, 0);
  EXPECT_THAT(stats->by_type, IsEmpty());
  EXPECT_THAT(stats->by_tlp, IsEmpty());
}

// --- audit and metadata ---------------------------------------------------------------------

TEST_P(StoreConformanceTest, AuditRoundTripsInAppendOrder) {
  std::vector<AuditEvent> events = {
      {.time = kT0 + 2,
       .principal = "alice",
       .organisation = "cert-a",
       .channel = "taxii",
       .objects = {{.id = Id(1), .version = kT0, .redacted = false}}},
      {.time = kT0 + 1,
       .principal = "bob",
       .organisation = "cert-b",
       .channel = "export",
       .objects = {{.id = Id(2), .version = kNoVersion, .redacted = true}}},
  };
  ASSERT_TRUE(store_->AppendAudit(events).ok());
  AuditEvent third{.time = kT0,
                   .principal = "alice",
                   .organisation = "cert-a",
                   .channel = "export",
                   .objects = {{.id = Id(1), .version = kT0 + 5}}};
  ASSERT_TRUE(store_->AppendAudit({&third, 1}).ok());

  auto all = store_->ReadAudit({});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].principal, "alice");
  EXPECT_EQ((*all)[0].organisation, "cert-a");
  EXPECT_EQ((*all)[0].channel, "taxii");
  EXPECT_EQ((*all)[0].time, kT0 + 2);
  EXPECT_EQ((*all)[1].principal, "bob");
  EXPECT_EQ((*all)[1].version, kNoVersion);
  EXPECT_TRUE((*all)[1].redacted);
  EXPECT_EQ((*all)[2].version, kT0 + 5);

  auto one = store_->ReadAudit({.object_id = Id(1)});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 2u);
  EXPECT_EQ((*one)[0].channel, "taxii");
  EXPECT_EQ((*one)[1].channel, "export");
}

// Disclosures to three principals at three times, through keys and through text, read back
// by principal, time range, object and combinations of them.
class AuditQueryTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    MustPut("", {Obj(Id(1), kT0 + 1), Obj(Id(1), kT0 + 2), Obj(Id(2), kT0)});
    std::vector<int64_t> keys;
    for (const StoredObject& o : ScanAll({.versions = VersionSelect::kAll})) keys.push_back(o.key);
    ASSERT_EQ(keys.size(), 3u);
    // alice at 100 (both versions of 1, by key), bob at 200 (2, by key; 1 as text, redacted),
    // alice at 300 (2, by key), carol at 400 (1, by key).
    std::vector<AuditEvent> events = {
        {.time = kT100,
         .principal = "alice",
         .organisation = "bank-a",
         .channel = "taxii.objects",
         .objects = {{.key = keys[0]}, {.key = keys[1]}}},
        {.time = kT200,
         .principal = "bob",
         .organisation = "bank-b",
         .channel = "export",
         .objects = {{.key = keys[2]}, {.id = Id(1), .version = kT0 + 9, .redacted = true}}},
        {.time = kT300,
         .principal = "alice",
         .organisation = "bank-a",
         .channel = "taxii.manifest",
         .objects = {{.key = keys[2]}}},
        {.time = kT400,
         .principal = "carol",
         .organisation = "cert-c",
         .channel = "taxii.objects",
         .objects = {{.key = keys[1]}}},
    };
    ASSERT_TRUE(store_->AppendAudit(events).ok());
  }

  // "principal time-offset id-number@version-offset" per record, in order.
  std::vector<std::string> Audit(const AuditQuery& query) {
    auto records = store_->ReadAudit(query);
    EXPECT_TRUE(records.ok()) << records.status();
    std::vector<std::string> out;
    if (!records.ok()) return out;
    for (const AuditRecord& r : *records) {
      const std::string object = r.object_id == Id(1) ? "1" : r.object_id == Id(2) ? "2" : "?";
      out.push_back(r.principal + " " + std::to_string(r.time - kT0) + " " + object + "@" +
                    std::to_string(r.version - kT0) + (r.redacted ? " redacted" : ""));
    }
    return out;
  }

  static constexpr Timestamp kT100 = kT0 + 100;
  static constexpr Timestamp kT200 = kT0 + 200;
  static constexpr Timestamp kT300 = kT0 + 300;
  static constexpr Timestamp kT400 = kT0 + 400;
};

TEST_P(AuditQueryTest, EmptyQueryReadsEverythingInAppendOrder) {
  EXPECT_THAT(Audit({}), ElementsAre("alice 100 1@1", "alice 100 1@2", "bob 200 2@0",
                                     "bob 200 1@9 redacted", "alice 300 2@0", "carol 400 1@2"));
}

TEST_P(AuditQueryTest, ByPrincipal) {
  EXPECT_THAT(Audit({.principal = "alice"}),
              ElementsAre("alice 100 1@1", "alice 100 1@2", "alice 300 2@0"));
  EXPECT_THAT(Audit({.principal = "bob"}), ElementsAre("bob 200 2@0", "bob 200 1@9 redacted"));
  EXPECT_THAT(Audit({.principal = "Alice"}), IsEmpty());  // names are exact
  EXPECT_THAT(Audit({.principal = "nobody"}), IsEmpty());
}

TEST_P(AuditQueryTest, SinceIsInclusiveUntilIsExclusive) {
  EXPECT_THAT(Audit({.since = kT200}),
              ElementsAre("bob 200 2@0", "bob 200 1@9 redacted", "alice 300 2@0", "carol 400 1@2"));
  EXPECT_THAT(Audit({.since = kT200 + 1}), ElementsAre("alice 300 2@0", "carol 400 1@2"));
  EXPECT_THAT(Audit({.until = kT200}), ElementsAre("alice 100 1@1", "alice 100 1@2"));
  EXPECT_THAT(Audit({.until = kT200 + 1}),
              ElementsAre("alice 100 1@1", "alice 100 1@2", "bob 200 2@0", "bob 200 1@9 redacted"));
  EXPECT_THAT(Audit({.since = kT200, .until = kT400}),
              ElementsAre("bob 200 2@0", "bob 200 1@9 redacted", "alice 300 2@0"));
  EXPECT_THAT(Audit({.since = kT300, .until = kT300}), IsEmpty());
  EXPECT_THAT(Audit({.since = kT400 + 1}), IsEmpty());
}

TEST_P(AuditQueryTest, FiltersCombine) {
  EXPECT_THAT(Audit({.principal = "alice", .since = kT200}), ElementsAre("alice 300 2@0"));
  EXPECT_THAT(Audit({.principal = "alice", .until = kT300}),
              ElementsAre("alice 100 1@1", "alice 100 1@2"));
  EXPECT_THAT(Audit({.object_id = Id(1)}), ElementsAre("alice 100 1@1", "alice 100 1@2",
                                                       "bob 200 1@9 redacted", "carol 400 1@2"));
  EXPECT_THAT(Audit({.object_id = Id(1), .principal = "bob"}), ElementsAre("bob 200 1@9 redacted"));
  EXPECT_THAT(Audit({.object_id = Id(2), .principal = "alice", .since = kT100, .until = kT400}),
              ElementsAre("alice 300 2@0"));
  EXPECT_THAT(Audit({.object_id = Id(1), .since = kT300}), ElementsAre("carol 400 1@2"));
  EXPECT_THAT(Audit({.object_id = Id(3)}), IsEmpty());
  Reopen();
  EXPECT_THAT(Audit({.object_id = Id(2), .principal = "bob"}), ElementsAre("bob 200 2@0"));
}

TEST_P(AuditQueryTest, RangeEndingBeforeItStartsIsInvalidArgument) {
  EXPECT_EQ(store_->ReadAudit({.since = kT300, .until = kT200}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditQueryTest,
                         ::testing::Values(SqliteBackend(), SqliteCachedBackend()),
                         [](const ::testing::TestParamInfo<BackendParam>& info) {
                           return info.param.name;
                         });

TEST_P(StoreConformanceTest, MetaIsSetReadAndOverwritten) {
  auto missing = store_->GetMeta("sync.cursor");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(*missing, std::nullopt);
  ASSERT_TRUE(store_->SetMeta("sync.cursor", "1").ok());
  ASSERT_TRUE(store_->SetMeta("sync.cursor", "2").ok());
  ASSERT_TRUE(store_->SetMeta("node.id", "").ok());
  EXPECT_EQ(*store_->GetMeta("sync.cursor"), "2");
  EXPECT_EQ(*store_->GetMeta("node.id"), "");
}

// --- persistence and schema -----------------------------------------------------------------

TEST_P(StoreConformanceTest, ReopenedStoreKeepsEverything) {
  MakeCollection(kCollectionA);
  ObjectRecord r = Obj(Id(1), kT0);
  r.values = {{"domain-name", "evil.example"}};
  MustPut(kCollectionA, {r});
  AuditEvent audit{.time = kT0, .principal = "p", .channel = "taxii", .objects = {{.id = Id(1)}}};
  ASSERT_TRUE(store_->AppendAudit({&audit, 1}).ok());
  ASSERT_TRUE(store_->SetMeta("k", "v").ok());
  Reopen();
  EXPECT_THAT(Keys({.collection_id = kCollectionA}), ElementsAre(Key(Id(1), kT0)));
  EXPECT_EQ(store_->LookupValue("evil.example")->size(), 1u);
  EXPECT_EQ(store_->ReadAudit({})->size(), 1u);
  EXPECT_EQ(*store_->GetMeta("k"), "v");
  EXPECT_THAT(MustPut(kCollectionA, {r}), ElementsAre(PutOutcome::kUnchanged));
}

TEST_P(StoreConformanceTest, ReopenKeepsSchemaVersion) {
  const int version = store_->SchemaVersion();
  EXPECT_GE(version, 1);
  Reopen();
  EXPECT_EQ(store_->SchemaVersion(), version);
}

TEST_P(StoreConformanceTest, StoreFromNewerKongsiIsRefused) {
  const int version = store_->SchemaVersion();
  store_.reset();
  GetParam().set_schema_version(dir_, version + 1);
  auto opened = OpenStore();
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(opened.status().message()),
              ::testing::HasSubstr("store schema version " + std::to_string(version + 1) +
                                   " is newer than this kongsi supports (" +
                                   std::to_string(version) + ")"));
}

// --- errors ---------------------------------------------------------------------------------

TEST_P(StoreConformanceTest, UnknownCollectionIsNotFound) {
  EXPECT_EQ(store_->GetCollection(kUnknownCollection).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Put(kUnknownCollection, std::vector{Obj(Id(1), kT0)}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Scan({.collection_id = kUnknownCollection}, [](auto&) { return true; }).code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, DuplicateCollectionIsAlreadyExists) {
  MakeCollection(kCollectionA, "first");
  absl::Status again = store_->CreateCollection({.id = kCollectionA, .title = "second"});
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetCollection(kCollectionA)->title, "first");
}

TEST_P(StoreConformanceTest, BadArgumentsAreInvalidArgument) {
  auto code = [](const absl::Status& s) { return s.code(); };
  constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code(store_->CreateCollection({.id = "not-a-uuid", .title = "t"})), kInvalid);
  EXPECT_EQ(code(store_->CreateCollection({.id = kCollectionA, .title = ""})), kInvalid);
  ObjectRecord no_id = Obj(Id(1), kT0);
  no_id.id.clear();
  ObjectRecord no_body = Obj(Id(1), kT0);
  no_body.body.clear();
  ObjectRecord no_hash = Obj(Id(1), kT0);
  no_hash.content_hash.clear();
  ObjectRecord no_type = Obj(Id(1), kT0);
  no_type.type.clear();
  ObjectRecord empty_value = Obj(Id(1), kT0);
  empty_value.values = {{"ipv4-addr", ""}};
  for (const ObjectRecord& bad : {no_id, no_body, no_hash, no_type, empty_value}) {
    EXPECT_EQ(code(store_->Put("", {&bad, 1}).status()), kInvalid);
  }
  EXPECT_EQ(code(store_->LookupValue("").status()), kInvalid);
  EXPECT_EQ(code(store_->GetMeta("").status()), kInvalid);
  EXPECT_EQ(code(store_->SetMeta("", "v")), kInvalid);
  EXPECT_EQ(code(store_->Scan({}, nullptr)), kInvalid);
  AuditEvent no_object{.time = kT0, .principal = "p", .channel = "taxii", .objects = {{}}};
  EXPECT_EQ(code(store_->AppendAudit({&no_object, 1})), kInvalid);
  AuditEvent no_channel{.time = kT0, .principal = "p", .objects = {{.id = Id(1)}}};
  EXPECT_EQ(code(store_->AppendAudit({&no_channel, 1})), kInvalid);
}

TEST_P(StoreConformanceTest, FailedPutStoresNothing) {
  MakeCollection(kCollectionA);
  EXPECT_FALSE(store_->Put(kUnknownCollection, std::vector{Obj(Id(1), kT0)}).ok());
  ObjectRecord bad = Obj(Id(3), kT0);
  bad.body.clear();
  EXPECT_FALSE(store_->Put(kCollectionA, std::vector{Obj(Id(2), kT0), bad}).ok());
  EXPECT_THAT(Keys({.versions = VersionSelect::kAll}), IsEmpty());
  EXPECT_THAT(Keys({.collection_id = kCollectionA}), IsEmpty());
  auto stats = store_->GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->versions, 0);
  // The ids are still free: the same records can be added afterwards.
  EXPECT_THAT(MustPut(kCollectionA, {Obj(Id(1), kT0), Obj(Id(2), kT0)}),
              ElementsAre(PutOutcome::kAdded, PutOutcome::kAdded));
}

TEST_P(StoreConformanceTest, ConcurrentPutsKeepDateAddedUniqueAndIncreasing) {
  MakeCollection(kCollectionA);
  constexpr int kThreads = 4;
  constexpr int kBatches = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<ObjectRecord> batch;
        for (int i = 0; i < 5; ++i) batch.push_back(Obj(Id(t * 10000 + b * 10 + i), kT0));
        EXPECT_TRUE(store_->Put(kCollectionA, batch).ok());
        if (b % 5 == 0) ScanAll({.collection_id = kCollectionA, .limit = 3});
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<StoredObject> rows =
      ScanAll({.collection_id = kCollectionA, .versions = VersionSelect::kAll});
  ASSERT_EQ(rows.size(), static_cast<size_t>(kThreads * kBatches * 5));
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_GT(rows[i].date_added, rows[i - 1].date_added);
}

// --- write transactions -----------------------------------------------------------------

TEST_P(StoreConformanceTest, TransactionIsInvisibleUntilCommitThenAllAtOnce) {
  MakeCollection(kCollectionA);
  auto txn = store_->BeginWrite(kCollectionA);
  ASSERT_TRUE(txn.ok()) << txn.status();
  ASSERT_TRUE((*txn)->Add(std::vector<ObjectRecord>{Obj(Id(1), kT0), Obj(Id(2), kT0)}).ok());
  // A duplicate across batches behaves as if put one after the other.
  auto second = (*txn)->Add(std::vector<ObjectRecord>{Obj(Id(3), kT0), Obj(Id(1), kT0)});
  ASSERT_TRUE(second.ok());
  EXPECT_THAT(*second, ElementsAre(PutOutcome::kAdded, PutOutcome::kUnchanged));
  EXPECT_THAT(Keys({}), IsEmpty());  // readers see nothing yet
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_THAT(Keys({.collection_id = kCollectionA}),
              ElementsAre(Key(Id(1), kT0), Key(Id(2), kT0), Key(Id(3), kT0)));
  EXPECT_TRUE(absl::IsFailedPrecondition((*txn)->Commit()));
}

TEST_P(StoreConformanceTest, TransactionWithoutCommitStoresNothing) {
  MakeCollection(kCollectionA);
  {
    auto txn = store_->BeginWrite(kCollectionA);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Add(std::vector<ObjectRecord>{Obj(Id(1), kT0)}).ok());
  }
  EXPECT_THAT(Keys({}), IsEmpty());
  // The write lock was released: a later Put works.
  EXPECT_THAT(MustPut(kCollectionA, {Obj(Id(2), kT0)}), ElementsAre(PutOutcome::kAdded));
}

TEST_P(StoreConformanceTest, FailedAddEndsTheTransaction) {
  auto txn = store_->BeginWrite("");
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->Add(std::vector<ObjectRecord>{Obj(Id(1), kT0)}).ok());
  ObjectRecord bad = Obj(Id(2), kT0);
  bad.body.clear();
  EXPECT_TRUE(absl::IsInvalidArgument((*txn)->Add(std::vector<ObjectRecord>{bad}).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition((*txn)->Commit()));
  txn->reset();
  EXPECT_THAT(Keys({}), IsEmpty());
}

// A sync cursor written in the transaction of the objects it covers: both appear at commit,
// and neither survives a transaction that is not committed.
TEST_P(StoreConformanceTest, MetaSetInATransactionCommitsWithItsObjects) {
  MakeCollection(kCollectionA);
  ASSERT_TRUE(store_->SetMeta("cursor", "old").ok());
  {
    auto txn = store_->BeginWrite(kCollectionA);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Add(std::vector<ObjectRecord>{Obj(Id(1), kT0)}).ok());
    ASSERT_TRUE((*txn)->SetMeta("cursor", "lost").ok());
  }  // rolled back
  EXPECT_EQ(*store_->GetMeta("cursor"), "old");
  EXPECT_THAT(Keys({}), IsEmpty());
  auto txn = store_->BeginWrite(kCollectionA);
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->Add(std::vector<ObjectRecord>{Obj(Id(2), kT0)}).ok());
  ASSERT_TRUE((*txn)->SetMeta("cursor", "new").ok());
  EXPECT_EQ(*store_->GetMeta("cursor"), "old");  // readers see the old state until commit
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ(*store_->GetMeta("cursor"), "new");
  EXPECT_THAT(Keys({}), ElementsAre(Key(Id(2), kT0)));
  EXPECT_TRUE(absl::IsFailedPrecondition((*txn)->SetMeta("cursor", "late")));
  Reopen();
  EXPECT_EQ(*store_->GetMeta("cursor"), "new");
}

// Federation pushes never send a version back to the peer it came from; versions from other
// peers, files and this node still go.
TEST_P(StoreConformanceTest, NotFromPeerLeavesOutThatPeersVersionsOnly) {
  MakeCollection(kCollectionA);
  ObjectRecord from_b = Obj(Id(1), kT0);
  from_b.provenance = {.kind = Provenance::Kind::kPeer, .source = "node-b", .organisation = "b"};
  ObjectRecord from_c = Obj(Id(2), kT0);
  from_c.provenance = {.kind = Provenance::Kind::kPeer, .source = "node-c", .organisation = "c"};
  ObjectRecord file_named_b = Obj(Id(3), kT0);
  file_named_b.provenance = {.kind = Provenance::Kind::kFile, .source = "node-b"};
  MustPut(kCollectionA, {from_b, from_c, file_named_b, Obj(Id(4), kT0)});
  for (int twice = 0; twice < 2; ++twice) {  // paged scans may come from the cache
    EXPECT_THAT(Keys({.collection_id = kCollectionA, .limit = 10, .not_from_peer = "node-b"}),
                ElementsAre(Key(Id(2), kT0), Key(Id(3), kT0), Key(Id(4), kT0)));
    EXPECT_THAT(Keys({.collection_id = kCollectionA, .limit = 10}), SizeIs(4));
  }
}

TEST_P(StoreConformanceTest, BeginWriteOnUnknownCollectionIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(store_->BeginWrite(kUnknownCollection).status()));
}

// Disclosures appended with the version's key read back with its id and version, mixed with
// records that carry only text, in append order.
TEST_P(StoreConformanceTest, AuditByKeyResolvesIdAndVersion) {
  MustPut("", {Obj(Id(1), kT0 + 1), Obj(Id(1), kT0 + 2), Obj(Id(2), kT0 + 3)});
  AuditEvent page{.time = kT0, .principal = "p", .channel = "taxii.objects"};
  for (const StoredObject& o : ScanAll({.versions = VersionSelect::kAll})) {
    EXPECT_GT(o.key, 0);
    page.objects.push_back({.key = o.key});  // the key alone names the version
  }
  AuditEvent text{.time = kT0,
                  .principal = "p",
                  .channel = "export",
                  .objects = {{.id = Id(1), .version = kT0 + 9}}};
  std::vector<AuditEvent> records = {page, text};
  ASSERT_TRUE(store_->AppendAudit(records).ok());
  Reopen();
  auto one = store_->ReadAudit({.object_id = Id(1)});
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->size(), 3u);
  EXPECT_EQ((*one)[0].version, kT0 + 1);
  EXPECT_EQ((*one)[1].version, kT0 + 2);
  EXPECT_EQ((*one)[2].version, kT0 + 9);
  EXPECT_EQ((*one)[2].channel, "export");
  EXPECT_EQ(store_->ReadAudit({})->size(), 4u);
}

// --- several version selectors (TAXII match[version]=first,last / last,<timestamp>) -------

TEST_P(StoreConformanceTest, SeveralVersionSelectorsAreAUnion) {
  MakeCollection(kCollectionA);
  MustPut(kCollectionA,
          {Obj(Id(1), kT0 + 1), Obj(Id(1), kT0 + 2), Obj(Id(1), kT0 + 3), Obj(Id(2), kT0 + 5)});
  ObjectQuery q{.collection_id = kCollectionA, .versions = VersionSelect::kLast};
  q.also_versions = {VersionSelect::kFirst};
  EXPECT_THAT(Keys(q), ElementsAre(Key(Id(1), kT0 + 1), Key(Id(1), kT0 + 3), Key(Id(2), kT0 + 5)));
  // Exact versions replace `versions`; `also_versions` still add.
  q = ObjectQuery{.collection_id = kCollectionA, .exact_versions = {kT0 + 2}};
  q.also_versions = {VersionSelect::kLast};
  EXPECT_THAT(Keys(q), ElementsAre(Key(Id(1), kT0 + 2), Key(Id(1), kT0 + 3), Key(Id(2), kT0 + 5)));
  q.also_versions = {VersionSelect::kAll};
  EXPECT_EQ(Keys(q).size(), 4u);
}

// --- removal from a collection (TAXII delete object) --------------------------------------

TEST_P(StoreConformanceTest, RemoveFromCollectionDropsMembershipOnly) {
  MakeCollection(kCollectionA);
  MakeCollection(kCollectionB);
  MustPut(kCollectionA, {Obj(Id(1), kT0 + 1), Obj(Id(1), kT0 + 2), Obj(Id(2), kT0 + 5)});
  MustPut(kCollectionB, {Obj(Id(1), kT0 + 2)});
  ObjectQuery q{.collection_id = kCollectionA, .ids = {Id(1)}, .versions = VersionSelect::kLast};
  auto removed = store_->RemoveFromCollection(q);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 1u);
  // The first version is now the last one in A; B and the store keep theirs.
  EXPECT_THAT(Keys({.collection_id = kCollectionA, .versions = VersionSelect::kAll}),
              ElementsAre(Key(Id(1), kT0 + 1), Key(Id(2), kT0 + 5)));
  EXPECT_THAT(Keys({.collection_id = kCollectionB}), ElementsAre(Key(Id(1), kT0 + 2)));
  EXPECT_EQ(Keys({.versions = VersionSelect::kAll}).size(), 3u);
  q.versions = VersionSelect::kAll;
  removed = store_->RemoveFromCollection(q);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 1u);
  EXPECT_THAT(Keys({.collection_id = kCollectionA}), ElementsAre(Key(Id(2), kT0 + 5)));
  removed = store_->RemoveFromCollection(q);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0u);
}

TEST_P(StoreConformanceTest, RemoveFromCollectionNeedsCollectionAndIds) {
  EXPECT_EQ(store_->RemoveFromCollection({.ids = {Id(1)}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  MakeCollection(kCollectionA);
  EXPECT_EQ(store_->RemoveFromCollection({.collection_id = kCollectionA}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->RemoveFromCollection({.collection_id = kUnknownCollection, .ids = {Id(1)}})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

// --- tokens and status resources ----------------------------------------------------------

TokenRecord Token(std::string name, std::string key_id) {
  return TokenRecord{.name = std::move(name),
                     .key_id = std::move(key_id),
                     .secret_hash = "$argon2id$v=19$m=65536,t=2,p=1$x$y",
                     .organisation = "bank-a",
                     .read = {kCollectionA, kCollectionB},
                     .write = {"*"},
                     .created = kT0};
}

TEST_P(StoreConformanceTest, TokensAreStoredFoundListedAndRevoked) {
  ASSERT_TRUE(store_->CreateToken(Token("soc-bank-a", "k1")).ok());
  EXPECT_EQ(store_->CreateToken(Token("soc-bank-a", "k2")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->CreateToken(Token("other", "k1")).code(), absl::StatusCode::kAlreadyExists);
  Reopen();
  auto found = store_->FindToken("k1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->name, "soc-bank-a");
  EXPECT_EQ((*found)->organisation, "bank-a");
  EXPECT_THAT((*found)->read, ElementsAre(kCollectionA, kCollectionB));
  EXPECT_THAT((*found)->write, ElementsAre("*"));
  EXPECT_FALSE((*found)->revoked.has_value());
  EXPECT_FALSE(store_->FindToken("nope")->has_value());

  clock_.Set(kT0 + 99);
  ASSERT_TRUE(store_->RevokeToken("soc-bank-a").ok());
  EXPECT_EQ(store_->RevokeToken("soc-bank-a").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->FindToken("k1")->value().revoked, kT0 + 99);
  // A revoked name may be issued again; both stay listed.
  ASSERT_TRUE(store_->CreateToken(Token("soc-bank-a", "k3")).ok());
  auto listed = store_->ListTokens();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->at(0).key_id, "k1");
  EXPECT_EQ(listed->at(1).key_id, "k3");
}

TEST_P(StoreConformanceTest, StatusResourcesPersist) {
  ASSERT_TRUE(
      store_->PutStatus({.id = "s1", .owner = "bank-a", .created = kT0, .body = "{}"}).ok());
  EXPECT_EQ(store_->PutStatus({.id = "s1", .owner = "x", .created = kT0, .body = "{}"}).code(),
            absl::StatusCode::kAlreadyExists);
  Reopen();
  auto got = store_->GetStatus("s1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->owner, "bank-a");
  EXPECT_EQ((*got)->body, "{}");
  EXPECT_FALSE(store_->GetStatus("s2")->has_value());
}

// --- the page cache: never stale, also for writes made through another handle ------------

TEST_P(StoreConformanceTest, PagedScansSeeEveryChangeOfTheCollection) {
  MakeCollection(kCollectionA);
  MustPut(kCollectionA, {Obj(Id(1), kT0 + 1), Obj(Id(2), kT0 + 1)});
  const ObjectQuery page{.collection_id = kCollectionA, .limit = 10};
  EXPECT_EQ(Keys(page).size(), 2u);
  EXPECT_EQ(Keys(page).size(), 2u);  // the same page again (from the cache, when on)
  // Another handle on the same store, as another process (kongsi ingest) would be.
  StoreConfig config = GetParam().config(dir_);
  config.clock = &clock_;
  auto other = Store::Open(config);
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE((*other)->Put(kCollectionA, std::vector{Obj(Id(3), kT0 + 1)}).ok());
  EXPECT_THAT(Keys(page),
              ElementsAre(Key(Id(1), kT0 + 1), Key(Id(2), kT0 + 1), Key(Id(3), kT0 + 1)));
  // A new version replaces the last one on the page.
  ASSERT_TRUE((*other)->Put(kCollectionA, std::vector{Obj(Id(1), kT0 + 2)}).ok());
  EXPECT_THAT(Keys(page),
              ElementsAre(Key(Id(2), kT0 + 1), Key(Id(3), kT0 + 1), Key(Id(1), kT0 + 2)));
  // Removals are seen too.
  ASSERT_TRUE((*other)->RemoveFromCollection({.collection_id = kCollectionA, .ids = {Id(2)}}).ok());
  EXPECT_THAT(Keys(page), ElementsAre(Key(Id(3), kT0 + 1), Key(Id(1), kT0 + 2)));
  ASSERT_TRUE(
      (*other)
          ->RemoveFromCollection(
              {.collection_id = kCollectionA, .ids = {Id(1)}, .versions = VersionSelect::kLast})
          .ok());
  EXPECT_THAT(Keys(page), ElementsAre(Key(Id(1), kT0 + 1), Key(Id(3), kT0 + 1)));
  // A scan the callback stops early leaves no partial page behind.
  int seen = 0;
  ASSERT_TRUE(store_
                  ->Scan({.collection_id = kCollectionA, .limit = 5},
                         [&](const StoredObject&) {
                           ++seen;
                           return false;
                         })
                  .ok());
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(Keys({.collection_id = kCollectionA, .limit = 5}).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest,
                         ::testing::Values(SqliteBackend(), SqliteCachedBackend()),
                         [](const ::testing::TestParamInfo<BackendParam>& info) {
                           return info.param.name;
                         });

// --- not backend-specific, not parameterised ------------------------------------------------

TEST(StoreOpenTest, UnknownBackendIsInvalidArgument) {
  auto opened = Store::Open({.backend = "mongodb", .path = "/nonexistent"});
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StoreOpenTest, ProvenanceKindsHaveNames) {
  EXPECT_EQ(ProvenanceKindName(Provenance::Kind::kLocal), "local");
  EXPECT_EQ(ProvenanceKindName(Provenance::Kind::kFile), "file");
  EXPECT_EQ(ProvenanceKindName(Provenance::Kind::kPeer), "peer");
}

// SQLite-specific: a file that is not a database is refused with an error, not a crash, and
// left untouched.
TEST(SqliteStoreOpenTest, NonDatabaseFileIsRefused) {
  const fs::path dir = MakeTempDir();
  const fs::path file = dir / "notes.txt";
  std::ofstream(file) << std::string(4096, 'x');
  auto opened = Store::Open({.backend = "sqlite", .path = file.string()});
  EXPECT_FALSE(opened.ok());
  EXPECT_EQ(fs::file_size(file), 4096u);
  fs::remove_all(dir);
}

// SQLite-specific: another process holding the write lock makes a Put wait (up to the busy
// timeout), then fail with Unavailable, storing nothing.
class SqliteLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    path_ = (dir_ / "store.db").string();
    auto opened = Store::Open({.backend = "sqlite", .path = path_});
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = *std::move(opened);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteLockTest, PutWaitsForAnotherWriter) {
  auto other = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE);
  other->exec("BEGIN IMMEDIATE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    other->exec("COMMIT");
  });
  auto outcomes = store_->Put("", std::vector{Obj(Id(1), kT0)});
  release.join();
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_THAT(*outcomes, ElementsAre(PutOutcome::kAdded));
}

TEST_F(SqliteLockTest, PutFailsUnavailableWhenLockIsNeverReleased) {
  SQLite::Database other(path_, SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");
  auto outcomes = store_->Put("", std::vector{Obj(Id(1), kT0)});  // waits the 5 s timeout
  EXPECT_EQ(outcomes.status().code(), absl::StatusCode::kUnavailable) << outcomes.status();
  other.exec("ROLLBACK");
  auto stats = store_->GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->versions, 0);
}

TEST(SqliteStoreOpenTest, UnopenablePathIsUnavailable) {
  auto opened = Store::Open({.backend = "sqlite", .path = "/nonexistent-dir/x/store.db"});
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Store::Open({.backend = "sqlite", .path = ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kongsi::store
