// The Suricata EVE reader: what each event type yields, malformed lines, and the real EVE
// files of ../shared/data checked against values computed with another JSON library.
#include "match/eve_reader.h"

#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "match/reader_test_util.h"
#include "nlohmann/json.hpp"

namespace kongsi::match {
namespace {

using testing::FileLines;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::PaddedLine;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;
using testing::Value;
using testing::Values;

constexpr Observable kIp = Observable::kIpAddress;
constexpr Observable kDomain = Observable::kDomainName;

class EveReaderTest : public ::testing::Test {
 protected:
  LineResult Read(std::string_view text) { return reader_->Read(line_.Set(text), event_); }
  std::vector<Value> ValuesOf(std::string_view text) {
    EXPECT_EQ(Read(text), LineResult::kEvent) << reader_->Error();
    return Values(event_);
  }

  std::unique_ptr<LogReader> reader_ = NewEveReader();
  PaddedLine line_;
  Event event_;
};

TEST_F(EveReaderTest, AlertGivesAddressesAndTimestamp) {
  EXPECT_THAT(
      ValuesOf(R"({"timestamp":"2021-06-06T15:59:46.457984+0200","flow_id":1,"event_type":"alert",)"
               R"("src_ip":"78.36.196.213","src_port":51698,"dest_ip":"192.168.1.129",)"
               R"("dest_port":445,"proto":"TCP","alert":{"signature_id":2403388,)"
               R"("metadata":{"tag":["CINS"]}},"host":"sensor.example"})"),
      UnorderedElementsAre(Value{"src_ip", kIp, "78.36.196.213"},
                           Value{"dest_ip", kIp, "192.168.1.129"}));
  EXPECT_EQ(event_.timestamp, "2021-06-06T15:59:46.457984+0200");
}

TEST_F(EveReaderTest, UnknownEventTypeStillGivesAddresses) {
  EXPECT_THAT(
      ValuesOf(R"({"event_type":"rdp","src_ip":"2001:db8::1","dest_ip":"10.0.0.1",)"
               R"("rdp":{"cookie":"x"}})"),
      UnorderedElementsAre(Value{"src_ip", kIp, "2001:db8::1"}, Value{"dest_ip", kIp, "10.0.0.1"}));
}

TEST_F(EveReaderTest, DnsQuery) {
  EXPECT_THAT(ValuesOf(R"({"event_type":"dns","src_ip":"192.168.1.129","dest_ip":"192.168.1.1",)"
                       R"("dns":{"type":"query","id":2,"rrname":"www.example.com","rrtype":"A"}})"),
              UnorderedElementsAre(Value{"src_ip", kIp, "192.168.1.129"},
                                   Value{"dest_ip", kIp, "192.168.1.1"},
                                   Value{"dns.rrname", kDomain, "www.example.com"}));
}

TEST_F(EveReaderTest, DnsAnswersByRecordTypeAndGroupedFormNotTwice) {
  // Version 2 with both the detailed and the grouped form: the values are read once.
  EXPECT_THAT(
      ValuesOf(
          R"({"event_type":"dns","dns":{"version":2,"type":"answer","rrname":"www.example.com",)"
          R"("rrtype":"A","answers":[{"rrname":"www.example.com","rrtype":"CNAME",)"
          R"("rdata":"cdn.example.net"},{"rrname":"cdn.example.net","rrtype":"A",)"
          R"("rdata":"203.0.113.7"},{"rrname":"cdn.example.net","rrtype":"AAAA",)"
          R"("rdata":"2001:db8::7"},{"rrname":"cdn.example.net","rrtype":"TXT",)"
          R"("rdata":"v=spf1 -all"},{"rrname":"example.net","rrtype":"SOA",)"
          R"("soa":{"mname":"ns.example.net"}}],)"
          R"("grouped":{"CNAME":["cdn.example.net"],"A":["203.0.113.7"]}}})"),
      UnorderedElementsAre(Value{"dns.rrname", kDomain, "www.example.com"},
                           Value{"dns.answers.rdata", kDomain, "cdn.example.net"},
                           Value{"dns.answers.rdata", kIp, "203.0.113.7"},
                           Value{"dns.answers.rdata", kIp, "2001:db8::7"}));
}

TEST_F(EveReaderTest, DnsGroupedForm) {
  EXPECT_THAT(
      ValuesOf(
          R"({"event_type":"dns","dns":{"version":2,"type":"answer",)"
          R"("rrname":"mail.example.com","rrtype":"MX","grouped":{"MX":["mx1.example.com"],)"
          R"("A":["192.0.2.1","192.0.2.2"],"PTR":["host.example.org"],"NS":["ns.example.org"],)"
          R"("TXT":["hello"],"SRV":[{"name":"x"}]}}})"),
      UnorderedElementsAre(Value{"dns.rrname", kDomain, "mail.example.com"},
                           Value{"dns.grouped.MX", kDomain, "mx1.example.com"},
                           Value{"dns.grouped.A", kIp, "192.0.2.1"},
                           Value{"dns.grouped.A", kIp, "192.0.2.2"},
                           Value{"dns.grouped.PTR", kDomain, "host.example.org"},
                           Value{"dns.grouped.NS", kDomain, "ns.example.org"}));
}

TEST_F(EveReaderTest, DnsVersion1AnswerPerEvent) {
  EXPECT_THAT(
      ValuesOf(R"({"event_type":"dns","dns":{"type":"answer","id":1,)"
               R"("rrname":"a.example.com","rrtype":"A","ttl":60,"rdata":"198.51.100.9"}})"),
      UnorderedElementsAre(Value{"dns.rrname", kDomain, "a.example.com"},
                           Value{"dns.rdata", kIp, "198.51.100.9"}));
  EXPECT_THAT(ValuesOf(R"({"event_type":"dns","dns":{"type":"answer","rdata":"text",)"
                       R"("rrname":"a.example.com","rrtype":"TXT"}})"),
              UnorderedElementsAre(Value{"dns.rrname", kDomain, "a.example.com"}));
}

TEST_F(EveReaderTest, DnsSuricata8Queries) {
  EXPECT_THAT(
      ValuesOf(R"({"event_type":"dns","dns":{"version":3,"type":"response",)"
               R"("queries":[{"rrname":"q.example.com","rrtype":"A"}],)"
               R"("answers":[{"rrname":"q.example.com","rrtype":"A","rdata":"192.0.2.8"}]}})"),
      UnorderedElementsAre(Value{"dns.queries.rrname", kDomain, "q.example.com"},
                           Value{"dns.answers.rdata", kIp, "192.0.2.8"}));
}

TEST_F(EveReaderTest, HttpHostUrlAndUserAgent) {
  EXPECT_THAT(
      ValuesOf(R"({"event_type":"http","src_ip":"10.0.0.2","dest_ip":"10.0.0.3","http":{)"
               R"("hostname":"www.example.com","url":"/a/b.php?x=1","http_user_agent":"curl/8.0",)"
               R"("http_method":"GET","protocol":"HTTP/1.1","length":0}})"),
      UnorderedElementsAre(
          Value{"src_ip", kIp, "10.0.0.2"}, Value{"dest_ip", kIp, "10.0.0.3"},
          Value{"http.hostname", kDomain, "www.example.com"},
          Value{"http.url", Observable::kUrl, "http://www.example.com/a/b.php?x=1"},
          Value{"http.http_user_agent", Observable::kUserAgent, "curl/8.0"}));
}

TEST_F(EveReaderTest, HttpPortOtherThan80IsInTheUrl) {
  EXPECT_THAT(
      ValuesOf(R"({"http":{"hostname":"147.32.82.197","http_port":554,"url":"/"}})"),
      UnorderedElementsAre(Value{"http.hostname", kIp, "147.32.82.197"},
                           Value{"http.url", Observable::kUrl, "http://147.32.82.197:554/"}));
  EXPECT_THAT(ValuesOf(R"({"http":{"hostname":"a.example","http_port":"8443","url":"/"}})"),
              UnorderedElementsAre(Value{"http.hostname", kDomain, "a.example"},
                                   Value{"http.url", Observable::kUrl, "http://a.example:8443/"}));
  EXPECT_THAT(ValuesOf(R"({"http":{"http_port":80,"url":"/x","hostname":"example.org"}})"),
              UnorderedElementsAre(Value{"http.hostname", kDomain, "example.org"},
                                   Value{"http.url", Observable::kUrl, "http://example.org/x"}));
}

TEST_F(EveReaderTest, HttpAbsoluteUrlIsTakenAsItIs) {
  EXPECT_THAT(
      ValuesOf(
          R"({"http":{"hostname":"proxy.example","url":"http://evil.example/p","xff":"203.0.113.5"},)"
          R"("xff":"203.0.113.6"})"),
      UnorderedElementsAre(Value{"http.hostname", kDomain, "proxy.example"},
                           Value{"http.url", Observable::kUrl, "http://evil.example/p"},
                           Value{"http.xff", kIp, "203.0.113.5"},
                           Value{"xff", kIp, "203.0.113.6"}));
}

TEST_F(EveReaderTest, HttpWithoutHostOrWithConnectTargetHasNoUrl) {
  EXPECT_THAT(ValuesOf(R"({"http":{"url":"/x"}})"), IsEmpty());
  EXPECT_THAT(ValuesOf(R"({"http":{"hostname":"a.example","url":"a.example:443"}})"),
              UnorderedElementsAre(Value{"http.hostname", kDomain, "a.example"}));
}

TEST_F(EveReaderTest, HttpIpv6Hostname) {
  EXPECT_THAT(
      ValuesOf(R"({"http":{"hostname":"2001:db8::5","http_port":8080,"url":"/"}})"),
      UnorderedElementsAre(Value{"http.hostname", kIp, "2001:db8::5"},
                           Value{"http.url", Observable::kUrl, "http://[2001:db8::5]:8080/"}));
}

TEST_F(EveReaderTest, TlsFingerprintsAndCertificate) {
  EXPECT_THAT(
      ValuesOf(
          R"({"event_type":"tls","tls":{"subject":"CN=www.example.com",)"
          R"("serial":"17:8E:1E:D7","fingerprint":"2d:d1:9f:80:99:86:fc:ac:5f:2a:2a:fd:a3:f3:7e:96:7c:dd:24:37",)"
          R"("sni":"www.example.com","version":"TLS 1.2",)"
          R"("ja3":{"hash":"b7202231ff2db28363c109cedc6d1642","string":"770,51"},)"
          R"("ja3s":{"hash":"ad90cab724fafab2660fbf61673c91a9","string":"770,51,0"},)"
          R"("ja4":"t13d1516h2_8daaf6152771_e5627efa2ab1"}})"),
      UnorderedElementsAre(
          Value{"tls.serial", Observable::kX509Serial, "17:8E:1E:D7"},
          Value{"tls.fingerprint", Observable::kX509Sha1,
                "2d:d1:9f:80:99:86:fc:ac:5f:2a:2a:fd:a3:f3:7e:96:7c:dd:24:37"},
          Value{"tls.sni", kDomain, "www.example.com"},
          Value{"tls.ja3.hash", Observable::kJa3, "b7202231ff2db28363c109cedc6d1642"},
          Value{"tls.ja3s.hash", Observable::kJa3s, "ad90cab724fafab2660fbf61673c91a9"},
          Value{"tls.ja4", Observable::kJa4, "t13d1516h2_8daaf6152771_e5627efa2ab1"}));
}

TEST_F(EveReaderTest, QuicServerNameAndUserAgent) {
  EXPECT_THAT(ValuesOf(R"({"event_type":"quic","quic":{"version":"1","sni":"q.example.com",)"
                       R"("ua":"Chrome/120","ja3":{"hash":"0123456789abcdef0123456789abcdef"}}})"),
              UnorderedElementsAre(
                  Value{"quic.sni", kDomain, "q.example.com"},
                  Value{"quic.ua", Observable::kUserAgent, "Chrome/120"},
                  Value{"quic.ja3.hash", Observable::kJa3, "0123456789abcdef0123456789abcdef"}));
}

TEST_F(EveReaderTest, FileinfoHashesAndName) {
  EXPECT_THAT(
      ValuesOf(R"({"event_type":"fileinfo","fileinfo":{"filename":"/bin.sh","sid":[],)"
               R"("md5":"df7c845e4eadd7bac6cbfe2087bbd482",)"
               R"("sha1":"8800350f53cb7bfc883962e965461d94ab5d2616",)"
               R"("sha256":"fc85d5ae673d6d3befce84844d750aff3c8d3c9f041330017ed3c47b9c26c86e",)"
               R"("size":593}})"),
      UnorderedElementsAre(
          Value{"fileinfo.filename", Observable::kFileName, "/bin.sh"},
          Value{"fileinfo.md5", Observable::kFileHash, "df7c845e4eadd7bac6cbfe2087bbd482"},
          Value{"fileinfo.sha1", Observable::kFileHash, "8800350f53cb7bfc883962e965461d94ab5d2616"},
          Value{"fileinfo.sha256", Observable::kFileHash,
                "fc85d5ae673d6d3befce84844d750aff3c8d3c9f041330017ed3c47b9c26c86e"}));
}

TEST_F(EveReaderTest, SmtpEnvelopeAddressesWithoutAngleBrackets) {
  EXPECT_THAT(
      ValuesOf(R"({"smtp":{"helo":"mx.example","mail_from":"<a@example.com>",)"
               R"("rcpt_to":["<b@example.org>","c@example.net","Administrator"]}})"),
      UnorderedElementsAre(Value{"smtp.mail_from", Observable::kEmailAddress, "a@example.com"},
                           Value{"smtp.rcpt_to", Observable::kEmailAddress, "b@example.org"},
                           Value{"smtp.rcpt_to", Observable::kEmailAddress, "c@example.net"}));
}

TEST_F(EveReaderTest, EmailHeadersWithDisplayNames) {
  EXPECT_THAT(
      ValuesOf(
          R"({"email":{"status":"PARSE_DONE","from":"\"Jane Doe\" <jane@example.com>",)"
          R"("to":["Bob <bob@example.org>","carol@example.net"],"cc":["<dan@example.com>"]}})"),
      UnorderedElementsAre(Value{"email.from", Observable::kEmailAddress, "jane@example.com"},
                           Value{"email.to", Observable::kEmailAddress, "bob@example.org"},
                           Value{"email.to", Observable::kEmailAddress, "carol@example.net"},
                           Value{"email.cc", Observable::kEmailAddress, "dan@example.com"}));
}

TEST_F(EveReaderTest, EthernetAddresses) {
  EXPECT_THAT(
      ValuesOf(R"({"ether":{"src_mac":"00:11:22:33:44:55","dest_mac":"66:77:88:99:aa:bb"}})"),
      UnorderedElementsAre(Value{"ether.src_mac", Observable::kMacAddress, "00:11:22:33:44:55"},
                           Value{"ether.dest_mac", Observable::kMacAddress, "66:77:88:99:aa:bb"}));
  EXPECT_THAT(
      ValuesOf(R"({"ether":{"src_macs":["00:11:22:33:44:55"],"dest_macs":[]}})"),
      UnorderedElementsAre(Value{"ether.src_mac", Observable::kMacAddress, "00:11:22:33:44:55"}));
}

TEST_F(EveReaderTest, EscapedStringsAreUnescaped) {
  EXPECT_THAT(ValuesOf(R"({"dns":{"rrname":"a\u002eexample.com"},"src_ip":"10.0.0.\u0031"})"),
              UnorderedElementsAre(Value{"dns.rrname", kDomain, "a.example.com"},
                                   Value{"src_ip", kIp, "10.0.0.1"}));
}

TEST_F(EveReaderTest, MembersOfUnexpectedTypesAreSkipped) {
  EXPECT_THAT(
      ValuesOf(R"({"src_ip":5,"dest_ip":null,"dns":"x","http":[1],"tls":{"sni":{"a":1}},)"
               R"("smtp":{"rcpt_to":[1,{"x":2},"<z@example.com>"]}})"),
      UnorderedElementsAre(Value{"smtp.rcpt_to", Observable::kEmailAddress, "z@example.com"}));
}

TEST_F(EveReaderTest, BlankLinesAreSkippedAndCarriageReturnsTolerated) {
  EXPECT_EQ(Read(""), LineResult::kSkip);
  EXPECT_EQ(Read("  \t"), LineResult::kSkip);
  EXPECT_THAT(ValuesOf("{\"src_ip\":\"10.1.1.1\"}\r"),
              UnorderedElementsAre(Value{"src_ip", kIp, "10.1.1.1"}));
}

TEST_F(EveReaderTest, MalformedLinesSayWhyAndTheNextLineReads) {
  const std::string good = R"({"src_ip":"10.9.9.9"})";
  for (
      const std::string_view bad : {
          R"({"timestamp":"2021-06-06T16:26:27.431769+0200","src_ip":"192.168.1.129","dns":{"rrna)",
          R"({"src_ip":"10.0.0.1","dns":{"rrname":"x"})",
          R"({"src_ip":"10.0.0.1"} {"dest_ip":"10.0.0.2"})",
          R"(["not","an","object"])",
          R"(hello world)",
          R"({"src_ip":"bad \q escape"})",
          R"({"dns":{"rrname":"a\u12"}})",
      }) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(Read(bad), LineResult::kMalformed);
    EXPECT_THAT(reader_->Error(),
                ::testing::AnyOf(StartsWith("invalid JSON"), StartsWith("not a JSON object")));
    EXPECT_THAT(ValuesOf(good), UnorderedElementsAre(Value{"src_ip", kIp, "10.9.9.9"}));
  }
  EXPECT_EQ(Read(R"([1,2])"), LineResult::kMalformed);
  EXPECT_EQ(reader_->Error(), "not a JSON object");
}

TEST_F(EveReaderTest, FlowEventsGiveAddressesAndMacsWhereverEtherIs) {
  const std::string flow =
      R"({"timestamp":"2021-06-06T15:57:37.272281+0200","flow_id":4,"event_type":"flow",)"
      R"("src_ip":"192.168.1.132","src_port":1900,"dest_ip":"192.168.1.129","dest_port":44232,)"
      R"("proto":"UDP","app_proto":"failed","flow":{"pkts_toserver":12,"start":"x","alerted":false},)"
      R"("tcp":{"tcp_flags":"1e","syn":true})";
  EXPECT_THAT(ValuesOf(flow + "}"), UnorderedElementsAre(Value{"src_ip", kIp, "192.168.1.132"},
                                                         Value{"dest_ip", kIp, "192.168.1.129"}));
  EXPECT_EQ(event_.timestamp, "2021-06-06T15:57:37.272281+0200");
  // Suricata 7 writes "ether" after the flow objects.
  EXPECT_THAT(ValuesOf(flow + R"(,"ether":{"src_macs":["00:11:22:33:44:55"],)"
                              R"("dest_macs":["66:77:88:99:aa:bb"]}})"),
              UnorderedElementsAre(
                  Value{"src_ip", kIp, "192.168.1.132"}, Value{"dest_ip", kIp, "192.168.1.129"},
                  Value{"ether.src_mac", Observable::kMacAddress, "00:11:22:33:44:55"},
                  Value{"ether.dest_mac", Observable::kMacAddress, "66:77:88:99:aa:bb"}));
  // A flow line cut short is malformed although its end is not walked.
  EXPECT_EQ(Read(flow.substr(0, flow.size() - 10)), LineResult::kMalformed);
  EXPECT_THAT(reader_->Error(), StartsWith("invalid JSON"));
}

TEST_F(EveReaderTest, StatsEventsHaveNoValues) {
  EXPECT_THAT(
      ValuesOf(R"({"timestamp":"2021-06-06T15:57:37.272281+0200","event_type":"stats",)"
               R"("stats":{"uptime":5,"decoder":{"pkts":3,"ipv4":{"x":[1,2,{"y":"1.2.3.4"}]}}}})"),
      IsEmpty());
  EXPECT_EQ(event_.timestamp, "2021-06-06T15:57:37.272281+0200");
}

TEST_F(EveReaderTest, EventTypeAfterTheAddresses) {
  EXPECT_THAT(
      ValuesOf(R"({"src_ip":"10.0.0.1","dest_ip":"10.0.0.2","timestamp":"t",)"
               R"("event_type":"flow","flow":{"a":1},"ether":{"src_mac":"00:00:5e:00:53:01"}})"),
      UnorderedElementsAre(Value{"src_ip", kIp, "10.0.0.1"}, Value{"dest_ip", kIp, "10.0.0.2"},
                           Value{"ether.src_mac", Observable::kMacAddress, "00:00:5e:00:53:01"}));
}

TEST_F(EveReaderTest, CloneReadsOnItsOwn) {
  std::unique_ptr<LogReader> clone = reader_->Clone();
  PaddedLine other_line;
  Event other;
  ASSERT_EQ(clone->Read(other_line.Set(R"({"dest_ip":"10.2.2.2"})"), other), LineResult::kEvent);
  EXPECT_THAT(ValuesOf(R"({"src_ip":"10.1.1.1"})"),
              UnorderedElementsAre(Value{"src_ip", kIp, "10.1.1.1"}));
  EXPECT_THAT(Values(other), UnorderedElementsAre(Value{"dest_ip", kIp, "10.2.2.2"}));
}

// --- Real files -------------------------------------------------------------------------

// (field, value) pairs of the kinds a test computes independently.
using Pairs = std::multiset<std::pair<std::string, std::string>>;

void AddIfString(Pairs& out, const std::string& field, const nlohmann::json& object,
                 const char* key) {
  if (object.is_object() && object.contains(key) && object[key].is_string()) {
    out.emplace(field, object[key].get<std::string>());
  }
}

// src_ip, dest_ip, dns.rrname, DNS answers, http.hostname, the HTTP URL and tls.sni of one
// event, computed with nlohmann::json.
Pairs ExpectedPairs(const nlohmann::json& event) {
  Pairs out;
  AddIfString(out, "src_ip", event, "src_ip");
  AddIfString(out, "dest_ip", event, "dest_ip");
  if (event.contains("dns")) {
    const nlohmann::json& dns = event["dns"];
    AddIfString(out, "dns.rrname", dns, "rrname");
    if (dns.contains("answers")) {
      for (const nlohmann::json& answer : dns["answers"]) {
        const std::string type = answer.value("rrtype", "");
        if (type == "A" || type == "AAAA" || type == "CNAME" || type == "PTR" || type == "MX" ||
            type == "NS") {
          AddIfString(out, "dns.answers.rdata", answer, "rdata");
        }
      }
    }
  }
  if (event.contains("http")) {
    const nlohmann::json& http = event["http"];
    AddIfString(out, "http.hostname", http, "hostname");
    const std::string host = http.value("hostname", "");
    const std::string url = http.value("url", "");
    if (url.rfind("http://", 0) == 0) {
      out.emplace("http.url", url);
    } else if (!host.empty() && url.rfind("/", 0) == 0) {
      const int port = http.value("http_port", 80);
      out.emplace("http.url",
                  "http://" + host + (port == 80 ? "" : ":" + std::to_string(port)) + url);
    }
  }
  if (event.contains("tls")) AddIfString(out, "tls.sni", event["tls"], "sni");
  return out;
}

Pairs ReadPairs(const Event& event) {
  Pairs out;
  for (const FieldValue& v : event.values) {
    const std::string field(v.field);
    if (field == "src_ip" || field == "dest_ip" || field == "dns.rrname" ||
        field == "dns.answers.rdata" || field == "http.hostname" || field == "http.url" ||
        field == "tls.sni") {
      out.emplace(field, std::string(v.value));
    }
  }
  return out;
}

TEST(EveReaderRealFiles, SlipsEveFileReadsCompletelyAndMatchesAnotherParser) {
  const std::string path =
      testing::SharedDataPath("logs/suricata/slips/test6-malicious.suricata.json");
  FileLines file;
  if (!file.Load(path)) GTEST_SKIP() << "shared data file not found: " << path;
  std::unique_ptr<LogReader> reader = NewEveReader();
  Event event;
  Pairs expected;
  Pairs got;
  std::map<std::string, size_t> per_kind;
  size_t events = 0;
  for (size_t i = 0; i < file.lines().size(); ++i) {
    const std::string_view line = file.lines()[i];
    const LineResult result = reader->Read(line, event);
    if (line.empty()) {
      EXPECT_EQ(result, LineResult::kSkip);
      continue;
    }
    ASSERT_EQ(result, LineResult::kEvent) << "line " << i + 1 << ": " << reader->Error();
    ++events;
    const nlohmann::json parsed = nlohmann::json::parse(line);
    EXPECT_EQ(event.timestamp, parsed["timestamp"].get<std::string>()) << "line " << i + 1;
    const Pairs line_expected = ExpectedPairs(parsed);
    const Pairs line_got = ReadPairs(event);
    EXPECT_EQ(line_got, line_expected) << "line " << i + 1;
    expected.insert(line_expected.begin(), line_expected.end());
    got.insert(line_got.begin(), line_got.end());
    for (const FieldValue& v : event.values) ++per_kind[std::string(ObservableName(v.kind))];
  }
  EXPECT_EQ(events, 5000u);
  EXPECT_EQ(got, expected);
  // The capture has DNS answers, HTTP URLs and user agents, one TLS handshake.
  EXPECT_GT(per_kind["url"], 40u);
  EXPECT_GT(per_kind["user-agent"], 30u);
  EXPECT_EQ(per_kind["ja3"], 1u);
  EXPECT_EQ(per_kind["ja3s"], 1u);
  EXPECT_EQ(per_kind["x509-sha1"], 1u);
}

// The alert samples are JSON arrays, which the reader does not take (DetectFormat reads them
// as plain text): each element is written as one line here, as Suricata writes them.
TEST(EveReaderRealFiles, AlertSampleArraysReadElementByElement) {
  for (const char* name : {"logs/suricata/alerts-sample/wrccdc-2017/alerts-only.json",
                           "logs/suricata/alerts-sample/wrccdc-2018/alerts-only.json"}) {
    const std::string path = testing::SharedDataPath(name);
    std::optional<std::string> text = testing::ReadFileText(path);
    if (!text) GTEST_SKIP() << "shared data file not found: " << path;
    SCOPED_TRACE(name);
    const nlohmann::json array = nlohmann::json::parse(*text);
    ASSERT_TRUE(array.is_array());
    std::unique_ptr<LogReader> reader = NewEveReader();
    PaddedLine line;
    Event event;
    size_t mail = 0;
    for (const nlohmann::json& element : array) {
      const std::string dumped = element.dump();
      ASSERT_EQ(reader->Read(line.Set(dumped), event), LineResult::kEvent) << reader->Error();
      EXPECT_EQ(ReadPairs(event), ExpectedPairs(element)) << dumped;
      EXPECT_EQ(event.timestamp, element["timestamp"].get<std::string>());
      for (const FieldValue& v : event.values) {
        if (v.kind == Observable::kEmailAddress) {
          ++mail;
          EXPECT_THAT(std::string(v.value), HasSubstr("@"));
          EXPECT_THAT(std::string(v.value), ::testing::Not(HasSubstr("<")));
        }
      }
    }
    EXPECT_GT(mail, 0u);
  }
}

}  // namespace
}  // namespace kongsi::match
