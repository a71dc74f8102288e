// Which properties of which SCO types carry searchable values, and how they are normalised
// (the canonical forms of normalize.h, so that the value index and the log matcher agree).
#include "stix/observable.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <utility>

#include "stix/normalize.h"
#include "stix/pattern/parser.h"
#include "stix/pattern/pattern_values.h"
#include "util/strings.h"

namespace kongsi::stix {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// (SCO type, property) pairs whose string value is indexed under the kind "type" (when the
// property is "value") or "type:property".
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kValueProperties = {{
    {"ipv4-addr", "value"},
    {"ipv6-addr", "value"},
    {"domain-name", "value"},
    {"url", "value"},
    {"email-addr", "value"},
    {"mac-addr", "value"},
    {"file", "name"},
    {"mutex", "name"},
    {"directory", "path"},
    {"windows-registry-key", "key"},
    {"software", "cpe"},
    {"user-account", "account_login"},
    {"x509-certificate", "serial_number"},
    {"email-message", "message_id"},
}};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Today's forms for values the canonical normalisers refuse, so that nothing is lost from the
// value index: domains lower-cased without trailing dots, e-mail and IPv6 lower-cased.
std::string LowerDomain(std::string_view value) {
  std::string out = Lower(value);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

// `normalise(value)`, or when it refuses the value, `fallback(value)` normalised if it can be,
// else `fallback(value)` as it is. With an idempotent `normalise` and `fallback` the result is
// a fixed point: normalising it again gives it back (the value index relies on that).
template <typename Normalise, typename Fallback>
std::string WithFallback(std::string_view value, Normalise normalise, Fallback fallback) {
  std::string out;
  if (normalise(value, out)) return out;
  std::string plain = fallback(value);
  if (normalise(std::string_view(plain), out)) return out;
  return plain;
}

std::string AsIs(std::string_view value) { return std::string(value); }

bool NormaliseIpv4Value(std::string_view value, std::string& out) {
  const auto cidr = ParseIpv4Cidr(value);
  if (!cidr) return false;
  out = FormatIpv4(cidr->address);
  if (cidr->prefix != 32) out += util::StrCat("/", cidr->prefix);
  return true;
}

bool NormaliseIpv6Value(std::string_view value, std::string& out) {
  const auto cidr = ParseIpv6Cidr(value);
  if (!cidr) return false;
  out = FormatIpv6(cidr->address);
  if (cidr->prefix != 128) out += util::StrCat("/", cidr->prefix);
  return true;
}

bool IsHexString(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void AddHashes(std::string_view type, element hashes, std::vector<ObservableValue>& out) {
  object dict;
  if (hashes.get(dict) != simdjson::SUCCESS) return;
  for (auto field : dict) {
    std::string_view value;
    if (field.value.get(value) != simdjson::SUCCESS || value.empty()) continue;
    std::string kind = util::StrCat(type, ":hashes.", field.key);
    std::string normalised = NormaliseObservable(kind, value);
    out.push_back(ObservableValue{std::move(kind), std::move(normalised)});
  }
}

void ExtractFromSco(std::string_view type, object sco, std::vector<ObservableValue>& out) {
  for (const auto& [sco_type, property] : kValueProperties) {
    if (sco_type != type) continue;
    std::string_view value;
    if (sco[property].get(value) != simdjson::SUCCESS || value.empty()) continue;
    std::string kind = property == "value" ? std::string(type) : util::StrCat(type, ":", property);
    std::string normalised = NormaliseObservable(kind, value);
    out.push_back(ObservableValue{std::move(kind), std::move(normalised)});
  }
  if (type == "autonomous-system") {
    uint64_t number;
    if (sco["number"].get(number) == simdjson::SUCCESS) {
      out.push_back(ObservableValue{"autonomous-system", util::StrCat("AS", number)});
    }
  }
  element hashes;
  if (sco["hashes"].get(hashes) == simdjson::SUCCESS) AddHashes(type, hashes, out);
}

}  // namespace

std::string IndexedValueKind(std::string_view sco_type, std::string_view property) {
  for (const auto& [type, indexed] : kValueProperties) {
    if (type == sco_type && indexed == property) {
      return property == "value" ? std::string(type) : util::StrCat(type, ":", property);
    }
  }
  return "";
}

std::string NormaliseObservable(std::string_view kind, std::string_view value) {
  if (kind == "ipv4-addr") return WithFallback(value, NormaliseIpv4Value, AsIs);
  if (kind == "ipv6-addr") return WithFallback(value, NormaliseIpv6Value, Lower);
  if (kind == "domain-name") return WithFallback(value, NormaliseDomain, LowerDomain);
  if (kind == "url") return WithFallback(value, NormaliseUrl, AsIs);
  if (kind == "email-addr") return WithFallback(value, NormaliseEmail, Lower);
  if (kind == "mac-addr") return Lower(value);
  if (kind.find(":hashes.") != std::string_view::npos && IsHexString(value)) return Lower(value);
  return std::string(value);
}

std::vector<std::string> LookupForms(std::string_view value) {
  std::vector<std::string> forms;
  auto add = [&forms](std::string form) {
    if (!form.empty() && std::find(forms.begin(), forms.end(), form) == forms.end()) {
      forms.push_back(std::move(form));
    }
  };
  add(std::string(value));
  add(LowerDomain(value));  // also lower-case hashes and MAC addresses
  for (std::string_view kind : {"ipv4-addr", "ipv6-addr", "domain-name", "email-addr"}) {
    add(NormaliseObservable(kind, value));
  }
  // Any host name is a URL when "http://" is put before it; only a value with a path is
  // meant as one.
  if (value.find('/') != std::string_view::npos) add(NormaliseObservable("url", value));
  // Certificate fingerprints with colons ("AA:BB:..."), as hashes are indexed: lower-case hex.
  std::string digest;
  if (value.find(':') != std::string_view::npos && DecodeHashHex(value, digest)) {
    std::string hex;
    constexpr char kHex[] = "0123456789abcdef";
    for (unsigned char c : digest) {
      hex.push_back(kHex[c >> 4]);
      hex.push_back(kHex[c & 0xF]);
    }
    add(std::move(hex));
  }
  return forms;
}

void ExtractObservableValues(element value, std::vector<ObservableValue>& out) {
  object obj;
  std::string_view type;
  if (value.get(obj) != simdjson::SUCCESS || obj["type"].get(type) != simdjson::SUCCESS) return;
  if (type == "observed-data") {
    object embedded;
    if (obj["objects"].get(embedded) != simdjson::SUCCESS) return;
    for (auto field : embedded) {
      object sco;
      std::string_view sco_type;
      if (field.value.get(sco) == simdjson::SUCCESS &&
          sco["type"].get(sco_type) == simdjson::SUCCESS) {
        ExtractFromSco(sco_type, sco, out);
      }
    }
    return;
  }
  if (type == "indicator") {
    // The values an indicator's STIX pattern names (2.1 patterns; 2.0 ones are not parsed).
    std::string_view pattern, pattern_type, version;
    if (obj["pattern"].get(pattern) != simdjson::SUCCESS ||
        obj["pattern_type"].get(pattern_type) != simdjson::SUCCESS || pattern_type != "stix" ||
        (obj["pattern_version"].get(version) == simdjson::SUCCESS && version != "2.1")) {
      return;
    }
    auto parsed = pattern::Parse(pattern);
    if (auto* p = std::get_if<pattern::Pattern>(&parsed)) pattern::AppendPatternValues(*p, out);
    return;
  }
  ExtractFromSco(type, obj, out);
}

}  // namespace kongsi::stix
