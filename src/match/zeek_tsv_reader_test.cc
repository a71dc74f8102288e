// The Zeek TSV reader: header handling, the column mapping of each log kind, escapes,
// malformed lines, Clone, and every Zeek TSV file of ../shared/data.
#include "match/zeek_tsv_reader.h"

#include <filesystem>
#include <map>
#include <set>

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

// The header of a Zeek log with the given #path, #fields and #types (TAB-separated lists).
std::string Header(std::string_view path, std::string_view fields, std::string_view types) {
  return "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t" +
         std::string(path) + "\n#open\t2020-10-06-17-32-46\n#fields\t" + std::string(fields) +
         "\n#types\t" + std::string(types) + "\n";
}

class ZeekTsvReaderTest : public ::testing::Test {
 protected:
  // Reads every line of `header` (each must be a header line).
  void ReadHeader(std::string_view header) {
    FileLines lines;
    lines.SetText(header);
    for (std::string_view line : lines.lines()) {
      ASSERT_EQ(reader_->Read(line, event_), LineResult::kSkip) << line << ": " << reader_->Error();
    }
  }
  LineResult Read(std::string_view text) { return reader_->Read(line_.Set(text), event_); }
  std::vector<Value> ValuesOf(std::string_view text) {
    EXPECT_EQ(Read(text), LineResult::kEvent) << reader_->Error();
    return Values(event_);
  }

  std::unique_ptr<LogReader> reader_ = NewZeekTsvReader();
  PaddedLine line_;
  Event event_;
};

constexpr std::string_view kDnsFields =
    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\t"
    "qclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected";
constexpr std::string_view kDnsTypes =
    "time\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\t"
    "string\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool";

TEST_F(ZeekTsvReaderTest, DnsQueryAnswersAndAddresses) {
  ReadHeader(Header("dns", kDnsFields, kDnsTypes));
  EXPECT_THAT(
      ValuesOf("1601998366.786397\tCYwXsR3yfDq6hooIU2\t2001:718:2:1663:dc58:6d9:ef13:51a5\t53879\t"
               "2001:718:2:1611:0:1:0:90\t53\tudp\t3478\t0.006970\tclients6.google.com\t1\t"
               "C_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tT\tT\t0\t"
               "clients.l.google.com,2a00:1450:4014:80c::200e,172.217.23.206,TXT 5 hello\t"
               "15.000000,105.000000\tF"),
      UnorderedElementsAre(Value{"id.orig_h", kIp, "2001:718:2:1663:dc58:6d9:ef13:51a5"},
                           Value{"id.resp_h", kIp, "2001:718:2:1611:0:1:0:90"},
                           Value{"query", kDomain, "clients6.google.com"},
                           Value{"answers", kDomain, "clients.l.google.com"},
                           Value{"answers", kIp, "2a00:1450:4014:80c::200e"},
                           Value{"answers", kIp, "172.217.23.206"}));
  EXPECT_EQ(event_.timestamp, "1601998366.786397");
}

TEST_F(ZeekTsvReaderTest, UnsetAndEmptyFieldsAreSkipped) {
  ReadHeader(Header("dns", kDnsFields, kDnsTypes));
  EXPECT_THAT(
      ValuesOf("1601998366.1\tC1\t10.0.0.1\t1\t10.0.0.2\t53\tudp\t1\t-\t-\t-\t-\t-\t-\t-\t-\t"
               "F\tF\tT\tF\t0\t(empty)\t-\tF"),
      UnorderedElementsAre(Value{"id.orig_h", kIp, "10.0.0.1"},
                           Value{"id.resp_h", kIp, "10.0.0.2"}));
  EXPECT_THAT(ValuesOf("-\tC1\t-\t1\t-\t53\tudp\t1\t-\texample.com\t-\t-\t-\t-\t-\t-\t"
                       "F\tF\tT\tF\t0\t-,192.0.2.1\t-\tF"),
              UnorderedElementsAre(Value{"query", kDomain, "example.com"},
                                   Value{"answers", kIp, "192.0.2.1"}));
  EXPECT_TRUE(event_.timestamp.empty());
}

TEST_F(ZeekTsvReaderTest, HttpHostUriAndUserAgent) {
  ReadHeader(Header("http",
                    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\t"
                    "host\turi\treferrer\tuser_agent",
                    "time\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\t"
                    "string"));
  EXPECT_THAT(ValuesOf("1.5\tC1\t10.0.2.15\t49156\t147.32.80.7\t80\t1\tGET\twww.example.com\t"
                       "/bin.sh?a=1\thttp://ref.example/\tWget/1.20"),
              UnorderedElementsAre(
                  Value{"id.orig_h", kIp, "10.0.2.15"}, Value{"id.resp_h", kIp, "147.32.80.7"},
                  Value{"host", kDomain, "www.example.com"},
                  Value{"uri", Observable::kUrl, "http://www.example.com/bin.sh?a=1"},
                  Value{"user_agent", Observable::kUserAgent, "Wget/1.20"}));
  EXPECT_THAT(ValuesOf("1.5\tC1\t10.0.2.15\t49156\t147.32.80.7\t80\t1\tGET\t112.255.161.10:8080\t"
                       "/x\t-\t-"),
              UnorderedElementsAre(Value{"id.orig_h", kIp, "10.0.2.15"},
                                   Value{"id.resp_h", kIp, "147.32.80.7"},
                                   Value{"host", kIp, "112.255.161.10"},
                                   Value{"uri", Observable::kUrl, "http://112.255.161.10:8080/x"}));
  // An absolute target (proxy request) is the URL itself; CONNECT's host:port is none.
  EXPECT_THAT(ValuesOf("1.5\tC1\t-\t1\t-\t80\t1\tGET\tproxy.example\thttp://evil.example/a\t-\t-"),
              UnorderedElementsAre(Value{"host", kDomain, "proxy.example"},
                                   Value{"uri", Observable::kUrl, "http://evil.example/a"}));
  EXPECT_THAT(ValuesOf("1.5\tC1\t-\t1\t-\t80\t1\tCONNECT\tproxy.example\tevil.example:443\t-\t-"),
              UnorderedElementsAre(Value{"host", kDomain, "proxy.example"}));
}

TEST_F(ZeekTsvReaderTest, SslServerNameFingerprintsAndJa3) {
  ReadHeader(Header("ssl",
                    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tserver_name\tja3\tja3s\t"
                    "cert_chain_fps\tsubject",
                    "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tvector[string]\t"
                    "string"));
  EXPECT_THAT(
      ValuesOf("1.5\tC1\t-\t1\t-\t443\tvirtual.example.com\t0123456789abcdef0123456789abcdef\t"
               "fedcba9876543210fedcba9876543210\t"
               "b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe,"
               "e6a3b45b062d509b3382282d196efe97d5956ccb\tCN=virtual.example.com"),
      UnorderedElementsAre(
          Value{"server_name", kDomain, "virtual.example.com"},
          Value{"ja3", Observable::kJa3, "0123456789abcdef0123456789abcdef"},
          Value{"ja3s", Observable::kJa3s, "fedcba9876543210fedcba9876543210"},
          Value{"cert_chain_fps", Observable::kX509Sha256,
                "b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe"},
          Value{"cert_chain_fps", Observable::kX509Sha1,
                "e6a3b45b062d509b3382282d196efe97d5956ccb"}));
}

TEST_F(ZeekTsvReaderTest, X509SerialSubjectAltNamesAndFingerprint) {
  ReadHeader(
      Header("x509",
             "ts\tfingerprint\tcertificate.version\tcertificate.serial\tcertificate.subject\t"
             "san.dns\tsan.uri\tsan.email\tsan.ip",
             "time\tstring\tcount\tstring\tstring\tvector[string]\tvector[string]\t"
             "vector[string]\tvector[addr]"));
  EXPECT_THAT(
      ValuesOf("1521911720.624556\tb2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe"
               "\t3\tCC57FE54011E\tCN=a.example\ta.example,*.b.example\t-\tadmin@a.example\t"
               "192.0.2.10,2001:db8::10"),
      UnorderedElementsAre(
          Value{"fingerprint", Observable::kX509Sha256,
                "b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe"},
          Value{"certificate.serial", Observable::kX509Serial, "CC57FE54011E"},
          Value{"san.dns", kDomain, "a.example"}, Value{"san.dns", kDomain, "*.b.example"},
          Value{"san.email", Observable::kEmailAddress, "admin@a.example"},
          Value{"san.ip", kIp, "192.0.2.10"}, Value{"san.ip", kIp, "2001:db8::10"}));
}

TEST_F(ZeekTsvReaderTest, FilesHashesNameAndHosts) {
  ReadHeader(Header("files",
                    "ts\tfuid\ttx_hosts\trx_hosts\tconn_uids\tsource\tmime_type\tfilename\tmd5\t"
                    "sha1\tsha256",
                    "time\tstring\tset[addr]\tset[addr]\tset[string]\tstring\tstring\tstring\t"
                    "string\tstring\tstring"));
  EXPECT_THAT(
      ValuesOf("1601998391.128990\tFRBu481kCfyF0aScA1\t3.232.121.231\t147.32.83.156,10.0.0.9\t"
               "CYetmM3b29tLNkUk42\tHTTP\tapplication/x-dosexec\tinvoice.exe\t"
               "aeeb74a57c1f9df4cfc4536d26a38b8c\t0a6b201a7bff643cc5dd6631e5940e858ee07d25\t"
               "fc85d5ae673d6d3befce84844d750aff3c8d3c9f041330017ed3c47b9c26c86e"),
      UnorderedElementsAre(
          Value{"tx_hosts", kIp, "3.232.121.231"}, Value{"rx_hosts", kIp, "147.32.83.156"},
          Value{"rx_hosts", kIp, "10.0.0.9"},
          Value{"filename", Observable::kFileName, "invoice.exe"},
          Value{"md5", Observable::kFileHash, "aeeb74a57c1f9df4cfc4536d26a38b8c"},
          Value{"sha1", Observable::kFileHash, "0a6b201a7bff643cc5dd6631e5940e858ee07d25"},
          Value{"sha256", Observable::kFileHash,
                "fc85d5ae673d6d3befce84844d750aff3c8d3c9f041330017ed3c47b9c26c86e"}));
}

TEST_F(ZeekTsvReaderTest, SmtpAddressesWithoutDisplayNames) {
  ReadHeader(Header("smtp",
                    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\thelo\tmailfrom\trcptto\t"
                    "from\tto\tcc\treply_to\tx_originating_ip\tpath\tuser_agent",
                    "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tset[string]\tstring\t"
                    "set[string]\tset[string]\tstring\taddr\tvector[addr]\tstring"));
  EXPECT_THAT(
      ValuesOf("1641918754.93611\tC1\t10.1.11.101\t63246\t80.75.42.226\t25\t[0.0.0.0]\t"
               "<aon.913289727@aon.example>\tJohnDoe1236677@gmail.example,x@y.example\t"
               "\"johndoess@gmail.example\" <aon.123@aon.example>\t"
               "\"John\\x2c Doe\" <john@gmail.example>\t-\tReply <r@aon.example>\t192.0.2.77\t"
               "80.75.42.226,10.1.11.101\tThunderbird 102"),
      UnorderedElementsAre(
          Value{"id.orig_h", kIp, "10.1.11.101"}, Value{"id.resp_h", kIp, "80.75.42.226"},
          Value{"mailfrom", Observable::kEmailAddress, "aon.913289727@aon.example"},
          Value{"rcptto", Observable::kEmailAddress, "JohnDoe1236677@gmail.example"},
          Value{"rcptto", Observable::kEmailAddress, "x@y.example"},
          Value{"from", Observable::kEmailAddress, "aon.123@aon.example"},
          Value{"to", Observable::kEmailAddress, "john@gmail.example"},
          Value{"reply_to", Observable::kEmailAddress, "r@aon.example"},
          Value{"x_originating_ip", kIp, "192.0.2.77"}, Value{"path", kIp, "80.75.42.226"},
          Value{"path", kIp, "10.1.11.101"},
          Value{"user_agent", Observable::kUserAgent, "Thunderbird 102"}));
}

TEST_F(ZeekTsvReaderTest, NoticeAndAnyAddrColumn) {
  ReadHeader(Header("intel", "ts\tsrc\tdst\tseen.host\tseen.indicator\tnote",
                    "time\taddr\taddr\taddr\tstring\tenum"));
  EXPECT_THAT(
      ValuesOf("1.0\t147.32.83.156\t10.0.0.1\t198.51.100.1\tevil.example\tIntel::Notice"),
      UnorderedElementsAre(Value{"src", kIp, "147.32.83.156"}, Value{"dst", kIp, "10.0.0.1"},
                           Value{"seen.host", kIp, "198.51.100.1"}));
}

TEST_F(ZeekTsvReaderTest, EscapesAreDecoded) {
  ReadHeader(Header("http", "ts\thost\turi\tuser_agent", "time\tstring\tstring\tstring"));
  EXPECT_THAT(ValuesOf("1.0\twww.example.com\t/a\\x09b\\\\c\tMozilla\\x2c \\\\x"),
              UnorderedElementsAre(Value{"host", kDomain, "www.example.com"},
                                   Value{"uri", Observable::kUrl, "http://www.example.com/a\tb\\c"},
                                   Value{"user_agent", Observable::kUserAgent, "Mozilla, \\x"}));
}

TEST_F(ZeekTsvReaderTest, BadEscapeIsMalformedAndTheNextLineReads) {
  ReadHeader(Header("http", "ts\thost\turi\tuser_agent", "time\tstring\tstring\tstring"));
  for (std::string_view bad : {"1.0\tx.example\t/a\tbad \\q escape", "1.0\tx.example\t/a\\x4\t-",
                               "1.0\tx.example\t/a\\xZZ\t-", "1.0\tx.example\t/a\\\t-"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(Read(bad), LineResult::kMalformed);
    EXPECT_THAT(std::string(reader_->Error()), ::testing::StartsWith("bad escape"));
    EXPECT_THAT(ValuesOf("2.0\tok.example\t-\t-"),
                UnorderedElementsAre(Value{"host", kDomain, "ok.example"}));
  }
  EXPECT_EQ(Read("1.0\tx.example\t/a\tbad \\q escape"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "bad escape \"\\q e\" in column 'user_agent'");
}

TEST_F(ZeekTsvReaderTest, WrongColumnCountIsMalformed) {
  ReadHeader(Header("dns", kDnsFields, kDnsTypes));
  EXPECT_EQ(Read("1.0\tC1\t10.0.0.1\t1\t10.0.0.2\t53\tudp\t1\t-\texample.com\t1\t-"),
            LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "12 fields, the header has 24");
  EXPECT_EQ(Read("one"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "1 field, the header has 24");
}

TEST_F(ZeekTsvReaderTest, DataBeforeTheFieldsHeaderIsMalformed) {
  EXPECT_EQ(Read("1.0\t10.0.0.1"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "data before the #fields header");
  EXPECT_EQ(Read("#separator \\x09"), LineResult::kSkip);
  EXPECT_EQ(Read("1.0\t10.0.0.1"), LineResult::kMalformed);
  EXPECT_EQ(Read("#fields\tts\tid.orig_h"), LineResult::kSkip);
  EXPECT_THAT(ValuesOf("1.0\t10.0.0.1"), UnorderedElementsAre(Value{"id.orig_h", kIp, "10.0.0.1"}));
}

TEST_F(ZeekTsvReaderTest, NewFieldsHeaderMidFileIsHonoured) {
  ReadHeader(Header("dns", kDnsFields, kDnsTypes));
  ASSERT_EQ(Read("#close\t2020-10-06-17-33-29"), LineResult::kSkip);
  ReadHeader(Header("conn", "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p",
                    "time\tstring\taddr\tport\taddr\tport"));
  EXPECT_THAT(ValuesOf("1.0\tC1\t10.0.0.1\t1\t10.0.0.2\t80"),
              UnorderedElementsAre(Value{"id.orig_h", kIp, "10.0.0.1"},
                                   Value{"id.resp_h", kIp, "10.0.0.2"}));
}

TEST_F(ZeekTsvReaderTest, BlanksBeforeSeparatorHeader) {
  // As test10-mixed-zeek-dir/conn.log of the shared data is published.
  EXPECT_EQ(Read("\t#separator \\x09"), LineResult::kSkip);
  EXPECT_EQ(Read("#fields\tts\tid.orig_h"), LineResult::kSkip);
  EXPECT_THAT(ValuesOf("1.0\t10.0.0.1"), UnorderedElementsAre(Value{"id.orig_h", kIp, "10.0.0.1"}));
}

TEST_F(ZeekTsvReaderTest, OtherSeparatorsAndMarkers) {
  ReadHeader(
      "#separator \\x7c\n#set_separator|;\n#empty_field|EMPTY\n#unset_field|NONE\n"
      "#fields|ts|query|answers\n#types|time|string|vector[string]\n");
  EXPECT_THAT(ValuesOf("1.0|a.example|b.example;192.0.2.1;NONE"),
              UnorderedElementsAre(Value{"query", kDomain, "a.example"},
                                   Value{"answers", kDomain, "b.example"},
                                   Value{"answers", kIp, "192.0.2.1"}));
  EXPECT_THAT(ValuesOf("1.0|NONE|EMPTY"), IsEmpty());
  EXPECT_EQ(Read("#separator \\x09\\x09"), LineResult::kMalformed);
  EXPECT_THAT(std::string(reader_->Error()), ::testing::HasSubstr("one character expected"));
}

// Found by zeek_reader_fuzz: an `addr` column without a name gave values without a field name.
TEST_F(ZeekTsvReaderTest, ColumnsWithoutANameYieldNothing) {
  ReadHeader("#separator \\x7c\n#fields|ts||src\n#types|time|addr|addr\n");
  EXPECT_THAT(ValuesOf("1.0|10.0.0.9|10.0.0.8"),
              UnorderedElementsAre(Value{"src", kIp, "10.0.0.8"}));
}

TEST_F(ZeekTsvReaderTest, WithoutTypesKnownSetsAreSplit) {
  ReadHeader("#separator \\x09\n#set_separator\t,\n#fields\tts\tanswers\trcptto\tsrc\n");
  EXPECT_THAT(ValuesOf("1.0\ta.example,192.0.2.1\t<x@y.example>,z@y.example\t10.0.0.1"),
              UnorderedElementsAre(Value{"answers", kDomain, "a.example"},
                                   Value{"answers", kIp, "192.0.2.1"},
                                   Value{"rcptto", Observable::kEmailAddress, "x@y.example"},
                                   Value{"rcptto", Observable::kEmailAddress, "z@y.example"},
                                   Value{"src", kIp, "10.0.0.1"}));
}

TEST_F(ZeekTsvReaderTest, CloneCarriesTheHeader) {
  ReadHeader(Header("dns", kDnsFields, kDnsTypes));
  std::unique_ptr<LogReader> clone = reader_->Clone();
  reader_ = NewZeekTsvReader();  // the original is gone; the clone keeps its own header
  PaddedLine line;
  Event event;
  ASSERT_EQ(clone->Read(line.Set("1.0\tC1\t10.0.0.1\t1\t10.0.0.2\t53\tudp\t1\t-\texample.com\t1\t"
                                 "-\t-\t-\t-\t-\tF\tF\tT\tF\t0\t-\t-\tF"),
                        event),
            LineResult::kEvent)
      << clone->Error();
  EXPECT_THAT(Values(event), UnorderedElementsAre(Value{"id.orig_h", kIp, "10.0.0.1"},
                                                  Value{"id.resp_h", kIp, "10.0.0.2"},
                                                  Value{"query", kDomain, "example.com"}));
  EXPECT_EQ(Read("1.0\t10.0.0.1"), LineResult::kMalformed);  // the fresh reader has none
}

TEST_F(ZeekTsvReaderTest, FixtureFileReads) {
  FileLines file;
  ASSERT_TRUE(file.Load(testing::TestDataPath("logs/zeek-dns.log")));
  size_t events = 0;
  std::set<std::string> queries;
  for (std::string_view line : file.lines()) {
    const LineResult result = reader_->Read(line, event_);
    ASSERT_NE(result, LineResult::kMalformed) << line << ": " << reader_->Error();
    if (result != LineResult::kEvent) continue;
    ++events;
    for (const FieldValue& v : event_.values) {
      if (v.field == "query") queries.emplace(v.value);
    }
  }
  EXPECT_EQ(events, 3u);
  EXPECT_THAT(queries,
              UnorderedElementsAre("www.example.com", "mail.example.org", "xn--bcher-kva.example"));
}

// --- Real files -------------------------------------------------------------------------

// Every line of every Zeek TSV file in the shared data reads, but one: line 21 of the Slips
// notice.log has three columns run together with spaces (as published).
TEST(ZeekTsvReaderRealFiles, EveryFileReadsWithoutMalformedLines) {
  const std::string root = testing::SharedDataPath("logs/zeek");
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "shared data not found: " << root;
  size_t files = 0;
  std::vector<std::string> malformed;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string path = entry.path().string();
    const bool tsv = path.find("wrccdc-2018-tsv") != std::string::npos ||
                     path.find("test10-mixed-zeek-dir") != std::string::npos;
    if (!entry.is_regular_file() || !tsv) continue;
    SCOPED_TRACE(path);
    FileLines file;
    ASSERT_TRUE(file.Load(path));
    ++files;
    std::unique_ptr<LogReader> reader = NewZeekTsvReader();
    Event event;
    size_t events = 0;
    for (size_t i = 0; i < file.lines().size(); ++i) {
      const LineResult result = reader->Read(file.lines()[i], event);
      if (result == LineResult::kMalformed) {
        malformed.push_back(entry.path().parent_path().filename().string() + "/" +
                            entry.path().filename().string() + ":" + std::to_string(i + 1) + ": " +
                            std::string(reader->Error()));
      }
      events += result == LineResult::kEvent ? 1 : 0;
      if (result == LineResult::kEvent) {
        for (const FieldValue& v : event.values) {
          ASSERT_FALSE(v.value.empty());
          ASSERT_NE(v.value, "-");
        }
      }
    }
    EXPECT_GT(events, 0u);
  }
  EXPECT_EQ(files, 29u);
  EXPECT_THAT(malformed, ::testing::ElementsAre(
                             "test10-mixed-zeek-dir/notice.log:21: 23 fields, the header has 26"));
}

// The dns log of the WRCCDC capture: the values read are those a plain split of each line
// gives.
TEST(ZeekTsvReaderRealFiles, DnsLogValuesMatchAPlainSplit) {
  const std::string path = testing::SharedDataPath("logs/zeek/wrccdc-2018-tsv/dns.log.gz");
  FileLines file;
  if (!file.Load(path)) GTEST_SKIP() << "shared data file not found: " << path;
  std::unique_ptr<LogReader> reader = NewZeekTsvReader();
  Event event;
  std::multiset<std::pair<std::string, std::string>> expected;
  std::multiset<std::pair<std::string, std::string>> got;
  std::vector<std::string> names;
  size_t events = 0;
  for (std::string_view line : file.lines()) {
    const LineResult result = reader->Read(line, event);
    ASSERT_NE(result, LineResult::kMalformed) << reader->Error();
    std::vector<std::string> cells;
    std::string cell;
    for (char c : line) {
      if (c == '\t') {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell.push_back(c);
      }
    }
    cells.push_back(cell);
    if (line.substr(0, 8) == "#fields\t") names.assign(cells.begin() + 1, cells.end());
    if (result != LineResult::kEvent) continue;
    ++events;
    ASSERT_EQ(cells.size(), names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& name = names[i];
      if (cells[i] == "-" || cells[i] == "(empty)") continue;
      if (name == "id.orig_h" || name == "id.resp_h" || name == "query") {
        expected.emplace(name, cells[i]);
      } else if (name == "answers") {
        size_t start = 0;
        while (true) {
          const size_t comma = cells[i].find(',', start);
          const std::string element = cells[i].substr(start, comma - start);
          if (element.find(' ') == std::string::npos) expected.emplace(name, element);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      }
    }
    EXPECT_EQ(event.timestamp, cells[0]);
    for (const FieldValue& v : event.values)
      got.emplace(std::string(v.field), std::string(v.value));
  }
  EXPECT_EQ(events, 53615u);
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace kongsi::match
