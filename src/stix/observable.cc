// Which properties of which SCO types carry searchable values, and how they are normalised.
#include "stix/observable.h"

#include <array>
#include <cctype>
#include <utility>

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

std::string NormaliseObservable(std::string_view kind, std::string_view value) {
  if (kind == "domain-name") {
    std::string out = Lower(value);
    while (!out.empty() && out.back() == '.') out.pop_back();
    return out;
  }
  if (kind == "email-addr" || kind == "mac-addr" || kind == "ipv6-addr") return Lower(value);
  if (kind.find(":hashes.") != std::string_view::npos && IsHexString(value)) return Lower(value);
  return std::string(value);
}

std::vector<std::string> LookupForms(std::string_view value) {
  std::vector<std::string> forms{std::string(value)};
  std::string lower = NormaliseObservable("domain-name", value);
  if (lower != value) forms.push_back(std::move(lower));
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
  ExtractFromSco(type, obj, out);
}

}  // namespace kongsi::stix
