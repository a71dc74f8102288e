// Bits are chosen by FNV-1a: the names are short and few, and the summary must never change
// between releases (it is stored), so a fixed, simple hash it is; so is the list of common
// names below (append-only would still change meanings: never edit it).
#include "stix/property_bloom.h"

#include <algorithm>
#include <array>

namespace kongsi::stix {
namespace {

constexpr uint64_t kComputed = uint64_t{1} << 63;

uint64_t Bit(std::string_view text, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return uint64_t{1} << (h % 63);
}

constexpr uint64_t kNameSeed = 0;
constexpr uint64_t kPrefixSeed = 0x9e3779b97f4a7c15ull;

// Properties most STIX objects carry, sorted: not summarised.
constexpr std::array<std::string_view, 40> kCommon = {
    "aliases",
    "confidence",
    "created",
    "created_by_ref",
    "defanged",
    "description",
    "first_observed",
    "first_seen",
    "hashes",
    "id",
    "identity_class",
    "indicator_types",
    "is_family",
    "kill_chain_phases",
    "labels",
    "lang",
    "last_observed",
    "last_seen",
    "malware_types",
    "modified",
    "name",
    "number_observed",
    "object_marking_refs",
    "object_refs",
    "pattern",
    "pattern_type",
    "pattern_version",
    "relationship_type",
    "revoked",
    "roles",
    "sectors",
    "sighting_of_ref",
    "source_ref",
    "spec_version",
    "target_ref",
    "type",
    "valid_from",
    "valid_until",
    "value",
    "where_sighted_refs",
};

bool IsCommon(std::string_view name) {
  return std::find(kCommon.begin(), kCommon.end(), name) != kCommon.end();
}

}  // namespace

uint64_t PropertyBloom(simdjson::dom::object object) {
  uint64_t bloom = kComputed;
  for (auto field : object) {
    if (IsCommon(field.key)) continue;
    bloom |= Bit(field.key, kNameSeed);
    if (field.key.size() >= 2) bloom |= Bit(field.key.substr(0, 2), kPrefixSeed);
  }
  return bloom;
}

std::optional<uint64_t> BloomNameBit(std::string_view name) {
  if (IsCommon(name)) return std::nullopt;
  return Bit(name, kNameSeed);
}

std::optional<uint64_t> BloomPrefixBit(std::string_view prefix) {
  if (prefix.size() < 2) return std::nullopt;
  for (std::string_view common : kCommon) {
    if (common.substr(0, prefix.size()) == prefix) return std::nullopt;
  }
  return Bit(prefix.substr(0, 2), kPrefixSeed);
}

}  // namespace kongsi::stix
