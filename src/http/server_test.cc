#include "http/server.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/metrics.h"
#include "http/test_client.h"
#include "nlohmann/json.hpp"

namespace kongsi::http {
namespace {

using testing::Client;
using testing::ClientResponse;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

const std::string kTlsDir = std::string(KONGSI_TEST_DATA_DIR) + "/tls";

// Echoes what the handler saw, one "key=value" per line.
Response Echo(const Request& request) {
  Response r;
  r.content_type = "text/plain";
  r.body = "method=" + std::string(request.method) + "\npath=" + std::string(request.path) +
           "\nquery=" + std::string(request.query) + "\ntarget=" + std::string(request.target) +
           "\nx-test=" + std::string(request.Header("x-test")) +
           "\nbody=" + std::string(request.body) + "\nremote=" + request.remote + "\n";
  r.headers.emplace_back("X-Reply", "yes");
  r.route = "echo";
  r.principal = "tester";
  return r;
}

// A JSON error body, standing in for TAXII error resources.
Response RenderError(int status, std::string_view title, std::string_view description) {
  Response r;
  r.status = status;
  r.content_type = "application/taxii+json;version=2.1";
  r.body =
      nlohmann::json{
          {"title", title}, {"description", description}, {"http_status", std::to_string(status)}}
          .dump();
  return r;
}

std::string HeaderOf(const ClientResponse& r, std::string_view name) {
  return std::string(r[detail::AsBeast(name)]);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ServerTest : public ::testing::Test {
 protected:
  ServerOptions Options() {
    ServerOptions o;
    o.address = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.shutdown_grace = 5s;
    return o;
  }

  void Start(ServerOptions options, Handler handler = Echo) {
    auto started = Server::Start(options, std::move(handler), RenderError, &metrics_);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
  }

  std::unique_ptr<Client> Connect() { return Client::Connect(server_->port()); }

  Metrics metrics_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, GetAndPostRoundTripWithHeadersBodyAndQuerySplit) {
  Start(Options());
  EXPECT_EQ(server_->url(), "http://127.0.0.1:" + std::to_string(server_->port()));
  auto client = Connect();
  ASSERT_NE(client, nullptr);

  auto get = client->Get("/echo/a%20b?x=1&y=2", "X-Test: hello\r\n");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->result_int(), 200);
  EXPECT_THAT(get->body(), HasSubstr("method=GET\n"));
  EXPECT_THAT(get->body(), HasSubstr("path=/echo/a%20b\n"));
  EXPECT_THAT(get->body(), HasSubstr("query=x=1&y=2\n"));
  EXPECT_THAT(get->body(), HasSubstr("target=/echo/a%20b?x=1&y=2\n"));
  EXPECT_THAT(get->body(), HasSubstr("x-test=hello\n"));
  EXPECT_THAT(get->body(), HasSubstr("remote=127.0.0.1:"));
  EXPECT_EQ(HeaderOf(*get, "Server"), "kongsi");
  EXPECT_EQ(HeaderOf(*get, "Content-Type"), "text/plain");
  EXPECT_EQ(HeaderOf(*get, "X-Reply"), "yes");
  EXPECT_EQ(HeaderOf(*get, "Content-Length"), std::to_string(get->body().size()));
  EXPECT_FALSE(HeaderOf(*get, "Date").empty());
  EXPECT_TRUE(get->keep_alive());

  ASSERT_TRUE(client->Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\npayload"));
  auto post = client->Read();
  ASSERT_TRUE(post);
  EXPECT_EQ(post->result_int(), 200);
  EXPECT_THAT(post->body(), HasSubstr("method=POST\n"));
  EXPECT_THAT(post->body(), HasSubstr("query=\n"));
  EXPECT_THAT(post->body(), HasSubstr("body=payload\n"));
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnectionInOrder) {
  Start(Options());
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 5; ++i) {
    auto r = client->Get("/echo/" + std::to_string(i));
    ASSERT_TRUE(r) << i;
    EXPECT_THAT(r->body(), HasSubstr("path=/echo/" + std::to_string(i) + "\n"));
  }
  // Pipelined: three requests in one write, three answers in order.
  ASSERT_TRUE(
      client->Send("GET /p/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                   "POST /p/3 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"));
  for (int i = 1; i <= 3; ++i) {
    auto r = client->Read();
    ASSERT_TRUE(r) << i;
    EXPECT_THAT(r->body(), HasSubstr("path=/p/" + std::to_string(i) + "\n"));
  }
}

TEST_F(ServerTest, HeadSendsTheContentLengthOfGetWithoutABody) {
  Start(Options());
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto get = client->Get("/echo");
  ASSERT_TRUE(get);
  ASSERT_TRUE(client->Send("HEAD /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto head = client->Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->result_int(), 200);
  EXPECT_TRUE(head->body().empty());
  // Same body length except the method line ("HEAD" is one byte longer than "GET").
  EXPECT_EQ(HeaderOf(*head, "Content-Length"), std::to_string(get->body().size() + 1));
  // No stray body bytes: the next response on the connection parses.
  auto after = client->Get("/healthz");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body(), "ok\n");
}

TEST_F(ServerTest, ContentLengthOverTheLimitGets413WithoutSendingTheBody) {
  ServerOptions o = Options();
  o.max_body_bytes = 1024;
  Start(o);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"));
  auto r = client->Read();  // no body was sent: the server answers from the header alone
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413);
  EXPECT_EQ(HeaderOf(*r, "Content-Type"), "application/taxii+json;version=2.1");
  auto body = nlohmann::json::parse(r->body());
  EXPECT_EQ(body["http_status"], "413");
  EXPECT_EQ(body["title"], "Payload Too Large");
  EXPECT_FALSE(r->keep_alive());
  EXPECT_TRUE(client->Closed());
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitGets413) {
  ServerOptions o = Options();
  o.max_body_bytes = 1024;
  Start(o);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  std::string request = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) request += "200\r\n" + std::string(512, 'a') + "\r\n";
  request += "0\r\n\r\n";
  ASSERT_TRUE(client->Send(request));
  auto r = client->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413);
  EXPECT_TRUE(client->Closed());

  // A chunked body within the limit is fine.
  auto ok = Connect();
  ASSERT_NE(ok, nullptr);
  ASSERT_TRUE(ok->Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
  auto fine = ok->Read();
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->result_int(), 200);
  EXPECT_THAT(fine->body(), HasSubstr("body=abc\n"));
}

TEST_F(ServerTest, OversizedHeadersGet431) {
  ServerOptions o = Options();
  o.max_header_bytes = 1024;
  Start(o);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto r = client->Get("/echo", "X-Big: " + std::string(4000, 'b') + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 431);
  EXPECT_EQ(nlohmann::json::parse(r->body())["http_status"], "431");
  EXPECT_TRUE(client->Closed());
}

TEST_F(ServerTest, MalformedRequestGets400AndClose) {
  Start(Options());
  for (std::string_view garbage :
       {"NOT A REQUEST\r\n\r\n", "GET /x HTTP/1.1\r\nBad Header\r\n\r\n",
        "GET /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
        "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabc",
        "GET /x HTTP/1.1\r\nAccept: */*\r\n\r\n"}) {  // HTTP/1.1 without Host
    auto client = Connect();
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->Send(garbage));
    auto r = client->Read();
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->result_int(), 400) << garbage;
    EXPECT_TRUE(client->Closed()) << garbage;
  }
}

TEST_F(ServerTest, ExpectContinueGets100BeforeTheBody) {
  Start(Options());
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client->ReadUntil("\r\n\r\n");
  ASSERT_TRUE(interim);
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(client->Send("hello"));
  auto r = client->Read();
  ASSERT_TRUE(r);
  EXPECT_THAT(r->body(), HasSubstr("body=hello\n"));
}

TEST_F(ServerTest, SlowClientGets408AfterRequestTimeoutWithoutBlockingOthers) {
  ServerOptions o = Options();
  o.threads = 1;  // a pinned thread would block the second client
  o.request_timeout = 200ms;
  Start(o);
  auto slow = Connect();
  ASSERT_NE(slow, nullptr);
  ASSERT_TRUE(slow->Send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: "));
  std::atomic<bool> stop = false;
  std::thread trickle([&] {  // one header byte every 20 ms: never finishes in time
    for (int i = 0; i < 250 && !stop; ++i) {
      if (!slow->Send("a")) break;
      std::this_thread::sleep_for(20ms);
    }
  });
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  auto healthy = other->Get("/healthz");
  EXPECT_TRUE(healthy && healthy->result_int() == 200);

  auto r = slow->Read();
  stop = true;
  trickle.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 408);
  EXPECT_FALSE(r->keep_alive());
}

TEST_F(ServerTest, ConnectionThatSendsNothingIsClosedAfterRequestTimeout) {
  ServerOptions o = Options();
  o.request_timeout = 200ms;
  Start(o);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->Closed());  // within the client's 5 s read timeout
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerOptions o = Options();
  o.idle_timeout = 200ms;
  Start(o);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto r = client->Get("/echo");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->keep_alive());
  EXPECT_TRUE(client->Closed());  // within the client's 5 s read timeout
}

TEST_F(ServerTest, MaxRequestsPerConnectionClosesAfterTheLast) {
  ServerOptions o = Options();
  o.max_requests_per_connection = 2;
  Start(o);
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto first = client->Get("/echo");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->keep_alive());
  auto second = client->Get("/echo");
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->keep_alive());
  EXPECT_EQ(HeaderOf(*second, "Connection"), "close");
  EXPECT_TRUE(client->Closed());
}

TEST_F(ServerTest, Http10WithoutKeepAliveIsClosedAfterTheResponse) {
  Start(Options());
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET /echo HTTP/1.0\r\n\r\n"));
  auto r = client->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version(), 10u);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_TRUE(client->Closed());
}

TEST_F(ServerTest, ConnectionsBeyondMaxConnectionsGet503) {
  ServerOptions o = Options();
  o.max_connections = 2;
  Start(o);
  auto a = Connect();
  auto b = Connect();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->Get("/echo"));  // both admitted and being served
  ASSERT_TRUE(b->Get("/echo"));

  auto c = Connect();
  ASSERT_NE(c, nullptr);
  auto refused = c->Get("/echo");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 503);
  EXPECT_EQ(nlohmann::json::parse(refused->body())["http_status"], "503");
  EXPECT_TRUE(c->Closed());

  // Once a connection closes, a new one is served again (the server notices the close).
  a.reset();
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    auto d = Connect();
    ASSERT_NE(d, nullptr);
    auto r = d->Get("/echo");
    served = r && r->result_int() == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
  EXPECT_THAT(metrics_.Render(), HasSubstr("kongsi_http_rejected_connections_total "));
  EXPECT_THAT(metrics_.Render(), Not(HasSubstr("kongsi_http_rejected_connections_total 0\n")));
}

TEST_F(ServerTest, HandlerThatThrowsGets500AndTheConnectionStaysUsable) {
  Start(Options(), [](const Request& request) -> Response {
    if (request.path == "/throw") throw std::runtime_error("boom");
    return Echo(request);
  });
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto r = client->Get("/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 500);
  EXPECT_EQ(nlohmann::json::parse(r->body())["http_status"], "500");
  auto next = client->Get("/echo");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->result_int(), 200);
}

TEST_F(ServerTest, HandlerHeadersAreSanitized) {
  Start(Options(), [](const Request&) {
    Response r;
    r.status = 201;
    r.body = "created";
    r.headers = {{"Location", "/x"},
                 {"X-Evil", "a\r\nSet-Cookie: b"},
                 {"Bad Name", "v"},
                 {"Content-Length", "999"}};
    return r;
  });
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto r = client->Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 201);
  EXPECT_EQ(HeaderOf(*r, "Location"), "/x");
  EXPECT_EQ(HeaderOf(*r, "X-Evil"), "");
  EXPECT_EQ(HeaderOf(*r, "Set-Cookie"), "");
  EXPECT_EQ(HeaderOf(*r, "Content-Length"), "7");
  EXPECT_EQ(HeaderOf(*r, "Content-Type"), "");  // none given, none sent
  EXPECT_EQ(r->body(), "created");
}

TEST_F(ServerTest, HealthzIsAnsweredByTheServer) {
  std::atomic<int> handler_calls = 0;
  Start(Options(), [&](const Request& request) {
    ++handler_calls;
    return Echo(request);
  });
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto r = client->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(HeaderOf(*r, "Content-Type"), "text/plain");
  EXPECT_EQ(r->body(), "ok\n");
  EXPECT_EQ(handler_calls, 0);
  auto other = client->Get("/healthzz");
  ASSERT_TRUE(other);
  EXPECT_EQ(handler_calls, 1);
}

TEST_F(ServerTest, MetricsCountEveryResponse) {
  ServerOptions o = Options();
  o.max_body_bytes = 10;
  Start(o);
  {
    auto client = Connect();
    ASSERT_NE(client, nullptr);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(client->Get("/echo?i=" + std::to_string(i)));
    ASSERT_TRUE(client->Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"));
    ASSERT_TRUE(client->Read());
    ASSERT_TRUE(client->Get("/healthz"));
    ASSERT_TRUE(client->Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"));
    auto too_large = client->Read();
    ASSERT_TRUE(too_large);
    EXPECT_EQ(too_large->result_int(), 413);
  }
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  auto r = client->Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(HeaderOf(*r, "Content-Type"), "text/plain; version=0.0.4");
  const std::string& text = r->body();
  EXPECT_THAT(
      text,
      HasSubstr("kongsi_http_requests_total{route=\"echo\",method=\"GET\",code=\"200\"} 3\n"));
  EXPECT_THAT(
      text,
      HasSubstr("kongsi_http_requests_total{route=\"echo\",method=\"POST\",code=\"200\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr("kongsi_http_requests_total{route=\"healthz\",method=\"GET\",code=\"200\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "kongsi_http_requests_total{route=\"http.error\",method=\"POST\",code=\"413\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_request_duration_seconds_count{route=\"echo\"} 4\n"));
  EXPECT_THAT(
      text,
      HasSubstr("kongsi_http_request_duration_seconds_bucket{route=\"echo\",le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_connections_total 2\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_connections_open "));
  EXPECT_THAT(text, HasSubstr("kongsi_http_rejected_connections_total 0\n"));
}

TEST_F(ServerTest, AccessLogWritesOneJsonObjectPerResponse) {
  std::string path =
      ::testing::TempDir() + "/kongsi_http_access_" + std::to_string(::getpid()) + ".jsonl";
  std::remove(path.c_str());
  ServerOptions o = Options();
  o.access_log = path;
  Start(o);
  {
    auto client = Connect();
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->Get("/echo?q=1", "User-Agent: kongsi-test/1.0\r\n"));
    ASSERT_TRUE(client->Get("/healthz"));
  }
  server_->Shutdown();  // flushes
  std::istringstream lines(ReadFile(path));
  std::vector<nlohmann::json> entries;
  for (std::string line; std::getline(lines, line);) entries.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(entries.size(), 2u);
  const auto& e = entries[0];
  EXPECT_EQ(e["method"], "GET");
  EXPECT_EQ(e["target"], "/echo?q=1");
  EXPECT_EQ(e["status"], 200);
  EXPECT_EQ(e["route"], "echo");
  EXPECT_EQ(e["principal"], "tester");
  EXPECT_EQ(e["user_agent"], "kongsi-test/1.0");
  EXPECT_THAT(e["remote"].get<std::string>(), HasSubstr("127.0.0.1:"));
  EXPECT_GT(e["bytes"].get<int>(), 0);
  EXPECT_TRUE(e["duration_ms"].is_number_float());
  std::string time = e["time"];
  EXPECT_EQ(time.size(), 27u) << time;  // 2024-05-01T10:00:00.123456Z
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_EQ(entries[1]["route"], "healthz");
  EXPECT_EQ(entries[1]["principal"], "-");
  EXPECT_EQ(entries[1]["bytes"], 3);
  std::remove(path.c_str());
}

class TlsClientContext {
 public:
  TlsClientContext() : ctx_(SSL_CTX_new(TLS_client_method())) {
    SSL_CTX_load_verify_locations(ctx_, (kTlsDir + "/server.crt").c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  }
  ~TlsClientContext() { SSL_CTX_free(ctx_); }
  SSL_CTX* get() { return ctx_; }

 private:
  SSL_CTX* ctx_;
};

TEST_F(ServerTest, TlsRoundTripAndPlainTextClientIsClosed) {
  ServerOptions o = Options();
  o.tls_cert_file = kTlsDir + "/server.crt";
  o.tls_key_file = kTlsDir + "/server.key";
  o.request_timeout = 2s;
  Start(o);
  EXPECT_EQ(server_->url(), "https://127.0.0.1:" + std::to_string(server_->port()));

  TlsClientContext tls;
  auto client = Client::Connect(server_->port(), tls.get());
  ASSERT_NE(client, nullptr);
  auto r = client->Get("/echo?tls=1", "X-Test: secure\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_THAT(r->body(), HasSubstr("x-test=secure\n"));
  auto again = client->Get("/healthz");  // keep-alive over TLS
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body(), "ok\n");

  auto plain = Connect();
  ASSERT_NE(plain, nullptr);
  ASSERT_TRUE(plain->Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_FALSE(plain->Read());  // no HTTP answer on the TLS port, just a close

  auto after = Client::Connect(server_->port(), tls.get());  // still serving
  ASSERT_NE(after, nullptr);
  auto ok = after->Get("/healthz");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 200);
}

TEST_F(ServerTest, TlsClientThatDoesNotTrustTheCertificateFails) {
  ServerOptions o = Options();
  o.tls_cert_file = kTlsDir + "/server.crt";
  o.tls_key_file = kTlsDir + "/server.key";
  Start(o);
  SSL_CTX* untrusting = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(untrusting, SSL_VERIFY_PEER, nullptr);
  EXPECT_EQ(Client::Connect(server_->port(), untrusting), nullptr);
  SSL_CTX_free(untrusting);
}

TEST_F(ServerTest, GracefulShutdownCompletesTheInFlightRequest) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Start(Options(), [&](const Request& request) {
    if (request.path != "/block") return Echo(request);
    entered.set_value();
    released.wait();
    Response r;
    r.content_type = "text/plain";
    r.body = std::string(100000, 'z');  // larger than one write
    return r;
  });
  auto idle = Connect();
  ASSERT_NE(idle, nullptr);
  ASSERT_TRUE(idle->Get("/echo"));

  auto busy = Connect();
  ASSERT_NE(busy, nullptr);
  ASSERT_TRUE(busy->Send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(entered.get_future().wait_for(5s), std::future_status::ready);

  std::thread shutdown([&] { server_->Shutdown(); });
  bool refused = false;
  for (int i = 0; i < 250 && !refused; ++i) {
    refused = Connect() == nullptr;
    if (!refused) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(idle->Closed());  // idle keep-alive connections are closed at once

  release.set_value();
  auto r = busy->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(r->body().size(), 100000u);
  EXPECT_FALSE(r->keep_alive());
  shutdown.join();
  EXPECT_EQ(Connect(), nullptr);
}

TEST_F(ServerTest, ShutdownAfterGraceClosesStuckConnections) {
  ServerOptions o = Options();
  o.shutdown_grace = 100ms;
  // Only the grace period can end this request: were Shutdown to wait for the request
  // timeout instead, it would not return and the test would hit CTest's time limit.
  o.request_timeout = std::chrono::hours(1);
  Start(o);
  auto partial = Connect();  // a request that never completes
  ASSERT_NE(partial, nullptr);
  ASSERT_TRUE(partial->Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab"));
  std::this_thread::sleep_for(50ms);
  server_->Shutdown();
  EXPECT_TRUE(partial->Closed());
}

TEST_F(ServerTest, ShutdownIsIdempotentAndThreadSafe) {
  Start(Options());
  uint16_t port = server_->port();
  std::thread a([&] { server_->Shutdown(); });
  std::thread b([&] { server_->Shutdown(); });
  a.join();
  b.join();
  server_->Shutdown();
  EXPECT_EQ(Client::Connect(port), nullptr);
  server_.reset();  // the destructor after Shutdown is fine too
}

TEST_F(ServerTest, StartOnAPortInUseIsUnavailable) {
  Start(Options());
  ServerOptions o = Options();
  o.port = server_->port();
  auto second = Server::Start(o, Echo, RenderError, nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("127.0.0.1:" + std::to_string(server_->port())));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("in use"));
}

TEST_F(ServerTest, BadOptionsAreInvalidArgument) {
  ServerOptions o = Options();
  o.address = "not-an-address";
  EXPECT_EQ(Server::Start(o, Echo, nullptr, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);

  o = Options();
  o.tls_cert_file = kTlsDir + "/server.crt";  // key missing
  EXPECT_EQ(Server::Start(o, Echo, nullptr, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);

  o.tls_key_file = kTlsDir + "/missing.key";
  auto missing = Server::Start(o, Echo, nullptr, nullptr);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("missing.key"));

  o.tls_cert_file = kTlsDir + "/README.md";  // not a certificate
  o.tls_key_file = kTlsDir + "/server.key";
  EXPECT_EQ(Server::Start(o, Echo, nullptr, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);

  o = Options();
  o.access_log = "/nonexistent-dir/access.log";
  EXPECT_EQ(Server::Start(o, Echo, nullptr, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ServerTest, WithoutErrorRendererOrMetricsErrorsArePlainText) {
  ServerOptions o = Options();
  o.max_header_bytes = 512;
  auto started = Server::Start(o, Echo, nullptr, nullptr);
  ASSERT_TRUE(started.ok());
  auto client = Client::Connect((*started)->port());
  ASSERT_NE(client, nullptr);
  auto metrics = client->Get("/metrics");  // no registry: the handler gets it
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body(), HasSubstr("path=/metrics\n"));
  auto r = client->Get("/", "X-Big: " + std::string(1000, 'x') + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 431);
  EXPECT_EQ(HeaderOf(*r, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_THAT(r->body(), HasSubstr("431 Request Header Fields Too Large"));
}

TEST_F(ServerTest, RunUntilSignalReturnsZeroWhenShutDownElsewhere) {
  Start(Options());
  auto result = std::async(std::launch::async, [&] { return server_->RunUntilSignal(); });
  std::this_thread::sleep_for(50ms);
  server_->Shutdown();
  ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(result.get(), 0);
}

void IgnoreSignal(int) {}

TEST_F(ServerTest, RunUntilSignalShutsDownOnSigterm) {
  Start(Options());
  uint16_t port = server_->port();
  // A harmless handler first, so that we can tell when RunUntilSignal has installed its own.
  struct sigaction mine {};
  mine.sa_handler = IgnoreSignal;
  sigaction(SIGTERM, &mine, nullptr);
  auto result = std::async(std::launch::async, [&] { return server_->RunUntilSignal(); });
  bool installed = false;
  for (int i = 0; i < 500 && !installed; ++i) {
    struct sigaction now {};
    sigaction(SIGTERM, nullptr, &now);
    installed = now.sa_handler != IgnoreSignal;
    if (!installed) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(installed);
  ::kill(::getpid(), SIGTERM);
  ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(result.get(), SIGTERM);
  EXPECT_EQ(Client::Connect(port), nullptr);
  signal(SIGTERM, SIG_DFL);
}

}  // namespace
}  // namespace kongsi::http
