// Format names, format detection, the CSV field map and the reader factory.
#include "match/log_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "match/reader_test_util.h"

namespace kongsi::match {
namespace {

using testing::FileLines;
using ::testing::HasSubstr;
using testing::PaddedLine;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using testing::Value;
using testing::Values;

TEST(ObservableNames, RoundTrip) {
  for (size_t i = 0; i < static_cast<size_t>(Observable::kCount); ++i) {
    const auto kind = static_cast<Observable>(i);
    Observable parsed = Observable::kCount;
    ASSERT_TRUE(ParseObservableName(ObservableName(kind), parsed)) << ObservableName(kind);
    EXPECT_EQ(parsed, kind);
  }
  EXPECT_EQ(ObservableName(Observable::kIpAddress), "ip");
  EXPECT_EQ(ObservableName(Observable::kUserAgent), "user-agent");
  EXPECT_EQ(ObservableName(Observable::kX509Sha256), "x509-sha256");
  EXPECT_EQ(ObservableName(Observable::kMacAddress), "mac");
  Observable kind;
  EXPECT_FALSE(ParseObservableName("ipv4", kind));
  EXPECT_FALSE(ParseObservableName("", kind));
}

TEST(LogFormatNames, RoundTrip) {
  for (LogFormat format : {LogFormat::kAuto, LogFormat::kSuricataEve, LogFormat::kZeekTsv,
                           LogFormat::kZeekJson, LogFormat::kCsv, LogFormat::kPlain}) {
    LogFormat parsed = LogFormat::kAuto;
    ASSERT_TRUE(ParseLogFormat(LogFormatName(format), parsed)) << LogFormatName(format);
    EXPECT_EQ(parsed, format);
  }
  EXPECT_EQ(LogFormatName(LogFormat::kSuricataEve), "eve");
  EXPECT_EQ(LogFormatName(LogFormat::kZeekJson), "zeek-json");
  LogFormat format;
  EXPECT_FALSE(ParseLogFormat("suricata", format));
}

TEST(DetectFormat, ZeekTsvHeader) {
  EXPECT_EQ(DetectFormat("#separator \\x09\n#set_separator\t,\n#fields\tts\n"),
            LogFormat::kZeekTsv);
  EXPECT_EQ(DetectFormat("\t#separator \\x09\n#set_separator\t,\n"), LogFormat::kZeekTsv);
  EXPECT_EQ(DetectFormat("#path\tconn\n#fields\tts\tuid\n1.0\tC1\n"), LogFormat::kZeekTsv);
}

TEST(DetectFormat, JsonLines) {
  EXPECT_EQ(DetectFormat("{\"timestamp\":\"x\",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\"}\n"),
            LogFormat::kSuricataEve);
  EXPECT_EQ(DetectFormat("\n{\"ts\":1.5,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\"}\n"),
            LogFormat::kZeekJson);
  EXPECT_EQ(DetectFormat("{\"_path\":\"dns\",\"query\":\"a.example\"}\n"), LogFormat::kZeekJson);
  // A first line that is not valid JSON is passed over; other JSON is plain text.
  EXPECT_EQ(DetectFormat("{\"a\":\n{\"event_type\":\"dns\"}\n"), LogFormat::kSuricataEve);
  EXPECT_EQ(DetectFormat("{\"name\":\"x\"}\n{\"name\":\"y\"}\n"), LogFormat::kPlain);
  // A JSON array of events (some sample sets) is not line-oriented: plain text.
  EXPECT_EQ(DetectFormat("[\n  {\n    \"event_type\": \"alert\"\n  }\n]\n"), LogFormat::kPlain);
}

TEST(DetectFormat, CsvNeedsTheFieldMap) {
  const std::string head = "time,src,query\n2024-01-01,10.0.0.1,a.example\n";
  EXPECT_EQ(DetectFormat(head), LogFormat::kPlain);
  absl::StatusOr<CsvOptions> csv = ParseFieldMap("src=ip,query=domain,time=timestamp");
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(DetectFormat(head, *csv), LogFormat::kCsv);
  EXPECT_EQ(DetectFormat("\xEF\xBB\xBF\"time\",\"src\",\"query\"\n", *csv), LogFormat::kCsv);
  EXPECT_EQ(DetectFormat("time,source,query\n", *csv), LogFormat::kPlain);
  csv = ParseFieldMap("2=ip");
  ASSERT_TRUE(csv.ok());
  csv->header = false;
  EXPECT_EQ(DetectFormat("a,10.0.0.1,c\n", *csv), LogFormat::kCsv);
  EXPECT_EQ(DetectFormat("just text\n", *csv), LogFormat::kPlain);
  // Zeek and JSON win over a field map.
  EXPECT_EQ(DetectFormat("#separator \\x09\n", *csv), LogFormat::kZeekTsv);
}

TEST(DetectFormat, PlainText) {
  EXPECT_EQ(DetectFormat(""), LogFormat::kPlain);
  EXPECT_EQ(DetectFormat("\n\n"), LogFormat::kPlain);
  EXPECT_EQ(DetectFormat("Jan  1 00:00:01 gw sshd[1]: Failed password from 192.0.2.1\n"),
            LogFormat::kPlain);
  EXPECT_EQ(DetectFormat("# a comment\nsome text\n"), LogFormat::kPlain);
}

TEST(DetectFormat, FixtureFiles) {
  for (const auto& [name, format] :
       std::vector<std::pair<std::string, LogFormat>>{{"logs/eve.json", LogFormat::kSuricataEve},
                                                      {"logs/zeek-dns.log", LogFormat::kZeekTsv},
                                                      {"logs/zeek-http.json", LogFormat::kZeekJson},
                                                      {"logs/syslog.txt", LogFormat::kPlain},
                                                      {"logs/proxy.csv", LogFormat::kPlain}}) {
    std::optional<std::string> text = testing::ReadFileText(testing::TestDataPath(name));
    ASSERT_TRUE(text) << name;
    EXPECT_EQ(DetectFormat(*text), format) << name;
  }
}

TEST(DetectFormat, RealFiles) {
  for (const auto& [name, format] : std::vector<std::pair<std::string, LogFormat>>{
           {"logs/suricata/slips/test6-malicious.suricata.json", LogFormat::kSuricataEve},
           {"logs/suricata/alerts-sample/wrccdc-2018/alerts-only.json", LogFormat::kPlain},
           {"logs/zeek/wrccdc-2018-tsv/dns.log.gz", LogFormat::kZeekTsv},
           {"logs/zeek/wrccdc-2018-json/dns.json.gz", LogFormat::kZeekJson},
           {"logs/zeek/slips/test10-mixed-zeek-dir/conn.log", LogFormat::kZeekTsv},
           {"logs/zeek/slips/test9-mixed-zeek-dir/conn.log", LogFormat::kZeekJson},
           {"logs/zeek/slips/test9-mixed-zeek-dir/arp.log", LogFormat::kZeekJson}}) {
    const std::string path = testing::SharedDataPath(name);
    std::optional<std::string> text = testing::ReadFileText(path);
    if (!text) GTEST_SKIP() << "shared data file not found: " << path;
    // As a caller passes it: at most 64 KiB, cut after the last whole line.
    std::string head = text->substr(0, 64 * 1024);
    if (head.size() < text->size()) head.erase(head.rfind('\n') + 1);
    EXPECT_EQ(DetectFormat(head), format) << name;
  }
}

TEST(ParseFieldMap, ColumnsKindsAndTimestamp) {
  absl::StatusOr<CsvOptions> options =
      ParseFieldMap(" src = ip,query=domain ,ts=timestamp,ua=user-agent,sha=hash");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_THAT(options->fields, ::testing::ElementsAre(Pair("src", Observable::kIpAddress),
                                                      Pair("query", Observable::kDomainName),
                                                      Pair("ua", Observable::kUserAgent),
                                                      Pair("sha", Observable::kFileHash)));
  EXPECT_EQ(options->timestamp_field, "ts");
  EXPECT_EQ(options->delimiter, ',');
  EXPECT_TRUE(options->header);
}

TEST(ParseFieldMap, ErrorsNameTheEntry) {
  auto error = [](std::string_view text) {
    absl::StatusOr<CsvOptions> options = ParseFieldMap(text);
    EXPECT_FALSE(options.ok()) << text;
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(options.status().message());
  };
  EXPECT_EQ(error(""), "the field map is empty");
  EXPECT_EQ(error("src"), "field map entry \"src\": expected column=kind");
  EXPECT_EQ(error("=ip"), "field map entry \"=ip\": no column name");
  EXPECT_THAT(error("src=ip,dst=ipv4"),
              HasSubstr("field map entry \"dst=ipv4\": unknown kind \"ipv4\" (kinds: ip, domain,"));
  EXPECT_EQ(error("a=timestamp,b=timestamp"),
            "field map entry \"b=timestamp\": a second timestamp column (the first is \"a\")");
  EXPECT_EQ(error("src=ip,,dst=ip"), "field map has an empty entry");
}

TEST(MakeReader, EachFormat) {
  PaddedLine line;
  Event event;
  auto eve = MakeReader(LogFormat::kSuricataEve);
  ASSERT_EQ(eve->Read(line.Set(R"({"src_ip":"10.0.0.1"})"), event), LineResult::kEvent);
  EXPECT_THAT(Values(event),
              UnorderedElementsAre(Value{"src_ip", Observable::kIpAddress, "10.0.0.1"}));

  auto zeek = MakeReader(LogFormat::kZeekTsv);
  EXPECT_EQ(zeek->Read(line.Set("1.0\t10.0.0.1"), event), LineResult::kMalformed);

  auto zeek_json = MakeReader(LogFormat::kZeekJson);
  ASSERT_EQ(zeek_json->Read(line.Set(R"({"id.orig_h":"10.0.0.2"})"), event), LineResult::kEvent);
  EXPECT_THAT(Values(event),
              UnorderedElementsAre(Value{"id.orig_h", Observable::kIpAddress, "10.0.0.2"}));

  absl::StatusOr<CsvOptions> csv_options = ParseFieldMap("a=ip");
  ASSERT_TRUE(csv_options.ok());
  auto csv = MakeReader(LogFormat::kCsv, *csv_options);
  EXPECT_EQ(csv->Read(line.Set("a,b"), event), LineResult::kSkip);
  ASSERT_EQ(csv->Read(line.Set("10.0.0.3,x"), event), LineResult::kEvent);
  EXPECT_THAT(Values(event), UnorderedElementsAre(Value{"a", Observable::kIpAddress, "10.0.0.3"}));

  auto plain = MakeReader(LogFormat::kPlain);
  ASSERT_EQ(plain->Read(line.Set("from 10.0.0.4"), event), LineResult::kEvent);
  EXPECT_THAT(Values(event),
              UnorderedElementsAre(Value{"text", Observable::kIpAddress, "10.0.0.4"}));

  EXPECT_EQ(MakeReader(LogFormat::kAuto), nullptr);
}

// The EVE fixture through a detected reader: every line is an event with values.
TEST(MakeReader, DetectedFixtureReads) {
  FileLines file;
  ASSERT_TRUE(file.Load(testing::TestDataPath("logs/eve.json")));
  auto reader = MakeReader(DetectFormat(file.text()));
  Event event;
  size_t values = 0;
  for (std::string_view line : file.lines()) {
    if (line.empty()) continue;
    ASSERT_EQ(reader->Read(line, event), LineResult::kEvent) << reader->Error();
    EXPECT_FALSE(event.values.empty());
    values += event.values.size();
  }
  EXPECT_EQ(values, 27u);
}

}  // namespace
}  // namespace kongsi::match
