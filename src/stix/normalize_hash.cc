// Hex digests as raw bytes (normalize.h): the key form of file hashes and certificate
// fingerprints, which logs print plain ("d41d8cd9...") or with colons ("aa:bb:cc:...").
#include <cstddef>
#include <string>
#include <string_view>

#include "stix/normalize.h"

namespace kongsi::stix {
namespace {

constexpr int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr bool IsDigestLength(size_t bytes) {
  return bytes == 16 || bytes == 20 || bytes == 32 || bytes == 64;  // MD5, SHA-1, -256, -512
}

}  // namespace

bool DecodeHashHex(std::string_view hex, std::string& out) {
  const size_t n = hex.size();
  // With colons every byte but the last takes three characters: "ab:cd" is 2 * 3 - 1.
  const bool colons = n > 2 && hex[2] == ':';
  const size_t stride = colons ? 3 : 2;
  if ((n + (colons ? 1 : 0)) % stride != 0) return false;
  const size_t bytes = (n + (colons ? 1 : 0)) / stride;
  if (!IsDigestLength(bytes)) return false;
  out.resize(bytes);
  for (size_t i = 0; i < bytes; ++i) {
    const size_t at = i * stride;
    const int high = HexValue(hex[at]);
    const int low = HexValue(hex[at + 1]);
    if (high < 0 || low < 0) return false;
    if (colons && i + 1 < bytes && hex[at + 2] != ':') return false;
    out[i] = static_cast<char>(high << 4 | low);
  }
  return true;
}

}  // namespace kongsi::stix
