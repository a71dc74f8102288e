// Responder: everything about one exchange that does not touch a socket. It answers a parsed
// request (built-in routes, else the application's Handler), renders the errors the server
// produces itself, encodes a Response as a Beast message, and records the exchange in the
// Metrics and the access log. The session (session.cc) does the I/O around it.
//
// Ownership: borrows the options, metrics and access log (owned by Server::Impl, which
// outlives every session); owns copies of the Handler and ErrorRenderer.
// Thread-safety: every method may be called from several io threads at once (the Handler and
// ErrorRenderer must allow that).
// Errors: none escape: a Handler or ErrorRenderer that throws is logged and answered 500 (or
// with a plain-text fallback).
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "http/asio.h"
#include "http/request.h"
#include "http/server.h"
#include "util/time.h"

namespace kongsi::http {
class AccessLog;
class Metrics;
}  // namespace kongsi::http

namespace kongsi::http::detail {

// Route label of the errors the server produces itself (400, 408, 413, 431, 503, and 500 when
// a handler threw).
inline constexpr std::string_view kErrorRoute = "http.error";

// One request/response exchange, for Record.
struct Exchange {
  std::chrono::steady_clock::time_point start;  // first byte of the request
  util::Timestamp start_time = 0;               // the same, wall clock
  std::string_view remote;
  std::string_view method;  // "" when the request line could not be read
  std::string_view target;
  std::string_view user_agent;
  int status = 0;
  size_t bytes = 0;  // response body bytes sent
  std::string_view route;
  std::string_view principal;
};

class Responder {
 public:
  Responder(const ServerOptions& options, Handler handler, ErrorRenderer error_renderer,
            Metrics* metrics, AccessLog* access_log);

  // Answers a complete request. `view` is the caller's reusable Request (its `remote` already
  // set): it is filled with views into `message`.
  Response Answer(const BeastRequest& message, Request& view) const;

  // One of the errors the server produces itself (400, 408, 413, 431, 500, 503).
  Response Error(int status) const;

  // Builds `out` from `response` (whose body is moved out). `head`: the request was HEAD, so the
  // Content-Length is the body's but no body is sent. Returns the body bytes that will be sent.
  size_t Encode(Response& response, unsigned version, bool keep_alive, bool head,
                BeastResponse& out) const;

  void Record(const Exchange& exchange) const;

 private:
  const ServerOptions& options_;
  const Handler handler_;
  const ErrorRenderer error_renderer_;
  Metrics* const metrics_;
  AccessLog* const access_log_;
};

}  // namespace kongsi::http::detail
