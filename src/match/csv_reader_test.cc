// The CSV reader: header and numbered columns, RFC 4180 quoting, the field map against the
// header, wrong column counts, Clone.
#include "match/csv_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "match/reader_test_util.h"

namespace kongsi::match {
namespace {

using testing::FileLines;
using ::testing::IsEmpty;
using testing::PaddedLine;
using ::testing::UnorderedElementsAre;
using testing::Value;
using testing::Values;

constexpr Observable kIp = Observable::kIpAddress;
constexpr Observable kDomain = Observable::kDomainName;

CsvOptions Options(std::string_view map) {
  absl::StatusOr<CsvOptions> options = ParseFieldMap(map);
  EXPECT_TRUE(options.ok()) << options.status();
  return options.ok() ? *options : CsvOptions{};
}

class CsvReaderTest : public ::testing::Test {
 protected:
  void Use(const CsvOptions& options) { reader_ = NewCsvReader(options); }
  LineResult Read(std::string_view text) { return reader_->Read(line_.Set(text), event_); }
  std::vector<Value> ValuesOf(std::string_view text) {
    EXPECT_EQ(Read(text), LineResult::kEvent) << reader_->Error();
    return Values(event_);
  }

  std::unique_ptr<LogReader> reader_;
  PaddedLine line_;
  Event event_;
};

TEST_F(CsvReaderTest, HeaderNamesColumns) {
  Use(Options("src=ip,query=domain,time=timestamp"));
  EXPECT_EQ(Read("time,src,dst,query"), LineResult::kSkip);
  EXPECT_THAT(ValuesOf("2024-01-01T00:00:00Z,192.0.2.1,192.0.2.2,www.example.com"),
              UnorderedElementsAre(Value{"src", kIp, "192.0.2.1"},
                                   Value{"query", kDomain, "www.example.com"}));
  EXPECT_EQ(event_.timestamp, "2024-01-01T00:00:00Z");
}

TEST_F(CsvReaderTest, QuotedFieldsAndEscapedQuotes) {
  Use(Options("url=url,agent=user-agent,mail=email"));
  EXPECT_EQ(Read("\"url\",agent,\"mail\""), LineResult::kSkip);
  EXPECT_THAT(ValuesOf("\"http://a.example/x?a=1,2\",\"Mozilla \"\"5.0\"\", like\", b@c.example"),
              UnorderedElementsAre(Value{"url", Observable::kUrl, "http://a.example/x?a=1,2"},
                                   Value{"agent", Observable::kUserAgent, "Mozilla \"5.0\", like"},
                                   Value{"mail", Observable::kEmailAddress, "b@c.example"}));
  EXPECT_THAT(ValuesOf(",\"\","), IsEmpty());
}

TEST_F(CsvReaderTest, NumberedColumnsWithoutHeader) {
  CsvOptions options = Options("2=ip,4=hash,1=timestamp");
  options.header = false;
  Use(options);
  EXPECT_THAT(
      ValuesOf("1700000000,198.51.100.7,x,d41d8cd98f00b204e9800998ecf8427e"),
      UnorderedElementsAre(Value{"2", kIp, "198.51.100.7"},
                           Value{"4", Observable::kFileHash, "d41d8cd98f00b204e9800998ecf8427e"}));
  EXPECT_EQ(event_.timestamp, "1700000000");
  EXPECT_EQ(Read("1,2,3"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "3 fields, the first line has 4");
}

TEST_F(CsvReaderTest, OtherDelimiter) {
  CsvOptions options = Options("host=domain");
  options.delimiter = ';';
  Use(options);
  EXPECT_EQ(Read("id;host"), LineResult::kSkip);
  EXPECT_THAT(ValuesOf("1;\"a;b.example\""),
              UnorderedElementsAre(Value{"host", kDomain, "a;b.example"}));
}

TEST_F(CsvReaderTest, MissingColumnsAreReportedOnTheHeaderLine) {
  Use(Options("src=ip,query=domain"));
  EXPECT_EQ(Read("a,b,query"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "field map names column 'src', the header has: a, b, query");
  // The columns that exist are still read.
  EXPECT_THAT(ValuesOf("1,2,x.example"),
              UnorderedElementsAre(Value{"query", kDomain, "x.example"}));

  Use(Options("src=ip,dst=ip"));
  EXPECT_EQ(Read("a,b,c"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "field map names columns 'src', 'dst', the header has: a, b, c");
}

TEST_F(CsvReaderTest, NumberedColumnsOutOfRange) {
  CsvOptions options = Options("5=ip,src=ip");
  options.header = false;
  Use(options);
  EXPECT_EQ(Read("a,b,c"), LineResult::kMalformed);
  EXPECT_EQ(
      reader_->Error(),
      "field map names columns '5', 'src', without a header line columns are numbered 1 to 3");
}

TEST_F(CsvReaderTest, WrongColumnCountAndBadQuotesAreMalformed) {
  Use(Options("src=ip"));
  EXPECT_EQ(Read("src,dst"), LineResult::kSkip);
  EXPECT_EQ(Read("10.0.0.1,10.0.0.2,10.0.0.3"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "3 fields, the header has 2");
  EXPECT_EQ(Read("\"10.0.0.1,10.0.0.2"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "unterminated quoted field starting at column 1");
  EXPECT_EQ(Read("10.0.0.1,\"x\"y"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "unexpected character after the closing quote at column 13");
  EXPECT_THAT(ValuesOf("10.0.0.9,x"), UnorderedElementsAre(Value{"src", kIp, "10.0.0.9"}));
}

TEST_F(CsvReaderTest, BlankLinesCarriageReturnsAndByteOrderMark) {
  Use(Options("src=ip"));
  EXPECT_EQ(Read("\xEF\xBB\xBFsrc,dst\r"), LineResult::kSkip);
  EXPECT_EQ(Read(""), LineResult::kSkip);
  EXPECT_EQ(Read("   "), LineResult::kSkip);
  EXPECT_THAT(ValuesOf(" 10.0.0.1 ,x\r"), UnorderedElementsAre(Value{"src", kIp, "10.0.0.1"}));
}

TEST_F(CsvReaderTest, CloneCarriesTheHeader) {
  Use(Options("dst=ip"));
  ASSERT_EQ(Read("src,dst"), LineResult::kSkip);
  std::unique_ptr<LogReader> clone = reader_->Clone();
  PaddedLine line;
  Event event;
  ASSERT_EQ(clone->Read(line.Set("10.0.0.1,10.0.0.2"), event), LineResult::kEvent);
  EXPECT_THAT(Values(event), UnorderedElementsAre(Value{"dst", kIp, "10.0.0.2"}));
}

TEST_F(CsvReaderTest, FixtureFileReads) {
  Use(Options("src_ip=ip,domain=domain,url=url,sha256=hash,seen=timestamp"));
  FileLines file;
  ASSERT_TRUE(file.Load(testing::TestDataPath("logs/proxy.csv")));
  size_t events = 0;
  size_t values = 0;
  for (std::string_view line : file.lines()) {
    const LineResult result = reader_->Read(line, event_);
    ASSERT_NE(result, LineResult::kMalformed) << line << ": " << reader_->Error();
    if (result == LineResult::kEvent) {
      ++events;
      values += event_.values.size();
      EXPECT_FALSE(event_.timestamp.empty());
    }
  }
  EXPECT_EQ(events, 3u);
  EXPECT_EQ(values, 11u);  // the first line has no hash
}

}  // namespace
}  // namespace kongsi::match
