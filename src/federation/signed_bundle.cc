// Signed offline bundles: the file format, Ed25519 signing and verification, the node key file.
#include "federation/signed_bundle.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "util/strings.h"
#include "util/time.h"

namespace kongsi::federation {
namespace {

using util::StrCat;

// The header fields, in the order a bundle must hold them (the signature line follows).
enum Field {
  kSignerName,
  kSignerIdentity,
  kSignerKey,
  kCreated,
  kFor,
  kCollection,
  kObjects,
  kPayloadSha256,
  kFieldCount
};
constexpr std::string_view kFieldNames[kFieldCount] = {
    "signer-name", "signer-identity", "signer-key", "created",
    "for",         "collection",      "objects",    "payload-sha256"};
constexpr std::string_view kSignatureField = "signature";

std::string_view FieldName(int field) { return kFieldNames[field]; }

// A bundle header larger than this is not one (protects against scanning a huge binary file).
constexpr size_t kMaxHeaderBytes = 64 * 1024;

void InitSodium() {
  // Idempotent and thread-safe. It fails only when the system offers no randomness, which only
  // Generate needs; signing and verifying are deterministic.
  static const int once = sodium_init();
  (void)once;
}

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// The `size` bytes `text` encodes, only if `text` is their canonical base64 (so that no two
// spellings of one key or signature exist); nullopt otherwise.
std::optional<std::string> DecodeBase64Exact(std::string_view text, size_t size) {
  if (text.size() != sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL) - 1) {
    return std::nullopt;
  }
  std::string out(size, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != size || end != text.data() + text.size() || Base64(out) != text) {
    return std::nullopt;
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool HasControlCharacter(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

// `text` for an error message: at most 60 bytes, control characters and non-ASCII bytes as
// \xNN, in quotes.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  const size_t n = std::min<size_t>(text.size(), 60);
  for (size_t i = 0; i < n; ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    if (u < 0x20 || u >= 0x7f || u == '"' || u == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += text[i];
    }
  }
  out += text.size() > n ? "\"..." : "\"";
  return out;
}

// Unsigned decimal without sign or leading zeros, at most 18 digits.
std::optional<uint64_t> ParseCount(std::string_view text) {
  if (text.empty() || text.size() > 18 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

// The header fields' values in order (kFieldCount of them).
std::array<std::string, kFieldCount> FieldValues(const BundleHeader& header,
                                                 const std::string& payload_sha256) {
  return {
      header.signer_name,   header.signer_identity, header.signer_key,           header.created,
      header.for_principal, header.collection,      StrCat(header.object_count), payload_sha256};
}

// The signed part of the header: the magic line and every field, each with its "\n".
absl::StatusOr<std::string> SignedHeader(const BundleHeader& header, std::string_view payload) {
  if (absl::Status status = CheckBundleHeader(header); !status.ok()) return status;
  const auto values = FieldValues(header, Sha256Hex(payload));
  std::string out = StrCat(kBundleMagic, "\n");
  for (int f = 0; f < kFieldCount; ++f) out += StrCat(FieldName(f), ": ", values[f], "\n");
  return out;
}

std::string SignedMessage(std::string_view signed_header) {
  std::string message(kBundleSignatureContext);
  message += '\0';
  message += signed_header;
  return message;
}

absl::Status Malformed(int line, std::string_view why) {
  return absl::InvalidArgumentError(StrCat("malformed bundle header at line ", line, ": ", why));
}

}  // namespace

// --- NodeKey -----------------------------------------------------------------------------------

NodeKey::~NodeKey() { sodium_memzero(secret_.data(), secret_.size()); }

absl::StatusOr<NodeKey> NodeKey::FromSecretKey(std::string_view secret_key) {
  if (secret_key.size() != kSecretKeySize) {
    return absl::InvalidArgumentError(
        StrCat("a node secret key is ", kSecretKeySize, " bytes, not ", secret_key.size()));
  }
  InitSodium();
  std::array<unsigned char, kSeedSize> seed;
  std::memcpy(seed.data(), secret_key.data(), kSeedSize);
  NodeKey key = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  if (sodium_memcmp(key.secret_.data(), secret_key.data(), kSecretKeySize) != 0) {
    return absl::InvalidArgumentError(
        "the node secret key is damaged: its public half does not match its seed");
  }
  return key;
}

absl::StatusOr<NodeKey> NodeKey::Load(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(
          StrCat(path, ": no node key (a node made by `kongsi init` has one)"));
    }
    return absl::PermissionDeniedError(StrCat(path, ": ", std::strerror(err)));
  }
  struct stat st;
  std::string bytes(kSecretKeySize + 1, '\0');
  ssize_t got = -1;
  absl::Status status;
  if (fstat(fd, &st) != 0) {
    status = absl::PermissionDeniedError(StrCat(path, ": ", std::strerror(errno)));
  } else if (!S_ISREG(st.st_mode)) {
    status = absl::InvalidArgumentError(StrCat(path, ": the node key is not a regular file"));
  } else if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    status = absl::PermissionDeniedError(
        StrCat(path, ": the node key may be read or changed by other users (mode ", mode,
               "); make it private with `chmod 600 ", path, "`"));
  } else {
    got = read(fd, bytes.data(), bytes.size());
    if (got < 0) status = absl::PermissionDeniedError(StrCat(path, ": ", std::strerror(errno)));
  }
  close(fd);
  if (status.ok() && got != static_cast<ssize_t>(kSecretKeySize)) {
    status = absl::InvalidArgumentError(
        StrCat(path, ": not a node key (", kSecretKeySize, " bytes expected)"));
  }
  if (!status.ok()) {
    sodium_memzero(bytes.data(), bytes.size());
    return status;
  }
  absl::StatusOr<NodeKey> key = FromSecretKey(std::string_view(bytes.data(), kSecretKeySize));
  sodium_memzero(bytes.data(), bytes.size());
  if (!key.ok()) return absl::InvalidArgumentError(StrCat(path, ": ", key.status().message()));
  return key;
}

NodeKey NodeKey::FromSeed(const std::array<unsigned char, kSeedSize>& seed) {
  InitSodium();
  NodeKey key;
  unsigned char public_key[kPublicKeySize];
  crypto_sign_seed_keypair(public_key, key.secret_.data(), seed.data());
  return key;
}

NodeKey NodeKey::Generate() {
  InitSodium();
  NodeKey key;
  unsigned char public_key[kPublicKeySize];
  crypto_sign_keypair(public_key, key.secret_.data());
  return key;
}

std::string NodeKey::PublicKey() const {
  unsigned char public_key[kPublicKeySize];
  crypto_sign_ed25519_sk_to_pk(public_key, secret_.data());
  return std::string(reinterpret_cast<const char*>(public_key), sizeof public_key);
}

std::string NodeKey::PublicKeyBase64() const { return Base64(PublicKey()); }

std::string NodeKey::Sign(std::string_view message) const {
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return signature;
}

// --- keys --------------------------------------------------------------------------------------

absl::StatusOr<std::string> DecodePublicKey(std::string_view base64) {
  auto key = DecodeBase64Exact(base64, NodeKey::kPublicKeySize);
  if (!key) {
    return absl::InvalidArgumentError(
        StrCat(Quote(base64),
               " is not a public key (the base64 of 32 bytes, as `kongsi node key` "
               "prints it)"));
  }
  return *std::move(key);
}

absl::StatusOr<std::string> PublicKeyFingerprint(std::string_view base64) {
  auto key = DecodePublicKey(base64);
  if (!key.ok()) return key.status();
  const std::string hex = Sha256Hex(*key);
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 4) {
    if (i > 0) out += ' ';
    out.append(hex, i, 4);
  }
  return out;
}

// --- writing -----------------------------------------------------------------------------------

absl::Status CheckBundleHeader(const BundleHeader& header) {
  const auto values = FieldValues(header, "-");
  for (int f = 0; f < kFieldCount; ++f) {
    if (values[f].empty()) {
      return absl::InvalidArgumentError(StrCat("bundle header field ", FieldName(f), " is empty"));
    }
    if (HasControlCharacter(values[f])) {
      return absl::InvalidArgumentError(
          StrCat("bundle header field ", FieldName(f), " holds a control character"));
    }
  }
  if (!util::ParseRfc3339(header.created).ok()) {
    return absl::InvalidArgumentError(
        StrCat("bundle header field created is not an RFC 3339 time: ", Quote(header.created)));
  }
  if (!DecodeBase64Exact(header.signer_key, NodeKey::kPublicKeySize)) {
    return absl::InvalidArgumentError("bundle header field signer-key is not a public key");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> SignBundle(const BundleHeader& header, std::string_view payload,
                                       const NodeKey& key) {
  BundleHeader signed_by = header;
  signed_by.signer_key = key.PublicKeyBase64();
  auto head = SignedHeader(signed_by, payload);
  if (!head.ok()) return head.status();
  const std::string signature = key.Sign(SignedMessage(*head));
  std::string file = *std::move(head);
  file += StrCat(kSignatureField, ": ", Base64(signature), "\n\n");
  file.append(payload.data(), payload.size());
  return file;
}

absl::StatusOr<std::string> UnsignedBundle(const BundleHeader& header, std::string_view payload) {
  auto head = SignedHeader(header, payload);
  if (!head.ok()) return head.status();
  std::string file = *std::move(head);
  file += "\n";
  file.append(payload.data(), payload.size());
  return file;
}

// --- reading -----------------------------------------------------------------------------------

absl::StatusOr<ParsedBundle> ParseBundle(std::string_view file) {
  // The magic line.
  const std::string_view magic_prefix = "KONGSI-BUNDLE ";
  if (file.substr(0, magic_prefix.size()) != magic_prefix) {
    const size_t first = file.find_first_not_of(" \t\r\n");
    const bool stix = first != std::string_view::npos && (file[first] == '{' || file[first] == '[');
    return absl::InvalidArgumentError(
        StrCat("not a kongsi bundle (it does not begin with \"", kBundleMagic, "\"",
               stix ? "; it looks like a STIX document, which `kongsi ingest` reads" : "", ")"));
  }
  size_t pos = file.find('\n');
  const std::string_view first_line = file.substr(0, pos);
  if (first_line != kBundleMagic) {
    if (first_line == StrCat(kBundleMagic, "\r")) {
      return Malformed(1,
                       "the file has CRLF line ends: it was changed on the way (copy bundles "
                       "as binary files)");
    }
    const std::string_view version = first_line.substr(magic_prefix.size());
    if (!version.empty() && version.size() <= 6 &&
        version.find_first_not_of("0123456789") == std::string_view::npos) {
      return absl::InvalidArgumentError(StrCat("kongsi bundle version ", version,
                                               " is not supported (this node reads version 1)"));
    }
    return Malformed(1, StrCat("expected \"", kBundleMagic, "\", found ", Quote(first_line)));
  }
  if (pos == std::string_view::npos) {
    return Malformed(1, "the file ends after the first line (truncated?)");
  }
  ++pos;

  // One header line: its text without "\n" (nullopt at the end of the file or the header limit).
  int line_number = 1;
  auto next_line = [&](std::string_view& line) -> absl::Status {
    ++line_number;
    const size_t end = file.find('\n', pos);
    if (end == std::string_view::npos || end > kMaxHeaderBytes) {
      if (end == std::string_view::npos && file.size() <= kMaxHeaderBytes) {
        return Malformed(line_number, "the file ends inside the header (truncated?)");
      }
      return Malformed(line_number, "the header does not end within 64 KiB");
    }
    line = file.substr(pos, end - pos);
    pos = end + 1;
    return absl::OkStatus();
  };
  // "name: value" with this name; the value.
  auto field_value = [&](std::string_view line, std::string_view name,
                         std::string_view& value) -> absl::Status {
    if (line.size() <= name.size() + 2 || line.substr(0, name.size()) != name ||
        line.substr(name.size(), 2) != ": ") {
      return Malformed(line_number, StrCat("expected \"", name, ": ...\", found ", Quote(line)));
    }
    value = line.substr(name.size() + 2);
    if (HasControlCharacter(value)) {
      return Malformed(line_number, StrCat(name, " holds a control character"));
    }
    return absl::OkStatus();
  };

  ParsedBundle bundle;
  for (int f = 0; f < kFieldCount; ++f) {
    std::string_view line, value;
    if (absl::Status s = next_line(line); !s.ok()) return s;
    if (absl::Status s = field_value(line, FieldName(f), value); !s.ok()) return s;
    switch (f) {
      case kSignerName:
        bundle.header.signer_name = value;
        break;
      case kSignerIdentity:
        bundle.header.signer_identity = value;
        break;
      case kSignerKey:
        if (!DecodeBase64Exact(value, NodeKey::kPublicKeySize)) {
          return Malformed(line_number, "signer-key is not the base64 of a 32-byte public key");
        }
        bundle.header.signer_key = value;
        break;
      case kCreated:
        if (auto t = util::ParseRfc3339(value); !t.ok()) {
          return Malformed(line_number,
                           StrCat("created is not an RFC 3339 time: ", t.status().message()));
        }
        bundle.header.created = value;
        break;
      case kFor:
        bundle.header.for_principal = value;
        break;
      case kCollection:
        bundle.header.collection = value;
        break;
      case kObjects:
        if (auto count = ParseCount(value)) {
          bundle.header.object_count = *count;
        } else {
          return Malformed(line_number, StrCat("objects is not a count: ", Quote(value)));
        }
        break;
      case kPayloadSha256:
        if (value.size() != 64 || !IsLowerHex(value)) {
          return Malformed(line_number, "payload-sha256 is not 64 lowercase hex digits");
        }
        bundle.payload_sha256 = value;
        break;
    }
  }
  bundle.signed_header = file.substr(0, pos);

  // The signature line (absent in an unsigned bundle), then the empty line.
  std::string_view line;
  if (absl::Status s = next_line(line); !s.ok()) return s;
  if (!line.empty()) {
    std::string_view value;
    if (absl::Status s = field_value(line, kSignatureField, value); !s.ok()) {
      return Malformed(line_number, StrCat("expected \"signature: ...\" or the empty line that "
                                           "ends the header, found ",
                                           Quote(line)));
    }
    auto signature = DecodeBase64Exact(value, crypto_sign_BYTES);
    if (!signature) {
      return Malformed(line_number, "signature is not the base64 of a 64-byte Ed25519 signature");
    }
    bundle.signature = *std::move(signature);
    if (absl::Status s = next_line(line); !s.ok()) return s;
    if (!line.empty()) {
      return Malformed(line_number,
                       StrCat("expected the empty line that ends the header, found ", Quote(line)));
    }
  }
  bundle.payload = file.substr(pos);
  return bundle;
}

absl::StatusOr<VerifiedBundle> VerifyBundle(std::string_view file,
                                            std::string_view expected_public_key,
                                            std::string_view peer_name) {
  InitSodium();
  auto expected = DecodePublicKey(expected_public_key);
  if (!expected.ok()) {
    return absl::InvalidArgumentError(StrCat("the public key configured for peer \"", peer_name,
                                             "\": ", expected.status().message()));
  }
  auto parsed = ParseBundle(file);
  if (!parsed.ok()) return parsed.status();
  if (parsed->signature.empty()) {
    return absl::UnauthenticatedError(
        "the bundle is not signed: refusing it (export it with --sign)");
  }
  // Only the configured key is trusted; the key the header names only explains a refusal.
  if (*DecodePublicKey(parsed->header.signer_key) != *expected) {
    return absl::UnauthenticatedError(
        StrCat("the bundle is signed by key ", parsed->header.signer_key, " (node ",
               Quote(parsed->header.signer_name), "), peer \"", peer_name,
               "\"'s configured key is ", expected_public_key,
               ": refusing it (it comes from another node, or the peer's key changed)"));
  }
  const std::string message = SignedMessage(parsed->signed_header);
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(parsed->signature.data()),
                                  reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size(),
                                  reinterpret_cast<const unsigned char*>(expected->data())) != 0) {
    return absl::UnauthenticatedError(
        StrCat("signature does not verify with the public key of peer \"", peer_name,
               "\": the bundle was altered or signed by another node"));
  }
  if (Sha256Hex(parsed->payload) != parsed->payload_sha256) {
    return absl::UnauthenticatedError(
        "the payload does not match the SHA-256 in the signed header: the bundle was altered or "
        "truncated after it was signed");
  }
  return VerifiedBundle{.header = std::move(parsed->header),
                        .payload_sha256 = std::move(parsed->payload_sha256),
                        .payload = parsed->payload};
}

}  // namespace kongsi::federation
