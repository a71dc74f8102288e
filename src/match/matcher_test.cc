// The matching pipeline on real files: hits in line order with the right line numbers
// whatever the thread count and chunk size, gzip and plain input alike, Zeek headers met
// mid-file, the CSV header, malformed lines reported and skipped, validity windows.
#include "match/matcher.h"

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::match {
namespace {

using ::testing::ElementsAre;

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("kongsi-matcher-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

std::string WriteFile(const std::string& name, const std::string& content) {
  const std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string WriteGzip(const std::string& name, const std::string& content) {
  const std::string path = TempPath(name);
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
  gzclose(f);
  return path;
}

IndicatorIndex IndexOf(const std::vector<std::pair<std::string, std::string>>& patterns) {
  IndexBuilder builder;
  for (const auto& [id, pattern] : patterns) {
    Indicator i;
    i.id = "indicator--" + id;
    i.pattern = pattern;
    i.pattern_type = "stix";
    i.valid_from = 0;
    builder.Add(i);
  }
  return builder.Build();
}

struct Seen {
  uint64_t line;
  std::string field;
  std::string value;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> Match(const IndicatorIndex& index, const std::string& path, MatchOptions options,
                        SourceReport* report_out = nullptr) {
  std::vector<Seen> seen;
  auto report = MatchSource(index, path, options, [&](const Hit& h) {
    seen.push_back(Seen{h.line, h.field, h.value});
  });
  EXPECT_TRUE(report.ok()) << report.status();
  if (report.ok() && report_out != nullptr) *report_out = *report;
  return seen;
}

std::string EveLine(int n, const std::string& src, const std::string& dst) {
  return "{\"timestamp\":\"2020-01-01T00:00:" + std::string(n % 60 < 10 ? "0" : "") +
         std::to_string(n % 60) + ".000000+0000\",\"event_type\":\"flow\",\"src_ip\":\"" + src +
         "\",\"src_port\":1234,\"dest_ip\":\"" + dst + "\",\"dest_port\":80,\"proto\":\"TCP\"}\n";
}

TEST(MatcherTest, SameHitsInLineOrderForAnyThreadCountAndChunkSize) {
  std::string log;
  std::vector<Seen> expected;
  for (int n = 1; n <= 3000; ++n) {
    const bool hit = n % 97 == 0;
    log += EveLine(n, "10.0.0." + std::to_string(n % 200), hit ? "192.0.2.66" : "198.51.100.1");
    if (hit) expected.push_back(Seen{static_cast<uint64_t>(n), "dest_ip", "192.0.2.66"});
  }
  const std::string path = WriteFile("order.json", log);
  const std::string gz = WriteGzip("order.json.gz", log);
  const IndicatorIndex index = IndexOf({{"a", "[ipv4-addr:value = '192.0.2.66']"}});
  for (size_t threads : {1, 2, 4}) {
    for (size_t chunk : {size_t{150}, size_t{4096}, size_t{4} << 20}) {
      MatchOptions options;
      options.threads = threads;
      options.chunk_bytes = chunk;
      SourceReport report;
      EXPECT_EQ(Match(index, path, options, &report), expected) << threads << " " << chunk;
      EXPECT_EQ(report.lines, 3000u);
      EXPECT_EQ(report.events, 3000u);
      EXPECT_EQ(report.format, LogFormat::kSuricataEve);
      EXPECT_EQ(Match(index, gz, options), expected) << "gzip " << threads << " " << chunk;
    }
  }
  std::filesystem::remove(path);
  std::filesystem::remove(gz);
}

TEST(MatcherTest, LastLineWithoutNewlineAndCrLfLines) {
  const IndicatorIndex index = IndexOf({{"a", "[ipv4-addr:value = '192.0.2.66']"}});
  std::string log = EveLine(1, "192.0.2.66", "10.0.0.1");
  log.back() = '\r';
  log += "\n" + EveLine(2, "10.0.0.1", "192.0.2.66");
  log.pop_back();  // no final newline
  const std::string path = WriteFile("crlf.json", log);
  EXPECT_THAT(Match(index, path, MatchOptions{}),
              ElementsAre(Seen{1, "src_ip", "192.0.2.66"}, Seen{2, "dest_ip", "192.0.2.66"}));
  std::filesystem::remove(path);
}

TEST(MatcherTest, MalformedLinesAreCountedWithTheirNumbersAndSkipped) {
  const IndicatorIndex index = IndexOf({{"a", "[ipv4-addr:value = '192.0.2.66']"}});
  std::string log = EveLine(1, "10.0.0.1", "10.0.0.2");
  log += "{\"timestamp\": \"2020-01-01T00:00:00Z\", \"src_ip\": \n";  // truncated
  log += EveLine(3, "192.0.2.66", "10.0.0.2");
  log += "not json at all\n";
  log += EveLine(5, "10.0.0.1", "192.0.2.66");
  const std::string path = WriteFile("malformed.json", log);
  MatchOptions options;
  options.format = LogFormat::kSuricataEve;
  options.chunk_bytes = 100;
  options.threads = 2;
  SourceReport report;
  EXPECT_THAT(Match(index, path, options, &report),
              ElementsAre(Seen{3, "src_ip", "192.0.2.66"}, Seen{5, "dest_ip", "192.0.2.66"}));
  EXPECT_EQ(report.malformed, 2u);
  ASSERT_EQ(report.malformed_samples.size(), 2u);
  EXPECT_EQ(report.malformed_samples[0].line, 2u);
  EXPECT_EQ(report.malformed_samples[1].line, 4u);
  EXPECT_FALSE(report.malformed_samples[0].error.empty());
  std::filesystem::remove(path);
}

TEST(MatcherTest, ZeekHeaderInALaterChunkAppliesToTheLinesAfterIt) {
  const std::string header1 =
      "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
      "#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\n"
      "#types\ttime\tstring\taddr\tport\taddr\tport\n";
  // The second log has its columns in another order (as a concatenation of two files would).
  const std::string header2 =
      "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
      "#path\tconn\n#fields\tts\tid.resp_h\tid.orig_h\tuid\n#types\ttime\taddr\taddr\tstring\n";
  std::string log = header1;
  uint64_t line = 7;
  std::vector<Seen> expected;
  for (int i = 0; i < 200; ++i) {
    log += "1320279566.0\tC" + std::to_string(i) + "\t10.0.0.1\t1\t" +
           (i == 150 ? "192.0.2.66" : "10.0.0.2") + "\t80\n";
    ++line;
    if (i == 150) expected.push_back(Seen{line, "id.resp_h", "192.0.2.66"});
  }
  log += header2;
  line += 7;
  for (int i = 0; i < 200; ++i) {
    log += std::string("1320279567.0\t") + (i == 10 ? "192.0.2.66" : "10.0.0.3") + "\t10.0.0.4\tD" +
           std::to_string(i) + "\n";
    ++line;
    if (i == 10) expected.push_back(Seen{line, "id.resp_h", "192.0.2.66"});
  }
  const std::string path = WriteFile("conn.log", log);
  const IndicatorIndex index = IndexOf({{"a", "[ipv4-addr:value = '192.0.2.66']"}});
  for (size_t chunk : {size_t{64}, size_t{1000}, size_t{1} << 20}) {
    MatchOptions options;
    options.threads = 3;
    options.chunk_bytes = chunk;
    SourceReport report;
    EXPECT_EQ(Match(index, path, options, &report), expected) << chunk;
    EXPECT_EQ(report.format, LogFormat::kZeekTsv);
    EXPECT_EQ(report.malformed, 0u);
  }
  std::filesystem::remove(path);
}

TEST(MatcherTest, CsvHeaderNamesTheColumnsForEveryChunk) {
  std::string log = "when,client,query\n";
  for (int i = 1; i <= 300; ++i) {
    log += "2020-01-01T00:00:00Z,10.0.0.1," +
           std::string(i == 250 ? "evil.example" : "ok.example") + "\n";
  }
  const std::string path = WriteFile("dns.csv", log);
  const IndicatorIndex index = IndexOf({{"a", "[domain-name:value = 'evil.example']"}});
  MatchOptions options;
  options.format = LogFormat::kCsv;
  auto csv = ParseFieldMap("client=ip,query=domain,when=timestamp");
  ASSERT_TRUE(csv.ok()) << csv.status();
  options.csv = *csv;
  options.chunk_bytes = 200;
  options.threads = 2;
  SourceReport report;
  EXPECT_THAT(Match(index, path, options, &report),
              ElementsAre(Seen{251, "query", "evil.example"}));
  EXPECT_EQ(report.malformed, 0u);
  std::filesystem::remove(path);
}

TEST(MatcherTest, IndicatorsMatchOnlyEventsInsideTheirValidityUnlessAskedOtherwise) {
  IndexBuilder builder;
  Indicator i;
  i.id = "indicator--windowed";
  i.pattern = "[ipv4-addr:value = '192.0.2.66']";
  i.pattern_type = "stix";
  i.valid_from = 1577836800000000;   // 2020-01-01T00:00:00Z
  i.valid_until = 1577836830000000;  // 2020-01-01T00:00:30Z
  builder.Add(i);
  const IndicatorIndex index = builder.Build();
  const std::string path = WriteFile("validity.json", EveLine(10, "192.0.2.66", "10.0.0.1") +
                                                          EveLine(45, "192.0.2.66", "10.0.0.1"));
  SourceReport report;
  EXPECT_THAT(Match(index, path, MatchOptions{}, &report),
              ElementsAre(Seen{1, "src_ip", "192.0.2.66"}));
  EXPECT_EQ(report.outside_validity, 1u);
  MatchOptions now;
  now.validity = Validity::kNow;
  now.now = 1577836800000000 + 5000000;
  EXPECT_EQ(Match(index, path, now).size(), 2u);
  std::filesystem::remove(path);
}

TEST(MatcherTest, UnreadableSourcesAreErrors) {
  const IndicatorIndex index = IndexOf({});
  auto missing = MatchSource(index, TempPath("missing.json"), MatchOptions{}, {});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  std::string compressed;
  {
    const std::string path = WriteGzip("truncated.gz", std::string(100000, 'x') + "\n");
    std::ifstream in(path, std::ios::binary);
    compressed.assign(std::istreambuf_iterator<char>(in), {});
    std::filesystem::remove(path);
  }
  const std::string truncated =
      WriteFile("truncated2.gz", compressed.substr(0, compressed.size() / 2));
  auto corrupt = MatchSource(index, truncated, MatchOptions{}, {});
  EXPECT_FALSE(corrupt.ok());
  std::filesystem::remove(truncated);
  const std::string empty = WriteFile("empty.json", "");
  auto nothing = MatchSource(index, empty, MatchOptions{}, {});
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(nothing->lines, 0u);
  std::filesystem::remove(empty);
}

}  // namespace
}  // namespace kongsi::match
