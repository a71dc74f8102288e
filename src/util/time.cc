// RFC 3339 parsing and formatting without locale or timezone database dependencies.
#include "util/time.h"

#include <chrono>

#include "absl/strings/str_format.h"

namespace kongsi::util {
namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`; returns false when they are not all digits.
bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

absl::Status Bad(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("invalid RFC 3339 timestamp \"%s\": %s", text, why));
}

}  // namespace

absl::StatusOr<ParsedTimestamp> ParseRfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, year) || s.size() < 5 || s[4] != '-' || !Digits(s, 5, 2, month) ||
      s.size() < 8 || s[7] != '-' || !Digits(s, 8, 2, day)) {
    return Bad(s, "expected YYYY-MM-DD");
  }
  if (s.size() < 11 || (s[10] != 'T' && s[10] != 't')) return Bad(s, "expected 'T' after the date");
  if (!Digits(s, 11, 2, hour) || s.size() < 14 || s[13] != ':' || !Digits(s, 14, 2, minute) ||
      s.size() < 17 || s[16] != ':' || !Digits(s, 17, 2, second)) {
    return Bad(s, "expected HH:MM:SS");
  }
  if (month < 1 || month > 12) return Bad(s, "month out of range");
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month)) {
    return Bad(s, "day out of range");
  }
  if (hour > 23) return Bad(s, "hour out of range");
  if (minute > 59) return Bad(s, "minute out of range");
  if (second > 60) return Bad(s, "second out of range");  // 60: leap second, folded into :59
  if (second == 60) second = 59;

  ParsedTimestamp out;
  size_t pos = 19;
  int64_t micros_frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - start < 6) micros_frac = micros_frac * 10 + (s[pos] - '0');
      ++pos;
    }
    out.fraction_digits = static_cast<int>(pos - start);
    if (out.fraction_digits == 0) return Bad(s, "no digits after '.'");
    for (int i = out.fraction_digits; i < 6; ++i) micros_frac *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    out.utc_z = s[pos] == 'Z';
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return Bad(s, "bad UTC offset");
    }
    offset_seconds = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return Bad(s, "missing time zone ('Z' or an offset)");
  }
  if (pos != s.size()) return Bad(s, "trailing characters");

  const int64_t days = DaysFromCivil(year, month, day);
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  out.micros = seconds * 1000000 + micros_frac;
  return out;
}

std::string FormatRfc3339(Timestamp t, int fraction_digits) {
  int64_t seconds = t / 1000000;
  int64_t micros = t % 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  std::string out = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, rem / 3600,
                                    (rem / 60) % 60, rem % 60);
  if (fraction_digits == 3) {
    absl::StrAppendFormat(&out, ".%03d", micros / 1000);
  } else if (fraction_digits == 6) {
    absl::StrAppendFormat(&out, ".%06d", micros);
  }
  out.push_back('Z');
  return out;
}

Timestamp SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const SystemClock& SystemClock::Get() {
  static const SystemClock clock;
  return clock;
}

}  // namespace kongsi::util
