// The disclosure door: what the operator receives is what is stored, every disclosure is
// audited, and principals without an agreement receive nothing.
#include "policy/disclosure.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "util/uuid.h"

// Records and queries below name only the fields a test is about.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::policy {
namespace {

class FixedClock : public util::Clock {
 public:
  util::Timestamp Now() const override { return 1700000000000000; }
};

class DisclosureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kongsi-policy-test-" + util::NewUuidV4());
    std::filesystem::create_directories(dir_);
    store::StoreConfig config;
    config.path = (dir_ / "store.db").string();
    config.clock = &clock_;
    store_ = std::move(store::Store::Open(config).value());
    std::vector<store::ObjectRecord> records;
    for (int i = 0; i < 3; ++i) {
      store::ObjectRecord r;
      r.id = "ipv4-addr--" + util::NewUuidV4();
      r.type = "ipv4-addr";
      r.spec_version = "2.1";
      r.body = R"({"type":"ipv4-addr","id":")" + r.id + R"(","value":"198.51.100.)" +
               std::to_string(i) + "\"}";
      r.content_hash = std::string(32, static_cast<char>('a' + i));
      records.push_back(r);
    }
    ASSERT_TRUE(store_->Put("", records).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  FixedClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(DisclosureTest, OperatorReceivesEverythingAndEachDisclosureIsAudited) {
  Disclosure door(*store_, clock_);
  std::vector<std::string> bodies;
  auto page = door.Disclose(LocalOperator("identity--x"), "export", {},
                            [&](std::string_view body, const store::StoredObject&) {
                              bodies.emplace_back(body);
                              return true;
                            });
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->count, 3u);
  EXPECT_FALSE(page->more);
  EXPECT_EQ(bodies.size(), 3u);
  auto audit = store_->ReadAudit("");
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[0].channel, "export");
  EXPECT_EQ((*audit)[0].time, clock_.Now());
  EXPECT_EQ((*audit)[0].principal.rfind("operator:", 0), 0u);
}

TEST_F(DisclosureTest, OthersReceiveNothingUntilAgreementsExist) {
  Disclosure door(*store_, clock_);
  Principal stranger{.name = "partner-x", .organisation = "identity--y", .read = {"*"}};
  int received = 0;
  absl::Status s = door.Disclose(stranger, "export", {},
                                 [&](std::string_view, const store::StoredObject&) {
                                   ++received;
                                   return true;
                                 })
                       .status();
  EXPECT_TRUE(absl::IsPermissionDenied(s));
  EXPECT_EQ(received, 0);
  EXPECT_TRUE(store_->ReadAudit("")->empty());
}

constexpr char kCollection[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kOtherCollection[] = "52892447-4d7e-4f70-b94d-d7f22742ff63";

// A token holder reads only collections listed in its rights; others do not exist for it.
TEST_F(DisclosureTest, CollectionRightsDecideWhatExists) {
  ASSERT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
  ASSERT_TRUE(store_->CreateCollection({.id = kOtherCollection, .title = "internal"}).ok());
  Disclosure door(*store_, clock_);
  Principal reader{.name = "soc-bank-a", .organisation = "bank-a", .read = {kCollection}};
  auto sink = [](std::string_view, const store::StoredObject&) { return true; };
  EXPECT_TRUE(door.Disclose(reader, "taxii", {.collection_id = kCollection}, sink).ok());
  auto hidden = door.Disclose(reader, "taxii", {.collection_id = kOtherCollection}, sink);
  auto unknown = door.Disclose(reader, "taxii",
                               {.collection_id = "0d5a1e57-5b5a-4b83-8d8f-6b0a6c1e2f00"}, sink);
  EXPECT_TRUE(absl::IsNotFound(hidden.status()));
  EXPECT_TRUE(absl::IsNotFound(unknown.status()));
  // Same wording, with only the id differing: nothing tells "hidden" from "absent".
  EXPECT_EQ(std::string(hidden.status().message()).find(kOtherCollection), 11u);
  EXPECT_EQ(std::string(unknown.status().message()).find("0d5a1e57"), 11u);
  EXPECT_TRUE(absl::IsNotFound(door.CheckCollectionVisible(reader, kOtherCollection)));
  EXPECT_TRUE(door.CheckCollectionVisible(reader, kCollection).ok());
}

// A page stops at the limit; `more` is known without disclosing (or auditing) the next object.
TEST_F(DisclosureTest, PageLooksAheadWithoutDisclosing) {
  ASSERT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
  std::vector<store::ObjectRecord> records;
  for (int i = 0; i < 5; ++i) {
    store::ObjectRecord r;
    r.id = "ipv4-addr--" + util::NewUuidV4();
    r.type = "ipv4-addr";
    r.spec_version = "2.1";
    r.body = R"({"type":"ipv4-addr","id":")" + r.id + "\"}";
    r.content_hash = r.id;
    records.push_back(r);
  }
  ASSERT_TRUE(store_->Put(kCollection, records).ok());
  Disclosure door(*store_, clock_);
  Principal reader{.name = "soc-bank-a", .read = {"*"}};
  for (const Delivery delivery : {Delivery::kStreamed, Delivery::kBuffered}) {
    const size_t audited_before = store_->ReadAudit("")->size();
    std::vector<std::string> ids;
    auto sink = [&](std::string_view, const store::StoredObject& o) {
      ids.push_back(o.record.id);
      return true;
    };
    auto page =
        door.Disclose(reader, "taxii", {.collection_id = kCollection, .limit = 3}, sink, delivery);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->count, 3u);
    EXPECT_TRUE(page->more);
    auto audit = store_->ReadAudit("");
    ASSERT_EQ(audit->size(), audited_before + 3);
    // Exactly the three disclosed objects are in the log, by id and principal.
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ((*audit)[audited_before + i].object_id, ids[i]);
      EXPECT_EQ((*audit)[audited_before + i].principal, "soc-bank-a");
    }
    ids.clear();
    page =
        door.Disclose(reader, "taxii", {.collection_id = kCollection, .limit = 5}, sink, delivery);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->count, 5u);
    EXPECT_FALSE(page->more);
  }
}

}  // namespace
}  // namespace kongsi::policy
