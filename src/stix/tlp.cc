// Well-known TLP marking-definition ids. TLP 2.0 ids come from the OASIS TLP 2.0 extension;
// TLP 1.0 ids are the STIX 2.1 built-ins (section 7.2.1.4).
#include "stix/tlp.h"

#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace kongsi::stix {
namespace {

constexpr std::array<std::pair<std::string_view, Tlp>, 9> kWellKnown = {{
    // TLP 2.0
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::kClear},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp::kGreen},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp::kAmber},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp::kAmberStrict},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp::kRed},
    // TLP 1.0 (STIX 2.1 built-ins)
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::kClear},  // WHITE
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::kGreen},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::kAmber},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::kRed},
}};

}  // namespace

std::string_view TlpName(Tlp tlp) {
  switch (tlp) {
    case Tlp::kNone:
      return "none";
    case Tlp::kClear:
      return "clear";
    case Tlp::kGreen:
      return "green";
    case Tlp::kAmber:
      return "amber";
    case Tlp::kAmberStrict:
      return "amber+strict";
    case Tlp::kRed:
      return "red";
  }
  return "none";
}

std::optional<Tlp> ParseTlpName(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind("tlp:", 0) == 0) lower = lower.substr(4);
  if (lower == "clear" || lower == "white") return Tlp::kClear;
  if (lower == "green") return Tlp::kGreen;
  if (lower == "amber") return Tlp::kAmber;
  if (lower == "amber+strict") return Tlp::kAmberStrict;
  if (lower == "red") return Tlp::kRed;
  if (lower == "none") return Tlp::kNone;
  return std::nullopt;
}

std::string_view Tlp10MarkingId(Tlp tlp) {
  // The TLP 1.0 entries are the last four of kWellKnown.
  for (size_t i = 5; i < kWellKnown.size(); ++i) {
    if (kWellKnown[i].second == tlp) return kWellKnown[i].first;
  }
  return {};
}

std::string_view Tlp2MarkingId(Tlp tlp) {
  // The TLP 2.0 entries are the first five of kWellKnown.
  for (size_t i = 0; i < 5; ++i) {
    if (kWellKnown[i].second == tlp) return kWellKnown[i].first;
  }
  return {};
}

std::optional<Tlp> TlpOfMarkingId(std::string_view id) {
  for (const auto& [known, tlp] : kWellKnown) {
    if (known == id) return tlp;
  }
  return std::nullopt;
}

}  // namespace kongsi::stix
