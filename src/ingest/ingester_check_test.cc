// The ingester's per-object check hook (Ingester::set_check): its findings are warnings on
// stored objects, kept with keep_warnings, never rejections, and it sees only valid objects.
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ingest/ingester.h"
#include "stix/reader.h"
#include "util/uuid.h"

namespace kongsi::ingest {
namespace {

constexpr char kBundle[] =
    R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)"
    R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"},)"
    R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ffbb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.4"},)"
    R"({"type":"ipv4-addr","spec_version":"2.1","id":"not-an-id","value":"198.51.100.5"}]})";

class IngesterCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kongsi-check-test-" + util::NewUuidV4());
    std::filesystem::create_directories(dir_);
    store::StoreConfig config;
    config.path = (dir_ / "store.db").string();
    auto s = store::Store::Open(config);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(IngesterCheckTest, FindingsOfTheCheckAreWarningsOnStoredObjects) {
  Ingester ingester(*store_, IngestOptions{});
  std::vector<std::string> checked;
  ingester.set_check([&](const stix::InputObject& object, std::vector<stix::Finding>& out) {
    checked.push_back(object.name);
    std::string_view value;
    if (object.element["value"].get(value) == simdjson::SUCCESS && value == "198.51.100.3") {
      out.push_back(stix::Finding{stix::Severity::kError, object.name, object.pointer + "/value",
                                  "listed", "198.51.100.3 is listed", 0, 0});
    }
  });
  IngestReport report;
  report.keep_warnings = true;
  store::Provenance provenance;
  ASSERT_TRUE(ingester.IngestDocument(kBundle, provenance, report).ok());
  ASSERT_TRUE(ingester.Finish(report).ok());
  // The invalid third object is rejected by validation and never reaches the check.
  EXPECT_EQ(checked, (std::vector<std::string>{"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
                                               "ipv4-addr--ffbb3599-77cd-5a82-a950-b5bc3caf07c4"}));
  EXPECT_EQ(report.accepted, 2);
  EXPECT_EQ(report.rejected, 1);
  bool found = false;
  for (const stix::Finding& f : report.problems) {
    if (f.rule != "listed") continue;
    found = true;
    EXPECT_EQ(f.severity, stix::Severity::kWarning);  // never a rejection
    EXPECT_EQ(f.pointer, "/objects/0/value");
  }
  EXPECT_TRUE(found);
  EXPECT_GE(report.warnings, 1);
}

}  // namespace
}  // namespace kongsi::ingest
