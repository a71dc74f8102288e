// AccessLog: one JSON object per response, one per line, appended to a file or stdout.
//
//   {"time":"2024-05-01T10:00:00.123456Z","remote":"127.0.0.1:53412","method":"GET",
//    "target":"/taxii2/?x=1","status":200,"bytes":512,"duration_ms":0.84,
//    "route":"taxii.discovery","principal":"alice","user_agent":"curl/7.88.1"}
//
// Lines are buffered in memory and written by whichever thread fills the buffer, by a
// background thread at least every second, and by Flush() / the destructor. Strings from the
// client are escaped; bytes that are not valid UTF-8 are written as U+FFFD, so every line is
// valid JSON. Lines are formatted by hand, not with nlohmann::json: that took ~15 allocations
// and several microseconds per line, too much for every request at 20,000 req/s.
// Ownership: the AccessLog owns its file descriptor (not for stdout) and its flusher thread.
// Thread-safety: Write and Flush may be called from any thread.
// Errors: Open returns InvalidArgument when the file cannot be opened. Write and Flush never
// fail or throw: the first write error is logged (spdlog), lines that cannot be written are
// dropped, and later writes are tried again.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/statusor.h"
#include "util/time.h"

namespace kongsi::http {

struct AccessLogEntry {
  util::Timestamp time = 0;  // when the request started (first byte), UTC microseconds
  std::string_view remote;
  std::string_view method;
  std::string_view target;
  int status = 0;
  size_t bytes = 0;  // response body bytes (0 for HEAD)
  double duration_ms = 0;
  std::string_view route;      // "" -> "other"
  std::string_view principal;  // "" -> "-"
  std::string_view user_agent;
};

class AccessLog {
 public:
  // `path` "-" is stdout; anything else a file opened for appending (created 0640).
  static absl::StatusOr<std::unique_ptr<AccessLog>> Open(const std::string& path);
  ~AccessLog();  // flushes
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void Write(const AccessLogEntry& entry);
  void Flush();

  // The line Write appends, without its '\n'.
  static std::string FormatLine(const AccessLogEntry& entry);
  static void AppendLine(const AccessLogEntry& entry, std::string& out);

 private:
  AccessLog(int fd, bool owns_fd, std::string path);
  void RunFlusher();
  void WriteOut(const std::string& data);  // holds write_mu_

  const int fd_;
  const bool owns_fd_;
  const std::string path_;

  std::mutex mu_;       // guards buffer_ and stop_
  std::string buffer_;  // lines not yet written
  bool stop_ = false;
  std::condition_variable wake_;

  std::mutex write_mu_;        // serialises writes to fd_ so lines keep their order
  bool error_logged_ = false;  // guarded by write_mu_: a write error is logged once

  std::thread flusher_;
};

}  // namespace kongsi::http
