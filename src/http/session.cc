#include "http/session.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"

namespace kongsi::http::detail {
namespace {

using std::chrono::milliseconds;

// Bytes asked for when waiting for the next request; a small request arrives in one read.
constexpr size_t kReadChunk = 8 * 1024;
// After a response that closes the connection, unread request bytes are drained for at most
// this long (and this much) so that closing does not reset the connection and destroy the
// response before the client has read it (a "lingering close").
constexpr milliseconds kLingerTimeout{1000};
constexpr size_t kMaxDrainBytes = 256 * 1024;
// A connection refused with 503 gets at most this long for the TLS handshake and the write.
constexpr milliseconds kRejectTimeout{2000};
constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";

template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

template <class Stream>
Stream MakeStream(tcp::socket socket, net::ssl::context* tls) {
  if constexpr (kIsTls<Stream>) {
    return Stream(beast::tcp_stream(std::move(socket)), *tls);
  } else {
    return Stream(std::move(socket));
  }
}

std::string RemoteAddress(const tcp::socket& socket) {
  error_code ec;
  tcp::endpoint endpoint = socket.remote_endpoint(ec);
  if (ec) return "-";
  net::ip::address address = endpoint.address();
  if (address.is_v6()) return absl::StrCat("[", address.to_string(), "]:", endpoint.port());
  return absl::StrCat(address.to_string(), ":", endpoint.port());
}

// The status to answer a failed request read with; 0 when there is nobody to answer (the
// client went away, the connection was closed by Shutdown).
int StatusForReadError(const error_code& ec) {
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) return 431;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == bhttp::error::need_more || ec == bhttp::error::need_buffer) {
    return 0;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) return 400;
  return 0;
}

bool Expects100Continue(const BeastRequest& message) {
  return message.version() >= 11 &&
         beast::iequals(message[bhttp::field::expect], AsBeast("100-continue"));
}

// The request timeout. beast::tcp_stream's own timeout closes the socket, which would leave
// no way to answer 408; this deadline only cancels the pending read, so the socket stays
// usable for the answer. The state is shared with the timer's handler, which may run after
// the session has ended.
class RequestDeadline {
 public:
  explicit RequestDeadline(beast::tcp_stream& stream)
      : state_(std::make_shared<State>(&stream)), timer_(stream.get_executor()) {}
  ~RequestDeadline() {
    state_->stream = nullptr;
    timer_.cancel();
  }
  RequestDeadline(const RequestDeadline&) = delete;
  RequestDeadline& operator=(const RequestDeadline&) = delete;

  void Arm(milliseconds timeout) {
    state_->expired = false;
    timer_.expires_after(timeout);
    timer_.async_wait([state = state_, generation = ++state_->generation](const error_code& ec) {
      if (ec || generation != state->generation || state->stream == nullptr) return;
      state->expired = true;
      error_code ignored;
      state->stream->socket().cancel(ignored);
    });
  }
  void Disarm() {
    ++state_->generation;
    timer_.cancel();
  }
  // True once the deadline passed, even if no operation was pending to be cancelled then.
  bool expired() const { return state_->expired; }

 private:
  struct State {
    explicit State(beast::tcp_stream* s) : stream(s) {}
    beast::tcp_stream* stream;
    uint64_t generation = 0;
    bool expired = false;
  };
  std::shared_ptr<State> state_;
  net::steady_timer timer_;
};

// Ends the connection after a response with Connection: close (or an error). TLS: close_notify;
// plain: half-close, then drain what the client still sends (see kLingerTimeout).
template <class Stream>
net::awaitable<void> CloseGracefully(Stream& stream, const SessionEnv& env) {
  beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
  if (env.registry.shutting_down()) {
    lowest.close();
    co_return;
  }
  error_code ec;
  lowest.expires_after(std::min(env.options.request_timeout, kLingerTimeout));
  if constexpr (kIsTls<Stream>) {
    co_await stream.async_shutdown(Await(ec));
  } else {
    lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
    std::array<char, 4096> sink;
    size_t drained = 0;
    while (!ec && drained < kMaxDrainBytes) {
      drained += co_await lowest.async_read_some(net::buffer(sink), Await(ec));
    }
  }
  lowest.close();
}

// Writes `response` (an error or a handler's answer) and records the exchange.
template <class Stream>
net::awaitable<error_code> WriteResponse(Stream& stream, const SessionEnv& env, Response& response,
                                         unsigned version, bool keep_alive, bool head,
                                         milliseconds timeout, BeastResponse& out,
                                         Exchange& exchange) {
  exchange.bytes = env.responder.Encode(response, version, keep_alive, head, out);
  exchange.status = response.status;
  exchange.route = response.route;
  exchange.principal = response.principal;
  error_code ec;
  beast::get_lowest_layer(stream).expires_after(timeout);
  co_await bhttp::async_write(stream, out, Await(ec));
  if (ec) exchange.bytes = 0;
  env.responder.Record(exchange);
  co_return ec;
}

struct ReleaseConnection {
  ConnectionRegistry& registry;
  Connection* connection;
  ~ReleaseConnection() {
    connection->stream = nullptr;
    registry.Release(connection);
  }
};

struct EndReject {
  ConnectionRegistry& registry;
  ~EndReject() { registry.EndReject(); }
};

}  // namespace

template <class Stream>
net::awaitable<void> RunSession(const SessionEnv& env, std::shared_ptr<Connection> connection,
                                tcp::socket socket) {
  const ServerOptions& options = env.options;
  ReleaseConnection release{env.registry, connection.get()};
  if (env.registry.shutting_down()) co_return;  // accepted while Shutdown began
  Request view;                                 // reused for every request on this connection
  view.remote = RemoteAddress(socket);
  Stream stream = MakeStream<Stream>(std::move(socket), env.tls);
  beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
  connection->stream = &lowest;
  connection->state = Connection::State::kIdle;
  error_code ec;

  if constexpr (kIsTls<Stream>) {
    lowest.expires_after(options.request_timeout);
    co_await stream.async_handshake(net::ssl::stream_base::server, Await(ec));
    if (ec) co_return;  // a plain-text client, a scanner, a timeout: nobody to answer
  }

  beast::flat_buffer buffer;
  RequestDeadline deadline(lowest);
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  BeastResponse out;
  const uint32_t header_limit = static_cast<uint32_t>(
      std::min<size_t>(options.max_header_bytes, std::numeric_limits<uint32_t>::max()));
  size_t served = 0;

  for (;;) {
    // Wait for the first byte of the next request (pipelined requests are already buffered).
    if (buffer.size() == 0) {
      if (env.registry.shutting_down()) co_return;
      connection->state = Connection::State::kIdle;
      lowest.expires_after(served == 0 ? options.request_timeout : options.idle_timeout);
      size_t n = co_await stream.async_read_some(buffer.prepare(kReadChunk), Await(ec));
      if (ec) co_return;  // idle timeout, client closed, or closed by Shutdown
      buffer.commit(n);
    }
    connection->state = Connection::State::kBusy;
    Exchange exchange;
    exchange.start = std::chrono::steady_clock::now();
    exchange.start_time = util::SystemClock::Get().Now();
    exchange.remote = view.remote;

    // Read the request: a fresh parser with the limits, under the request deadline.
    lowest.expires_never();
    deadline.Arm(options.request_timeout);
    parser.emplace();
    parser->header_limit(header_limit);
    parser->body_limit(options.max_body_bytes);
    co_await bhttp::async_read_header(stream, buffer, *parser, Await(ec));
    if (!ec && !parser->chunked() &&
        parser->get().find(bhttp::field::transfer_encoding) != parser->get().end()) {
      // RFC 9112 6.3: a Transfer-Encoding whose final coding is not chunked leaves the body
      // length unknown (a request-smuggling vector): 400 and close. Beast would read no body.
      ec = bhttp::error::bad_transfer_encoding;
    }
    if (!ec && !parser->is_done()) {
      if (deadline.expired()) {
        ec = beast::error::timeout;
      } else if (Expects100Continue(parser->get())) {
        co_await net::async_write(stream, net::buffer(k100Continue.data(), k100Continue.size()),
                                  Await(ec));
      }
      if (!ec && deadline.expired()) ec = beast::error::timeout;
      if (!ec) co_await bhttp::async_read(stream, buffer, *parser, Await(ec));
    }
    bool timed_out = deadline.expired();
    deadline.Disarm();
    if (!parser->get().method_string().empty()) {  // the request line was parsed
      const BeastRequest& message = parser->get();
      exchange.method = AsStd(message.method_string());
      exchange.target = AsStd(message.target());
      exchange.user_agent = AsStd(message[bhttp::field::user_agent]);
    }
    if (ec) {
      int status = timed_out ? 408 : StatusForReadError(ec);
      if (status == 0) co_return;
      Response response = env.responder.Error(status);
      ec = co_await WriteResponse(stream, env, response, 11, /*keep_alive=*/false,
                                  /*head=*/false, options.request_timeout, out, exchange);
      connection->state = Connection::State::kClosing;
      if (!ec) co_await CloseGracefully(stream, env);
      co_return;
    }

    // Answer it.
    const BeastRequest& message = parser->get();
    ++served;
    // RFC 9112 3.2: an HTTP/1.1 request without Host gets 400 (and the connection closes).
    const bool missing_host =
        message.version() >= 11 && message.find(bhttp::field::host) == message.end();
    Response response =
        missing_host ? env.responder.Error(400) : env.responder.Answer(message, view);
    bool keep_alive =
        !missing_host && message.keep_alive() && !env.registry.shutting_down() &&
        (options.max_requests_per_connection == 0 || served < options.max_requests_per_connection);
    ec = co_await WriteResponse(stream, env, response, message.version(), keep_alive,
                                message.method() == bhttp::verb::head, options.request_timeout, out,
                                exchange);
    if (ec) co_return;
    if (!keep_alive) {
      connection->state = Connection::State::kClosing;
      co_await CloseGracefully(stream, env);
      co_return;
    }
  }
}

template <class Stream>
net::awaitable<void> RejectConnection(const SessionEnv& env, tcp::socket socket) {
  EndReject end{env.registry};
  Exchange exchange;
  exchange.start = std::chrono::steady_clock::now();
  exchange.start_time = util::SystemClock::Get().Now();
  std::string remote = RemoteAddress(socket);
  exchange.remote = remote;
  milliseconds timeout = std::min(env.options.request_timeout, kRejectTimeout);
  Stream stream = MakeStream<Stream>(std::move(socket), env.tls);
  error_code ec;
  if constexpr (kIsTls<Stream>) {
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await stream.async_handshake(net::ssl::stream_base::server, Await(ec));
    if (ec) co_return;
  }
  // Answered without reading the request; the lingering close consumes it.
  Response response = env.responder.Error(503);
  BeastResponse out;
  ec = co_await WriteResponse(stream, env, response, 11, /*keep_alive=*/false, /*head=*/false,
                              timeout, out, exchange);
  if (!ec) co_await CloseGracefully(stream, env);
}

template net::awaitable<void> RunSession<PlainStream>(const SessionEnv&,
                                                      std::shared_ptr<Connection>, tcp::socket);
template net::awaitable<void> RunSession<TlsStream>(const SessionEnv&, std::shared_ptr<Connection>,
                                                    tcp::socket);
template net::awaitable<void> RejectConnection<PlainStream>(const SessionEnv&, tcp::socket);
template net::awaitable<void> RejectConnection<TlsStream>(const SessionEnv&, tcp::socket);

}  // namespace kongsi::http::detail
