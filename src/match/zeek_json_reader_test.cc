// The Zeek JSON reader: members by name, "ts" as number or string, addresses in members the
// table does not know, malformed lines, and the Zeek JSON files of ../shared/data.
#include "match/zeek_json_reader.h"

#include <filesystem>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "match/reader_test_util.h"
#include "nlohmann/json.hpp"

namespace kongsi::match {
namespace {

using testing::FileLines;
using ::testing::IsEmpty;
using testing::PaddedLine;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;
using testing::Value;
using testing::Values;

constexpr Observable kIp = Observable::kIpAddress;
constexpr Observable kDomain = Observable::kDomainName;

class ZeekJsonReaderTest : public ::testing::Test {
 protected:
  LineResult Read(std::string_view text) { return reader_->Read(line_.Set(text), event_); }
  std::vector<Value> ValuesOf(std::string_view text) {
    EXPECT_EQ(Read(text), LineResult::kEvent) << reader_->Error();
    return Values(event_);
  }

  std::unique_ptr<LogReader> reader_ = NewZeekJsonReader();
  PaddedLine line_;
  Event event_;
};

TEST_F(ZeekJsonReaderTest, DnsRecord) {
  EXPECT_THAT(
      ValuesOf(
          R"({"ts":29.557741,"uid":"CTudTc7oyRltJwU32","id.orig_h":"10.0.2.15","id.orig_p":54330,)"
          R"("id.resp_h":"147.32.80.9","id.resp_p":53,"proto":"udp","query":"isatap.example.cz",)"
          R"("qtype_name":"A","answers":["ise.example.edu","134.71.3.16","TXT 3 abc"],)"
          R"("TTLs":[2230.0,41830.0],"rejected":false})"),
      UnorderedElementsAre(
          Value{"id.orig_h", kIp, "10.0.2.15"}, Value{"id.resp_h", kIp, "147.32.80.9"},
          Value{"query", kDomain, "isatap.example.cz"},
          Value{"answers", kDomain, "ise.example.edu"}, Value{"answers", kIp, "134.71.3.16"}));
  EXPECT_EQ(event_.timestamp, "29.557741");
}

TEST_F(ZeekJsonReaderTest, TimestampAsIsoString) {
  EXPECT_THAT(ValuesOf(R"({"_path":"dns","_write_ts":"2018-03-24T17:15:20.866586Z",)"
                       R"("ts":"2018-03-24T17:15:20.865716Z","id.orig_h":"10.47.1.100"})"),
              UnorderedElementsAre(Value{"id.orig_h", kIp, "10.47.1.100"}));
  EXPECT_EQ(event_.timestamp, "2018-03-24T17:15:20.865716Z");
}

TEST_F(ZeekJsonReaderTest, TimestampThatIsNeitherNumberNorString) {
  EXPECT_THAT(ValuesOf(R"({"ts":null,"src":"10.0.0.1"})"),
              UnorderedElementsAre(Value{"src", kIp, "10.0.0.1"}));
  EXPECT_TRUE(event_.timestamp.empty());
  EXPECT_THAT(ValuesOf(R"({"ts":[1],"src":"10.0.0.1"})"),
              UnorderedElementsAre(Value{"src", kIp, "10.0.0.1"}));
  EXPECT_TRUE(event_.timestamp.empty());
}

TEST_F(ZeekJsonReaderTest, HttpRecord) {
  EXPECT_THAT(
      ValuesOf(R"({"ts":30.044629,"id.orig_h":"10.0.2.15","id.resp_h":"195.113.232.73",)"
               R"("method":"GET","host":"103.41.26.58","uri":"/Mozi.m","version":"1.1",)"
               R"("user_agent":"Microsoft NCSI","tags":[],"resp_fuids":["FypKKm49ugFVDFcWx5"]})"),
      UnorderedElementsAre(Value{"id.orig_h", kIp, "10.0.2.15"},
                           Value{"id.resp_h", kIp, "195.113.232.73"},
                           Value{"host", kIp, "103.41.26.58"},
                           Value{"uri", Observable::kUrl, "http://103.41.26.58/Mozi.m"},
                           Value{"user_agent", Observable::kUserAgent, "Microsoft NCSI"}));
  // The URL does not depend on the order of "host" and "uri".
  EXPECT_THAT(
      ValuesOf(R"({"uri":"/a?b=c","host":"www.example.com:8080"})"),
      UnorderedElementsAre(Value{"host", kDomain, "www.example.com"},
                           Value{"uri", Observable::kUrl, "http://www.example.com:8080/a?b=c"}));
}

TEST_F(ZeekJsonReaderTest, SslAndX509Records) {
  EXPECT_THAT(
      ValuesOf(
          R"({"ts":95.0,"server_name":"ieonline.example.com","ja3":"0123456789abcdef0123456789abcdef",)"
          R"("ja4":"t13d1516h2_8daaf6152771_e5627efa2ab1",)"
          R"("cert_chain_fps":["b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe"],)"
          R"("client_cert_chain_fps":[]})"),
      UnorderedElementsAre(
          Value{"server_name", kDomain, "ieonline.example.com"},
          Value{"ja3", Observable::kJa3, "0123456789abcdef0123456789abcdef"},
          Value{"ja4", Observable::kJa4, "t13d1516h2_8daaf6152771_e5627efa2ab1"},
          Value{"cert_chain_fps", Observable::kX509Sha256,
                "b2dafbcdbc75210672f137f27ce882ccb799887631655d4f11191d5a678e44fe"}));
  EXPECT_THAT(
      ValuesOf(
          R"({"ts":95.039877,"id":"FKMTO94tQEsBTFbPgc","fingerprint":"e6a3b45b062d509b3382282d196efe97d5956ccb",)"
          R"("certificate.version":3,"certificate.serial":"2D00003299D7071DB7D1708A42000000003299",)"
          R"("certificate.subject":"CN=www.example.com","san.dns":["www.example.com","*.example.com"],)"
          R"("san.ip":["192.0.2.44"]})"),
      UnorderedElementsAre(
          Value{"fingerprint", Observable::kX509Sha1, "e6a3b45b062d509b3382282d196efe97d5956ccb"},
          Value{"certificate.serial", Observable::kX509Serial,
                "2D00003299D7071DB7D1708A42000000003299"},
          Value{"san.dns", kDomain, "www.example.com"}, Value{"san.dns", kDomain, "*.example.com"},
          Value{"san.ip", kIp, "192.0.2.44"}));
}

TEST_F(ZeekJsonReaderTest, FilesRecord) {
  EXPECT_THAT(
      ValuesOf(R"({"ts":29.869534,"fuid":"FqhaAy4xsmJ3AR63A3","tx_hosts":["147.32.80.7"],)"
               R"("rx_hosts":["10.0.2.15"],"conn_uids":["CAeDWs37BipkfP21u9"],"source":"HTTP",)"
               R"("filename":"bin.sh","md5":"df7c845e4eadd7bac6cbfe2087bbd482",)"
               R"("sha1":"8800350f53cb7bfc883962e965461d94ab5d2616"})"),
      UnorderedElementsAre(
          Value{"tx_hosts", kIp, "147.32.80.7"}, Value{"rx_hosts", kIp, "10.0.2.15"},
          Value{"filename", Observable::kFileName, "bin.sh"},
          Value{"md5", Observable::kFileHash, "df7c845e4eadd7bac6cbfe2087bbd482"},
          Value{"sha1", Observable::kFileHash, "8800350f53cb7bfc883962e965461d94ab5d2616"}));
}

TEST_F(ZeekJsonReaderTest, SmtpRecord) {
  EXPECT_THAT(
      ValuesOf(
          R"({"ts":1641918754.93611,"helo":"[0.0.0.0]","mailfrom":"aon.913289727@aon.example",)"
          R"("rcptto":["JohnDoe1236677@gmail.example"],)"
          R"("from":"\"johndoess@gmail.example\" <aon.123@aon.example>",)"
          R"("to":["\"JohnDoe123456@gmail.example\" <JohnDoe123456@gmail.example>"],)"
          R"("path":["80.75.42.226","10.1.11.101"],"tls":false})"),
      UnorderedElementsAre(
          Value{"mailfrom", Observable::kEmailAddress, "aon.913289727@aon.example"},
          Value{"rcptto", Observable::kEmailAddress, "JohnDoe1236677@gmail.example"},
          Value{"from", Observable::kEmailAddress, "aon.123@aon.example"},
          Value{"to", Observable::kEmailAddress, "JohnDoe123456@gmail.example"},
          Value{"path", kIp, "80.75.42.226"}, Value{"path", kIp, "10.1.11.101"}));
}

TEST_F(ZeekJsonReaderTest, AddressesInOtherMembersAndMacs) {
  EXPECT_THAT(
      ValuesOf(R"({"ts":22.3,"client_addr":"10.0.2.15","server_addr":"10.0.2.2",)"
               R"("mac":"08:00:27:7f:09:e1","host_name":"John-PC","domain":"felk.example",)"
               R"("msg_types":["REQUEST","ACK"],"lease_time":86400.0,"version":"1.1.1.1.1"})"),
      UnorderedElementsAre(Value{"client_addr", kIp, "10.0.2.15"},
                           Value{"server_addr", kIp, "10.0.2.2"},
                           Value{"mac", Observable::kMacAddress, "08:00:27:7f:09:e1"}));
  EXPECT_THAT(ValuesOf(R"({"ts":1.0,"note":"Scan::Address_Scan","src":"192.168.1.15","n":5})"),
              UnorderedElementsAre(Value{"src", kIp, "192.168.1.15"}));
}

TEST_F(ZeekJsonReaderTest, KerberosFromIsNotAnAddress) {
  EXPECT_THAT(ValuesOf(R"({"ts":1.0,"client":"/NM","from":1521911885.0,"till":0.0})"), IsEmpty());
}

// Found by zeek_reader_fuzz: a member name with an escape gave a value without a field name.
TEST_F(ZeekJsonReaderTest, MemberNamesWithEscapesAreUnescaped) {
  EXPECT_THAT(
      ValuesOf(R"({"id.orig\u005fh":"10.0.0.1","x\\":"10.0.0.2","":"10.0.0.3"})"),
      UnorderedElementsAre(Value{"id.orig_h", kIp, "10.0.0.1"}, Value{"x\\", kIp, "10.0.0.2"}));
}

TEST_F(ZeekJsonReaderTest, MalformedLinesSayWhyAndTheNextLineReads) {
  for (const std::string_view bad : {
           R"({"ts":29.557741,"uid":"CTudTc7oyRltJwU32","id.orig_h":"10.0.)",
           R"({"ts":1.0,"query":"a.example")",
           R"({"ts":1.0} trailing)",
           R"("just a string")",
           R"({"query":"bad \x escape"})",
       }) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(Read(bad), LineResult::kMalformed);
    EXPECT_THAT(std::string(reader_->Error()),
                ::testing::AnyOf(StartsWith("invalid JSON: "), StartsWith("not a JSON object")));
    EXPECT_THAT(ValuesOf(R"({"query":"ok.example"})"),
                UnorderedElementsAre(Value{"query", kDomain, "ok.example"}));
  }
  EXPECT_EQ(Read(""), LineResult::kSkip);
}

TEST_F(ZeekJsonReaderTest, CloneReadsOnItsOwn) {
  std::unique_ptr<LogReader> clone = reader_->Clone();
  PaddedLine line;
  Event event;
  ASSERT_EQ(clone->Read(line.Set(R"({"src":"10.0.0.1"})"), event), LineResult::kEvent);
  EXPECT_THAT(Values(event), UnorderedElementsAre(Value{"src", kIp, "10.0.0.1"}));
}

// --- Real files -------------------------------------------------------------------------

// Every Zeek JSON file of the shared data reads without malformed lines.
TEST(ZeekJsonReaderRealFiles, EveryFileReads) {
  const std::string root = testing::SharedDataPath("logs/zeek");
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "shared data not found: " << root;
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string path = entry.path().string();
    const bool json = path.find("wrccdc-2018-json") != std::string::npos ||
                      path.find("test9-mixed-zeek-dir") != std::string::npos;
    if (!entry.is_regular_file() || !json) continue;
    SCOPED_TRACE(path);
    FileLines file;
    ASSERT_TRUE(file.Load(path));
    ++files;
    std::unique_ptr<LogReader> reader = NewZeekJsonReader();
    Event event;
    size_t events = 0;
    for (size_t i = 0; i < file.lines().size(); ++i) {
      const LineResult result = reader->Read(file.lines()[i], event);
      ASSERT_NE(result, LineResult::kMalformed) << "line " << i + 1 << ": " << reader->Error();
      if (result == LineResult::kEvent) {
        ++events;
        EXPECT_FALSE(event.timestamp.empty()) << "line " << i + 1;
      }
    }
    EXPECT_GT(events, 0u);
  }
  EXPECT_EQ(files, 17u);
}

// The Slips JSON http, dns and ssl logs: the values read are those nlohmann::json finds.
TEST(ZeekJsonReaderRealFiles, ValuesMatchAnotherParser) {
  for (const char* name : {"logs/zeek/slips/test9-mixed-zeek-dir/http.log",
                           "logs/zeek/slips/test9-mixed-zeek-dir/dns.log",
                           "logs/zeek/slips/test9-mixed-zeek-dir/ssl.log",
                           "logs/zeek/slips/test9-mixed-zeek-dir/files.log"}) {
    const std::string path = testing::SharedDataPath(name);
    FileLines file;
    if (!file.Load(path)) GTEST_SKIP() << "shared data file not found: " << path;
    SCOPED_TRACE(name);
    std::unique_ptr<LogReader> reader = NewZeekJsonReader();
    Event event;
    for (std::string_view line : file.lines()) {
      if (line.empty()) continue;
      ASSERT_EQ(reader->Read(line, event), LineResult::kEvent) << reader->Error();
      const nlohmann::json record = nlohmann::json::parse(line);
      std::multiset<std::pair<std::string, std::string>> expected;
      for (const char* key : {"id.orig_h", "id.resp_h", "query", "server_name", "md5", "sha1",
                              "sha256", "user_agent", "ja3", "ja3s"}) {
        if (record.contains(key)) expected.emplace(key, record[key].get<std::string>());
      }
      for (const char* key : {"tx_hosts", "rx_hosts"}) {
        if (!record.contains(key)) continue;
        for (const auto& v : record[key]) expected.emplace(key, v.get<std::string>());
      }
      if (record.contains("host")) {
        expected.emplace("host", record["host"].get<std::string>());
        if (record.contains("uri") && record["uri"].get<std::string>().rfind("/", 0) == 0) {
          expected.emplace("uri", "http://" + record["host"].get<std::string>() +
                                      record["uri"].get<std::string>());
        }
      }
      std::multiset<std::pair<std::string, std::string>> got;
      for (const FieldValue& v : event.values) {
        if (v.field != "answers") got.emplace(std::string(v.field), std::string(v.value));
      }
      EXPECT_EQ(got, expected) << line;
      EXPECT_EQ(event.timestamp, record["ts"].dump());
    }
  }
}

}  // namespace
}  // namespace kongsi::match
