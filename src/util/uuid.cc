// UUID generation and parsing on OpenSSL's RNG and SHA-1.
#include "util/uuid.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>

namespace kongsi::util {

const UuidBytes kStixScoNamespace = {0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
                                     0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7};

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string NewUuidV4() {
  UuidBytes b;
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    std::abort();  // the system RNG failing is not a recoverable condition
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  return FormatUuid(b);
}

std::string UuidV5(const UuidBytes& ns, std::string_view name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, ns.data(), ns.size());
  EVP_DigestUpdate(ctx, name.data(), name.size());
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  UuidBytes b;
  for (size_t i = 0; i < b.size(); ++i) b[i] = digest[i];
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x50);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  return FormatUuid(b);
}

std::optional<UuidBytes> ParseUuid(std::string_view s) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
    return std::nullopt;
  }
  UuidBytes b{};
  size_t j = 0;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '-') {
      ++i;
      continue;
    }
    const int hi = HexValue(s[i]), lo = HexValue(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    b[j++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return b;
}

std::string FormatUuid(const UuidBytes& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xF]);
  }
  return out;
}

}  // namespace kongsi::util
