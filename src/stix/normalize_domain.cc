// Domain names and e-mail addresses (normalize.h). ASCII names, nearly all of what logs carry,
// are lower-cased and checked in one pass without libidn2; only labels with other bytes go
// through libidn2 (IDNA2008 with UTS #46 non-transitional mapping).
#include <idn2.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "stix/normalize.h"

namespace kongsi::stix {
namespace {

constexpr size_t kMaxName = 253;
constexpr size_t kMaxLabel = 63;
// Longer input is not given to libidn2 (its Punycode encoder is quadratic in the label
// length); no name whose A-label form fits in 253 bytes is spelled with more than this.
constexpr size_t kMaxUnicodeInput = 1024;

enum CharClass : uint8_t { kBad, kLetter, kDigit, kDot, kUpper };

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = kLetter;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = kUpper;
  for (int c = '0'; c <= '9'; ++c) table[c] = kDigit;
  table['-'] = kLetter;  // not a digit: a label with one is not numeric
  table['_'] = kLetter;  // "_dmarc", "_sip._tcp": service labels occur in DNS logs
  table['.'] = kDot;
  return table;
}
constexpr std::array<uint8_t, 256> kClasses = MakeClasses();

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void AppendLower(std::string_view text, std::string& out) {
  for (char c : text) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
}

struct Idn2Free {
  void operator()(uint8_t* p) const { idn2_free(p); }
};

// An A-label libidn2 made from Unicode input holds the input's ASCII characters as they were;
// IDNA2008 allows only letters, digits and hyphens there (libidn2 without the STD3 rules lets
// "_" or "*" through, and with them silently drops such characters).
bool ConvertedLabelsAreLdh(std::string_view converted) {
  size_t start = 0;
  while (start <= converted.size()) {
    size_t dot = converted.find('.', start);
    if (dot == std::string_view::npos) dot = converted.size();
    const std::string_view label = converted.substr(start, dot - start);
    if (label.size() >= 4 && label.substr(0, 4) == "xn--" &&
        label.find('_') != std::string_view::npos) {
      return false;
    }
    start = dot + 1;
  }
  return true;
}

// Labels with non-ASCII bytes go to libidn2 one at a time, so that ASCII labels keep the
// forms the fast path accepts ("_dmarc", A-labels as written) whatever their neighbours are.
bool NormaliseUnicodeDomain(std::string_view name, std::string& out) {
  if (name.size() > kMaxUnicodeInput || std::memchr(name.data(), '\0', name.size()) != nullptr) {
    return false;
  }
  const bool had_trailing_dot = name.back() == '.';
  if (had_trailing_dot) name.remove_suffix(1);
  out.clear();
  std::string label_z;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    const std::string_view label = name.substr(start, dot - start);
    if (start > 0) out.push_back('.');
    if (IsAscii(label)) {
      AppendLower(label, out);
    } else {
      label_z.assign(label);
      uint8_t* converted = nullptr;
      const int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(label_z.c_str()), &converted,
                                    IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
      std::unique_ptr<uint8_t, Idn2Free> owner(converted);
      if (rc != IDN2_OK || converted == nullptr) return false;
      const std::string_view text(reinterpret_cast<const char*>(converted));
      if (!ConvertedLabelsAreLdh(text)) return false;
      AppendLower(text, out);
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // UTS #46 maps the ideographic and full-width full stops to '.': a name may end in one.
  if (!had_trailing_dot && !out.empty() && out.back() == '.') out.pop_back();
  return IsNormalDomain(out);
}

}  // namespace

bool IsNormalDomain(std::string_view name) {
  if (name.empty() || name.size() > kMaxName) return false;
  size_t label_length = 0;
  bool numeric = true;  // the current label has digits only
  for (char c : name) {
    switch (kClasses[static_cast<unsigned char>(c)]) {
      case kLetter:
        numeric = false;
        [[fallthrough]];
      case kDigit:
        if (++label_length > kMaxLabel) return false;
        break;
      case kDot:
        if (label_length == 0) return false;
        label_length = 0;
        numeric = true;
        break;
      default:
        return false;
    }
  }
  // No top-level domain is all digits: such a name is an IPv4 address in some spelling
  // ("1.2.3.4", "127.1", "0177.0.0.1"), which is never a domain name here.
  return label_length != 0 && !numeric;
}

bool NormaliseDomain(std::string_view name, std::string& out) {
  if (name.empty()) return false;
  if (!IsAscii(name)) return NormaliseUnicodeDomain(name, out);
  if (name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxName) return false;
  out.assign(name);
  for (char& c : out) {
    if (kClasses[static_cast<unsigned char>(c)] == kUpper) c = static_cast<char>(c + 32);
  }
  return IsNormalDomain(out);
}

bool NormaliseEmail(std::string_view address, std::string& out) {
  const size_t at = address.find('@');
  if (at == 0 || at == std::string_view::npos ||
      address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view local = address.substr(0, at);
  if (!NormaliseDomain(address.substr(at + 1), out)) return false;
  out.insert(0, local.size() + 1, '@');
  for (size_t i = 0; i < local.size(); ++i) {
    const char c = local[i];
    out[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  }
  return true;
}

}  // namespace kongsi::stix
