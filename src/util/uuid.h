// UUIDs as STIX identifiers use them: random v4 for new objects, name-based v5 for
// deterministic SCO ids (STIX 2.1 section 2.9), and RFC 4122 syntax checks.
// Thread-safe: no shared state (randomness comes from OpenSSL's thread-safe RNG).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kongsi::util {

using UuidBytes = std::array<uint8_t, 16>;

// The namespace STIX 2.1 defines for SCO UUIDv5 ids: 00abedb4-aa42-466c-9c01-fed23315a9b7.
extern const UuidBytes kStixScoNamespace;

// A new random (version 4) UUID in canonical lower-case form.
std::string NewUuidV4();

// The version 5 UUID of `name` in `ns` (SHA-1, RFC 4122 section 4.3).
std::string UuidV5(const UuidBytes& ns, std::string_view name);

// Parses canonical 8-4-4-4-12 hex form (either case). Returns nullopt on any syntax error.
std::optional<UuidBytes> ParseUuid(std::string_view text);

// Formats 16 bytes as a lower-case canonical UUID.
std::string FormatUuid(const UuidBytes& bytes);

// The version nibble (1..8) and whether the variant bits are RFC 4122's (10xx).
inline int UuidVersion(const UuidBytes& b) { return b[6] >> 4; }
inline bool IsRfc4122Variant(const UuidBytes& b) { return (b[8] & 0xC0) == 0x80; }

}  // namespace kongsi::util
