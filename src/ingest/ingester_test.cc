// The ingest pipeline against a real SQLite store: per-object acceptance, unchanged and
// conflicting versions, --atomic, JSON lines in batches, and what ends up stored.
#include "ingest/ingester.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "util/uuid.h"

namespace kongsi::ingest {
namespace {

constexpr char kIndicator[] =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z","object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]})";
// Same id and modified, different name: a conflict.
constexpr char kIndicatorOtherBody[] =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","name":"changed","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"})";
// Invalid: valid_until before valid_from.
constexpr char kBadIndicator[] =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--0f8f5b0e-6f4a-4b51-9a1d-2b2b0f1b7c6d","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[ipv4-addr:value = '198.51.100.2']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z","valid_until":"2015-01-01T00:00:00Z"})";
constexpr char kIpv4[] =
    R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"})";

std::string Bundle(std::initializer_list<const char*> objects) {
  std::string out =
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)";
  bool first = true;
  for (const char* o : objects) {
    if (!first) out += ",";
    out += o;
    first = false;
  }
  return out + "]}";
}

class IngesterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kongsi-ingest-test-" + util::NewUuidV4());
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

  IngestReport Ingest(const std::string& text, IngestOptions options = {}) {
    Ingester ingester(*store_, options);
    IngestReport report;
    EXPECT_TRUE(ingester.IngestDocument(text, provenance_, report).ok());
    EXPECT_TRUE(ingester.Finish(report).ok());
    return report;
  }

  std::vector<store::StoredObject> All() {
    std::vector<store::StoredObject> out;
    store::ObjectQuery q;
    q.versions = store::VersionSelect::kAll;
    EXPECT_TRUE(store_
                    ->Scan(q,
                           [&](const store::StoredObject& o) {
                             out.push_back(o);
                             return true;
                           })
                    .ok());
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  store::Provenance provenance_{
      .kind = store::Provenance::Kind::kFile, .source = "test.json", .organisation = "partner-x"};
};

TEST_F(IngesterTest, AcceptsValidObjectsAndRejectsInvalidOnesOneByOne) {
  IngestReport r = Ingest(Bundle({kIndicator, kBadIndicator, kIpv4}));
  EXPECT_EQ(r.accepted, 2);
  EXPECT_EQ(r.rejected, 1);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_EQ(r.problems[0].object, "indicator--0f8f5b0e-6f4a-4b51-9a1d-2b2b0f1b7c6d");
  EXPECT_EQ(r.problems[0].pointer, "/objects/1/valid_until");
  auto stored = All();
  ASSERT_EQ(stored.size(), 2u);
  for (const auto& o : stored)
    EXPECT_NE(o.record.id, "indicator--0f8f5b0e-6f4a-4b51-9a1d-2b2b0f1b7c6d");
}

TEST_F(IngesterTest, StoresColumnsAndMinifiedBody) {
  Ingest(Bundle({kIndicator}));
  auto stored = All();
  ASSERT_EQ(stored.size(), 1u);
  const store::ObjectRecord& r = stored[0].record;
  EXPECT_EQ(r.type, "indicator");
  EXPECT_EQ(r.tlp, stix::Tlp::kAmber);
  EXPECT_EQ(r.body, kIndicator);
  EXPECT_EQ(r.provenance.kind, store::Provenance::Kind::kFile);
  EXPECT_EQ(r.provenance.source, "test.json");
  EXPECT_EQ(r.provenance.organisation, "partner-x");  // the input's origin, for every object
  ASSERT_TRUE(r.valid_from.has_value());
  EXPECT_EQ(util::FormatRfc3339(*r.valid_from, 0), "2016-01-01T00:00:00Z");
}

TEST_F(IngesterTest, SameVersionAgainIsUnchangedAndADifferentBodyIsAConflict) {
  Ingest(Bundle({kIndicator}));
  IngestReport again = Ingest(Bundle({kIndicator}));
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(again.accepted, 0);
  IngestReport conflict = Ingest(Bundle({kIndicatorOtherBody}));
  EXPECT_EQ(conflict.conflicts, 1);
  ASSERT_EQ(conflict.problems.size(), 1u);
  EXPECT_EQ(conflict.problems[0].rule, "version-conflict");
  auto stored = All();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].record.body, kIndicator);  // the stored one is kept
}

TEST_F(IngesterTest, AtomicStoresNothingWhenAnythingIsInvalid) {
  IngestOptions atomic;
  atomic.atomic = true;
  IngestReport r = Ingest(Bundle({kIndicator, kBadIndicator}), atomic);
  EXPECT_EQ(r.rejected, 1);
  EXPECT_EQ(r.accepted, 0);
  EXPECT_TRUE(All().empty());
  IngestReport ok = Ingest(Bundle({kIndicator, kIpv4}), atomic);
  EXPECT_EQ(ok.accepted, 2);
}

TEST_F(IngesterTest, JsonLinesAreStoredInBatches) {
  std::string lines;
  for (int i = 0; i < 25; ++i) {
    lines += R"({"type":"ipv4-addr","id":"ipv4-addr--)" + util::NewUuidV4() +
             R"(","value":"198.51.100.)" + std::to_string(i) + "\"}\n";
  }
  lines += "{broken\n";
  IngestOptions options;
  options.batch_size = 10;
  int progress_calls = 0;
  Ingester ingester(*store_, options);
  ingester.set_progress([&](const IngestReport&) { ++progress_calls; });
  IngestReport report;
  ASSERT_TRUE(ingester.IngestDocument(lines, provenance_, report).ok());
  ASSERT_TRUE(ingester.Finish(report).ok());
  EXPECT_EQ(report.accepted, 25);
  EXPECT_EQ(report.rejected, 1);
  EXPECT_GE(progress_calls, 3);
  EXPECT_EQ(All().size(), 25u);
}

TEST_F(IngesterTest, ValuesAreIndexedForLookup) {
  Ingest(Bundle({kIpv4}));
  auto hits = store_->LookupValue("198.51.100.3");
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
}

TEST_F(IngesterTest, SyntaxErrorStoresNothingAndSaysWhere) {
  Ingester ingester(*store_, IngestOptions{});
  IngestReport report;
  absl::Status s =
      ingester.IngestDocument("{\"type\": \"bundle\",\n \"objects\": [,]}", provenance_, report);
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(std::string(s.message()).find("line 2"), std::string::npos) << s;
  EXPECT_TRUE(All().empty());
}

}  // namespace
}  // namespace kongsi::ingest
