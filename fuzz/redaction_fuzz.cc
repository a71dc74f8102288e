// libFuzzer target for redaction (policy/redaction.h): granular markings and an agreement's
// rules applied to one stored object, as Disclosure does before an object leaves the node.
//
// Input: byte 0 chooses the recipient (bits 0-2: the highest TLP level it may see, 0 none ...
// 5 and above RED; bit 3: whether it may see unknown marking definitions), byte 1 the rules
// (bit 0: drop "x_*", 1: drop "description", 2: drop "name", 3: replace every creator, 4:
// replace one listed creator, 5: no replacement identity (creator removed), 6: strip
// "*.cert.example", 7: strip "intranet.example"); the rest is the body.
//
// Besides the sanitizers it checks:
//  - Redact fails only for a body that is not a JSON object; no granular marking and no rule
//    means the stored bytes (kUnchanged);
//  - a body comes only with kRedacted, and is valid STIX with the same id, type, spec_version,
//    created and modified, no property a drop rule names, no granular marking the recipient
//    may not see, no external reference to a stripped host, no creator left to replace; apart
//    from granular_markings and created_by_ref it is the input with parts removed, nothing
//    added or changed;
//  - redacting the result again changes nothing;
//  - MayNeedRedaction is true whenever Redact changes or withholds the object.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "policy/redaction.h"
#include "simdjson.h"
#include "stix/finding.h"
#include "stix/property_bloom.h"
#include "stix/tlp.h"
#include "stix/validate.h"

namespace {

using kongsi::policy::RedactionOutcome;
using kongsi::policy::RedactionResult;
using kongsi::policy::RedactionRules;
using kongsi::stix::Tlp;

constexpr auto kOk = simdjson::SUCCESS;
constexpr std::string_view kListedSource = "identity--2a9a3f7c-5b1e-4a51-8a5e-3c2c7d0f9b11";
constexpr std::string_view kNodeIdentity = "identity--7d3c1f0e-9b6a-4c2d-8e5f-1a2b3c4d5e6f";

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "redaction_fuzz: invariant broken: %s\n  %.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

RedactionRules RulesOf(uint8_t bits) {
  RedactionRules rules;
  if (bits & 0x01) rules.drop_properties.emplace_back("x_*");
  if (bits & 0x02) rules.drop_properties.emplace_back("description");
  if (bits & 0x04) rules.drop_properties.emplace_back("name");
  if (bits & 0x08) rules.replace_created_by.emplace_back("*");
  if (bits & 0x10) rules.replace_created_by.emplace_back(kListedSource);
  if (!(bits & 0x20)) rules.replacement_identity = kNodeIdentity;
  if (bits & 0x40) rules.strip_reference_hosts.emplace_back("*.cert.example");
  if (bits & 0x80) rules.strip_reference_hosts.emplace_back("intranet.example");
  return rules;
}

std::string_view StringOr(simdjson::dom::object object, std::string_view key,
                          std::string_view fallback) {
  std::string_view value;
  return object[key].get(value) == kOk ? value : fallback;
}

// Whether `pruned` is `original` with parts removed and nothing added or changed: an object
// keeps a subsequence of its members, a list of its entries (matched greedily, which finds one
// whenever one exists), each pruned in turn; anything else is equal.
// At the top level (`top`), granular_markings and created_by_ref are rewritten, and only need a
// member of the same name.
bool IsPrunedFrom(simdjson::dom::element pruned, simdjson::dom::element original,
                  bool top = false) {
  if (pruned.type() != original.type()) return false;
  switch (pruned.type()) {
    case simdjson::dom::element_type::OBJECT: {  // members in order (a key may repeat)
      simdjson::dom::object from = original;
      auto it = from.begin();
      for (auto field : simdjson::dom::object(pruned)) {
        const bool rewritten =
            top && (field.key == "granular_markings" || field.key == "created_by_ref");
        while (it != from.end() && ((*it).key != field.key ||
                                    (!rewritten && !IsPrunedFrom(field.value, (*it).value)))) {
          ++it;
        }
        if (it == from.end()) return false;
        ++it;
      }
      return true;
    }
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array from = original;
      auto it = from.begin();
      for (simdjson::dom::element item : simdjson::dom::array(pruned)) {
        while (it != from.end() && !IsPrunedFrom(item, *it)) ++it;
        if (it == from.end()) return false;
        ++it;
      }
      return true;
    }
    default:
      return simdjson::minify(pruned) == simdjson::minify(original);
  }
}

// The checks on a redacted body.
void CheckRedacted(const RedactionResult& result, simdjson::dom::element input_root,
                   const RedactionRules& rules, const kongsi::policy::MaySee& may_see,
                   const kongsi::stix::Validator& validator, simdjson::dom::parser& parser) {
  const std::string& body = result.body;
  const simdjson::dom::object input = input_root;
  if (result.changes.empty()) Fail("redacted without a change entry", body);
  simdjson::dom::element element;
  simdjson::dom::object object;
  if (parser.parse(body).get(element) != kOk || element.get(object) != kOk) {
    Fail("redacted body is not a JSON object", body);
  }
  std::vector<kongsi::stix::Finding> findings;
  validator.ValidateObject(element, "redacted", "", findings);
  for (const auto& f : findings) {
    if (f.severity == kongsi::stix::Severity::kError) {
      Fail("redacted body is not valid STIX", f.pointer + " " + f.message + "\n  " + body);
    }
  }
  for (const char* key : {"id", "type", "spec_version", "created", "modified"}) {
    simdjson::dom::element before;
    simdjson::dom::element after;
    const bool had = input[key].get(before) == kOk;
    const bool has = object[key].get(after) == kOk;
    if (had != has || (had && simdjson::minify(before) != simdjson::minify(after))) {
      Fail("redaction changed what identifies the version", body);
    }
  }
  if (!IsPrunedFrom(element, input_root, true)) Fail("redaction added or changed content", body);
  for (auto field : object) {
    for (const auto& pattern : rules.drop_properties) {
      if (kongsi::policy::PropertyMatchesPattern(field.key, pattern)) {
        Fail("a dropped property is still there", body);
      }
    }
  }
  simdjson::dom::array markings;
  if (object["granular_markings"].get(markings) == kOk) {
    for (simdjson::dom::element marking : markings) {
      simdjson::dom::object fields;
      if (marking.get(fields) != kOk) continue;
      for (auto field : fields) {  // every marking_ref, should one appear twice
        if (field.key != "marking_ref") continue;
        std::string_view ref;
        const Tlp level = field.value.get(ref) == kOk
                              ? kongsi::stix::TlpOfMarkingId(ref).value_or(Tlp::kNone)
                              : Tlp::kNone;
        if (!may_see(level)) Fail("a granular marking the recipient may not see is left", body);
      }
    }
  }
  simdjson::dom::array references;
  if (object["external_references"].get(references) == kOk) {
    for (simdjson::dom::element reference : references) {
      simdjson::dom::object fields;
      if (reference.get(fields) != kOk) continue;
      for (auto field : fields) {  // every url, should one appear twice
        std::string_view url;
        if (field.key != "url" || field.value.get(url) != kOk) continue;
        const std::string host = kongsi::policy::ReferenceUrlHost(url);
        for (const auto& pattern : rules.strip_reference_hosts) {
          if (kongsi::policy::HostMatchesPattern(host, pattern)) {
            Fail("a reference to a stripped host is left", body);
          }
        }
      }
    }
  }
  std::string_view creator;
  if (object["created_by_ref"].get(creator) == kOk && creator != rules.replacement_identity) {
    for (const auto& source : rules.replace_created_by) {
      if (source == "*" || source == creator) Fail("a creator to replace is left", body);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* validator = new kongsi::stix::Validator();
  static auto* parser = new simdjson::dom::parser();
  static auto* reparser = new simdjson::dom::parser();
  if (size < 2) return 0;
  const uint8_t recipient = data[0];
  const RedactionRules rules = RulesOf(data[1]);
  // Copied so that ASan sees the exact extent of the body (no reads past it).
  const std::string body(reinterpret_cast<const char*>(data) + 2, size - 2);

  const auto max_level = static_cast<uint8_t>(recipient & 0x07);
  const bool sees_unknown = (recipient & 0x08) != 0;
  const kongsi::policy::MaySee may_see = [&](Tlp tlp) {
    if (tlp == Tlp::kNone) return sees_unknown;
    return static_cast<uint8_t>(tlp) <= max_level;
  };

  simdjson::dom::element root;
  simdjson::dom::object input;
  const bool is_object = parser->parse(body).get(root) == kOk && root.get(input) == kOk;
  auto result = kongsi::policy::Redact(body, rules, may_see, *validator);
  if (!result.ok()) {
    if (is_object) Fail("a JSON object is rejected", result.status().ToString());
    if (result.status().message().empty()) Fail("error without a message", body);
    return 0;
  }
  if (!is_object) Fail("something that is not a JSON object is accepted", body);

  auto everything = kongsi::policy::Redact(
      body, {}, [](Tlp) { return true; }, *validator);
  if (!everything.ok() || everything->outcome != RedactionOutcome::kUnchanged) {
    Fail("no rule and every marking visible, yet the object changes", body);
  }

  switch (result->outcome) {
    case RedactionOutcome::kUnchanged:
      if (!result->body.empty() || !result->changes.empty()) {
        Fail("unchanged with a body or changes", body);
      }
      return 0;
    case RedactionOutcome::kWithheld:
      if (!result->body.empty()) Fail("withheld with a body", result->body);
      if (result->changes.empty() || result->changes[0].rfind("withheld: ", 0) != 0) {
        Fail("withheld without saying why", body);
      }
      break;
    case RedactionOutcome::kRedacted: {
      CheckRedacted(*result, root, rules, may_see, *validator, *reparser);
      auto again = kongsi::policy::Redact(result->body, rules, may_see, *validator);
      if (!again.ok() || again->outcome != RedactionOutcome::kUnchanged) {
        Fail("redacting a redacted body again changes it", result->body);
      }
      break;
    }
  }
  // Changed or withheld: the cheap test must have said so, whether or not it is told the creator.
  const std::string_view creator = StringOr(input, "created_by_ref", "");
  if (!kongsi::policy::MayNeedRedaction(body, creator, rules) ||
      !kongsi::policy::MayNeedRedaction(body, "", rules) ||
      !kongsi::policy::MayNeedRedaction(body, kongsi::stix::PropertyBloom(input), creator, rules)) {
    Fail("MayNeedRedaction is false for an object that redaction changes", body);
  }
  return 0;
}
