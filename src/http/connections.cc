#include "http/connections.h"

#include <vector>

#include "http/metrics.h"

namespace kongsi::http::detail {

ConnectionRegistry::ConnectionRegistry(size_t max_connections, Metrics* metrics)
    : max_connections_(max_connections), metrics_(metrics) {}

ConnectionRegistry::Admission ConnectionRegistry::Admit(
    const std::shared_ptr<Connection>& connection) {
  {
    std::lock_guard lock(mu_);
    // Checked under mu_ so BeginShutdown's snapshot sees every admitted connection.
    if (shutting_down_.load(std::memory_order_relaxed)) return Admission::kShuttingDown;
    if (open_.size() >= max_connections_) {
      if (metrics_ != nullptr) metrics_->ConnectionRejected();
      return Admission::kFull;
    }
    open_.emplace(connection.get(), connection);
  }
  if (metrics_ != nullptr) metrics_->ConnectionOpened();
  return Admission::kAdmitted;
}

void ConnectionRegistry::Release(const Connection* connection) {
  bool empty;
  {
    std::lock_guard lock(mu_);
    if (open_.erase(connection) == 0) return;
    empty = open_.empty() && rejecting_ == 0;
  }
  if (metrics_ != nullptr) metrics_->ConnectionClosed();
  if (empty) empty_.notify_all();
}

bool ConnectionRegistry::TryBeginReject() {
  std::lock_guard lock(mu_);
  if (rejecting_ >= kMaxRejecting) return false;
  ++rejecting_;
  return true;
}

void ConnectionRegistry::EndReject() {
  bool empty;
  {
    std::lock_guard lock(mu_);
    --rejecting_;
    empty = open_.empty() && rejecting_ == 0;
  }
  if (empty) empty_.notify_all();
}

void ConnectionRegistry::BeginShutdown() {
  {
    std::lock_guard lock(mu_);
    shutting_down_.store(true, std::memory_order_release);
  }
  PostClose(/*idle_only=*/true);
}

void ConnectionRegistry::CloseAll() { PostClose(/*idle_only=*/false); }

void ConnectionRegistry::PostClose(bool idle_only) {
  std::vector<std::shared_ptr<Connection>> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot.reserve(open_.size());
    for (const auto& [key, connection] : open_) snapshot.push_back(connection);
  }
  for (auto& connection : snapshot) {
    // Runs on the connection's thread, between two steps of its session: a busy session
    // notices shutting_down() itself once its response is written.
    net::post(connection->executor, [connection, idle_only] {
      if (connection->stream == nullptr) return;
      if (idle_only && connection->state == Connection::State::kBusy) return;
      connection->stream->close();
    });
  }
}

bool ConnectionRegistry::WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return empty_.wait_until(lock, deadline, [this] { return open_.empty() && rejecting_ == 0; });
}

size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mu_);
  return open_.size();
}

}  // namespace kongsi::http::detail
