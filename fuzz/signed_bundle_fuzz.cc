// libFuzzer target for signed offline bundles (federation/signed_bundle.h): any bytes as a
// bundle file, as `kongsi bundle import` reads it.
//
// Besides the sanitizers it checks:
//  - ParseBundle fails only with one of the documented messages; a parsed bundle has the one
//    spelling the format allows: its parts put back together are the input, byte for byte;
//  - its header, signed again with the fuzzing key, verifies with that key and reads back as the
//    same header and payload; changing any one byte of that signed file (the position and the
//    change come from the input) makes it fail;
//  - VerifyBundle with the fuzzing key accepts the input only if it is exactly what signing its
//    header and payload with that key gives (no forgery, no second spelling of a signed file).
//
// Build and run: `make fuzz` (docs/building.md). The seeds in fuzz/corpus/signed_bundle/ include
// bundles signed with the fuzzing key (its seed is 32 bytes of 0x42).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "federation/signed_bundle.h"

namespace {

using kongsi::federation::NodeKey;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "signed_bundle_fuzz: invariant broken: %s\n", what);
  std::abort();
}

const NodeKey& FuzzKey() {
  static const NodeKey key = [] {
    std::array<unsigned char, NodeKey::kSeedSize> seed;
    seed.fill(0x42);
    return NodeKey::FromSeed(seed);
  }();
  return key;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                       (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                       uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (bytes.size() - i == 1) {
    const uint32_t v = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (bytes.size() - i == 2) {
    const uint32_t v = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                       (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool DocumentedParseError(const absl::Status& status) {
  const absl::string_view m = status.message();
  return status.code() == absl::StatusCode::kInvalidArgument &&
         (absl::StartsWith(m, "not a kongsi bundle (") ||
          absl::StartsWith(m, "malformed bundle header at line ") ||
          (absl::StartsWith(m, "kongsi bundle version ") &&
           absl::EndsWith(m, " is not supported (this node reads version 1)")));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const NodeKey& key = FuzzKey();
  const std::string public_key = key.PublicKeyBase64();

  auto parsed = kongsi::federation::ParseBundle(input);
  auto verified = kongsi::federation::VerifyBundle(input, public_key, "fuzz");
  if (!parsed.ok()) {
    if (!DocumentedParseError(parsed.status())) Fail("undocumented parse error");
    if (verified.ok()) Fail("verified what does not parse");
    if (verified.status() != parsed.status()) Fail("verify and parse disagree on the error");
    return 0;
  }

  // One spelling: the parts put back together are the input.
  std::string rebuilt(parsed->signed_header);
  if (!parsed->signature.empty()) {
    if (parsed->signature.size() != 64) Fail("signature is not 64 bytes");
    rebuilt += "signature: " + Base64(parsed->signature) + "\n";
  }
  rebuilt += "\n";
  rebuilt += parsed->payload;
  if (rebuilt != input) Fail("parsed bundle does not rebuild to the input");
  if (parsed->payload_sha256.size() != 64) Fail("payload digest is not 64 hex digits");

  // Signing the parsed header again: verifies, reads back the same.
  auto resigned = kongsi::federation::SignBundle(parsed->header, parsed->payload, key);
  if (!resigned.ok()) Fail("a parsed header cannot be signed again");
  auto round = kongsi::federation::VerifyBundle(*resigned, public_key, "fuzz");
  if (!round.ok()) Fail("a freshly signed bundle does not verify");
  kongsi::federation::BundleHeader want = parsed->header;
  want.signer_key = public_key;
  if (!(round->header == want) || round->payload != parsed->payload) {
    Fail("a signed bundle reads back differently");
  }

  // Only the exact signed file verifies.
  if (verified.ok() && *resigned != input) Fail("verified a file the key did not sign");
  if (!verified.ok() && *resigned == input) Fail("refused a file the key signed");

  // Any one changed byte of a signed file is refused.
  if (!resigned->empty()) {
    const size_t at = (size * 2654435761u) % resigned->size();
    const unsigned char mask = size > 0 ? static_cast<unsigned char>(data[0] | 1) : 1;
    std::string changed = *resigned;
    changed[at] = static_cast<char>(changed[at] ^ mask);
    if (kongsi::federation::VerifyBundle(changed, public_key, "fuzz").ok()) {
      Fail("a changed byte of a signed bundle was accepted");
    }
  }
  return 0;
}
