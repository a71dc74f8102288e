#include "http/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spdlog/spdlog.h"
#include "util/json_string.h"
#include "util/strings.h"

namespace kongsi::http {
namespace {

// A writer that fills this much flushes on its own thread rather than waiting for the
// flusher, so a burst cannot grow the buffer without bound.
constexpr size_t kFlushBytes = 64 * 1024;
constexpr auto kFlushInterval = std::chrono::seconds(1);

// "2024-05-01T10:00:00.123456Z"; the part up to the seconds is formatted once per second per
// thread.
void AppendTime(util::Timestamp t, std::string& out) {
  thread_local int64_t cached_second = INT64_MIN;
  thread_local std::string cached;  // "2024-05-01T10:00:00"
  int64_t second = t >= 0 ? t / 1000000 : (t - 999999) / 1000000;
  int64_t micros = t - second * 1000000;
  if (second != cached_second) {
    cached = util::FormatRfc3339(second * 1000000, 0);
    cached.pop_back();  // 'Z'
    cached_second = second;
  }
  out += cached;
  absl::StrAppendFormat(&out, ".%06dZ", micros);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<AccessLog>(new AccessLog(STDOUT_FILENO, false, path));
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return absl::InvalidArgumentError(
        util::StrCat("cannot open access log ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<AccessLog>(new AccessLog(fd, true, path));
}

AccessLog::AccessLog(int fd, bool owns_fd, std::string path)
    : fd_(fd), owns_fd_(owns_fd), path_(std::move(path)) {
  buffer_.reserve(kFlushBytes * 2);
  flusher_ = std::thread([this] { RunFlusher(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  flusher_.join();
  Flush();
  if (owns_fd_) ::close(fd_);
}

std::string AccessLog::FormatLine(const AccessLogEntry& entry) {
  std::string line;
  AppendLine(entry, line);
  return line;
}

void AccessLog::AppendLine(const AccessLogEntry& entry, std::string& out) {
  out += "{\"time\":\"";
  AppendTime(entry.time, out);
  out += "\",\"remote\":";
  util::AppendJsonString(entry.remote, out);
  out += ",\"method\":";
  util::AppendJsonString(entry.method, out);
  out += ",\"target\":";
  util::AppendJsonString(entry.target, out);
  absl::StrAppend(&out, ",\"status\":", entry.status, ",\"bytes\":", entry.bytes);
  absl::StrAppendFormat(&out, ",\"duration_ms\":%.3f", std::max(entry.duration_ms, 0.0));
  out += ",\"route\":";
  util::AppendJsonString(entry.route.empty() ? std::string_view("other") : entry.route, out);
  out += ",\"principal\":";
  util::AppendJsonString(entry.principal.empty() ? std::string_view("-") : entry.principal, out);
  out += ",\"user_agent\":";
  util::AppendJsonString(entry.user_agent, out);
  out += "}";
}

void AccessLog::Write(const AccessLogEntry& entry) {
  // Formatted outside the lock into a per-thread buffer that keeps its capacity.
  thread_local std::string line;
  line.clear();
  AppendLine(entry, line);
  line.push_back('\n');
  bool full;
  {
    std::lock_guard lock(mu_);
    buffer_ += line;
    full = buffer_.size() >= kFlushBytes;
  }
  if (full) Flush();
}

void AccessLog::Flush() {
  std::lock_guard write_lock(write_mu_);
  std::string data;
  {
    std::lock_guard lock(mu_);
    data.swap(buffer_);
    buffer_.reserve(kFlushBytes * 2);
  }
  if (!data.empty()) WriteOut(data);
}

void AccessLog::WriteOut(const std::string& data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!error_logged_) {  // once: a full disk must not flood the error log
        error_logged_ = true;
        spdlog::error("access log {}: write failed ({}); lines are being dropped", path_,
                      n < 0 ? std::strerror(errno) : "no progress");
      }
      return;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void AccessLog::RunFlusher() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, kFlushInterval, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace kongsi::http
