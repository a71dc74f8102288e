// Traffic Light Protocol markings (FIRST TLP 2.0) as STIX carries them: the TLP 2.0
// marking definitions of the OASIS extension extension-definition--60a3c5c5-0d10-413e-aab3-
// 9e08dde9e88d, and the TLP 1.0 built-ins of STIX 2.1 (WHITE mapped to CLEAR).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kongsi::stix {

// Ordered from least to most restrictive; kNone means "no TLP marking on the object"
// (the policy layer then applies the node's configured default).
enum class Tlp : uint8_t {
  kNone = 0,
  kClear = 1,
  kGreen = 2,
  kAmber = 3,
  kAmberStrict = 4,
  kRed = 5
};

inline constexpr std::string_view kTlp2ExtensionId =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

// "clear", "green", "amber", "amber+strict", "red", or "none".
std::string_view TlpName(Tlp tlp);
// Inverse of TlpName; also accepts "white" (TLP 1.0) as CLEAR and upper case.
std::optional<Tlp> ParseTlpName(std::string_view name);

// The id of the STIX 2.1 predefined TLP 1.0 marking definition for CLEAR (WHITE), GREEN,
// AMBER or RED; empty for the levels TLP 1.0 does not have (none, AMBER+STRICT).
std::string_view Tlp10MarkingId(Tlp tlp);

// The id of the TLP 2.0 marking definition (the OASIS-published objects using the TLP 2.0
// extension) for a level; empty for kNone.
std::string_view Tlp2MarkingId(Tlp tlp);

// The TLP level of a well-known marking-definition id (TLP 2.0 or TLP 1.0), or nullopt.
std::optional<Tlp> TlpOfMarkingId(std::string_view marking_definition_id);

}  // namespace kongsi::stix
