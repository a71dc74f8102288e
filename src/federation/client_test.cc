// The TAXII client over real HTTP on 127.0.0.1. Against a kongsi TAXII server running
// in-process (store, disclosure, tokens, service, HTTP server, as `kongsi serve` wires them):
// the API root, adding objects and reading their status back, paging with `next`, version
// selection, credentials, HTTPS. Against a small misbehaving server (test_servers.h), which
// answers canned raw HTTP/1.1: retries after 429/503 with Retry-After and backoff, giving up,
// stopping when told to, broken JSON, silence, oversized answers, redirects, connection reuse,
// and the exact requests the client sends. Delays are observed through the `wait` hook, never
// slept.
#include "taxii/client.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "federation/test_servers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "taxii/message.h"
#include "util/time.h"
#include "util/uuid.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::federation {
namespace {

using std::chrono::milliseconds;
using taxii::ApiRootInfo;
using taxii::Client;
using taxii::ClientOptions;
using taxii::ObjectsPage;
using taxii::ObjectsRequest;
using taxii::StatusInfo;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using namespace std::chrono_literals;
using namespace test_servers;

constexpr char kUnknown[] = "0d5a1e57-5b5a-4b83-8d8f-6b0a6c1e2f00";
constexpr size_t kMaxContentLength = 123456;

// --- against a kongsi node ----------------------------------------------------------------

class KongsiServerTest : public ::testing::Test {
 protected:
  // Starts the node's HTTP server (HTTPS with the test certificate when `tls`).
  void StartServer(bool tls = false) {
    node_.Serve({.max_content_length = kMaxContentLength, .tls = tls});
    admin_token_ = node_.admin_token();
    reader_token_ = node_.reader_token();
  }

  ClientOptions Options(const std::string& token) {
    ClientOptions options;
    options.api_root = node_.api_root();
    options.bearer_token = token;
    options.connect_timeout = 5s;
    options.request_timeout = 20s;
    options.first_backoff = 10ms;
    options.wait = waits_.Hook();
    return options;
  }

  std::unique_ptr<Client> Connect(ClientOptions options) {
    auto client = Client::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  KongsiNode node_;
  std::string admin_token_;
  std::string reader_token_;
  WaitLog waits_;
};

TEST_F(KongsiServerTest, ReadsTheApiRootGivenWithoutItsFinalSlash) {
  StartServer();
  ClientOptions options = Options(reader_token_);
  options.api_root = node_.url() + "/api1";
  auto client = Connect(options);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->api_root(), node_.url() + "/api1/");
  absl::StatusOr<ApiRootInfo> root = client->GetApiRoot();
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->title, "federation test");
  EXPECT_THAT(root->versions, ElementsAre(std::string(taxii::kTaxiiMediaType)));
  EXPECT_EQ(root->max_content_length, kMaxContentLength);
}

TEST_F(KongsiServerTest, AddsObjectsAndReadsTheirStatusBack) {
  StartServer();
  auto client = Connect(Options(admin_token_));
  ASSERT_NE(client, nullptr);
  std::set<std::string> valid;
  std::vector<std::string> objects;
  for (int i = 0; i < 4; ++i) {
    const std::string id = "indicator--" + util::NewUuidV4();
    valid.insert(id);
    objects.push_back(Indicator(id, "2026-01-01T00:00:00.000Z"));
  }
  const std::string invalid_id = "indicator--" + util::NewUuidV4();
  objects.push_back(R"({"type":"indicator","spec_version":"2.1","id":")" + invalid_id +
                    R"(","created":"2026-01-01T00:00:00.000Z",)"
                    R"("modified":"2026-01-01T00:00:00.000Z"})");  // no pattern

  absl::StatusOr<StatusInfo> added = client->AddObjects(kCollection, Envelope(objects));
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_FALSE(added->id.empty());
  EXPECT_EQ(added->status, "complete");
  EXPECT_EQ(added->total_count, 5);
  EXPECT_EQ(added->success_count, 4);
  EXPECT_EQ(added->failure_count, 1);
  EXPECT_EQ(added->pending_count, 0);
  std::set<std::string> succeeded;
  for (const StatusInfo::Item& item : added->successes) {
    succeeded.insert(item.id);
    EXPECT_EQ(item.version, "2026-01-01T00:00:00.000Z");
  }
  EXPECT_EQ(succeeded, valid);
  ASSERT_THAT(added->failures, SizeIs(1));
  EXPECT_EQ(added->failures[0].id, invalid_id);
  EXPECT_THAT(added->failures[0].message, HasSubstr("pattern"));

  absl::StatusOr<StatusInfo> again = client->GetStatus(added->id);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, added->id);
  EXPECT_EQ(again->success_count, 4);
  EXPECT_EQ(again->failure_count, 1);
  ASSERT_THAT(again->failures, SizeIs(1));
  EXPECT_EQ(again->failures[0].id, invalid_id);
  EXPECT_THAT(waits_.delays, IsEmpty());
}

TEST_F(KongsiServerTest, PagesThroughEveryObjectOnceFollowingNext) {
  StartServer();
  auto client = Connect(Options(admin_token_));
  ASSERT_NE(client, nullptr);
  std::set<std::string> posted;
  std::vector<std::string> objects;
  for (int i = 0; i < 5; ++i) {
    const std::string id = "indicator--" + util::NewUuidV4();
    posted.insert(id);
    objects.push_back(Indicator(id, "2026-01-01T00:00:00.000Z"));
  }
  ASSERT_TRUE(client->AddObjects(kCollection, Envelope(objects)).ok());

  std::set<std::string> seen;
  ObjectsRequest request{.limit = 2};
  int pages = 0;
  std::optional<util::Timestamp> last_added;
  for (; pages < 10; ++pages) {
    absl::StatusOr<ObjectsPage> page = client->GetObjects(kCollection, request);
    ASSERT_TRUE(page.ok()) << page.status();
    const nlohmann::json body = nlohmann::json::parse(page->body);
    ASSERT_EQ(page->object_count, body["objects"].size());
    for (const auto& object : body["objects"]) {
      EXPECT_TRUE(seen.insert(object["id"].get<std::string>()).second) << object["id"];
    }
    ASSERT_TRUE(page->date_added_first.has_value());
    ASSERT_TRUE(page->date_added_last.has_value());
    EXPECT_LE(*page->date_added_first, *page->date_added_last);
    if (last_added) {
      EXPECT_GT(*page->date_added_first, *last_added);
    }
    last_added = page->date_added_last;
    if (!page->more) break;
    ASSERT_FALSE(page->next.empty());
    request.next = page->next;
  }
  EXPECT_EQ(pages, 2);  // 2 + 2 + 1
  EXPECT_EQ(seen, posted);

  // Nothing was added after the last object seen.
  absl::StatusOr<ObjectsPage> after =
      client->GetObjects(kCollection, {.added_after = last_added, .limit = 2});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->object_count, 0u);
  EXPECT_FALSE(after->more);
}

TEST_F(KongsiServerTest, AsksForEveryVersionOrOnlyTheLast) {
  StartServer();
  auto client = Connect(Options(admin_token_));
  ASSERT_NE(client, nullptr);
  const std::string id = "indicator--" + util::NewUuidV4();
  ASSERT_TRUE(client
                  ->AddObjects(kCollection, Envelope({Indicator(id, "2026-01-01T00:00:00.000Z"),
                                                      Indicator(id, "2026-02-01T00:00:00.000Z")}))
                  .ok());
  absl::StatusOr<ObjectsPage> all = client->GetObjects(kCollection, {.all_versions = true});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->object_count, 2u);
  absl::StatusOr<ObjectsPage> last = client->GetObjects(kCollection, {.all_versions = false});
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_EQ(last->object_count, 1u);
  EXPECT_EQ(nlohmann::json::parse(last->body)["objects"][0]["modified"],
            "2026-02-01T00:00:00.000Z");
}

TEST_F(KongsiServerTest, WrongTokenIsUnauthenticatedAndNotRetried) {
  StartServer();
  auto client = Connect(Options("kongsi_0123456789abcdef_wrong"));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ApiRootInfo> root = client->GetApiRoot();
  EXPECT_EQ(root.status().code(), absl::StatusCode::kUnauthenticated) << root.status();
  EXPECT_THAT(root.status().message(), HasSubstr("HTTP 401"));
  EXPECT_THAT(waits_.delays, IsEmpty());
}

TEST_F(KongsiServerTest, UnknownCollectionIsNotFoundNamingTheUrl) {
  StartServer();
  auto client = Connect(Options(reader_token_));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ObjectsPage> page = client->GetObjects(kUnknown, {});
  EXPECT_EQ(page.status().code(), absl::StatusCode::kNotFound) << page.status();
  EXPECT_THAT(page.status().message(),
              HasSubstr("GET " + node_.url() + "/api1/collections/" + kUnknown + "/objects/"));
  EXPECT_THAT(page.status().message(), HasSubstr("HTTP 404"));
}

TEST_F(KongsiServerTest, ReaderMayNotAdd) {
  StartServer();
  auto client = Connect(Options(reader_token_));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<StatusInfo> added = client->AddObjects(
      kCollection,
      Envelope({Indicator("indicator--" + util::NewUuidV4(), "2026-01-01T00:00:00.000Z")}));
  EXPECT_EQ(added.status().code(), absl::StatusCode::kPermissionDenied) << added.status();
}

TEST_F(KongsiServerTest, BasicAuthenticationWithNameAndToken) {
  StartServer();
  ClientOptions options = Options("");
  options.username = "reader";
  options.password = reader_token_;
  auto client = Connect(options);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ObjectsPage> page = client->GetObjects(kCollection, {});
  EXPECT_TRUE(page.ok()) << page.status();
}

TEST_F(KongsiServerTest, HttpsWithTheServersCertificateAsCa) {
  StartServer(/*tls=*/true);
  ClientOptions options = Options(reader_token_);
  ASSERT_TRUE(options.api_root.starts_with("https://"));
  options.ca_file = kTlsDir + "/server.crt";
  auto trusting = Connect(options);
  ASSERT_NE(trusting, nullptr);
  absl::StatusOr<ApiRootInfo> root = trusting->GetApiRoot();
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->max_content_length, kMaxContentLength);

  // Without it the certificate cannot be verified: refused at once, no retry.
  options.ca_file.clear();
  auto doubting = Connect(options);
  ASSERT_NE(doubting, nullptr);
  absl::StatusOr<ApiRootInfo> refused = doubting->GetApiRoot();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
  EXPECT_THAT(waits_.delays, IsEmpty());
}

// --- against a misbehaving server -----------------------------------------------------------

class MisbehavingServerTest : public ::testing::Test {
 protected:
  ClientOptions Options(const FakeServer& server) { return Options(server.url()); }
  ClientOptions Options(const std::string& url) {
    ClientOptions options;
    options.api_root = url + "/api1/";
    options.bearer_token = "secret-token";
    options.connect_timeout = 5s;
    options.request_timeout = 20s;
    options.max_attempts = 4;
    options.first_backoff = 100ms;
    options.max_backoff = 30s;
    options.wait = waits_.Hook();
    return options;
  }

  std::unique_ptr<Client> Connect(ClientOptions options) {
    auto client = Client::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  WaitLog waits_;
};

TEST_F(MisbehavingServerTest, RetriesA503AfterTheDelayRetryAfterAsks) {
  FakeServer server({Answer(503, ErrorBody("Service Unavailable", "busy"), "Retry-After: 2\r\n"),
                     Answer(200, kApiRootBody)});
  auto client = Connect(Options(server));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ApiRootInfo> root = client->GetApiRoot();
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->title, "canned");
  EXPECT_EQ(root->max_content_length, 2048u);
  EXPECT_THAT(waits_.delays, ElementsAre(2000ms));
  EXPECT_THAT(server.requests(), SizeIs(2));
}

TEST_F(MisbehavingServerTest, RetryAfterZeroRetriesAtOnce) {
  FakeServer server({Answer(503, "", "Retry-After: 0\r\n"), Answer(200, kApiRootBody)});
  auto client = Connect(Options(server));
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->GetApiRoot().ok());
  EXPECT_THAT(waits_.delays, ElementsAre(0ms));
}

TEST_F(MisbehavingServerTest, RetryAfterAsADateIsCappedByMaxBackoff) {
  const std::time_t in_an_hour = std::time(nullptr) + 3600;
  std::tm tm{};
  gmtime_r(&in_an_hour, &tm);
  char date[64];
  std::strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  FakeServer server(
      {Answer(429, "", std::string("Retry-After: ") + date + "\r\n"), Answer(200, kApiRootBody)});
  ClientOptions options = Options(server);
  options.max_backoff = 5s;
  auto client = Connect(options);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->GetApiRoot().ok());
  EXPECT_THAT(waits_.delays, ElementsAre(5000ms));
}

TEST_F(MisbehavingServerTest, BacksOffExponentiallyThenGivesUpOn429) {
  FakeServer server({Answer(429, ErrorBody("Too Many Requests", "slow down"))});
  ClientOptions options = Options(server);
  options.max_backoff = 250ms;
  auto client = Connect(options);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ApiRootInfo> root = client->GetApiRoot();
  EXPECT_EQ(root.status().code(), absl::StatusCode::kUnavailable) << root.status();
  EXPECT_THAT(root.status().message(), HasSubstr("HTTP 429: Too Many Requests: slow down"));
  EXPECT_THAT(root.status().message(), HasSubstr("after 4 attempts"));
  EXPECT_THAT(waits_.delays, ElementsAre(100ms, 200ms, 250ms));
  EXPECT_THAT(server.requests(), SizeIs(4));
}

TEST_F(MisbehavingServerTest, StopsAtOnceWhenWaitSaysNo) {
  FakeServer server({Answer(503, "")});
  waits_.go_on = false;
  auto client = Connect(Options(server));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ApiRootInfo> root = client->GetApiRoot();
  EXPECT_EQ(root.status().code(), absl::StatusCode::kUnavailable) << root.status();
  EXPECT_THAT(root.status().message(), HasSubstr("stopping"));
  EXPECT_THAT(waits_.delays, SizeIs(1));
  EXPECT_THAT(server.requests(), SizeIs(1));
}

TEST_F(MisbehavingServerTest, ClientErrorsAreNotRetriedAndSayWhatAndWhere) {
  FakeServer server({Answer(404, ErrorBody("Not Found", "no such collection")),
                     Answer(400, ErrorBody("Bad Request", "limit: must be a positive integer")),
                     Answer(403, "")});
  auto client = Connect(Options(server));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ObjectsPage> page = client->GetObjects("c1", {.limit = 0, .all_versions = false});
  EXPECT_EQ(page.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(page.status().message(), "GET " + server.url() +
                                         "/api1/collections/c1/objects/: HTTP 404: Not Found: "
                                         "no such collection");
  EXPECT_EQ(client->GetApiRoot().status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client->GetStatus("s1").status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(waits_.delays, IsEmpty());
  EXPECT_THAT(server.requests(), SizeIs(3));
}

TEST_F(MisbehavingServerTest, GarbageIsInvalidArgumentWithLineAndColumn) {
  FakeServer server({Answer(200, "{\n  \"more\": false,\n  \"objects\": [1, 2,, 3]\n}")});
  auto client = Connect(Options(server));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ObjectsPage> page = client->GetObjects("c1", {});
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << page.status();
  EXPECT_THAT(page.status().message(), HasSubstr("/api1/collections/c1/objects/"));
  EXPECT_THAT(page.status().message(), HasSubstr("answer is not JSON: line 3 column 20"));
  EXPECT_THAT(waits_.delays, IsEmpty());
}

TEST_F(MisbehavingServerTest, JsonThatIsNotAnEnvelopeIsInvalidArgument) {
  FakeServer server({Answer(200, "[1, 2]"), Answer(200, R"({"objects": {"a": 1}})"),
                     Answer(200, R"({"more": "yes", "objects": []})")});
  auto client = Connect(Options(server));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ObjectsPage> list = client->GetObjects("c1", {});
  EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(list.status().message(), HasSubstr("a JSON object was expected, not a list"));
  absl::StatusOr<ObjectsPage> objects = client->GetObjects("c1", {});
  EXPECT_EQ(objects.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(objects.status().message(), HasSubstr("an object at /objects, where a list"));
  absl::StatusOr<ObjectsPage> more = client->GetObjects("c1", {});
  EXPECT_EQ(more.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(more.status().message(), HasSubstr("a string at /more"));
}

TEST_F(MisbehavingServerTest, EmptyAnswerIsAnEmptyPage) {
  FakeServer server({Answer(200, "")});
  auto client = Connect(Options(server));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ObjectsPage> page = client->GetObjects("c1", {});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->body, "{}");
  EXPECT_EQ(page->object_count, 0u);
  EXPECT_FALSE(page->more);
  EXPECT_FALSE(page->date_added_first.has_value());
}

TEST_F(MisbehavingServerTest, SilentServerIsDeadlineExceeded) {
  FakeServer server({Canned{.silent = true}});
  ClientOptions options = Options(server);
  options.request_timeout = 300ms;
  options.max_attempts = 2;
  auto client = Connect(options);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ApiRootInfo> root = client->GetApiRoot();
  EXPECT_EQ(root.status().code(), absl::StatusCode::kDeadlineExceeded) << root.status();
  EXPECT_THAT(root.status().message(), HasSubstr("GET " + server.url() + "/api1/"));
  EXPECT_THAT(waits_.delays, SizeIs(1));  // the first timeout was retried
  EXPECT_THAT(server.requests(), SizeIs(2));
}

TEST_F(MisbehavingServerTest, OversizedAnswerIsResourceExhausted) {
  const std::string big = "{\"objects\":[" + std::string(5000, ' ') + "]}";
  Canned unannounced = Answer(200, big);  // no Content-Length: read until the close
  const size_t length_at = unannounced.raw.find("Content-Length:");
  unannounced.raw.erase(length_at, unannounced.raw.find("\r\n", length_at) + 2 - length_at);
  FakeServer server({Answer(200, big), unannounced});
  ClientOptions options = Options(server);
  options.max_response_bytes = 1000;
  auto client = Connect(options);
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<ObjectsPage> page = client->GetObjects("c1", {});
    EXPECT_EQ(page.status().code(), absl::StatusCode::kResourceExhausted) << page.status();
    EXPECT_THAT(page.status().message(), HasSubstr("1000 bytes"));
  }
  EXPECT_THAT(waits_.delays, IsEmpty());
  EXPECT_THAT(server.requests(), SizeIs(2));
}

TEST_F(MisbehavingServerTest, RedirectsAreNotFollowed) {
  FakeServer server(
      {Answer(302, "", "Location: http://elsewhere.example/api1/\r\n"), Answer(200, kApiRootBody)});
  auto client = Connect(Options(server));
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ApiRootInfo> root = client->GetApiRoot();
  EXPECT_EQ(root.status().code(), absl::StatusCode::kInvalidArgument) << root.status();
  EXPECT_THAT(root.status().message(), HasSubstr("http://elsewhere.example/api1/"));
  EXPECT_THAT(server.requests(), SizeIs(1));
}

TEST_F(MisbehavingServerTest, RefusedConnectionIsUnavailableAfterEveryAttempt) {
  std::string url;
  {
    FakeServer gone({Answer(200, "")});
    url = gone.url();
  }  // nothing listens there any more
  ClientOptions options = Options(url);
  options.max_attempts = 3;
  auto client = Connect(options);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<ApiRootInfo> root = client->GetApiRoot();
  EXPECT_EQ(root.status().code(), absl::StatusCode::kUnavailable) << root.status();
  EXPECT_THAT(root.status().message(), HasSubstr("after 3 attempts"));
  EXPECT_THAT(waits_.delays, ElementsAre(100ms, 200ms));
}

TEST_F(MisbehavingServerTest, SendsTaxiiRequestsOnOneKeptAliveConnection) {
  const std::string envelope = R"({"more":true,"next":"n2","objects":[{"type":"x"},{}]})";
  const std::string status =
      R"({"id":"s1","status":"pending","total_count":3,"success_count":1,"failure_count":1,)"
      R"("pending_count":1,"successes":[{"id":"indicator--a","version":"2026-01-01T00:00:00Z"}],)"
      R"("failures":[{"id":"indicator--b","message":"no pattern"}],)"
      R"("pendings":[{"id":"indicator--c"}]})";
  FakeServer server({Answer(200, kApiRootBody, "", /*close=*/false),
                     Answer(200, envelope,
                            "X-TAXII-Date-Added-First: 2026-01-02T03:04:05.000006Z\r\n"
                            "X-TAXII-Date-Added-Last: 2026-01-02T03:04:06Z\r\n",
                            /*close=*/false),
                     Answer(202, status, "", /*close=*/false), Answer(204, "", "", false)});
  auto client = Connect(Options(server));
  ASSERT_NE(client, nullptr);

  ASSERT_TRUE(client->GetApiRoot().ok());
  const util::Timestamp after = util::ParseRfc3339("2026-01-02T03:04:05.000006Z")->micros;
  absl::StatusOr<ObjectsPage> page =
      client->GetObjects("c1", {.added_after = after, .next = "a/b c", .limit = 2});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->body, envelope);
  EXPECT_TRUE(page->more);
  EXPECT_EQ(page->next, "n2");
  EXPECT_EQ(page->object_count, 2u);
  EXPECT_EQ(page->date_added_first, after);
  EXPECT_EQ(page->date_added_last, util::ParseRfc3339("2026-01-02T03:04:06Z")->micros);

  absl::StatusOr<StatusInfo> added = client->AddObjects("c1", R"({"objects":[]})");
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->id, "s1");
  EXPECT_EQ(added->status, "pending");
  EXPECT_EQ(added->total_count, 3);
  EXPECT_EQ(added->pending_count, 1);
  ASSERT_THAT(added->successes, SizeIs(1));
  EXPECT_EQ(added->successes[0].version, "2026-01-01T00:00:00Z");
  ASSERT_THAT(added->failures, SizeIs(1));
  EXPECT_EQ(added->failures[0].message, "no pattern");
  ASSERT_THAT(added->pendings, SizeIs(1));
  EXPECT_EQ(added->pendings[0].id, "indicator--c");

  EXPECT_TRUE(client->PostJson(server.url() + "/kongsi/notify", R"({"collection":"c1"})").ok());

  const std::vector<FakeServer::Seen> seen = server.requests();
  ASSERT_THAT(seen, SizeIs(4));
  for (const FakeServer::Seen& request : seen) {
    EXPECT_EQ(request.connection, 1) << request.head;
    EXPECT_THAT(request.head, HasSubstr("\r\nAuthorization: Bearer secret-token\r\n"));
  }
  EXPECT_THAT(seen[0].head, HasSubstr("GET /api1/ HTTP/1.1\r\n"));
  EXPECT_THAT(seen[0].head, HasSubstr("\r\nAccept: application/taxii+json;version=2.1\r\n"));
  EXPECT_THAT(seen[1].head,
              HasSubstr("GET /api1/collections/c1/objects/?added_after=2026-01-02T03%3A04%3A05."
                        "000006Z&limit=2&next=a%2Fb%20c&match%5Bversion%5D=all HTTP/1.1\r\n"));
  EXPECT_THAT(seen[2].head, HasSubstr("POST /api1/collections/c1/objects/ HTTP/1.1\r\n"));
  EXPECT_THAT(seen[2].head, HasSubstr("\r\nContent-Type: application/taxii+json;version=2.1\r\n"));
  EXPECT_EQ(seen[2].body, R"({"objects":[]})");
  EXPECT_THAT(seen[3].head, HasSubstr("POST /kongsi/notify HTTP/1.1\r\n"));
  EXPECT_THAT(seen[3].head, HasSubstr("\r\nContent-Type: application/json\r\n"));
  EXPECT_EQ(seen[3].body, R"({"collection":"c1"})");
}

TEST_F(MisbehavingServerTest, BasicAuthenticationWhenNoToken) {
  FakeServer server({Answer(200, kApiRootBody)});
  ClientOptions options = Options(server);
  options.bearer_token.clear();
  options.username = "alice";
  options.password = "s3cret";
  auto client = Connect(options);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->GetApiRoot().ok());
  ASSERT_THAT(server.requests(), SizeIs(1));
  EXPECT_THAT(server.requests()[0].head,
              HasSubstr("\r\nAuthorization: Basic YWxpY2U6czNjcmV0\r\n"));
}

TEST(ClientCreateTest, RefusesWhatCannotWork) {
  EXPECT_EQ(Client::Create({.api_root = "ftp://example.org/api1/"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Client::Create({.api_root = "taxii.example.org/api1/"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Client::Create({.api_root = ""}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Client::Create({.api_root = "https://example.org/api1/", .bearer_token = "a\r\nX-Evil: 1"})
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::unique_ptr<Client>> missing =
      Client::Create({.api_root = "https://example.org/api1/", .ca_file = "/nonexistent/ca.pem"});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("/nonexistent/ca.pem"));
  absl::StatusOr<std::unique_ptr<Client>> fine =
      Client::Create({.api_root = "https://example.org/api1", .ca_file = kTlsDir + "/server.crt"});
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_EQ((*fine)->api_root(), "https://example.org/api1/");
  EXPECT_EQ((*fine)->PostJson("file:///etc/passwd", "{}").code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kongsi::federation
