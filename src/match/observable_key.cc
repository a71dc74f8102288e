// Canonical keys per observable kind (see observable_key.h).
#include "match/observable_key.h"

#include "stix/normalize.h"

namespace kongsi::match {
namespace {

bool HasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

void AppendLower(std::string_view s, std::string& out) {
  for (char c : s) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
}

bool Lowered(std::string_view value, std::string& scratch, std::string_view& key) {
  if (!HasUpper(value)) {
    key = value;
    return true;
  }
  scratch.clear();
  AppendLower(value, scratch);
  key = scratch;
  return true;
}

bool Digest(std::string_view value, size_t want_bytes, std::string& scratch,
            std::string_view& key) {
  scratch.clear();
  if (!stix::DecodeHashHex(value, scratch)) return false;
  if (want_bytes != 0 && scratch.size() != want_bytes) return false;
  key = scratch;
  return true;
}

}  // namespace

bool ObservableKey(Observable kind, std::string_view value, std::string& scratch,
                   std::string_view& key) {
  if (value.empty()) return false;
  switch (kind) {
    case Observable::kIpAddress:
    case Observable::kCount:
      return false;
    case Observable::kDomainName:
      if (stix::IsNormalDomain(value)) {
        key = value;
        return true;
      }
      scratch.clear();
      if (!stix::NormaliseDomain(value, scratch)) return false;
      key = scratch;
      return true;
    case Observable::kUrl:
      scratch.clear();
      if (!stix::NormaliseUrl(value, scratch)) return false;
      key = scratch;
      return true;
    case Observable::kFileHash:
      return Digest(value, 0, scratch, key);
    case Observable::kX509Sha1:
      return Digest(value, 20, scratch, key);
    case Observable::kX509Sha256:
      return Digest(value, 32, scratch, key);
    case Observable::kEmailAddress:
      scratch.clear();
      if (!stix::NormaliseEmail(value, scratch)) return false;
      key = scratch;
      return true;
    case Observable::kJa3:
    case Observable::kJa3s:
    case Observable::kJa4:
      return Lowered(value, scratch, key);
    case Observable::kX509Serial: {
      scratch.clear();
      for (char c : value) {
        if (c == ':' || c == ' ') continue;
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex) return false;
        if (scratch.empty() && c == '0') continue;
        scratch.push_back(c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c);
      }
      if (scratch.empty()) scratch.push_back('0');
      key = scratch;
      return true;
    }
    case Observable::kMacAddress:
      scratch.clear();
      for (char c : value) {
        if (c == '-') c = ':';
        scratch.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
      }
      key = scratch;
      return true;
    case Observable::kUserAgent:
    case Observable::kFileName:
      key = value;
      return true;
  }
  return false;
}

std::vector<Observable> KindsOf(std::string_view value) {
  std::vector<Observable> kinds;
  if (value.empty()) return kinds;
  if (stix::ParseIpv4(value) || stix::ParseIpv6(value)) {
    kinds.push_back(Observable::kIpAddress);
    return kinds;
  }
  std::string scratch;
  std::string_view key;
  for (Observable kind : {Observable::kUrl, Observable::kEmailAddress, Observable::kFileHash,
                          Observable::kX509Sha1, Observable::kX509Sha256}) {
    if (kind == Observable::kUrl && value.find("://") == std::string_view::npos) continue;
    if (ObservableKey(kind, value, scratch, key)) kinds.push_back(kind);
  }
  const bool hex32 = value.size() == 32 &&
                     value.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
  if (hex32) {
    kinds.push_back(Observable::kJa3);
    kinds.push_back(Observable::kJa3s);
  }
  if (value.find('.') != std::string_view::npos && value.find('@') == std::string_view::npos &&
      value.find('/') == std::string_view::npos &&
      ObservableKey(Observable::kDomainName, value, scratch, key)) {
    kinds.push_back(Observable::kDomainName);
  }
  for (Observable kind : {Observable::kJa4, Observable::kUserAgent, Observable::kFileName,
                          Observable::kX509Serial, Observable::kMacAddress}) {
    if (ObservableKey(kind, value, scratch, key)) kinds.push_back(kind);
  }
  return kinds;
}

}  // namespace kongsi::match
