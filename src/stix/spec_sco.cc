// The 18 STIX Cyber-observable Objects and their predefined extensions (STIX 2.1 section 6),
// with the rules their tables cannot express. Rule names are listed in
// docs/validation-rules-sco.md.
//
// Where the specification and its own examples disagree, the examples win when the
// disagreement is about form rather than meaning (additional_header_fields values given as a
// single string are a warning, not an error); see the rules document.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stix/sco_id.h"
#include "stix/spec.h"
#include "stix/validate.h"
#include "stix/vocab.h"
#include "util/strings.h"
#include "util/time.h"

namespace kongsi::stix {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// --- small helpers ----------------------------------------------------------------------

std::string Pointer(std::string_view property) { return "/" + JsonPointerToken(property); }

// "a", "a or b", "a, b or c".
std::string JoinOr(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

std::optional<std::string_view> GetString(const RuleContext& ctx, std::string_view name) {
  std::string_view value;
  auto v = ctx.Get(name);
  if (!v || v->get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

std::optional<bool> GetBool(const RuleContext& ctx, std::string_view name) {
  bool value;
  auto v = ctx.Get(name);
  if (!v || v->get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

// Defanged values ("198.51.100[.]3", "hxxp://...") are not meant to parse (section 3.2).
bool IsDefanged(const RuleContext& ctx) { return GetBool(ctx, "defanged").value_or(false); }

bool IsHexDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool HasUpper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Adds optional properties and returns their names (for "at least one of" rules).
template <typename Builder>
std::vector<std::string> Optional(Builder& builder,
                                  std::vector<std::pair<std::string, PropType>> properties) {
  std::vector<std::string> names;
  for (auto& [name, type] : properties) {
    names.push_back(name);
    builder.Opt(name, std::move(type));
  }
  return names;
}

PropType EmptyAllowedString() {
  PropType t = String();
  t.allow_empty = true;
  return t;
}

PropType NonNegative() { return Integer(0); }

// --- value syntax -----------------------------------------------------------------------
// Each returns "" when `s` is fine, else what is wrong.

// A decimal number without leading zeros, at most `max`.
bool IsSmallDecimal(std::string_view s, int max) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  int value = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  return value <= max;
}

bool IsIpv4Address(std::string_view s) {
  for (int i = 0; i < 4; ++i) {
    const size_t dot = s.find('.');
    if ((i < 3) == (dot == std::string_view::npos)) return false;
    if (!IsSmallDecimal(s.substr(0, dot), 255)) return false;
    s = i < 3 ? s.substr(dot + 1) : std::string_view();
  }
  return true;
}

// Colon-separated groups of 1-4 hex digits; the last may be a dotted quad (two groups).
bool CountIpv6Groups(std::string_view part, bool allow_ipv4_tail, int& count) {
  if (part.empty()) return true;
  while (true) {
    const size_t colon = part.find(':');
    const std::string_view group = part.substr(0, colon);
    const bool last = colon == std::string_view::npos;
    if (last && allow_ipv4_tail && group.find('.') != std::string_view::npos) {
      if (!IsIpv4Address(group)) return false;
      count += 2;
      return true;
    }
    if (group.empty() || group.size() > 4 || !std::all_of(group.begin(), group.end(), IsHexDigit)) {
      return false;
    }
    ++count;
    if (last) return true;
    part = part.substr(colon + 1);
  }
}

bool IsIpv6Address(std::string_view s) {  // RFC 4291 section 2.2 text forms
  const size_t gap = s.find("::");
  int count = 0;
  if (gap == std::string_view::npos) return CountIpv6Groups(s, true, count) && count == 8;
  if (s.find("::", gap + 1) != std::string_view::npos) return false;
  return CountIpv6Groups(s.substr(0, gap), false, count) &&
         CountIpv6Groups(s.substr(gap + 2), true, count) && count <= 7;
}

std::string CheckIpValue(std::string_view s, bool v6) {
  const size_t slash = s.find('/');
  const std::string_view address = s.substr(0, slash);
  const char* family = v6 ? "IPv6" : "IPv4";
  const char* example = v6 ? "2001:db8::/32" : "198.51.100.0/24";
  if (!(v6 ? IsIpv6Address(address) : IsIpv4Address(address))) {
    return util::StrCat("\"", s, "\" is not an ", family, " address or CIDR block (like ", example,
                        ")");
  }
  if (slash != std::string_view::npos && !IsSmallDecimal(s.substr(slash + 1), v6 ? 128 : 32)) {
    return util::StrCat("\"", s, "\": the CIDR prefix length must be 0 to ", v6 ? 128 : 32);
  }
  return "";
}
std::string CheckIpv4Value(std::string_view s) { return CheckIpValue(s, false); }
std::string CheckIpv6Value(std::string_view s) { return CheckIpValue(s, true); }

std::string CheckMacValue(std::string_view s) {
  bool shape = s.size() == 17;
  for (size_t i = 0; shape && i < s.size(); ++i) {
    shape = i % 3 == 2 ? s[i] == ':' : IsHexDigit(s[i]);
  }
  if (!shape) {
    return util::StrCat("\"", s,
                        "\" is not a colon-delimited MAC-48 address with two digits per octet "
                        "(like 00:00:ab:cd:ef:01)");
  }
  if (HasUpper(s)) return util::StrCat("\"", s, "\" must be written in lower case");
  return "";
}

std::string CheckUrlValue(std::string_view s) {  // RFC 3986 section 3.1: scheme ":" ...
  const size_t colon = s.find(':');
  bool scheme = colon != std::string_view::npos && colon > 0 && IsAlpha(s[0]);
  for (size_t i = 1; scheme && i < colon; ++i) {
    const char c = s[i];
    scheme = IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.';
  }
  if (!scheme) {
    return util::StrCat("\"", s, "\" is not a URL: it must start with a scheme such as https:");
  }
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return util::StrCat("\"", s,
                          "\" contains white space or control characters, which a URL must "
                          "percent-encode");
    }
  }
  return "";
}

std::string CheckDomainValue(std::string_view s) {  // RFC 1034 / RFC 5890 label rules
  std::string_view name = s;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);  // fully qualified form
  if (name.empty()) return "a domain name must not be empty";
  if (name.size() > 253) return util::StrCat("\"", s, "\" is longer than 253 characters");
  while (true) {
    const size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty()) return util::StrCat("\"", s, "\" has an empty label (\"..\")");
    bool ascii = true;
    for (char c : label) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80) {
        ascii = false;
      } else if (!(IsAlpha(c) || IsDigit(c) || c == '-' || c == '_')) {
        return util::StrCat("\"", s, "\" contains '", std::string(1, c),
                            "', which is not allowed in a domain name");
      }
    }
    if (ascii && label.size() > 63) {
      return util::StrCat("\"", s, "\" has a label longer than 63 characters");
    }
    if (label.front() == '-' || label.back() == '-') {
      return util::StrCat("\"", s, "\" has a label that starts or ends with '-'");
    }
    if (dot == std::string_view::npos) return "";
    name = name.substr(dot + 1);
  }
}

std::string CheckEmailValue(std::string_view s) {  // RFC 5322 addr-spec, no display name
  const size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) {
    return util::StrCat("\"", s, "\" is not an e-mail address (local-part@domain)");
  }
  if (s.find('<') != std::string_view::npos || s.find('>') != std::string_view::npos) {
    return util::StrCat("\"", s,
                        "\" must be the bare address, without a display name or angle "
                        "brackets (the display name goes in display_name)");
  }
  const std::string_view local = s.substr(0, at);
  const bool quoted = local.size() >= 2 && local.front() == '"' && local.back() == '"';
  for (size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if ((u <= 0x20 || u == 0x7F) && !(quoted && i < at && u == ' ')) {
      return util::StrCat("\"", s, "\" contains white space or control characters");
    }
  }
  return "";
}

// CPE 2.3 formatted string binding (NISTIR 7695 section 6.2): 13 colon-separated components.
std::string CheckCpeValue(std::string_view s) {
  const std::string problem = util::StrCat(
      "\"", s,
      "\" is not a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:update:"
      "edition:language:sw_edition:target_sw:target_hw:other)");
  if (s.substr(0, 8) != "cpe:2.3:") return problem;
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == '\\') {
      ++i;  // an escaped character, possibly ':'
      continue;
    }
    if (i == s.size() || s[i] == ':') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 13) return problem;
  for (std::string_view part : parts) {
    if (part.empty()) return problem;
    for (char c : part) {
      if (static_cast<unsigned char>(c) <= 0x20) return problem;
    }
  }
  if (parts[2].size() != 1 ||
      std::string_view("aoh*-").find(parts[2][0]) == std::string_view::npos) {
    return problem;
  }
  return "";
}

// RFC 5646 well-formedness at the subtag level: 1-8 letters/digits per subtag, the first one
// alphabetic (2-8 letters, or "x"/"i" for private-use and grandfathered tags).
std::string CheckLanguageTag(std::string_view s) {
  const std::string problem =
      util::StrCat("\"", s, "\" is not an RFC 5646 language tag (like en, pt-BR, zh-Hant)");
  size_t start = 0;
  bool first = true;
  while (true) {
    const size_t dash = s.find('-', start);
    const std::string_view subtag =
        s.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start);
    if (subtag.empty() || subtag.size() > 8) return problem;
    for (char c : subtag) {
      if (!(IsAlpha(c) || (!first && IsDigit(c)))) return problem;
    }
    if (first && subtag.size() == 1 && subtag != "x" && subtag != "X" && subtag != "i" &&
        subtag != "I") {
      return problem;
    }
    if (dash == std::string_view::npos) return "";
    first = false;
    start = dash + 1;
  }
}

// IANA media type template "type/subtype" (RFC 6838 section 4.2 restricted names).
std::string CheckMimeType(std::string_view s) {
  auto restricted_name = [](std::string_view name) {
    if (name.empty() || name.size() > 127 || !(IsAlpha(name[0]) || IsDigit(name[0]))) {
      return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
      return IsAlpha(c) || IsDigit(c) ||
             std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
    });
  };
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos || !restricted_name(s.substr(0, slash)) ||
      !restricted_name(s.substr(slash + 1))) {
    return util::StrCat("\"", s,
                        "\" should be an IANA media type such as application/zip (type/subtype, "
                        "without parameters)");
  }
  return "";
}

// --- rules ------------------------------------------------------------------------------

using ValueCheck = std::string (*)(std::string_view);

Rule AtLeastOneOf(std::string subject, std::vector<std::string> names) {
  return [subject = std::move(subject), names = std::move(names)](RuleContext& ctx) {
    for (const std::string& name : names) {
      if (ctx.Has(name)) return;
    }
    ctx.Error("", "at-least-one-of",
              util::StrCat(subject, " must have at least one of ", JoinOr(names)));
  };
}

Rule MutuallyExclusive(std::string first, std::string second) {
  return [first = std::move(first), second = std::move(second)](RuleContext& ctx) {
    if (ctx.Has(first) && ctx.Has(second)) {
      ctx.Error(Pointer(second), "mutually-exclusive",
                util::StrCat(first, " and ", second, " must not both be present"));
    }
  };
}

// `needed` must be present whenever `trigger` is.
Rule RequiredWith(std::string needed, std::string trigger) {
  return [needed = std::move(needed), trigger = std::move(trigger)](RuleContext& ctx) {
    if (ctx.Has(trigger) && !ctx.Has(needed)) {
      ctx.Error(Pointer(needed), "required-property",
                util::StrCat(needed, " is required when ", trigger, " is present"));
    }
  };
}

// `forbidden` must be absent while the boolean `flag` has the value `when`.
Rule ForbiddenWhen(std::string flag, bool when, std::string forbidden) {
  return [flag = std::move(flag), when, forbidden = std::move(forbidden)](RuleContext& ctx) {
    if (GetBool(ctx, flag) == when && ctx.Has(forbidden)) {
      ctx.Error(Pointer(forbidden), "forbidden-property",
                util::StrCat(forbidden, " must not be present when ", flag, " is ",
                             when ? "true" : "false"));
    }
  };
}

// The timestamp `later` must not be earlier than the timestamp `earlier`.
Rule NotEarlierThan(std::string later, std::string earlier) {
  return [later = std::move(later), earlier = std::move(earlier)](RuleContext& ctx) {
    const auto a = GetString(ctx, later), b = GetString(ctx, earlier);
    if (!a || !b) return;
    const auto ta = util::ParseRfc3339(*a), tb = util::ParseRfc3339(*b);
    if (ta.ok() && tb.ok() && ta->micros < tb->micros) {
      ctx.Error(
          Pointer(later), "timestamp-order",
          util::StrCat(later, " (", *a, ") must not be earlier than ", earlier, " (", *b, ")"));
    }
  };
}

// Checks the syntax of a string property (skipped on defanged objects).
Rule ValueFormat(std::string property, std::string rule, ValueCheck check,
                 Severity severity = Severity::kError) {
  return
      [property = std::move(property), rule = std::move(rule), check, severity](RuleContext& ctx) {
        const auto value = GetString(ctx, property);
        if (!value || IsDefanged(ctx)) return;
        if (std::string problem = check(*value); !problem.empty()) {
          if (severity == Severity::kError) {
            ctx.Error(Pointer(property), rule, std::move(problem));
          } else {
            ctx.Warning(Pointer(property), rule, std::move(problem));
          }
        }
      };
}

// Checks the syntax of every string in a list property.
Rule ItemFormat(std::string property, std::string rule, ValueCheck check) {
  return [property = std::move(property), rule = std::move(rule), check](RuleContext& ctx) {
    simdjson::dom::array items;
    auto value = ctx.Get(property);
    if (!value || value->get(items) != simdjson::SUCCESS) return;
    size_t i = 0;
    for (element item : items) {
      std::string_view s;
      if (item.get(s) == simdjson::SUCCESS) {
        if (std::string problem = check(s); !problem.empty()) {
          ctx.Error(util::StrCat(Pointer(property), "/", i), rule, std::move(problem));
        }
      }
      ++i;
    }
  };
}

// Dictionaries whose values "MUST be either an integer or a string" (ipfix, exif_tags).
Rule IntegerOrStringValues(std::string property) {
  return [property = std::move(property)](RuleContext& ctx) {
    object dict;
    auto value = ctx.Get(property);
    if (!value || value->get(dict) != simdjson::SUCCESS) return;
    for (auto field : dict) {
      const element_type t = field.value.type();
      if (t != element_type::INT64 && t != element_type::UINT64 && t != element_type::STRING) {
        ctx.Error(
            util::StrCat(Pointer(property), Pointer(field.key)), "property-type",
            util::StrCat(property, " values must be integers or strings, not ", JsonTypeWord(t)));
      }
    }
  };
}

// email-message additional_header_fields: each value "MUST always be a list of type string".
// The specification's own examples give single strings, so those are only warned about.
Rule HeaderFieldValues(std::string property) {
  return [property = std::move(property)](RuleContext& ctx) {
    object dict;
    auto value = ctx.Get(property);
    if (!value || value->get(dict) != simdjson::SUCCESS) return;
    for (auto field : dict) {
      const std::string pointer = util::StrCat(Pointer(property), Pointer(field.key));
      simdjson::dom::array list;
      if (field.value.type() == element_type::STRING) {
        ctx.Warning(pointer, "header-value-list",
                    util::StrCat("header field values should be lists of strings ([\"",
                                 std::string_view(field.value), "\"]), not a single string"));
      } else if (field.value.get(list) != simdjson::SUCCESS) {
        ctx.Error(pointer, "property-type",
                  util::StrCat("header field values must be lists of strings, not ",
                               JsonTypeWord(field.value.type())));
      } else if (list.size() == 0) {
        ctx.Error(pointer, "empty-list", "lists must not be empty");
      } else {
        size_t i = 0;
        for (element item : list) {
          if (item.type() != element_type::STRING) {
            ctx.Error(util::StrCat(pointer, "/", i), "property-type",
                      util::StrCat("must be a string, not ", JsonTypeWord(item.type())));
          }
          ++i;
        }
      }
    }
  };
}

// network-traffic protocols: lower-case names are recommended, and the protocol of each
// protocol extension present should be listed.
void CheckProtocols(RuleContext& ctx) {
  simdjson::dom::array protocols;
  auto value = ctx.Get("protocols");
  if (!value || value->get(protocols) != simdjson::SUCCESS) return;
  std::vector<std::string> names;
  size_t i = 0;
  for (element item : protocols) {
    std::string_view name;
    if (item.get(name) == simdjson::SUCCESS) {
      if (HasUpper(name)) {
        ctx.Warning(util::StrCat("/protocols/", i), "protocol-case",
                    util::StrCat("protocol names should be lower case, as in the IANA service "
                                 "name registry (\"",
                                 name, "\")"));
      }
      std::string lower(name);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      names.push_back(std::move(lower));
    }
    ++i;
  }
  object extensions;
  auto ext_value = ctx.Get("extensions");
  if (!ext_value || ext_value->get(extensions) != simdjson::SUCCESS) return;
  static constexpr std::pair<std::string_view, std::string_view> kExtensionProtocols[] = {
      {"http-request-ext", "http"}, {"icmp-ext", "icmp"}, {"tcp-ext", "tcp"}};
  for (const auto& [extension, protocol] : kExtensionProtocols) {
    if (extensions[extension].error() != simdjson::SUCCESS) continue;
    if (std::find(names.begin(), names.end(), protocol) == names.end()) {
      ctx.Warning("/protocols", "extension-protocol",
                  util::StrCat("protocols should list \"", protocol, "\" since ", extension,
                               " is present"));
    }
  }
}

// windows-registry-key: "The hive portion of the key MUST be fully expanded and not
// truncated; e.g., HKEY_LOCAL_MACHINE must be used instead of HKLM."
void CheckRegistryHive(RuleContext& ctx) {
  const auto key = GetString(ctx, "key");
  if (!key) return;
  std::string hive(key->substr(0, key->find('\\')));
  std::transform(hive.begin(), hive.end(), hive.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  static constexpr std::pair<std::string_view, std::string_view> kAbbreviations[] = {
      {"HKLM", "HKEY_LOCAL_MACHINE"},  {"HKCU", "HKEY_CURRENT_USER"},
      {"HKCR", "HKEY_CLASSES_ROOT"},   {"HKU", "HKEY_USERS"},
      {"HKCC", "HKEY_CURRENT_CONFIG"}, {"HKPD", "HKEY_PERFORMANCE_DATA"},
      {"HKDD", "HKEY_DYN_DATA"}};
  for (const auto& [abbreviation, full] : kAbbreviations) {
    if (hive == abbreviation) {
      ctx.Error(
          "/key", "registry-hive",
          util::StrCat("the hive must be written out in full: ", full, ", not ", abbreviation));
      return;
    }
  }
}

// windows-pebinary-ext time_date_stamp "MUST be precise to the second".
void CheckPeTimestampPrecision(RuleContext& ctx) {
  const auto value = GetString(ctx, "time_date_stamp");
  if (!value) return;
  const auto parsed = util::ParseRfc3339(*value);
  if (parsed.ok() && parsed->fraction_digits > 0) {
    ctx.Error("/time_date_stamp", "timestamp-precision",
              util::StrCat("time_date_stamp must be precise to the second, without fractional "
                           "seconds (\"",
                           *value, "\")"));
  }
}

// icmp-ext: the ICMP type and code are single bytes.
Rule SingleByteHex(std::string property) {
  return [property = std::move(property)](RuleContext& ctx) {
    const auto value = GetString(ctx, property);
    // Malformed hex is reported by the engine; only the length is checked here.
    if (!value || value->size() % 2 != 0 ||
        !std::all_of(value->begin(), value->end(), IsHexDigit) || value->size() == 2) {
      return;
    }
    ctx.Error(Pointer(property), "value-range",
              util::StrCat(property, " must be a single byte (two hexadecimal digits), not \"",
                           *value, "\""));
  };
}

// http-request-ext gives request_method and request_version "as a lowercase string".
Rule LowerCase(std::string property) {
  return [property = std::move(property)](RuleContext& ctx) {
    const auto value = GetString(ctx, property);
    if (value && HasUpper(*value)) {
      ctx.Warning(Pointer(property), "http-request-case",
                  util::StrCat(property, " should be lower case (\"", *value, "\")"));
    }
  };
}

// windows-process-ext priority "SHOULD be a string that ends in _CLASS".
void CheckProcessPriority(RuleContext& ctx) {
  const auto value = GetString(ctx, "priority");
  constexpr std::string_view kSuffix = "_CLASS";
  if (value && !(value->size() >= kSuffix.size() &&
                 value->substr(value->size() - kSuffix.size()) == kSuffix)) {
    ctx.Warning("/priority", "process-priority",
                util::StrCat("priority should be a Windows priority class ending in _CLASS, such "
                             "as HIGH_PRIORITY_CLASS (\"",
                             *value, "\")"));
  }
}

// Finishes an SCO: its ID contributing properties and the rule comparing its id with them.
void Identify(Registry::TypeBuilder& builder, const std::string& type,
              std::vector<std::string> id_contributing) {
  builder.Rule(ScoIdRule(type, id_contributing));
  builder.IdContributing(std::move(id_contributing));
}

// --- the objects ------------------------------------------------------------------------

void RegisterArtifact(Registry& registry) {
  auto b = registry.Add("artifact", Category::kSco);
  b.Opt("mime_type", String())
      .Opt("payload_bin", Binary())
      .Opt("url", String())
      .Opt("hashes", Hashes())
      .Opt("encryption_algorithm", Enum(vocab::kEncryptionAlgorithm))
      .Opt("decryption_key", String())
      .Rule(AtLeastOneOf("an artifact", {"payload_bin", "url"}))
      .Rule(MutuallyExclusive("payload_bin", "url"))
      .Rule(RequiredWith("hashes", "url"))
      .Rule(RequiredWith("encryption_algorithm", "decryption_key"))
      .Rule(ValueFormat("url", "url-value", CheckUrlValue))
      .Rule(ValueFormat("mime_type", "mime-type", CheckMimeType, Severity::kWarning));
  Identify(b, "artifact", {"hashes", "payload_bin"});
}

void RegisterAutonomousSystem(Registry& registry) {
  auto b = registry.Add("autonomous-system", Category::kSco);
  b.Req("number", Integer(0, 4294967295.0))  // AS numbers are 32-bit (RFC 6793)
      .Opt("name", String())
      .Opt("rir", String());
  Identify(b, "autonomous-system", {"number"});
}

void RegisterDirectory(Registry& registry) {
  auto b = registry.Add("directory", Category::kSco);
  b.Req("path", String())
      .Opt("path_enc", String())
      .Opt("ctime", Timestamp())
      .Opt("mtime", Timestamp())
      .Opt("atime", Timestamp())
      .Opt("contains_refs", ListOf(Ref({"file", "directory"})));
  Identify(b, "directory", {"path"});
}

void RegisterDomainName(Registry& registry) {
  auto b = registry.Add("domain-name", Category::kSco);
  b.Req("value", String())
      .Opt("resolves_to_refs", ListOf(Ref({"ipv4-addr", "ipv6-addr", "domain-name"})))
      .Rule(ValueFormat("value", "domain-name-value", CheckDomainValue));
  Identify(b, "domain-name", {"value"});
}

void RegisterEmailAddr(Registry& registry) {
  auto b = registry.Add("email-addr", Category::kSco);
  b.Req("value", String())
      .Opt("display_name", String())
      .Opt("belongs_to_ref", Ref({"user-account"}))
      .Rule(ValueFormat("value", "email-addr-value", CheckEmailValue));
  Identify(b, "email-addr", {"value"});
}

void RegisterEmailMessage(Registry& registry) {
  auto mime_part = StructBuilder("email-mime-part-type")
                       .Opt("body", String())
                       .Opt("body_raw_ref", Ref({"artifact", "file"}))
                       .Opt("content_type", String())
                       .Opt("content_disposition", String())
                       .Rule(AtLeastOneOf("an email MIME part", {"body", "body_raw_ref"}))
                       .Build();
  auto b = registry.Add("email-message", Category::kSco);
  b.Req("is_multipart", Boolean())
      .Opt("date", Timestamp())
      .Opt("content_type", String())
      .Opt("from_ref", Ref({"email-addr"}))
      .Opt("sender_ref", Ref({"email-addr"}))
      .Opt("to_refs", ListOf(Ref({"email-addr"})))
      .Opt("cc_refs", ListOf(Ref({"email-addr"})))
      .Opt("bcc_refs", ListOf(Ref({"email-addr"})))
      .Opt("message_id", String())
      .Opt("subject", String())
      .Opt("received_lines", ListOf(String()))
      .Opt("additional_header_fields", Dictionary())
      .Opt("body", String())
      .Opt("body_multipart", ListOf(Struct(mime_part)))
      .Opt("raw_email_ref", Ref({"artifact"}))
      .Rule(ForbiddenWhen("is_multipart", true, "body"))
      .Rule(ForbiddenWhen("is_multipart", false, "body_multipart"))
      .Rule(HeaderFieldValues("additional_header_fields"));
  Identify(b, "email-message", {"from_ref", "subject", "body"});
}

void RegisterFile(Registry& registry) {
  auto b = registry.Add("file", Category::kSco);
  b.Opt("hashes", Hashes())
      .Opt("size", NonNegative())
      .Opt("name", String())
      .Opt("name_enc", String())
      .Opt("magic_number_hex", Hex())
      .Opt("mime_type", String())
      .Opt("ctime", Timestamp())
      .Opt("mtime", Timestamp())
      .Opt("atime", Timestamp())
      .Opt("parent_directory_ref", Ref({"directory"}))
      .Opt("contains_refs", ListOf(Ref({"<sco>"})))
      .Opt("content_ref", Ref({"artifact"}))
      .Rule(AtLeastOneOf("a file", {"hashes", "name"}))
      .Rule(ValueFormat("mime_type", "mime-type", CheckMimeType, Severity::kWarning));
  Identify(b, "file", {"hashes", "name", "extensions", "parent_directory_ref"});
}

void RegisterIpAddresses(Registry& registry) {
  for (const bool v6 : {false, true}) {
    const std::string type = v6 ? "ipv6-addr" : "ipv4-addr";
    auto b = registry.Add(type, Category::kSco);
    b.Req("value", String())
        .Opt("resolves_to_refs", ListOf(Ref({"mac-addr"})))
        .Opt("belongs_to_refs", ListOf(Ref({"autonomous-system"})))
        .Rule(ValueFormat("value", v6 ? "ipv6-addr-value" : "ipv4-addr-value",
                          v6 ? CheckIpv6Value : CheckIpv4Value));
    Identify(b, type, {"value"});
  }
}

void RegisterMacAddr(Registry& registry) {
  auto b = registry.Add("mac-addr", Category::kSco);
  b.Req("value", String()).Rule(ValueFormat("value", "mac-addr-value", CheckMacValue));
  Identify(b, "mac-addr", {"value"});
}

void RegisterMutex(Registry& registry) {
  auto b = registry.Add("mutex", Category::kSco);
  b.Req("name", String());
  Identify(b, "mutex", {"name"});
}

void RegisterNetworkTraffic(Registry& registry) {
  const std::vector<std::string> endpoint = {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"};
  auto b = registry.Add("network-traffic", Category::kSco);
  b.Opt("start", Timestamp())
      .Opt("end", Timestamp())
      .Opt("is_active", Boolean())
      .Opt("src_ref", Ref(endpoint))
      .Opt("dst_ref", Ref(endpoint))
      .Opt("src_port", Integer(0, 65535))
      .Opt("dst_port", Integer(0, 65535))
      .Req("protocols", ListOf(String()))
      .Opt("src_byte_count", NonNegative())
      .Opt("dst_byte_count", NonNegative())
      .Opt("src_packets", NonNegative())
      .Opt("dst_packets", NonNegative())
      .Opt("ipfix", Dictionary())
      .Opt("src_payload_ref", Ref({"artifact"}))
      .Opt("dst_payload_ref", Ref({"artifact"}))
      .Opt("encapsulates_refs", ListOf(Ref({"network-traffic"})))
      .Opt("encapsulated_by_ref", Ref({"network-traffic"}))
      .Rule(AtLeastOneOf("network traffic", {"src_ref", "dst_ref"}))
      .Rule(NotEarlierThan("end", "start"))
      .Rule(ForbiddenWhen("is_active", true, "end"))
      .Rule(IntegerOrStringValues("ipfix"))
      .Rule(CheckProtocols);
  Identify(
      b, "network-traffic",
      {"start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"});
}

void RegisterProcess(Registry& registry) {
  auto b = registry.Add("process", Category::kSco);
  std::vector<std::string> names =
      Optional(b, {{"is_hidden", Boolean()},
                   {"pid", Integer()},
                   {"created_time", Timestamp()},
                   {"cwd", String()},
                   {"command_line", String()},
                   {"environment_variables", Dictionary(String())},
                   {"opened_connection_refs", ListOf(Ref({"network-traffic"}))},
                   {"creator_user_ref", Ref({"user-account"})},
                   {"image_ref", Ref({"file"})},
                   {"parent_ref", Ref({"process"})},
                   {"child_refs", ListOf(Ref({"process"}))}});
  names.push_back("extensions");  // "from this object (or one of its extensions)"
  b.Rule(AtLeastOneOf("a process", std::move(names)));
  Identify(b, "process", {});  // "please use a UUIDv4"
}

void RegisterSoftware(Registry& registry) {
  auto b = registry.Add("software", Category::kSco);
  b.Req("name", String())
      .Opt("cpe", String())
      .Opt("swid", String())
      .Opt("languages", ListOf(String()))
      .Opt("vendor", String())
      .Opt("version", String())
      .Rule(ValueFormat("cpe", "cpe-value", CheckCpeValue))
      .Rule(ItemFormat("languages", "language-tag", CheckLanguageTag));
  Identify(b, "software", {"name", "cpe", "swid", "vendor", "version"});
}

void RegisterUrl(Registry& registry) {
  auto b = registry.Add("url", Category::kSco);
  b.Req("value", String()).Rule(ValueFormat("value", "url-value", CheckUrlValue));
  Identify(b, "url", {"value"});
}

void RegisterUserAccount(Registry& registry) {
  auto b = registry.Add("user-account", Category::kSco);
  std::vector<std::string> names = Optional(b, {{"user_id", String()},
                                                {"credential", String()},
                                                {"account_login", String()},
                                                {"account_type", OpenVocab(vocab::kAccountType)},
                                                {"display_name", String()},
                                                {"is_service_account", Boolean()},
                                                {"is_privileged", Boolean()},
                                                {"can_escalate_privs", Boolean()},
                                                {"is_disabled", Boolean()},
                                                {"account_created", Timestamp()},
                                                {"account_expires", Timestamp()},
                                                {"credential_last_changed", Timestamp()},
                                                {"account_first_login", Timestamp()},
                                                {"account_last_login", Timestamp()}});
  names.push_back("extensions");  // listed in the user-account property table
  b.Rule(AtLeastOneOf("a user account", std::move(names)));
  Identify(b, "user-account", {"account_type", "user_id", "account_login"});
}

void RegisterWindowsRegistryKey(Registry& registry) {
  StructBuilder value("windows-registry-value-type");
  const std::vector<std::string> value_names =
      Optional(value, {{"name", EmptyAllowedString()},  // "" is the key's default value
                       {"data", String()},
                       {"data_type", Enum(vocab::kWindowsRegistryDatatype)}});
  value.Rule(AtLeastOneOf("a registry value", value_names));

  auto b = registry.Add("windows-registry-key", Category::kSco);
  const std::vector<std::string> names = Optional(b, {{"key", String()},
                                                      {"values", ListOf(Struct(value.Build()))},
                                                      {"modified_time", Timestamp()},
                                                      {"creator_user_ref", Ref({"user-account"})},
                                                      {"number_of_subkeys", NonNegative()}});
  b.Rule(AtLeastOneOf("a windows-registry-key", names)).Rule(CheckRegistryHive);
  Identify(b, "windows-registry-key", {"key", "values"});
}

void RegisterX509Certificate(Registry& registry) {
  StructBuilder v3("x509-v3-extensions-type");
  const std::vector<std::string> v3_names =
      Optional(v3, {{"basic_constraints", String()},
                    {"name_constraints", String()},
                    {"policy_constraints", String()},
                    {"key_usage", String()},
                    {"extended_key_usage", String()},
                    {"subject_key_identifier", String()},
                    {"authority_key_identifier", String()},
                    {"subject_alternative_name", String()},
                    {"issuer_alternative_name", String()},
                    {"subject_directory_attributes", String()},
                    {"crl_distribution_points", String()},
                    {"inhibit_any_policy", String()},
                    {"private_key_usage_period_not_before", Timestamp()},
                    {"private_key_usage_period_not_after", Timestamp()},
                    {"certificate_policies", String()},
                    {"policy_mappings", String()}});
  v3.Rule(AtLeastOneOf("x509_v3_extensions", v3_names));

  auto b = registry.Add("x509-certificate", Category::kSco);
  const std::vector<std::string> names = Optional(b, {{"is_self_signed", Boolean()},
                                                      {"hashes", Hashes()},
                                                      {"version", String()},
                                                      {"serial_number", String()},
                                                      {"signature_algorithm", String()},
                                                      {"issuer", String()},
                                                      {"validity_not_before", Timestamp()},
                                                      {"validity_not_after", Timestamp()},
                                                      {"subject", String()},
                                                      {"subject_public_key_algorithm", String()},
                                                      {"subject_public_key_modulus", String()},
                                                      {"subject_public_key_exponent", Integer()},
                                                      {"x509_v3_extensions", Struct(v3.Build())}});
  b.Rule(AtLeastOneOf("an x509-certificate", names));
  Identify(b, "x509-certificate", {"hashes", "serial_number"});
}

// --- predefined extensions (sections 6.7.2-6.7.6, 6.12.2-6.12.5, 6.13.2-6.13.3, 6.16.2) ---

void RegisterFileExtensions(Registry& registry) {
  registry.AddExtension("archive-ext", "file")
      .Req("contains_refs", ListOf(Ref({"file", "directory"})))
      .Opt("comment", String());

  auto ads = StructBuilder("alternate-data-stream-type")
                 .Req("name", String())
                 .Opt("hashes", Hashes())
                 .Opt("size", NonNegative())
                 .Build();
  StructBuilder& ntfs = registry.AddExtension("ntfs-ext", "file");
  ntfs.Rule(AtLeastOneOf(
      "an ntfs-ext extension",
      Optional(ntfs, {{"sid", String()}, {"alternate_data_streams", ListOf(Struct(ads))}})));

  StructBuilder& pdf = registry.AddExtension("pdf-ext", "file");
  pdf.Rule(AtLeastOneOf("a pdf-ext extension",
                        Optional(pdf, {{"version", String()},
                                       {"is_optimized", Boolean()},
                                       {"document_info_dict", Dictionary(String())},
                                       {"pdfid0", String()},
                                       {"pdfid1", String()}})));

  StructBuilder& raster = registry.AddExtension("raster-image-ext", "file");
  raster
      .Rule(AtLeastOneOf("a raster-image-ext extension",
                         Optional(raster, {{"image_height", Integer()},
                                           {"image_width", Integer()},
                                           {"bits_per_pixel", Integer()},
                                           {"exif_tags", Dictionary()}})))
      .Rule(IntegerOrStringValues("exif_tags"));

  StructBuilder optional_header("windows-pe-optional-header-type");
  optional_header.Rule(AtLeastOneOf(
      "optional_header", Optional(optional_header, {{"magic_hex", Hex()},
                                                    {"major_linker_version", Integer()},
                                                    {"minor_linker_version", Integer()},
                                                    {"size_of_code", NonNegative()},
                                                    {"size_of_initialized_data", NonNegative()},
                                                    {"size_of_uninitialized_data", NonNegative()},
                                                    {"address_of_entry_point", Integer()},
                                                    {"base_of_code", Integer()},
                                                    {"base_of_data", Integer()},
                                                    {"image_base", Integer()},
                                                    {"section_alignment", Integer()},
                                                    {"file_alignment", Integer()},
                                                    {"major_os_version", Integer()},
                                                    {"minor_os_version", Integer()},
                                                    {"major_image_version", Integer()},
                                                    {"minor_image_version", Integer()},
                                                    {"major_subsystem_version", Integer()},
                                                    {"minor_subsystem_version", Integer()},
                                                    {"win32_version_value_hex", Hex()},
                                                    {"size_of_image", NonNegative()},
                                                    {"size_of_headers", NonNegative()},
                                                    {"checksum_hex", Hex()},
                                                    {"subsystem_hex", Hex()},
                                                    {"dll_characteristics_hex", Hex()},
                                                    {"size_of_stack_reserve", NonNegative()},
                                                    {"size_of_stack_commit", NonNegative()},
                                                    {"size_of_heap_reserve", NonNegative()},
                                                    {"size_of_heap_commit", NonNegative()},
                                                    {"loader_flags_hex", Hex()},
                                                    {"number_of_rva_and_sizes", Integer()},
                                                    {"hashes", Hashes()}})));
  auto section = StructBuilder("windows-pe-section-type")
                     .Req("name", String())
                     .Opt("size", NonNegative())
                     .Opt("entropy", Float(0, 8))  // Shannon entropy of bytes
                     .Opt("hashes", Hashes())
                     .Build();
  StructBuilder& pe = registry.AddExtension("windows-pebinary-ext", "file");
  pe.Req("pe_type", OpenVocab(vocab::kWindowsPebinaryType));
  pe.Rule(AtLeastOneOf("a windows-pebinary-ext extension (besides pe_type)",
                       Optional(pe, {{"imphash", String()},
                                     {"machine_hex", Hex()},
                                     {"number_of_sections", NonNegative()},
                                     {"time_date_stamp", Timestamp()},
                                     {"pointer_to_symbol_table_hex", Hex()},
                                     {"number_of_symbols", NonNegative()},
                                     {"size_of_optional_header", NonNegative()},
                                     {"characteristics_hex", Hex()},
                                     {"file_header_hashes", Hashes()},
                                     {"optional_header", Struct(optional_header.Build())},
                                     {"sections", ListOf(Struct(section))}})))
      .Rule(CheckPeTimestampPrecision);
}

void RegisterNetworkTrafficExtensions(Registry& registry) {
  registry.AddExtension("http-request-ext", "network-traffic")
      .Req("request_method", String())
      .Req("request_value", String())
      .Opt("request_version", String())
      .Opt("request_header", Dictionary(ListOf(String())))
      .Opt("message_body_length", NonNegative())
      .Opt("message_body_data_ref", Ref({"artifact"}))
      .Rule(LowerCase("request_method"))
      .Rule(LowerCase("request_version"));

  registry.AddExtension("icmp-ext", "network-traffic")
      .Req("icmp_type_hex", Hex())
      .Req("icmp_code_hex", Hex())
      .Rule(SingleByteHex("icmp_type_hex"))
      .Rule(SingleByteHex("icmp_code_hex"));

  registry.AddExtension("socket-ext", "network-traffic")
      .Req("address_family", Enum(vocab::kNetworkSocketAddressFamily))
      .Opt("is_blocking", Boolean())
      .Opt("is_listening", Boolean())
      .Opt("options", Dictionary(Integer()))
      .Opt("socket_type", Enum(vocab::kNetworkSocketType))
      .Opt("socket_descriptor", NonNegative())
      .Opt("socket_handle", Integer());

  StructBuilder& tcp = registry.AddExtension("tcp-ext", "network-traffic");
  tcp.Rule(AtLeastOneOf("a tcp-ext extension",
                        Optional(tcp, {{"src_flags_hex", Hex()}, {"dst_flags_hex", Hex()}})));
}

void RegisterProcessExtensions(Registry& registry) {
  StructBuilder& windows = registry.AddExtension("windows-process-ext", "process");
  windows
      .Rule(AtLeastOneOf(
          "a windows-process-ext extension",
          Optional(windows, {{"aslr_enabled", Boolean()},
                             {"dep_enabled", Boolean()},
                             {"priority", String()},
                             {"owner_sid", String()},
                             // the specification text says windows_title;
                             // the OASIS schemas and python-stix2 say
                             // window_title: both are accepted
                             {"windows_title", String()},
                             {"window_title", String()},
                             {"startup_info", Dictionary()},
                             {"integrity_level", Enum(vocab::kWindowsIntegrityLevel)}})))
      .Rule(CheckProcessPriority);

  StructBuilder& service = registry.AddExtension("windows-service-ext", "process");
  service.Rule(
      AtLeastOneOf("a windows-service-ext extension",
                   Optional(service, {{"service_name", String()},
                                      {"descriptions", ListOf(String())},
                                      {"display_name", String()},
                                      {"group_name", String()},
                                      {"start_type", Enum(vocab::kWindowsServiceStartType)},
                                      {"service_dll_refs", ListOf(Ref({"file"}))},
                                      {"service_type", Enum(vocab::kWindowsServiceType)},
                                      {"service_status", Enum(vocab::kWindowsServiceStatus)}})));
}

void RegisterUserAccountExtensions(Registry& registry) {
  StructBuilder& account = registry.AddExtension("unix-account-ext", "user-account");
  account.Rule(
      AtLeastOneOf("a unix-account-ext extension", Optional(account, {{"gid", Integer()},
                                                                      {"groups", ListOf(String())},
                                                                      {"home_dir", String()},
                                                                      {"shell", String()}})));
}

}  // namespace

void RegisterScos(Registry& registry) {
  RegisterArtifact(registry);
  RegisterAutonomousSystem(registry);
  RegisterDirectory(registry);
  RegisterDomainName(registry);
  RegisterEmailAddr(registry);
  RegisterEmailMessage(registry);
  RegisterFile(registry);
  RegisterIpAddresses(registry);
  RegisterMacAddr(registry);
  RegisterMutex(registry);
  RegisterNetworkTraffic(registry);
  RegisterProcess(registry);
  RegisterSoftware(registry);
  RegisterUrl(registry);
  RegisterUserAccount(registry);
  RegisterWindowsRegistryKey(registry);
  RegisterX509Certificate(registry);

  RegisterFileExtensions(registry);
  RegisterNetworkTrafficExtensions(registry);
  RegisterProcessExtensions(registry);
  RegisterUserAccountExtensions(registry);
}

}  // namespace kongsi::stix
