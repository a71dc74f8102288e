// Progress line drawn with a carriage return; cleared when done so the summary stands alone.
#include "app/progress.h"

#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_format.h"

namespace kongsi::app {

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

std::string HumanBytes(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes < 1024) return absl::StrFormat("%d B", bytes);
  if (bytes < 1024 * 1024) return absl::StrFormat("%.1f KB", b / 1024);
  if (bytes < int64_t{1024} * 1024 * 1024) return absl::StrFormat("%.1f MB", b / (1024 * 1024));
  return absl::StrFormat("%.2f GB", b / (1024.0 * 1024 * 1024));
}

Progress::Progress(bool enabled, int64_t total_bytes)
    : enabled_(enabled),
      total_bytes_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Update(int64_t objects, int64_t bytes_done, bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(objects) / seconds : 0;
  std::string line;
  if (total_bytes_ > 0) {
    const double fraction =
        std::min(1.0, static_cast<double>(bytes_done) / static_cast<double>(total_bytes_));
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    line = absl::StrFormat("[%s%s] %3.0f%% ", std::string(filled, '#'),
                           std::string(kWidth - filled, '.'), fraction * 100);
  }
  line += absl::StrFormat("%d objects  %.0f objects/s  %s", objects, rate, HumanBytes(bytes_done));
  if (total_bytes_ > 0) line += " / " + HumanBytes(total_bytes_);
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\r\x1b[K");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace kongsi::app
