// Sessions: the coroutine that serves one connection, and the one that refuses a connection
// over the limit with a 503. Both are templates over the stream (PlainStream or TlsStream, see
// asio.h), instantiated in session.cc, so plain HTTP and HTTPS share one code path.
//
// A session reads one request at a time with a fresh parser (header and body limits), calls
// the Responder, writes the response, and loops while the connection is kept alive. Timeouts:
// TLS handshake and the first request within request_timeout; between requests idle_timeout
// (then the connection is closed silently); each request read within request_timeout (else 408
// and close); each response write within request_timeout.
//
// Ownership: a session owns its socket and buffers; it borrows the SessionEnv, which must
// outlive it (Server::Impl destroys its io_contexts, and with them any suspended session,
// before the environment).
// Thread-safety: a session runs on its socket's io thread only.
// Errors: none: network errors end the session; exceptions (allocation failure) propagate to
// co_spawn's completion handler, which logs them.
#pragma once

#include <memory>

#include "http/asio.h"
#include "http/connections.h"
#include "http/responder.h"
#include "http/server.h"

namespace kongsi::http::detail {

struct SessionEnv {
  const ServerOptions& options;
  const Responder& responder;
  ConnectionRegistry& registry;
  net::ssl::context* tls;  // null for plain HTTP
};

// Serves `socket` until the connection closes. `connection` was admitted to env.registry; the
// session releases it when it ends.
template <class Stream>
net::awaitable<void> RunSession(const SessionEnv& env, std::shared_ptr<Connection> connection,
                                tcp::socket socket);

// Answers 503 (through the ErrorRenderer) and closes. The caller took a rejection slot with
// env.registry.TryBeginReject(); the coroutine gives it back.
template <class Stream>
net::awaitable<void> RejectConnection(const SessionEnv& env, tcp::socket socket);

extern template net::awaitable<void> RunSession<PlainStream>(const SessionEnv&,
                                                             std::shared_ptr<Connection>,
                                                             tcp::socket);
extern template net::awaitable<void> RunSession<TlsStream>(const SessionEnv&,
                                                           std::shared_ptr<Connection>,
                                                           tcp::socket);
extern template net::awaitable<void> RejectConnection<PlainStream>(const SessionEnv&, tcp::socket);
extern template net::awaitable<void> RejectConnection<TlsStream>(const SessionEnv&, tcp::socket);

}  // namespace kongsi::http::detail
