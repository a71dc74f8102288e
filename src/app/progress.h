// A one-line progress display for long CLI work (objects/s, bytes), drawn on stderr only when
// stderr is a terminal and --quiet is off; silent otherwise. Redraws at most 10 times a second.
// Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace kongsi::app {

class Progress {
 public:
  // `total_bytes` 0 when unknown (stdin, gzip).
  Progress(bool enabled, int64_t total_bytes);
  ~Progress();

  void Update(int64_t objects, int64_t bytes_done, bool force = false);
  void Finish();  // clears the line

  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  int64_t total_bytes_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

// True when stderr is a terminal.
bool StderrIsTerminal();

// "12.3 MB", "512 B", ...
std::string HumanBytes(int64_t bytes);

}  // namespace kongsi::app
