// The Zeek column table. Names are looked up per column once per header (TSV) or per member
// per line (JSON), so the lookup switches on the length before comparing.
#include "match/zeek_fields.h"

#include "match/field_text.h"

namespace kongsi::match {
namespace {

// A DNS answer that is a name: letters, digits, '-', '_', '.' only (TXT answers and Zeek's
// "<unknown type=N>" have spaces or other characters).
bool IsNameText(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

ZeekField ZeekFieldByName(std::string_view name) {
  using V = ZeekValue;
  switch (name.size()) {
    case 2:
      if (name == "ts") return {V::kTimestamp, false};
      if (name == "to") return {V::kEmail, true};
      if (name == "cc") return {V::kEmail, true};
      break;
    case 3:
      if (name == "src") return {V::kIp, false};
      if (name == "dst") return {V::kIp, false};
      if (name == "uri") return {V::kUri, false};
      if (name == "md5") return {V::kFileHash, false};
      if (name == "ja3") return {V::kJa3, false};
      if (name == "ja4") return {V::kJa4, false};
      if (name == "mac") return {V::kMac, false};
      break;
    case 4:
      if (name == "host") return {V::kHost, false};
      if (name == "sha1") return {V::kFileHash, false};
      if (name == "from") return {V::kEmail, false};
      if (name == "ja3s") return {V::kJa3s, false};
      break;
    case 5:
      if (name == "query") return {V::kDomain, false};
      break;
    case 6:
      if (name == "sha256") return {V::kFileHash, false};
      if (name == "rcptto") return {V::kEmail, true};
      if (name == "san.ip") return {V::kIp, true};
      break;
    case 7:
      if (name == "answers") return {V::kDnsAnswer, true};
      if (name == "san.dns") return {V::kDomain, true};
      if (name == "src_mac") return {V::kMac, false};
      if (name == "dst_mac") return {V::kMac, false};
      break;
    case 8:
      if (name == "filename") return {V::kFileName, false};
      if (name == "mailfrom") return {V::kEmail, false};
      if (name == "reply_to") return {V::kEmail, false};
      if (name == "tx_hosts") return {V::kIp, true};
      if (name == "rx_hosts") return {V::kIp, true};
      break;
    case 9:
      if (name == "id.orig_h") return {V::kIp, false};
      if (name == "id.resp_h") return {V::kIp, false};
      if (name == "san.email") return {V::kEmail, true};
      break;
    case 10:
      if (name == "user_agent") return {V::kUserAgent, false};
      break;
    case 11:
      if (name == "server_name") return {V::kDomain, false};
      if (name == "fingerprint") return {V::kFingerprint, false};
      break;
    case 12:
      if (name == "orig_l2_addr") return {V::kMac, false};
      if (name == "resp_l2_addr") return {V::kMac, false};
      break;
    case 14:
      if (name == "cert_chain_fps") return {V::kFingerprint, true};
      break;
    case 18:
      if (name == "certificate.serial") return {V::kX509Serial, false};
      break;
    case 21:
      if (name == "client_cert_chain_fps") return {V::kFingerprint, true};
      break;
    default:
      break;
  }
  return {};
}

void AddZeekValue(Event& event, std::string_view field, ZeekValue what, std::string_view text) {
  switch (what) {
    case ZeekValue::kIp:
      event.Add(field, Observable::kIpAddress, text);
      break;
    case ZeekValue::kDomain:
      event.Add(field, Observable::kDomainName, text);
      break;
    case ZeekValue::kDnsAnswer:
      if (IsIpText(text)) {
        event.Add(field, Observable::kIpAddress, text);
      } else if (IsNameText(text)) {
        event.Add(field, Observable::kDomainName, text);
      }
      break;
    case ZeekValue::kUserAgent:
      event.Add(field, Observable::kUserAgent, text);
      break;
    case ZeekValue::kEmail:
      event.Add(field, Observable::kEmailAddress, EmailAddressIn(text));
      break;
    case ZeekValue::kFileHash:
      event.Add(field, Observable::kFileHash, text);
      break;
    case ZeekValue::kFileName:
      event.Add(field, Observable::kFileName, text);
      break;
    case ZeekValue::kX509Serial:
      event.Add(field, Observable::kX509Serial, text);
      break;
    case ZeekValue::kFingerprint: {
      Observable kind;
      if (FingerprintKind(text, kind)) event.Add(field, kind, text);
      break;
    }
    case ZeekValue::kJa3:
      event.Add(field, Observable::kJa3, text);
      break;
    case ZeekValue::kJa3s:
      event.Add(field, Observable::kJa3s, text);
      break;
    case ZeekValue::kJa4:
      event.Add(field, Observable::kJa4, text);
      break;
    case ZeekValue::kMac:
      event.Add(field, Observable::kMacAddress, text);
      break;
    case ZeekValue::kHost:
      AddHost(event, field, text);
      break;
    case ZeekValue::kNone:
    case ZeekValue::kTimestamp:
    case ZeekValue::kUri:
      break;
  }
}

}  // namespace kongsi::match
