// ConnectionRegistry: the server's list of open connections, for the connection limit and
// for graceful shutdown (close the idle ones, wait for the busy ones, then close the rest).
//
// Ownership: the registry shares each Connection with the coroutine serving it; the coroutine
// owns the socket and publishes a pointer to it in Connection::stream while it runs.
// Thread-safety: registry methods may be called from any thread. A Connection's `stream` and
// `state` are only touched on the connection's own io thread: the registry never touches them
// directly but posts a closure to `executor`.
// Errors: none; Admit reports why a connection is not admitted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "http/asio.h"

namespace kongsi::http {
class Metrics;
}

namespace kongsi::http::detail {

struct Connection {
  enum class State {
    kIdle,     // no request in flight: TLS handshake, waiting for a request
    kBusy,     // reading a request, in the handler, or writing the response
    kClosing,  // response sent, closing gracefully
  };

  explicit Connection(net::any_io_executor ex) : executor(std::move(ex)) {}

  const net::any_io_executor executor;  // the connection's io thread
  // Only on `executor`'s thread:
  beast::tcp_stream* stream = nullptr;  // set while the session runs
  State state = State::kBusy;
};

class ConnectionRegistry {
 public:
  // Connections being refused with a 503 at once; beyond this they are closed without one.
  static constexpr size_t kMaxRejecting = 64;

  ConnectionRegistry(size_t max_connections, Metrics* metrics);

  enum class Admission { kAdmitted, kFull, kShuttingDown };
  Admission Admit(const std::shared_ptr<Connection>& connection);
  void Release(const Connection* connection);  // when its session ends

  // A slot for answering 503 to a connection over the limit; false when too many are in
  // flight. EndReject releases it.
  bool TryBeginReject();
  void EndReject();

  // True once BeginShutdown was called: sessions stop keeping connections alive.
  bool shutting_down() const { return shutting_down_.load(std::memory_order_acquire); }

  // Stops admitting and closes every connection that has no request in flight.
  void BeginShutdown();
  // Closes every connection (their sessions end at their next suspension point).
  void CloseAll();
  // Waits until no connection (and no rejection) is left or `deadline` passes; true if none.
  bool WaitUntilEmpty(std::chrono::steady_clock::time_point deadline);
  size_t size() const;

 private:
  void PostClose(bool idle_only);

  const size_t max_connections_;
  Metrics* const metrics_;
  std::atomic<bool> shutting_down_{false};

  mutable std::mutex mu_;
  std::condition_variable empty_;
  std::unordered_map<const Connection*, std::shared_ptr<Connection>> open_;  // guarded by mu_
  size_t rejecting_ = 0;                                                     // guarded by mu_
};

}  // namespace kongsi::http::detail
