// Server: a hardened HTTP/1.1 (optionally HTTPS-only) server on Boost.Beast with C++20
// coroutines. It reads requests within limits and timeouts, answers GET /healthz and
// GET /metrics itself, passes every other request to one Handler, and records each response
// in the Metrics and the access log.
//
// Model: `threads` io threads, each running its own event loop; a connection belongs to one
// of them for its whole life, and its requests are read, handled (the Handler is called on
// that thread, synchronously) and answered in order (pipelined requests are answered one after
// the other). Limits: headers (431) and body (413, before reading a body whose Content-Length
// is too large) per request; a request must arrive and its response be written within
// request_timeout (408, then close); idle keep-alive connections close after idle_timeout;
// connections beyond max_connections get 503 and are closed; unparsable requests get 400 and
// the connection is closed. Errors the server produces are rendered by the ErrorRenderer.
// HEAD requests reach the handler with method "HEAD" (answer them as GET): the Content-Length
// is that of the body returned, and no body is sent.
//
// Ownership: the Server owns its threads, sockets, TLS context and access log; the caller owns
// the Metrics (may be null) and keeps it alive until the Server is destroyed. The Handler and
// ErrorRenderer are copied in and called concurrently from the io threads.
// Thread-safety: port(), url(), Shutdown() and RunUntilSignal() may be called from any thread,
// but never from inside a Handler (Shutdown joins the io threads).
// Errors: see Start. Nothing throws out of the server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "http/request.h"

namespace kongsi::http {

class Metrics;

struct ServerOptions {
  std::string address = "127.0.0.1";  // loopback unless configured otherwise
  uint16_t port = 9440;               // 0 = ephemeral; Server::port() tells which
  int threads = 0;                    // io threads; 0 = std::thread::hardware_concurrency() (min 2)
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 10 * 1024 * 1024;
  // Whole request read (headers + body) and response write.
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};    // keep-alive wait for the next request
  std::chrono::milliseconds shutdown_grace{10000};  // how long Shutdown waits for in-flight ones
  size_t max_connections = 1024;           // beyond: accept, answer 503 via ErrorRenderer, close
  size_t max_requests_per_connection = 0;  // 0 = unlimited
  std::string tls_cert_file;               // both set -> HTTPS only (TLS 1.2+); both empty -> plain
  std::string tls_key_file;                // PEM; the cert file may hold the chain
  std::string access_log;                  // "" = none, "-" = stdout, else a file path (appended)
  std::string server_header = "kongsi";
};

class Server {
 public:
  // Binds, listens and starts the io threads; returns when the socket is listening (so tests
  // can connect at once). `error_renderer` may be empty (plain-text errors); `metrics` may be
  // null (then GET /metrics goes to the handler like any other request).
  // Errors: InvalidArgument for a bad address or option, a TLS file that cannot be loaded, or
  // an access log that cannot be opened; Unavailable when the port cannot be bound (the message
  // names address:port and the OS error).
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                                       Handler handler,
                                                       ErrorRenderer error_renderer,
                                                       Metrics* metrics);
  ~Server();  // Shutdown() if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:PORT" or "https://..."

  // Graceful: stops accepting (new connections are refused); requests being handled finish
  // and their responses are written (with Connection: close); idle keep-alive connections are
  // closed; waits up to shutdown_grace, then closes the rest; joins the io threads and flushes
  // the access log. A handler still running then cannot be interrupted: joining waits for it.
  // Idempotent; thread-safe (a second caller waits for the first to finish); may be called from
  // a signal-handling thread.
  void Shutdown();

  // Blocks until SIGINT or SIGTERM arrives (on its own event loop, in the calling thread), then
  // calls Shutdown(). Returns the signal number, or 0 when Shutdown() was called by someone
  // else first. For `kongsi serve`.
  int RunUntilSignal();

 private:
  class Impl;  // server.cc
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kongsi::http
