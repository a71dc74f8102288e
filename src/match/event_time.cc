// Event timestamp parsing (see event_time.h).
#include "match/event_time.h"

#include <string>

namespace kongsi::match {
namespace {

bool Digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::optional<util::Timestamp> Epoch(std::string_view s) {
  int64_t seconds = 0;
  size_t i = 0;
  if (s.empty()) return std::nullopt;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (i >= 12) return std::nullopt;
    seconds = seconds * 10 + (s[i] - '0');
  }
  if (i == 0) return std::nullopt;
  int64_t micros = 0;
  if (i < s.size()) {
    if (s[i] != '.') return std::nullopt;
    int64_t scale = 100000;
    for (++i; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      micros += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  return seconds * 1000000 + micros;
}

}  // namespace

std::optional<util::Timestamp> ParseEventTime(std::string_view s) {
  if (s.size() < 19 || s[4] != '-') return Epoch(s);
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, year) || !Digits(s, 5, 2, month) || s[7] != '-' || !Digits(s, 8, 2, day) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, hour) || s[13] != ':' ||
      !Digits(s, 14, 2, minute) || s[16] != ':' || !Digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t i = 19;
  int64_t micros = 0;
  if (i < s.size() && s[i] == '.') {
    int64_t scale = 100000;
    size_t digits = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
      micros += (s[i] - '0') * scale;
      scale /= 10;
    }
    if (digits == 0) return std::nullopt;
  }
  int64_t offset_minutes = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const int sign = s[i] == '-' ? -1 : 1;
      int oh, om;
      if (!Digits(s, i + 1, 2, oh)) return std::nullopt;
      size_t at = i + 3;
      if (at < s.size() && s[at] == ':') ++at;
      if (!Digits(s, at, 2, om)) return std::nullopt;
      offset_minutes = sign * (oh * 60 + om);
      i = at + 2;
    }
  }
  if (i != s.size()) return std::nullopt;
  const int64_t days = DaysFromCivil(year, month, day);
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000000 + micros;
}

}  // namespace kongsi::match
