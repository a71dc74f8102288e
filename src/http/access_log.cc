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
#include "util/strings.h"

namespace kongsi::http {
namespace {

// A writer that fills this much flushes on its own thread rather than waiting for the
// flusher, so a burst cannot grow the buffer without bound.
constexpr size_t kFlushBytes = 64 * 1024;
constexpr auto kFlushInterval = std::chrono::seconds(1);

// Length of the valid UTF-8 sequence starting at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto in = [&](size_t k, unsigned char lo, unsigned char hi) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  unsigned char c = byte(i);
  if (c >= 0xC2 && c <= 0xDF) return in(i + 1, 0x80, 0xBF) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// Appends `s` as a JSON string literal. Client-supplied strings may be anything: control
// characters are escaped, bytes that are not valid UTF-8 become U+FFFD (as nlohmann::json's
// error_handler_t::replace does), so every line is valid JSON.
void AppendJsonString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

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
  AppendJsonString(entry.remote, out);
  out += ",\"method\":";
  AppendJsonString(entry.method, out);
  out += ",\"target\":";
  AppendJsonString(entry.target, out);
  absl::StrAppend(&out, ",\"status\":", entry.status, ",\"bytes\":", entry.bytes);
  absl::StrAppendFormat(&out, ",\"duration_ms\":%.3f", std::max(entry.duration_ms, 0.0));
  out += ",\"route\":";
  AppendJsonString(entry.route.empty() ? std::string_view("other") : entry.route, out);
  out += ",\"principal\":";
  AppendJsonString(entry.principal.empty() ? std::string_view("-") : entry.principal, out);
  out += ",\"user_agent\":";
  AppendJsonString(entry.user_agent, out);
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
