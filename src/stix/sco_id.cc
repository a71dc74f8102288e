// SCO deterministic ids: RFC 8785 canonical JSON over simdjson's DOM, then UUIDv5.
//
// stix/canonical.h sorts keys by bytes and keeps numbers as written, which is right for
// content hashes but not RFC 8785, so the canonicaliser the ids need lives here.
#include "stix/sco_id.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "stix/validate.h"
#include "util/json_string.h"
#include "util/strings.h"
#include "util/uuid.h"

namespace kongsi::stix {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// --- RFC 8785 ---------------------------------------------------------------------------

// ECMAScript Number::toString (ECMA-262 section 7.1.12.1) of a finite double. std::to_chars
// gives the shortest digit string that round-trips, which is the digit string ECMAScript
// requires; only the layout differs.
void AppendEs6Number(double d, std::string& out) {
  if (d == 0) {  // also -0
    out.push_back('0');
    return;
  }
  if (!std::isfinite(d)) {  // JSON cannot carry these; keep the output well-formed
    out += "null";
    return;
  }
  if (d < 0) {
    out.push_back('-');
    d = -d;
  }
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(result.ptr - buf));  // "d.ddde+XX"
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::from_chars(sci.data() + e_pos + (sci[e_pos + 1] == '+' ? 2 : 1), sci.data() + sci.size(),
                  exponent);
  // ECMAScript's n: the value is 0.d1d2...dk * 10^n.
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    out += std::to_string(std::abs(n - 1));
  }
}

// The UTF-16 code units of UTF-8 text (simdjson has validated it), for RFC 8785's key order.
std::u16string Utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t len;
    if (b < 0x80) {
      cp = b;
      len = 1;
    } else if ((b >> 5) == 0x6) {
      cp = b & 0x1F;
      len = 2;
    } else if ((b >> 4) == 0xE) {
      cp = b & 0x0F;
      len = 3;
    } else {
      cp = b & 0x07;
      len = 4;
    }
    for (size_t j = 1; j < len && i + j < s.size(); ++j) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + j]) & 0x3F);
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

void AppendJcs(element e, std::string& out) {
  switch (e.type()) {
    case element_type::OBJECT: {
      struct Member {
        std::u16string order;
        std::string_view key;
        element value;
      };
      std::vector<Member> members;
      for (auto field : object(e)) members.push_back({Utf16(field.key), field.key, field.value});
      std::stable_sort(members.begin(), members.end(),
                       [](const Member& a, const Member& b) { return a.order < b.order; });
      out.push_back('{');
      for (size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out.push_back(',');
        util::AppendJsonString(members[i].key, out);
        out.push_back(':');
        AppendJcs(members[i].value, out);
      }
      out.push_back('}');
      return;
    }
    case element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      for (element item : simdjson::dom::array(e)) {
        if (!first) out.push_back(',');
        first = false;
        AppendJcs(item, out);
      }
      out.push_back(']');
      return;
    }
    case element_type::INT64:  // RFC 8785 numbers are IEEE 754 doubles, integers included
      AppendEs6Number(static_cast<double>(int64_t(e)), out);
      return;
    case element_type::UINT64:
      AppendEs6Number(static_cast<double>(uint64_t(e)), out);
      return;
    case element_type::DOUBLE:
      AppendEs6Number(double(e), out);
      return;
    case element_type::STRING:
      util::AppendJsonString(std::string_view(e), out);
      return;
    case element_type::BOOL:
      out += bool(e) ? "true" : "false";
      return;
    case element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

// --- deterministic ids ------------------------------------------------------------------

// STIX 2.1 section 6 (artifact, file, x509-certificate): "include only one hash", preferably
// the first of these present.
constexpr std::string_view kPreferredHashes[] = {"MD5", "SHA-1", "SHA-256", "SHA-512"};

// The hashes that may stand for the dictionary in an id, the one ComputeScoId uses first.
// When a preferred algorithm is present it is the only choice. Otherwise the specification
// gives no order: ComputeScoId takes the algorithm whose name sorts first (the same whatever
// the key order of the input); python-stix2 takes the first in document order, the second
// choice. (Only these two: trying every algorithm would make the cost of an object grow with
// the square of its size.)
using HashChoice = std::pair<std::string_view, element>;  // algorithm, hash value

std::vector<HashChoice> HashChoices(object hashes) {
  for (std::string_view preferred : kPreferredHashes) {
    element value;
    if (hashes[preferred].get(value) == simdjson::SUCCESS) return {{preferred, value}};
  }
  std::optional<HashChoice> sorted_first, document_first;
  std::u16string lowest;
  for (auto field : hashes) {
    if (!document_first) document_first.emplace(field.key, field.value);
    std::u16string order = Utf16(field.key);
    if (!sorted_first || order < lowest) {
      sorted_first.emplace(field.key, field.value);
      lowest = std::move(order);
    }
  }
  std::vector<HashChoice> choices = {*sorted_first};
  if (document_first->first != sorted_first->first) choices.push_back(*document_first);
  return choices;
}

// python-stix2 re-serialises timestamps before hashing them: digits beyond microseconds
// and trailing zeros of the fraction are dropped ("...:40.000Z" becomes "...:40Z"). Returns
// that form, or "" when `value` is not a timestamp with such a fraction.
std::string PythonStix2Timestamp(element value) {
  std::string_view ts;
  if (value.get(ts) != simdjson::SUCCESS || ts.empty() || ts.back() != 'Z') return "";
  const size_t dot = ts.find('.');
  if (dot == std::string_view::npos) return "";
  std::string_view fraction = ts.substr(dot + 1, ts.size() - dot - 2).substr(0, 6);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  std::string out(ts.substr(0, dot));
  if (!fraction.empty()) out = util::StrCat(out, ".", fraction);
  out.push_back('Z');
  return out == ts ? "" : out;
}

// Every id `sco` may deterministically have, the one ComputeScoId returns first; empty when
// none of the contributing properties is present. Besides the specification's reading (values
// as they appear, the sorted-first hash when no preferred one is present), the ids
// python-stix2 would give are included: any hash algorithm (it takes the first in document
// order) and timestamps in its re-serialised form.
std::vector<std::string> CandidateIds(object sco, std::string_view type,
                                      const std::vector<std::string>& id_contributing) {
  struct Present {
    std::string_view name;
    element value;
    std::string python_timestamp;  // PythonStix2Timestamp(value) for start/end
  };
  std::vector<Present> present;
  std::vector<HashChoice> hash_choices;
  bool python_differs = false;
  for (const std::string& name : id_contributing) {
    element value;
    if (sco[name].get(value) != simdjson::SUCCESS) continue;
    if (name == "hashes") {
      // A malformed or empty hashes dictionary cannot contribute (and is reported by the
      // validator); the remaining properties still determine the id.
      object hashes;
      if (value.get(hashes) != simdjson::SUCCESS || hashes.size() == 0) continue;
      hash_choices = HashChoices(hashes);
    }
    std::string python_timestamp;
    if (name == "start" || name == "end") python_timestamp = PythonStix2Timestamp(value);
    python_differs = python_differs || !python_timestamp.empty();
    present.push_back({name, value, std::move(python_timestamp)});
  }
  if (present.empty()) return {};
  // Property names are ASCII, where byte order is RFC 8785's UTF-16 order.
  std::stable_sort(present.begin(), present.end(),
                   [](const Present& a, const Present& b) { return a.name < b.name; });
  if (hash_choices.empty()) hash_choices.emplace_back();  // one pass, no hashes property

  std::vector<std::string> ids;
  for (const bool python : {false, true}) {
    if (python && !python_differs) break;
    for (const auto& [algorithm, hash] : hash_choices) {
      std::string name = "{";
      for (size_t i = 0; i < present.size(); ++i) {
        if (i > 0) name.push_back(',');
        util::AppendJsonString(present[i].name, name);
        name.push_back(':');
        if (present[i].name == "hashes") {
          name.push_back('{');
          util::AppendJsonString(algorithm, name);
          name.push_back(':');
          AppendJcs(hash, name);
          name.push_back('}');
        } else if (python && !present[i].python_timestamp.empty()) {
          util::AppendJsonString(present[i].python_timestamp, name);
        } else {
          AppendJcs(present[i].value, name);
        }
      }
      name.push_back('}');
      ids.push_back(util::StrCat(type, "--", util::UuidV5(util::kStixScoNamespace, name)));
    }
  }
  return ids;
}

}  // namespace

std::string JcsCanonicalize(element value) {
  std::string out;
  AppendJcs(value, out);
  return out;
}

std::optional<std::string> ComputeScoId(object sco, std::string_view type,
                                        const std::vector<std::string>& id_contributing) {
  std::vector<std::string> ids = CandidateIds(sco, type, id_contributing);
  if (ids.empty()) return std::nullopt;
  return std::move(ids.front());
}

std::optional<std::string> ComputeScoId(object sco) {
  std::string_view type;
  if (sco["type"].get(type) != simdjson::SUCCESS) return std::nullopt;
  const TypeSpec* spec = Registry::Get().Find(type);
  if (spec == nullptr || spec->category != Category::kSco) return std::nullopt;
  return ComputeScoId(sco, type, spec->id_contributing);
}

Rule ScoIdRule(std::string type, std::vector<std::string> id_contributing) {
  return [type = std::move(type), contributing = std::move(id_contributing)](RuleContext& ctx) {
    std::string_view id;
    const auto value = ctx.Get("id");
    // A missing, malformed or mistyped id is reported by the engine.
    if (!value || value->get(id) != simdjson::SUCCESS || IdType(id) != type) return;
    const auto uuid = util::ParseUuid(id.substr(type.size() + 2));
    if (!uuid) return;
    const int version = util::UuidVersion(*uuid);
    const std::vector<std::string> ids = CandidateIds(ctx.object(), type, contributing);
    if (ids.empty()) {
      if (version != 4) {
        ctx.Warning(
            "/id", "sco-id-expected-v4",
            contributing.empty()
                ? util::StrCat(type, " ids should be random (UUIDv4), not UUID version ", version)
                : util::StrCat("none of the ID contributing properties (",
                               absl::StrJoin(contributing, ", "),
                               ") is present, so the id must be a random UUIDv4, not "
                               "UUID version ",
                               version));
      }
      return;
    }
    if (version == 5) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
        ctx.Warning("/id", "sco-id-mismatch",
                    util::StrCat("the id is a UUIDv5 but not the deterministic one; from its "
                                 "ID contributing properties it should be ",
                                 ids.front()));
      }
      return;
    }
    ctx.Warning("/id", "sco-id-not-deterministic",
                util::StrCat("the id uses UUID version ", version,
                             "; SCOs should use the deterministic UUIDv5 id ", ids.front()));
  };
}

}  // namespace kongsi::stix
