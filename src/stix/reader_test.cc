// Input forms the reader accepts (bundle, object, array, JSON lines, 2.0 bundles) and the
// errors it gives for input that is not STIX.
#include "stix/reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace kongsi::stix {
namespace {

struct Seen {
  std::string name, pointer;
  size_t line;
  bool upgraded;
  std::string spec_version;
  std::string raw;       // the object's own text, when the reader knows it
  std::string minified;  // the element, serialised
};

absl::Status ReadAll(std::string_view text, std::vector<Seen>& seen, ReadSummary& summary) {
  DocumentReader reader;
  return reader.Read(
      text,
      [&](const InputObject& o) {
        std::string_view sv;
        std::string spec_version;
        if (o.element["spec_version"].get(sv) == simdjson::SUCCESS) spec_version = sv;
        seen.push_back({o.name, o.pointer, o.line, o.upgraded_from_20, spec_version,
                        std::string(o.raw), simdjson::minify(o.element)});
        return true;
      },
      summary);
}

constexpr char kIdentity[] =
    R"({"type":"identity","spec_version":"2.1","id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c","created":"2015-12-21T19:59:11.000Z","modified":"2015-12-21T19:59:11.000Z","name":"ACME"})";

TEST(Reader, WalksABundle) {
  std::vector<Seen> seen;
  ReadSummary summary;
  const std::string text =
      std::string(
          R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[)") +
      kIdentity + R"(,{"type":"x-thing","id":"bad id"}]})";
  ASSERT_TRUE(ReadAll(text, seen, summary).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].name, "identity--311b2d2d-f010-4473-83ec-1edf84858f4c");
  EXPECT_EQ(seen[0].pointer, "/objects/0");
  EXPECT_EQ(seen[1].name, "#1");  // no usable id: named by position
  EXPECT_EQ(seen[1].raw, R"({"type":"x-thing","id":"bad id"})");
  EXPECT_EQ(seen[1].pointer, "/objects/1");
  EXPECT_TRUE(summary.document_findings.empty());
}

TEST(Reader, ReportsABadBundleEnvelope) {
  std::vector<Seen> seen;
  ReadSummary summary;
  ASSERT_TRUE(ReadAll(R"({"type":"bundle","id":"report--x","objects":[]})", seen, summary).ok());
  ASSERT_FALSE(summary.document_findings.empty());
  EXPECT_EQ(summary.document_findings[0].pointer, "/id");
}

TEST(Reader, WalksASingleObjectAndAnArray) {
  std::vector<Seen> seen;
  ReadSummary summary;
  ASSERT_TRUE(ReadAll(kIdentity, seen, summary).ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].pointer, "");
  seen.clear();
  ASSERT_TRUE(ReadAll(std::string("[") + kIdentity + "," + kIdentity + "]", seen, summary).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].pointer, "/1");
}

TEST(Reader, AcceptsAByteOrderMark) {
  std::vector<Seen> seen;
  ReadSummary summary;
  ASSERT_TRUE(ReadAll(std::string("\xEF\xBB\xBF") + kIdentity, seen, summary).ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].name, "identity--311b2d2d-f010-4473-83ec-1edf84858f4c");
}

TEST(Reader, JsonLinesSkipsBadLinesWithTheirLineNumber) {
  std::vector<Seen> seen;
  ReadSummary summary;
  const std::string text = std::string(kIdentity) + "\n\n{not json\n" + kIdentity + "\n";
  ASSERT_TRUE(ReadAll(text, seen, summary).ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].line, 1u);
  EXPECT_EQ(seen[1].line, 4u);
  ASSERT_EQ(summary.document_findings.size(), 1u);
  EXPECT_EQ(summary.document_findings[0].line, 3u);
  EXPECT_EQ(summary.document_findings[0].rule, "json-syntax");
}

TEST(Reader, SyntaxErrorsNameLineAndColumn) {
  std::vector<Seen> seen;
  ReadSummary summary;
  absl::Status s = ReadAll("{\n  \"type\": \"bundle\",\n  \"id\": oops\n}", seen, summary);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_NE(std::string(s.message()).find("line 3, column"), std::string::npos) << s;
}

TEST(Reader, RejectsInputThatIsNotStix) {
  std::vector<Seen> seen;
  ReadSummary summary;
  EXPECT_FALSE(ReadAll("", seen, summary).ok());
  EXPECT_FALSE(ReadAll("42", seen, summary).ok());
  EXPECT_FALSE(ReadAll("hello", seen, summary).ok());
  EXPECT_FALSE(ReadAll(R"({"hello":"world"})", seen, summary).ok());
  EXPECT_TRUE(seen.empty());
}

TEST(Reader, UpgradesStix20Bundles) {
  std::vector<Seen> seen;
  ReadSummary summary;
  const char* bundle20 =
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","spec_version":"2.0","objects":[{"type":"identity","id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c","created":"2015-12-21T19:59:11.000Z","modified":"2015-12-21T19:59:11.000Z","name":"ACME","identity_class":"organization"}]})";
  ASSERT_TRUE(ReadAll(bundle20, seen, summary).ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].upgraded);
  EXPECT_EQ(seen[0].spec_version, "2.1");
  // The text handed on with an upgraded object is its 2.1 form (regression: it pointed at
  // a freed buffer).
  EXPECT_EQ(seen[0].raw, seen[0].minified);
  EXPECT_EQ(summary.upgraded, 1u);
}

}  // namespace
}  // namespace kongsi::stix
