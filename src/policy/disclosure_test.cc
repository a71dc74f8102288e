// The disclosure door: what the operator receives is what is stored, every disclosure is
// audited, and principals without an agreement receive nothing.
#include "policy/disclosure.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "util/uuid.h"

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
  ASSERT_TRUE(door.Disclose(LocalOperator("identity--x"), "export", {},
                            [&](std::string_view body, const store::StoredObject&) {
                              bodies.emplace_back(body);
                              return true;
                            })
                  .ok());
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
  Principal stranger{"partner-x", "identity--y", false};
  int received = 0;
  absl::Status s =
      door.Disclose(stranger, "export", {}, [&](std::string_view, const store::StoredObject&) {
        ++received;
        return true;
      });
  EXPECT_TRUE(absl::IsPermissionDenied(s));
  EXPECT_EQ(received, 0);
  EXPECT_TRUE(store_->ReadAudit("")->empty());
}

}  // namespace
}  // namespace kongsi::policy
