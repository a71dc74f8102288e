// Servers for the federation tests, all on 127.0.0.1 with an ephemeral port:
//
//  * KongsiNode: a kongsi node in-process, wired as `kongsi serve` wires it (store in a fresh
//    temporary folder, disclosure door, tokens, TAXII service, HTTP server). It records every
//    request it is sent, and an `intercept` hook may answer a request in the service's place
//    (faults: a node that fails after the first page). Without Serve() it is a plain local
//    node (store and disclosure door) for the side that pulls or pushes.
//  * FakeServer: a small misbehaving server that answers canned raw HTTP/1.1, in order or as a
//    responder function decides, for what a kongsi node never does (ignoring `limit`, repeating
//    `next`, invalid objects, broken JSON, silence, ...).
//
// Plus helpers: STIX indicators and envelopes, and WaitLog, which records the delays a client
// asks to wait without waiting. Everything here is header-only (inline) so that several test
// files of one binary can include it. Failures to set up are reported with gtest's
// ADD_FAILURE / ASSERT and leave the object unusable (null server, empty url).
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

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

// Tests name only the fields they are about.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::federation::test_servers {

// The collection every KongsiNode has ("shared").
inline constexpr char kCollection[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
inline const std::string kTlsDir = std::string(KONGSI_TEST_DATA_DIR) + "/tls";

// --- STIX ----------------------------------------------------------------------------------

// A valid indicator; `extra` is appended to its properties (",\"description\":\"...\"").
inline std::string Indicator(const std::string& id, const std::string& modified,
                             const std::string& extra = "") {
  return R"({"type":"indicator","spec_version":"2.1","id":")" + id +
         R"(","created":"2026-01-01T00:00:00.000Z","modified":")" + modified +
         R"(","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
         R"("valid_from":"2026-01-01T00:00:00Z")" +
         extra + "}";
}

inline std::string NewIndicatorId() { return "indicator--" + util::NewUuidV4(); }

// A TAXII envelope; `more` and `next` are added when `more` is set.
inline std::string Envelope(const std::vector<std::string>& objects,
                            std::optional<bool> more = std::nullopt, std::string_view next = "") {
  std::string body = "{";
  if (more) body += *more ? "\"more\":true," : "\"more\":false,";
  if (!next.empty()) body += "\"next\":\"" + std::string(next) + "\",";
  body += "\"objects\":[";
  for (size_t i = 0; i < objects.size(); ++i) body += (i ? "," : "") + objects[i];
  return body + "]}";
}

// Records the delays a client asks to wait, without waiting; answers `go_on`.
struct WaitLog {
  std::vector<std::chrono::milliseconds> delays;
  bool go_on = true;
  std::function<bool(std::chrono::milliseconds)> Hook() {
    return [this](std::chrono::milliseconds delay) {
      delays.push_back(delay);
      return go_on;
    };
  }
};

// --- a kongsi node ------------------------------------------------------------------------

inline taxii::Request ToTaxii(const http::Request& r) {
  return taxii::Request{.method = r.method,
                        .path = r.path,
                        .query = r.query,
                        .body = r.body,
                        .accept = r.Header("Accept"),
                        .content_type = r.Header("Content-Type"),
                        .authorization = r.Header("Authorization"),
                        .host = r.Header("Host")};
}

inline http::Response ToHttp(taxii::Response t) {
  return http::Response{.status = t.status,
                        .content_type = std::move(t.content_type),
                        .body = std::move(t.body),
                        .headers = std::move(t.headers),
                        .route = std::move(t.route),
                        .principal = std::move(t.principal)};
}

struct KongsiNodeOptions {
  std::string title = "federation test";  // of the API root /api1/
  size_t max_content_length = 10 << 20;   // of the API root
  size_t max_page_size = 1000;            // the TAXII service's page cap
  bool tls = false;                       // HTTPS with tests/data/tls/server.crt
  // Called for each request before the service; an answer replaces the service's. Runs on
  // the server's io threads.
  std::function<std::optional<http::Response>(const http::Request&)> intercept;
};

class KongsiNode {
 public:
  // A request as the node received it.
  struct Seen {
    std::string method;
    std::string path;
    std::string query;
    size_t body_bytes = 0;
  };

  // Opens the store with the collection kCollection and two tokens: "admin" (reads and writes
  // every collection) and "reader" (reads kCollection).
  KongsiNode() {
    dir_ = std::filesystem::temp_directory_path() / ("kongsi-federation-test-" + util::NewUuidV4());
    std::filesystem::create_directories(dir_);
    auto store = store::Store::Open({.path = (dir_ / "store.db").string()});
    if (!store.ok()) {
      ADD_FAILURE() << store.status();
      return;
    }
    store_ = *std::move(store);
    EXPECT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
    const util::Clock& clock = util::SystemClock::Get();
    auto admin =
        policy::IssueToken(*store_, {.name = "admin", .read = {"*"}, .write = {"*"}}, clock);
    auto reader = policy::IssueToken(*store_, {.name = "reader", .read = {kCollection}}, clock);
    EXPECT_TRUE(admin.ok() && reader.ok());
    if (admin.ok()) admin_token_ = admin->token;
    if (reader.ok()) reader_token_ = reader->token;
    disclosure_ = std::make_unique<policy::Disclosure>(*store_, clock);
    authenticator_ = std::make_unique<policy::TokenAuthenticator>(*store_);
  }

  ~KongsiNode() {
    server_.reset();
    service_.reset();
    authenticator_.reset();
    disclosure_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  KongsiNode(const KongsiNode&) = delete;
  KongsiNode& operator=(const KongsiNode&) = delete;

  // Starts the TAXII service and the HTTP server (API root /api1/).
  void Serve(KongsiNodeOptions options = {}) {
    taxii::ServiceConfig config;
    config.max_page_size = options.max_page_size;
    config.api_roots.push_back(
        {.name = "api1", .title = options.title, .max_content_length = options.max_content_length});
    service_ = std::make_unique<taxii::Service>(config, *store_, *disclosure_, *authenticator_,
                                                util::SystemClock::Get());
    http::ServerOptions server;
    server.address = "127.0.0.1";
    server.port = 0;
    server.threads = 2;
    server.shutdown_grace = std::chrono::seconds(5);
    server.max_body_bytes = std::max<size_t>(options.max_content_length, 1 << 20);
    if (options.tls) {
      server.tls_cert_file = kTlsDir + "/server.crt";
      server.tls_key_file = kTlsDir + "/server.key";
    }
    auto started = http::Server::Start(
        server,
        [this, intercept = std::move(options.intercept)](const http::Request& request) {
          {
            std::lock_guard lock(mu_);
            seen_.push_back({std::string(request.method), std::string(request.path),
                             std::string(request.query), request.body.size()});
          }
          if (intercept) {
            if (std::optional<http::Response> answer = intercept(request)) return *answer;
          }
          return ToHttp(service_->Handle(ToTaxii(request)));
        },
        [](int status, std::string_view title, std::string_view description) {
          return ToHttp(taxii::ErrorResponse(status, title, description));
        },
        nullptr);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
  }

  std::string url() const { return server_ ? server_->url() : std::string(); }
  std::string api_root() const { return url() + "/api1/"; }
  store::Store& store() { return *store_; }
  policy::Disclosure& disclosure() { return *disclosure_; }
  const std::string& admin_token() const { return admin_token_; }
  const std::string& reader_token() const { return reader_token_; }

  std::vector<Seen> requests() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  // Requests with this method whose path ends with "/objects/".
  std::vector<Seen> ObjectRequests(std::string_view method) const {
    std::vector<Seen> out;
    for (Seen& s : requests()) {
      if (s.method == method && s.path.ends_with("/objects/")) out.push_back(std::move(s));
    }
    return out;
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::string admin_token_;
  std::string reader_token_;
  std::unique_ptr<policy::Disclosure> disclosure_;
  std::unique_ptr<policy::TokenAuthenticator> authenticator_;
  std::unique_ptr<taxii::Service> service_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;  // guarded by mu_
};

// --- a misbehaving server -----------------------------------------------------------------

// One canned answer: `raw` bytes sent back after a request, or (`silent`) nothing at all, the
// connection held open until the client leaves.
struct Canned {
  std::string raw;
  bool silent = false;
};

// A full HTTP/1.1 response. `close`: "Connection: close", and the server closes after it.
inline Canned Answer(int status, std::string_view body, std::string_view extra_headers = "",
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
inline std::string ErrorBody(std::string_view title, std::string_view description) {
  return nlohmann::json{{"title", title}, {"description", description}}.dump();
}

// "X-TAXII-Date-Added-First: ...\r\nX-TAXII-Date-Added-Last: ...\r\n", for Answer().
inline std::string DateAddedHeaders(std::string_view first, std::string_view last) {
  return "X-TAXII-Date-Added-First: " + std::string(first) +
         "\r\nX-TAXII-Date-Added-Last: " + std::string(last) + "\r\n";
}

inline const std::string kApiRootBody =
    R"({"title":"canned","versions":["application/taxii+json;version=2.1"],)"
    R"("max_content_length":2048})";

// Listens on 127.0.0.1 (ephemeral port); one thread accepts connections one at a time and
// answers their requests in order. Every loop polls in short steps and ends when the server
// is destroyed.
class FakeServer {
 public:
  struct Seen {
    int connection = 0;  // 1 for the first connection accepted, ...
    std::string head;    // request line and headers
    std::string body;
  };
  // The answer to the `index`th request (0-based); runs on the server's thread.
  using Responder = std::function<Canned(const Seen& request, size_t index)>;

  // Answers with `answers` in order; the last one repeats for every further request.
  explicit FakeServer(std::vector<Canned> answers)
      : FakeServer(Responder([answers = std::move(answers)](const Seen&, size_t index) {
          return answers.empty() ? Canned{} : answers[std::min(index, answers.size() - 1)];
        })) {}

  explicit FakeServer(Responder responder) : responder_(std::move(responder)) {
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

  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<Seen> requests() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

  // The request line of each request ("GET /api1/... HTTP/1.1").
  std::vector<std::string> request_lines() const {
    std::vector<std::string> lines;
    for (const Seen& s : requests()) lines.push_back(s.head.substr(0, s.head.find("\r\n")));
    return lines;
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
        seen_.push_back(seen);
        index = seen_.size() - 1;
      }
      const Canned answer = responder_(seen, index);
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

  const Responder responder_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<Seen> seen_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kongsi::federation::test_servers
