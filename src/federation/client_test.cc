// The TAXII client over real HTTP on 127.0.0.1. Against a kongsi TAXII server running
// in-process (store, disclosure, tokens, service, HTTP server, as `kongsi serve` wires them):
// the API root, adding objects and reading their status back, paging with `next`, version
// selection, credentials, HTTPS. Against a small misbehaving server written here, which answers
// canned raw HTTP/1.1: retries after 429/503 with Retry-After and backoff, giving up, stopping
// when told to, broken JSON, silence, oversized answers, redirects, connection reuse, and the
// exact requests the client sends. Delays are observed through the `wait` hook, never slept.
#include "taxii/client.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/server.h"
#include "nlohmann/json.hpp"
#include "policy/disclosure.h"
#include "policy/tokens.h"
#include "store/store.h"
#include "taxii/error.h"
#include "taxii/message.h"
#include "taxii/service.h"
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

constexpr char kCollection[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kUnknown[] = "0d5a1e57-5b5a-4b83-8d8f-6b0a6c1e2f00";
constexpr size_t kMaxContentLength = 123456;
const std::string kTlsDir = std::string(KONGSI_TEST_DATA_DIR) + "/tls";

std::string Indicator(const std::string& id, const std::string& modified) {
  return R"({"type":"indicator","spec_version":"2.1","id":")" + id +
         R"(","created":"2026-01-01T00:00:00.000Z","modified":")" + modified +
         R"(","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
         R"("valid_from":"2026-01-01T00:00:00Z"})";
}

std::string Envelope(const std::vector<std::string>& objects) {
  std::string body = "{\"objects\":[";
  for (size_t i = 0; i < objects.size(); ++i) body += (i ? "," : "") + objects[i];
  return body + "]}";
}

// Records the delays the client asks to wait, without waiting; answers `go_on`.
struct WaitLog {
  std::vector<milliseconds> delays;
  bool go_on = true;
  std::function<bool(milliseconds)> Hook() {
    return [this](milliseconds delay) {
      delays.push_back(delay);
      return go_on;
    };
  }
};

taxii::Request ToTaxii(const http::Request& r) {
  return taxii::Request{.method = r.method,
                        .path = r.path,
                        .query = r.query,
                        .body = r.body,
                        .accept = r.Header("Accept"),
                        .content_type = r.Header("Content-Type"),
                        .authorization = r.Header("Authorization"),
                        .host = r.Header("Host")};
}

http::Response ToHttp(taxii::Response t) {
  return http::Response{.status = t.status,
                        .content_type = std::move(t.content_type),
                        .body = std::move(t.body),
                        .headers = std::move(t.headers),
                        .route = std::move(t.route),
                        .principal = std::move(t.principal)};
}

// --- against a kongsi node ----------------------------------------------------------------

class KongsiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kongsi-client-test-" + util::NewUuidV4());
    std::filesystem::create_directories(dir_);
    auto store = store::Store::Open({.path = (dir_ / "store.db").string()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
    const util::Clock& clock = util::SystemClock::Get();
    auto admin =
        policy::IssueToken(*store_, {.name = "admin", .read = {"*"}, .write = {"*"}}, clock);
    auto reader = policy::IssueToken(*store_, {.name = "reader", .read = {kCollection}}, clock);
    ASSERT_TRUE(admin.ok() && reader.ok());
    admin_token_ = admin->token;
    reader_token_ = reader->token;
    disclosure_ = std::make_unique<policy::Disclosure>(*store_, clock);
    authenticator_ = std::make_unique<policy::TokenAuthenticator>(*store_);
    taxii::ServiceConfig config;
    config.api_roots.push_back(
        {.name = "api1", .title = "federation test", .max_content_length = kMaxContentLength});
    service_ =
        std::make_unique<taxii::Service>(config, *store_, *disclosure_, *authenticator_, clock);
  }

  void TearDown() override {
    server_.reset();
    service_.reset();
    authenticator_.reset();
    disclosure_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Starts the HTTP server (HTTPS with the test certificate when `tls`).
  void StartServer(bool tls = false) {
    http::ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.shutdown_grace = 5s;
    if (tls) {
      options.tls_cert_file = kTlsDir + "/server.crt";
      options.tls_key_file = kTlsDir + "/server.key";
    }
    auto server = http::Server::Start(
        options,
        [this](const http::Request& request) { return ToHttp(service_->Handle(ToTaxii(request))); },
        [](int status, std::string_view title, std::string_view description) {
          return ToHttp(taxii::ErrorResponse(status, title, description));
        },
        nullptr);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  ClientOptions Options(const std::string& token) {
    ClientOptions options;
    options.api_root = server_->url() + "/api1/";
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

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::string admin_token_;
  std::string reader_token_;
  std::unique_ptr<policy::Disclosure> disclosure_;
  std::unique_ptr<policy::TokenAuthenticator> authenticator_;
  std::unique_ptr<taxii::Service> service_;
  std::unique_ptr<http::Server> server_;
  WaitLog waits_;
};

TEST_F(KongsiServerTest, ReadsTheApiRootGivenWithoutItsFinalSlash) {
  StartServer();
  ClientOptions options = Options(reader_token_);
  options.api_root = server_->url() + "/api1";
  auto client = Connect(options);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->api_root(), server_->url() + "/api1/");
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
              HasSubstr("GET " + server_->url() + "/api1/collections/" + kUnknown + "/objects/"));
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

// One canned answer: `raw` bytes sent back after a request, or (`silent`) nothing at all, the
// connection held open until the client leaves.
struct Canned {
  std::string raw;
  bool silent = false;
};

// A full HTTP/1.1 response. `close`: "Connection: close", and the server closes after it.
Canned Answer(int status, std::string_view body, std::string_view extra_headers = "",
              bool close = true) {
  std::string raw = "HTTP/1.1 " + std::to_string(status) + " Canned\r\n";
  raw += "Content-Type: application/taxii+json;version=2.1\r\n";
  raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  raw += extra_headers;
  if (close) raw += "Connection: close\r\n";
  raw += "\r\n";
  raw += body;
  return {.raw = raw};
}

// A TAXII error resource.
std::string ErrorBody(std::string_view title, std::string_view description) {
  return nlohmann::json{{"title", title}, {"description", description}}.dump();
}

const std::string kApiRootBody =
    R"({"title":"canned","versions":["application/taxii+json;version=2.1"],)"
    R"("max_content_length":2048})";

// Listens on 127.0.0.1 (ephemeral port); one thread accepts connections one at a time and
// answers their requests in order with `answers` (the last one repeats for every further
// request). Every loop polls in short steps and ends when the server is destroyed.
class FakeServer {
 public:
  struct Seen {
    int connection = 0;  // 1 for the first connection accepted, ...
    std::string head;    // request line and headers
    std::string body;
  };

  explicit FakeServer(std::vector<Canned> answers) : answers_(std::move(answers)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(addr);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }

  ~FakeServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<Seen> requests() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void Run() {
    int connection = 0;
    while (!stop_) {
      pollfd p{.fd = listen_fd_, .events = POLLIN, .revents = 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      Serve(fd, ++connection);
      ::close(fd);
    }
  }

  // Answers the requests of one connection until the client leaves, an answer closes it, or
  // the server stops.
  void Serve(int fd, int connection) {
    std::string buffer;
    while (!stop_) {
      size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!Read(fd, buffer)) return;
      }
      Seen seen{.connection = connection, .head = buffer.substr(0, end + 4)};
      const size_t body_length = ContentLength(seen.head);
      while (buffer.size() < end + 4 + body_length) {
        if (!Read(fd, buffer)) return;
      }
      seen.body = buffer.substr(end + 4, body_length);
      buffer.erase(0, end + 4 + body_length);
      size_t index;
      {
        std::lock_guard lock(mu_);
        seen_.push_back(std::move(seen));
        index = std::min(seen_.size(), answers_.size()) - 1;
      }
      const Canned& answer = answers_[index];
      if (answer.silent) {
        while (Read(fd, buffer)) {
        }
        return;
      }
      size_t sent = 0;
      while (sent < answer.raw.size()) {
        const ssize_t n =
            ::send(fd, answer.raw.data() + sent, answer.raw.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<size_t>(n);
      }
      if (answer.raw.find("Connection: close\r\n") != std::string::npos) return;
    }
  }

  // Appends what arrives; false when the client closed or the server stops.
  bool Read(int fd, std::string& buffer) {
    while (!stop_) {
      pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
      const int ready = ::poll(&p, 1, 20);
      if (ready < 0) return false;
      if (ready == 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
      return true;
    }
    return false;
  }

  static size_t ContentLength(std::string head) {
    std::transform(head.begin(), head.end(), head.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    const size_t at = head.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    return std::stoul(head.substr(at + 17));
  }

  const std::vector<Canned> answers_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
  std::thread thread_;
};

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
