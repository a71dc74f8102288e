// Support for the log reader tests: lines in buffers with the padding log_reader.h asks for,
// whole files (gzip inflated with zlib) with their lines, and events as comparable values.
#pragma once

#include <zlib.h>

#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "match/event.h"
#include "match/log_reader.h"

namespace kongsi::match::testing {

// One line followed by kLinePadding bytes, as readers require. A new Set() invalidates the
// views of events read from the previous line.
class PaddedLine {
 public:
  std::string_view Set(std::string_view text) {
    buffer_.assign(text);
    buffer_.append(kLinePadding, '\0');
    return std::string_view(buffer_.data(), text.size());
  }

 private:
  std::string buffer_;
};

// A FieldValue with its own strings, for matchers.
struct Value {
  std::string field;
  Observable kind;
  std::string value;

  bool operator==(const Value& other) const {
    return std::tie(field, kind, value) == std::tie(other.field, other.kind, other.value);
  }
  friend void PrintTo(const Value& v, std::ostream* os) {
    *os << "{" << v.field << ", " << ObservableName(v.kind) << ", \"" << v.value << "\"}";
  }
};

inline std::vector<Value> Values(const Event& event) {
  std::vector<Value> out;
  for (const FieldValue& v : event.values) {
    out.push_back({std::string(v.field), v.kind, std::string(v.value)});
  }
  return out;
}

// The file's bytes, inflated when it is gzip; nullopt when it cannot be read.
inline std::optional<std::string> ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream raw;
  raw << in.rdbuf();
  std::string data = raw.str();
  if (data.size() < 2 || static_cast<unsigned char>(data[0]) != 0x1f ||
      static_cast<unsigned char>(data[1]) != 0x8b) {
    return data;
  }
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(data.data());
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      return std::nullopt;
    }
    out.append(chunk, sizeof(chunk) - stream.avail_out);
  }
  inflateEnd(&stream);
  return out;
}

// A whole file in one buffer with padding after it, cut into lines (views into the buffer,
// which satisfy the padding contract).
class FileLines {
 public:
  bool Load(const std::string& path) {
    std::optional<std::string> text = ReadFileText(path);
    if (!text) return false;
    SetText(*text);
    return true;
  }
  void SetText(std::string_view text) {
    buffer_.assign(text);
    const size_t size = buffer_.size();
    buffer_.append(kLinePadding, '\0');
    lines_.clear();
    std::string_view rest(buffer_.data(), size);
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      lines_.push_back(rest.substr(0, nl));
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
  }
  const std::vector<std::string_view>& lines() const { return lines_; }
  std::string_view text() const {
    return std::string_view(buffer_.data(), buffer_.size() - kLinePadding);
  }

 private:
  std::string buffer_;
  std::vector<std::string_view> lines_;
};

inline std::string SharedDataPath(std::string_view relative) {
  return std::string(KONGSI_SHARED_DATA_DIR) + "/" + std::string(relative);
}

inline std::string TestDataPath(std::string_view relative) {
  return std::string(KONGSI_TEST_DATA_DIR) + "/" + std::string(relative);
}

}  // namespace kongsi::match::testing
