#include "http/access_log.h"

#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace kongsi::http {
namespace {

AccessLogEntry Sample() {
  AccessLogEntry e;
  e.time = 1714557600123456;  // 2024-05-01T10:00:00.123456Z
  e.remote = "127.0.0.1:53412";
  e.method = "GET";
  e.target = "/taxii2/?x=1";
  e.status = 200;
  e.bytes = 512;
  e.duration_ms = 0.84;
  e.route = "taxii.discovery";
  e.principal = "alice";
  e.user_agent = "curl/7.88.1";
  return e;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AccessLogTest, FormatLineHasEveryFieldInOrder) {
  EXPECT_EQ(AccessLog::FormatLine(Sample()),
            "{\"time\":\"2024-05-01T10:00:00.123456Z\",\"remote\":\"127.0.0.1:53412\","
            "\"method\":\"GET\",\"target\":\"/taxii2/?x=1\",\"status\":200,\"bytes\":512,"
            "\"duration_ms\":0.840,\"route\":\"taxii.discovery\",\"principal\":\"alice\","
            "\"user_agent\":\"curl/7.88.1\"}");
}

TEST(AccessLogTest, EmptyRouteAndPrincipalHaveDefaults) {
  AccessLogEntry e = Sample();
  e.route = "";
  e.principal = "";
  auto json = nlohmann::json::parse(AccessLog::FormatLine(e));
  EXPECT_EQ(json["route"], "other");
  EXPECT_EQ(json["principal"], "-");
}

TEST(AccessLogTest, ClientStringsThatAreNotUtf8DoNotThrow) {
  AccessLogEntry e = Sample();
  e.user_agent = "bad\xff\xfe";
  e.target = "/\"quoted\"\n";
  std::string line = AccessLog::FormatLine(e);
  auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["user_agent"], "bad\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(json["target"], "/\"quoted\"\n");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(AccessLogTest, EveryByteStringBecomesValidJsonAndValidUtf8RoundTrips) {
  std::mt19937 random(42);
  for (int i = 0; i < 5000; ++i) {
    std::string bytes(random() % 12, '\0');
    for (char& c : bytes) c = static_cast<char>(random() % 256);
    AccessLogEntry e = Sample();
    e.user_agent = bytes;
    nlohmann::json json;
    ASSERT_NO_THROW(json = nlohmann::json::parse(AccessLog::FormatLine(e))) << i;
    // Valid UTF-8 (as nlohmann judges it) comes back unchanged.
    std::string checked;
    try {
      checked = nlohmann::json(bytes).dump();
    } catch (const nlohmann::json::exception&) {
      continue;  // not UTF-8: replaced, and the line still parsed
    }
    EXPECT_EQ(json["user_agent"], bytes) << i;
  }
  AccessLogEntry e = Sample();
  const std::string mixed("\x01\x1f\x7f\t\xC3\xA9\xED\xA0\x80\xF4\x90\x80\x80", 13);
  e.user_agent = mixed;
  auto json = nlohmann::json::parse(AccessLog::FormatLine(e));
  EXPECT_EQ(json["user_agent"],
            "\x01\x1f\x7f\t\xC3\xA9"                              // kept
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"                // surrogate: 3 bytes replaced
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // above U+10FFFF
}

TEST(AccessLogTest, WritesAppendAndFlush) {
  std::string path =
      ::testing::TempDir() + "/kongsi_access_log_" + std::to_string(::getpid()) + ".jsonl";
  std::remove(path.c_str());
  {
    std::ofstream(path) << "{\"earlier\":true}\n";
    auto log = AccessLog::Open(path);
    ASSERT_TRUE(log.ok()) << log.status();
    (*log)->Write(Sample());
    (*log)->Flush();
    EXPECT_EQ(ReadFile(path), "{\"earlier\":true}\n" + AccessLog::FormatLine(Sample()) + "\n");
    (*log)->Write(Sample());
  }  // the destructor flushes
  std::istringstream lines(ReadFile(path));
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_NO_THROW(nlohmann::json::parse(line));
    ++count;
  }
  EXPECT_EQ(count, 3);
  std::remove(path.c_str());
}

TEST(AccessLogTest, OpenFailureIsInvalidArgumentNamingThePath) {
  auto log = AccessLog::Open("/nonexistent-dir/access.log");
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(log.status().message()), ::testing::HasSubstr("/nonexistent-dir"));
}

TEST(AccessLogTest, WriteErrorsDoNotThrow) {
  auto log = AccessLog::Open("/dev/full");
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 3; ++i) {
    (*log)->Write(Sample());
    EXPECT_NO_THROW((*log)->Flush());
  }
}

}  // namespace
}  // namespace kongsi::http
