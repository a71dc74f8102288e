// Signed offline bundles: STIX objects carried between air-gapped nodes in a file that says who
// made it, for whom, and proves with the node's Ed25519 key (libsodium) that nobody changed a
// byte on the way. `kongsi bundle export --sign` writes one, `kongsi bundle import --peer P`
// accepts it only if it verifies with the public key configured for peer P (docs/federation.md,
// "Offline bundles").
//
// File format, version 1 (UTF-8 text, "\n" line ends, no "\r"):
//
//   KONGSI-BUNDLE 1
//   signer-name: CERT node A                      the exporting node's name (`kongsi init --name`)
//   signer-identity: identity--7c1f...            its STIX identity
//   signer-key: 3q2+7w...=                        its Ed25519 public key, base64 (32 bytes)
//   created: 2026-03-01T08:00:00.000Z             when the bundle was made (RFC 3339)
//   for: node-b                                   the principal the objects were disclosed to
//   collection: 9a1c2f4e-...                      the exported collection's id
//   objects: 3                                    number of objects in the payload
//   payload-sha256: 5e88...                       SHA-256 of the payload, 64 lowercase hex digits
//   signature: 0Yk2...==                          Ed25519 signature, base64 (64 bytes)
//   <empty line>
//   {"type":"bundle","id":"bundle--...","objects":[...]}     the payload, to the end of the file
//
// The header fields come in exactly this order, each once, written "name: value" with a
// non-empty value free of control characters; base64 is the standard alphabet with padding,
// in its canonical form. An unsigned bundle (for inspection only: import refuses it) has no
// `signature` line. The signature is crypto_sign_detached over
//
//   "KONGSI-BUNDLE-SIGNATURE 1" NUL <the file's bytes from its start up to the signature line>
//
// that is, the magic line and the eight fields, each with its "\n". The payload is bound by its
// SHA-256 in the signed fields, so that any change to the header, the signature, the empty line
// or the payload is refused; the prefix keeps the signature from being valid for anything else
// the node key might sign.
//
// Thread-safe: pure functions over their arguments; NodeKey is a value (copies are
// independent, and each wipes its secret when destroyed).
// Errors: InvalidArgument for what is not a well-formed bundle (not a kongsi bundle at all, an
// unsupported version, a malformed header line: "malformed bundle header at line N: ...") and
// for a bad public key given by the caller; Unauthenticated for a bundle that is well formed
// but not to be trusted (unsigned, signed by another key, a signature that does not verify, a
// payload that does not match its signed digest).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace kongsi::federation {

// The first line of every bundle of the version this node writes and reads.
inline constexpr std::string_view kBundleMagic = "KONGSI-BUNDLE 1";
// What precedes the signed header bytes in the signed message (with a NUL after it).
inline constexpr std::string_view kBundleSignatureContext = "KONGSI-BUNDLE-SIGNATURE 1";

// The node's Ed25519 key pair (libsodium's 64-byte secret key: seed then public key), as
// `kongsi init` writes it to the data directory.
class NodeKey {
 public:
  static constexpr size_t kSecretKeySize = 64;
  static constexpr size_t kPublicKeySize = 32;
  static constexpr size_t kSeedSize = 32;

  // The key of a libsodium secret key. InvalidArgument when it is not 64 bytes, or when its
  // public half is not the one its seed yields (a damaged key).
  static absl::StatusOr<NodeKey> FromSecretKey(std::string_view secret_key);
  // Reads the secret key file at `path` (NodeKeyPath in app/node.h). NotFound when there is no
  // such file; PermissionDenied when other users may access it (it must be mode 0600 or
  // stricter) or it cannot be read; InvalidArgument when it is not a regular file of 64 bytes
  // or the key is damaged. Messages name the path.
  static absl::StatusOr<NodeKey> Load(const std::string& path);
  // The key pair derived from a 32-byte seed (deterministic: tests and fuzzing).
  static NodeKey FromSeed(const std::array<unsigned char, kSeedSize>& seed);
  // A new random key pair.
  static NodeKey Generate();

  NodeKey(const NodeKey& other) = default;
  NodeKey& operator=(const NodeKey& other) = default;
  ~NodeKey();

  // The public key as raw bytes, and base64 (what `kongsi node key` prints and peers configure).
  std::string PublicKey() const;
  std::string PublicKeyBase64() const;
  // The Ed25519 signature (64 bytes) of `message`.
  std::string Sign(std::string_view message) const;

 private:
  NodeKey() = default;
  std::array<unsigned char, kSecretKeySize> secret_{};
};

// The raw 32 bytes of a base64 Ed25519 public key. InvalidArgument unless `base64` is the
// canonical standard base64 of exactly 32 bytes.
absl::StatusOr<std::string> DecodePublicKey(std::string_view base64);

// A fingerprint of a base64 public key for comparing keys by eye or over the telephone: the
// SHA-256 of its 32 bytes in hex, in groups of four ("3f2a 9c1b ..."; 16 groups).
// InvalidArgument as DecodePublicKey.
absl::StatusOr<std::string> PublicKeyFingerprint(std::string_view base64);

// What a bundle's header says (everything but the payload digest and the signature).
struct BundleHeader {
  std::string signer_name;      // the exporting node's name
  std::string signer_identity;  // its STIX identity id
  std::string signer_key;       // its public key, base64 (SignBundle sets it from the key)
  std::string created;          // RFC 3339 time the bundle was made
  std::string for_principal;    // the principal the objects were disclosed to
  std::string collection;       // the id of the collection the objects were exported from
  uint64_t object_count = 0;    // objects in the payload

  bool operator==(const BundleHeader&) const = default;
};

// OK when `header` can be written: InvalidArgument when a field is empty or holds a control
// character, `created` is not an RFC 3339 time, or signer_key is not a public key.
absl::Status CheckBundleHeader(const BundleHeader& header);

// The whole bundle file for `payload`, signed with `key` (whose public key replaces
// header.signer_key). InvalidArgument when a header field is empty, holds a control character,
// or `created` is not an RFC 3339 time.
absl::StatusOr<std::string> SignBundle(const BundleHeader& header, std::string_view payload,
                                       const NodeKey& key);

// The same file without a signature: for looking at what would leave the node; no node accepts
// it. Errors as SignBundle, and InvalidArgument when header.signer_key is not a public key.
absl::StatusOr<std::string> UnsignedBundle(const BundleHeader& header, std::string_view payload);

// A bundle file taken apart, not verified. Views point into the parsed text.
struct ParsedBundle {
  BundleHeader header;
  std::string payload_sha256;      // as written: 64 lowercase hex digits
  std::string signature;           // the raw 64 bytes; empty for an unsigned bundle
  std::string_view signed_header;  // the bytes the signature covers (after the context prefix)
  std::string_view payload;        // everything after the empty line
};

// Splits `file` into header, signature and payload, checking the format strictly (every field
// present, in order, with a well-formed value). InvalidArgument: "not a kongsi bundle (...)",
// "kongsi bundle version N is not supported ...", "malformed bundle header at line N: ...".
absl::StatusOr<ParsedBundle> ParseBundle(std::string_view file);

// A bundle whose signature verified.
struct VerifiedBundle {
  BundleHeader header;
  std::string payload_sha256;
  std::string_view payload;  // points into the verified file: valid while the file's text is
};

// Verifies `file` as coming from peer `peer_name`, whose configured public key is
// `expected_public_key` (base64); only that key is trusted, never the one the header names.
// Errors: those of ParseBundle; InvalidArgument when `expected_public_key` is not a public key;
// Unauthenticated: "the bundle is not signed: refusing it (export it with --sign)", "the bundle
// is signed by key K ..., peer "X"'s configured key is Y", "signature does not verify with the
// public key of peer "X": the bundle was altered or signed by another node", or a payload that
// does not match the signed digest (altered or truncated after signing).
absl::StatusOr<VerifiedBundle> VerifyBundle(std::string_view file,
                                            std::string_view expected_public_key,
                                            std::string_view peer_name);

}  // namespace kongsi::federation
