// MISP warninglists: each list type's semantics on written lists, which kinds a list applies
// to, the real published lists (../shared/data, skipped when absent), and every load error.
#include "match/warninglist.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "match/indicator_index.h"
#include "match/matcher.h"

namespace kongsi::match {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string List(std::string_view name, std::string_view type, std::string_view entries,
                 std::string_view attributes = "") {
  std::string text = "{\"name\": \"" + std::string(name) + "\", \"type\": \"" + std::string(type) +
                     "\", \"version\": 1, \"description\": \"d\", \"list\": [" +
                     std::string(entries) + "]";
  if (!attributes.empty()) text += ", \"matching_attributes\": [" + std::string(attributes) + "]";
  return text + "}";
}

Warninglists ParseOk(const std::string& text) {
  auto lists = Warninglists::Parse(text, "test.json");
  EXPECT_TRUE(lists.ok()) << lists.status();
  return lists.ok() ? std::move(*lists) : Warninglists();
}

class WarninglistTest : public ::testing::Test {
 protected:
  std::string Named(const Warninglists& lists, Observable kind, std::string_view value) {
    const Warninglist* list = lists.Find(kind, value, scratch_);
    return list == nullptr ? "" : list->name;
  }
  std::string scratch_;
};

TEST_F(WarninglistTest, CidrListsHoldEveryAddressInsideTheirBlocks) {
  const Warninglists lists = ParseOk(List("private", "cidr",
                                          R"("10.0.0.0/8", "192.168.1.7", "2001:db8::/32",
                                              "fe80::1")",
                                          R"("ip-src", "ip-dst")"));
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "10.1.2.3"), "private");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "10.255.255.255"), "private");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "11.0.0.1"), "");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "192.168.1.7"), "private");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "192.168.1.8"), "");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "2001:DB8:0:0::abcd"), "private");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "2001:db9::1"), "");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "fe80:0::1"), "private");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "fe80::2"), "");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "not an address"), "");
  // A cidr list judges addresses only.
  EXPECT_EQ(Named(lists, Observable::kDomainName, "10.1.2.3"), "");
  EXPECT_THAT(lists.lists()[0]->kinds, ElementsAre(Observable::kIpAddress));
}

TEST_F(WarninglistTest, HostnameListsHoldTheNameAndEveryNameBelowItAndUrlsByTheirHost) {
  const Warninglists lists = ParseOk(List("sites", "hostname",
                                          R"("example.com", ".dot.example", "*.star.example",
                                              "Upper.EXAMPLE.org.")",
                                          R"("hostname", "domain", "url")"));
  EXPECT_EQ(Named(lists, Observable::kDomainName, "example.com"), "sites");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "WWW.Example.COM."), "sites");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "a.b.example.com"), "sites");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "notexample.com"), "");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "example.com.evil.test"), "");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "x.dot.example"), "sites");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "star.example"), "sites");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "upper.example.org"), "sites");
  EXPECT_EQ(Named(lists, Observable::kUrl, "https://user@www.example.com:8443/path?q"), "sites");
  EXPECT_EQ(Named(lists, Observable::kUrl, "http://evil.test/example.com"), "");
  EXPECT_EQ(Named(lists, Observable::kUrl, "http://[2001:db8::1]/"), "");
  EXPECT_THAT(lists.lists()[0]->kinds, ElementsAre(Observable::kDomainName, Observable::kUrl));
}

TEST_F(WarninglistTest, StringListsHoldExactValuesInCanonicalForm) {
  const Warninglists lists =
      ParseOk(List("mixed", "string",
                   R"("D41D8CD98F00B204E9800998ECF8427E", "Top.Example", ".below.example",
                      "203.0.113.9", "Mozilla/5.0 Test", "a@Example.ORG")",
                   R"("md5", "domain", "ip-dst", "user-agent", "email-src")"));
  EXPECT_EQ(Named(lists, Observable::kFileHash, "d41d8cd98f00b204e9800998ecf8427e"), "mixed");
  EXPECT_EQ(Named(lists, Observable::kFileHash, "d41d8cd98f00b204e9800998ecf8427f"), "");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "top.example."), "mixed");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "www.top.example"), "");  // exact only
  EXPECT_EQ(Named(lists, Observable::kDomainName, "x.below.example"), "mixed");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "203.0.113.9"), "mixed");
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "203.0.113.10"), "");
  EXPECT_EQ(Named(lists, Observable::kUserAgent, "Mozilla/5.0 Test"), "mixed");
  EXPECT_EQ(Named(lists, Observable::kUserAgent, "mozilla/5.0 test"), "");
  EXPECT_EQ(Named(lists, Observable::kEmailAddress, "A@example.org"), "mixed");
  // Not among its matching attributes: the same text of another kind is not named.
  EXPECT_EQ(Named(lists, Observable::kJa3, "d41d8cd98f00b204e9800998ecf8427e"), "");
}

TEST_F(WarninglistTest, SubstringAndRegexListsSearchTheValue) {
  const Warninglists lists =
      ParseOk(List("sub", "substring", R"("googleusercontent", "CDN")", R"("hostname")"));
  EXPECT_EQ(Named(lists, Observable::kDomainName, "x.GoogleUserContent.com"), "sub");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "my.cdn.example"), "sub");
  EXPECT_EQ(Named(lists, Observable::kDomainName, "example.com"), "");
  EXPECT_EQ(Named(lists, Observable::kUrl, "http://cdn.example/"), "");

  const Warninglists regexes = ParseOk(List("re", "regex", R"("^python-requests/", "(")"));
  EXPECT_EQ(Named(regexes, Observable::kUserAgent, "python-requests/2.31"), "re");
  EXPECT_EQ(Named(regexes, Observable::kUserAgent, "curl/8"), "");
  // "(" is no RE2 expression: skipped and counted, the rest of the list works.
  EXPECT_EQ(regexes.lists()[0]->skipped, 1u);
  EXPECT_EQ(regexes.lists()[0]->entries, 2u);
}

TEST_F(WarninglistTest, MatchingAttributesChooseTheKinds) {
  const Warninglists lists = ParseOk(List("attrs", "string", R"("x")",
                                          R"("ip-src|port", "domain|ip", "link", "sha256",
                                             "filename|md5", "email-dst", "user-agent",
                                             "ja3-fingerprint-md5", "x509-fingerprint-sha1",
                                             "x509-fingerprint-sha256", "ssdeep")"));
  EXPECT_THAT(lists.lists()[0]->kinds,
              ElementsAre(Observable::kIpAddress, Observable::kDomainName, Observable::kUrl,
                          Observable::kFileHash, Observable::kEmailAddress, Observable::kUserAgent,
                          Observable::kJa3, Observable::kX509Sha1, Observable::kX509Sha256));
  // Without matching_attributes: every kind the type suits.
  const Warninglists all = ParseOk(R"({"name": "n", "type": "hostname", "list": ["a.example"]})");
  EXPECT_THAT(all.lists()[0]->kinds, ElementsAre(Observable::kDomainName, Observable::kUrl));
  const Warninglists untyped = ParseOk(R"({"name": "n", "list": []})");
  EXPECT_EQ(untyped.lists()[0]->type, WarninglistType::kString);
  EXPECT_EQ(untyped.lists()[0]->kinds.size(), static_cast<size_t>(Observable::kCount));
}

TEST_F(WarninglistTest, EntriesOfNoKindAreSkippedAndCounted) {
  const Warninglists lists =
      ParseOk(List("odd", "cidr", R"("10.0.0.0/8", "not-a-block", "", "10.0.0.0/33")"));
  EXPECT_EQ(lists.lists()[0]->entries, 4u);
  EXPECT_EQ(lists.lists()[0]->skipped, 3u);
  EXPECT_EQ(Named(lists, Observable::kIpAddress, "10.9.9.9"), "odd");
}

TEST_F(WarninglistTest, FindNamesTheFirstListAndFindAllEveryOne) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "wl-order";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "b");
  std::ofstream(dir / "a.json") << List("first", "cidr", R"("10.0.0.0/8")");
  std::ofstream(dir / "b" / "list.json") << List("second", "string", R"("10.1.1.1")");
  std::ofstream(dir / "notes.txt") << "not a list";
  std::ofstream(dir / ".hidden.json") << "{";
  auto lists = Warninglists::Load({dir.string()});
  ASSERT_TRUE(lists.ok()) << lists.status();
  ASSERT_EQ(lists->lists().size(), 2u);
  EXPECT_EQ(Named(*lists, Observable::kIpAddress, "10.1.1.1"), "first");
  std::vector<std::string> names;
  for (const Warninglist* l : lists->FindAll(Observable::kIpAddress, "10.1.1.1", scratch_)) {
    names.push_back(l->name);
  }
  EXPECT_THAT(names, ElementsAre("first", "second"));
  EXPECT_EQ(lists->lists()[1]->file, (dir / "b" / "list.json").string());
  std::filesystem::remove_all(dir);
}

TEST_F(WarninglistTest, ConcurrentReadersSeeTheSameAnswers) {
  const Warninglists lists = ParseOk(List("r", "regex", R"("^a+b$")", R"("user-agent")"));
  std::vector<std::thread> threads;
  std::vector<int> found(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string scratch;
      for (int i = 0; i < 2000; ++i) {
        found[t] += lists.Find(Observable::kUserAgent, "aaab", scratch) != nullptr;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(found, ElementsAre(2000, 2000, 2000, 2000));
}

// The matcher counts hits on listed values instead of reporting them, over every chunk.
TEST(WarninglistMatchTest, HitsOnListedValuesAreCountedPerListNotReported) {
  IndexBuilder builder;
  Indicator indicator;
  indicator.id = "indicator--a";
  indicator.pattern = "[ipv4-addr:value = '10.1.1.1' OR ipv4-addr:value = '203.0.113.5']";
  indicator.pattern_type = "stix";
  builder.Add(indicator);
  const IndicatorIndex index = builder.Build();
  const std::string path = ::testing::TempDir() + "/warninglist-match.log";
  {
    std::ofstream log(path);
    for (int i = 0; i < 50; ++i) log << "seen 10.1.1.1 and 203.0.113.5 here\n";
  }
  const Warninglists lists = ParseOk(List("private", "cidr", R"("10.0.0.0/8")"));
  MatchOptions options;
  options.threads = 2;
  options.chunk_bytes = 256;  // many chunks, merged in order
  options.validity = Validity::kNow;
  options.format = LogFormat::kPlain;
  options.warninglists = &lists;
  std::vector<std::string> values;
  auto report = MatchSource(index, path, options, [&](const Hit& h) { values.push_back(h.value); });
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(values, std::vector<std::string>(50, "203.0.113.5"));
  EXPECT_EQ(report->hits, 50u);
  EXPECT_EQ(report->suppressed, 50u);
  EXPECT_THAT(report->suppressed_by_list,
              ElementsAre(std::pair<const std::string, uint64_t>("private", 50)));
  options.warninglists = nullptr;
  report = MatchSource(index, path, options, {});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->hits, 100u);
  EXPECT_EQ(report->suppressed, 0u);
  std::filesystem::remove(path);
}

// ---- errors: the file and where in it, nothing loaded ----

std::string ParseError(std::string_view text) {
  auto lists = Warninglists::Parse(text, "warninglists/x/list.json");
  EXPECT_FALSE(lists.ok());
  return lists.ok() ? "" : std::string(lists.status().message());
}

TEST(WarninglistErrorTest, EachBrokenShapeIsNamedByFileAndPointer) {
  EXPECT_EQ(ParseError(R"({"name": "n", "list": ["a", "b", "c", 4]})"),
            "warninglists/x/list.json: /list/3: not a string");
  EXPECT_EQ(ParseError(R"({"name": "n"})"), "warninglists/x/list.json: /list: missing");
  EXPECT_EQ(ParseError(R"({"name": "n", "list": "a"})"),
            "warninglists/x/list.json: /list: not an array");
  EXPECT_EQ(ParseError(R"({"list": []})"), "warninglists/x/list.json: /name: missing");
  EXPECT_EQ(ParseError(R"({"name": 1, "list": []})"),
            "warninglists/x/list.json: /name: not a string");
  EXPECT_EQ(ParseError(R"({"name": "", "list": []})"), "warninglists/x/list.json: /name: empty");
  EXPECT_EQ(ParseError(R"({"name": "n", "type": "glob", "list": []})"),
            "warninglists/x/list.json: /type: unknown type 'glob' (string, hostname, cidr, "
            "substring or regex)");
  EXPECT_EQ(ParseError(R"({"name": "n", "type": 3, "list": []})"),
            "warninglists/x/list.json: /type: not a string");
  EXPECT_EQ(ParseError(R"({"name": "n", "list": [], "matching_attributes": ["a", 2]})"),
            "warninglists/x/list.json: /matching_attributes/1: not a string");
  EXPECT_EQ(ParseError(R"({"name": "n", "list": [], "matching_attributes": "url"})"),
            "warninglists/x/list.json: /matching_attributes: not an array");
  EXPECT_EQ(ParseError(R"({"name": "n", "list": [], "description": []})"),
            "warninglists/x/list.json: /description: not a string");
  EXPECT_EQ(ParseError(R"({"name": "n", "list": [], "version": "4"})"),
            "warninglists/x/list.json: /version: not an integer");
  EXPECT_THAT(ParseError("[1, 2]"), HasSubstr("warninglists/x/list.json: not a warninglist"));
}

TEST(WarninglistErrorTest, SyntaxErrorsHaveLineAndColumn) {
  EXPECT_THAT(ParseError("{\n  \"name\": \"n\",\n  \"list\": [\"a\",]\n}"),
              HasSubstr("warninglists/x/list.json: line 3, column "));
  EXPECT_THAT(ParseError(""), HasSubstr("warninglists/x/list.json: "));
}

TEST(WarninglistErrorTest, ALoadWithOneBadFileLoadsNothing) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "wl-bad";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.json") << List("good", "cidr", R"("10.0.0.0/8")");
  std::ofstream(dir / "b.json") << R"({"name": "bad", "list": [1]})";
  auto lists = Warninglists::Load({dir.string()});
  ASSERT_FALSE(lists.ok());
  EXPECT_EQ(lists.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(lists.status().message(), (dir / "b.json").string() + ": /list/0: not a string");

  auto missing = Warninglists::Load({(dir / "nowhere").string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), (dir / "nowhere").string() + ": no such file or folder");
  std::filesystem::remove_all(dir);
}

// ---- the published lists ----

class RealWarninglistsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::filesystem::path dir =
        std::filesystem::path(KONGSI_SHARED_DATA_DIR) / "misp" / "warninglists";
    if (!std::filesystem::is_directory(dir)) return;
    auto loaded = Warninglists::Load({dir.string()});
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    lists_ = new Warninglists(std::move(*loaded));
  }
  static void TearDownTestSuite() {
    delete lists_;
    lists_ = nullptr;
  }
  void SetUp() override {
    if (lists_ == nullptr) GTEST_SKIP() << "shared data absent: ../shared/data/misp/warninglists";
  }
  std::vector<std::string> Names(Observable kind, std::string_view value) {
    std::vector<std::string> names;
    for (const Warninglist* l : lists_->FindAll(kind, value, scratch_)) {
      names.push_back(l->file.substr(l->file.rfind("warninglists/") + 13));
    }
    return names;
  }
  static Warninglists* lists_;
  std::string scratch_;
};

Warninglists* RealWarninglistsTest::lists_ = nullptr;

TEST_F(RealWarninglistsTest, EveryListLoadsWithAlmostEveryEntryUsable) {
  EXPECT_EQ(lists_->lists().size(), 40u);
  for (const auto& list : lists_->lists()) {
    EXPECT_FALSE(list->kinds.empty()) << list->file;
    // empty-hashes holds an ssdeep and a SHA-224 digest, which no kind of ours is.
    EXPECT_LE(list->skipped, std::max<size_t>(2, list->entries / 20)) << list->file;
  }
}

TEST_F(RealWarninglistsTest, KnownValuesAreOnTheirLists) {
  EXPECT_THAT(Names(Observable::kIpAddress, "8.8.8.8"),
              ::testing::Contains("public-dns-v4/list.json"));
  EXPECT_THAT(Names(Observable::kIpAddress, "10.1.2.3"), ::testing::Contains("rfc1918/list.json"));
  EXPECT_THAT(Names(Observable::kIpAddress, "2001:4860:4860::8888"),
              ::testing::Contains("public-dns-v6/list.json"));
  EXPECT_THAT(Names(Observable::kDomainName, "www.google.com"),
              ::testing::Contains("tranco10k/list.json"));
  EXPECT_THAT(Names(Observable::kUrl, "https://www.google.com/search?q=x"),
              ::testing::Contains("tranco10k/list.json"));
  EXPECT_THAT(Names(Observable::kFileHash, "d41d8cd98f00b204e9800998ecf8427e"),
              ::testing::Contains("empty-hashes/list.json"));
  EXPECT_THAT(Names(Observable::kFileHash, "9b2e4f0c9d1a7e3b5f6a8c0d2e4f6a8b"),
              ::testing::IsEmpty());
  EXPECT_THAT(Names(Observable::kIpAddress, "192.0.3.77"), ::testing::IsEmpty());
  EXPECT_THAT(Names(Observable::kDomainName, "kongsi-test-unlisted.invalid"),
              ::testing::Not(::testing::Contains("tranco10k/list.json")));
}

}  // namespace
}  // namespace kongsi::match
