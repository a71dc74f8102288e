// Redaction over simdjson's DOM. Every removal, whichever rule asks for it, is first recorded
// as a path into the stored object in one tree (Edit); overlapping removals, lists left empty
// and the re-indexing of granular-marking selectors are then all worked out in the stored
// object's coordinates, and the new body is written in one pass over the DOM and validated as
// an ingested object is. Nothing is mutated in place, so a removal never shifts the position
// another rule computed.
#include "policy/redaction.h"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "simdjson.h"
#include "stix/finding.h"
#include "stix/property_bloom.h"
#include "stix/selector.h"
#include "util/json_string.h"
#include "util/strings.h"

namespace kongsi::policy {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr auto kOk = simdjson::SUCCESS;

using Step = stix::SelectorStep;
using Path = stix::SelectorPath;
using stix::ParseSelector;

// The path as a selector ("external_references.[1].url"), for messages.
std::string PathText(const Path& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i != 0) out.push_back('.');
    if (path[i].is_index) {
      out += util::StrCat("[", path[i].index, "]");
    } else {
      out.append(path[i].key);
    }
  }
  return out;
}

bool Resolves(element root, const Path& path) {
  element current = root;
  for (const Step& step : path) {
    if (step.is_index) {
      array list;
      if (current.get(list) != kOk || list.at(step.index).get(current) != kOk) return false;
    } else {
      object obj;
      if (current.get(obj) != kOk || obj.at_key(step.key).get(current) != kOk) return false;
    }
  }
  return true;
}

// What happens to one node of the object and below: removed, or the edits of its members
// (an object) or entries (a list). Keys and indexes are those of the stored object.
struct Edit {
  bool removed = false;
  bool reported = false;  // a change entry names this node already
  std::map<std::string_view, Edit, std::less<>> members;
  std::map<size_t, Edit> items;

  const Edit* Child(const Step& step) const {
    if (step.is_index) {
      auto it = items.find(step.index);
      return it == items.end() ? nullptr : &it->second;
    }
    auto it = members.find(step.key);
    return it == members.end() ? nullptr : &it->second;
  }
  Edit& ChildOrNew(const Step& step) {
    return step.is_index ? items[step.index] : members[step.key];
  }
  // How many entries before `index` of the list this node describes are removed.
  size_t RemovedBefore(size_t index) const {
    size_t n = 0;
    for (const auto& [i, item] : items) {
      if (i >= index) break;
      n += item.removed ? 1 : 0;
    }
    return n;
  }
};

struct Removal {
  Path path;
  std::string why;  // "granular marking marking-definition--... TLP:RED"
};

// A list whose entries are all removed is removed (STIX lists must not be empty).
void RemoveEmptiedLists(element value, Edit& edit) {
  if (edit.removed) return;
  array list;
  object obj;
  if (value.get(list) == kOk) {
    size_t size = 0;
    size_t removed = 0;
    for (element item : list) {
      if (auto it = edit.items.find(size); it != edit.items.end()) {
        RemoveEmptiedLists(item, it->second);
        removed += it->second.removed ? 1 : 0;
      }
      ++size;
    }
    if (size != 0 && removed == size) edit.removed = true;
  } else if (value.get(obj) == kOk) {
    for (auto& [key, child] : edit.members) {
      element member;
      if (obj.at_key(key).get(member) == kOk) RemoveEmptiedLists(member, child);
    }
  }
}

// Writes `value` as minified JSON without what `edit` removes. Strings are escaped as
// JSON.stringify does; numbers take simdjson's shortest form (the same value).
void WriteValue(element value, const Edit* edit, std::string& out) {
  switch (value.type()) {
    case element_type::OBJECT: {
      out.push_back('{');
      bool first = true;
      for (auto field : object(value)) {
        const Edit* child = nullptr;
        if (edit != nullptr) {
          if (auto it = edit->members.find(field.key); it != edit->members.end()) {
            child = &it->second;
          }
        }
        if (child != nullptr && child->removed) continue;
        if (!first) out.push_back(',');
        first = false;
        util::AppendJsonString(field.key, out);
        out.push_back(':');
        WriteValue(field.value, child, out);
      }
      out.push_back('}');
      return;
    }
    case element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      size_t index = 0;
      for (element item : array(value)) {
        const Edit* child = nullptr;
        if (edit != nullptr) {
          if (auto it = edit->items.find(index); it != edit->items.end()) child = &it->second;
        }
        ++index;
        if (child != nullptr && child->removed) continue;
        if (!first) out.push_back(',');
        first = false;
        WriteValue(item, child, out);
      }
      out.push_back(']');
      return;
    }
    case element_type::STRING:
      util::AppendJsonString(std::string_view(value), out);
      return;
    case element_type::BOOL:
      out += bool(value) ? "true" : "false";
      return;
    case element_type::NULL_VALUE:
      out += "null";
      return;
    default:
      out += simdjson::minify(value);
      return;
  }
}

// `selector` (parsed as `path`) in the coordinates of the redacted object: list indexes moved
// down past removed entries; nullopt when it selects something removed (or inside it). The
// original text when nothing moved.
std::optional<std::string> RewriteSelector(std::string_view selector, const Path& path,
                                           const Edit& root) {
  const Edit* node = &root;
  bool moved = false;
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    const Step& step = path[i];
    if (i != 0) out.push_back('.');
    if (step.is_index) {
      const size_t index =
          node != nullptr ? step.index - node->RemovedBefore(step.index) : step.index;
      moved = moved || index != step.index;
      out += util::StrCat("[", index, "]");
    } else {
      out.append(step.key);
    }
    if (node != nullptr) {
      node = node->Child(step);
      if (node != nullptr && node->removed) return std::nullopt;
    }
  }
  return moved ? out : std::string(selector);
}

// The granular_markings list after the removals.
struct MarkingsRewrite {
  std::string json;               // the new list
  size_t kept = 0;                // entries in it
  bool changed = false;           // an entry or selector was removed, or a selector re-indexed
  bool selects_markings = false;  // a remaining selector points into granular_markings
};

MarkingsRewrite RewriteMarkings(array markings, const Edit& root) {
  MarkingsRewrite r;
  r.json.push_back('[');
  Path path;
  std::string selectors_json;
  for (element entry : markings) {
    object marking;
    array selectors;
    // Anything but a marking with a list of selectors is left as it is, for the validator.
    if (entry.get(marking) != kOk || marking["selectors"].get(selectors) != kOk ||
        selectors.size() == 0) {
      if (r.kept++ != 0) r.json.push_back(',');
      WriteValue(entry, nullptr, r.json);
      continue;
    }
    selectors_json = "[";
    size_t left = 0;
    for (element s : selectors) {
      std::string_view text;
      if (s.get(text) != kOk || !ParseSelector(text, path)) {
        if (left++ != 0) selectors_json.push_back(',');
        WriteValue(s, nullptr, selectors_json);
        continue;
      }
      const std::optional<std::string> rewritten = RewriteSelector(text, path, root);
      if (!rewritten) {
        r.changed = true;
        continue;
      }
      r.changed = r.changed || *rewritten != text;
      if (!path.front().is_index && path.front().key == "granular_markings") {
        r.selects_markings = true;
      }
      if (left++ != 0) selectors_json.push_back(',');
      util::AppendJsonString(*rewritten, selectors_json);
    }
    selectors_json.push_back(']');
    if (left == 0) {  // it marked only what was removed
      r.changed = true;
      continue;
    }
    if (r.kept++ != 0) r.json.push_back(',');
    r.json.push_back('{');
    bool first = true;
    for (auto field : marking) {
      if (!first) r.json.push_back(',');
      first = false;
      util::AppendJsonString(field.key, r.json);
      r.json.push_back(':');
      if (field.key == "selectors") {
        r.json += selectors_json;
      } else {
        WriteValue(field.value, nullptr, r.json);
      }
    }
    r.json.push_back('}');
  }
  r.json.push_back(']');
  return r;
}

std::string TlpLabel(stix::Tlp tlp) {
  std::string name(stix::TlpName(tlp));
  for (char& c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return "TLP:" + name;
}

// Properties a redacted object must keep as they are: what identifies the version, and the
// markings themselves (a copy stripped of its TLP marking would reach the recipient as
// unmarked, to be handled under its own default).
bool IsProtectedProperty(std::string_view name) {
  return name == "id" || name == "type" || name == "spec_version" || name == "created" ||
         name == "modified" || name == "granular_markings" || name == "object_marking_refs";
}

RedactionResult Withheld(std::string why) {
  RedactionResult result;
  result.outcome = RedactionOutcome::kWithheld;
  result.changes.push_back("withheld: " + why);
  return result;
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = AsciiLower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool IsSpecialScheme(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "ws" ||
         scheme == "wss" || scheme == "file";
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Whether the body has an escape sequence inside which a name MayNeedRedaction looks for could
// be hidden ("granular\u005fmarkings" is the key granular_markings). Escapes of non-ASCII
// characters matter only to drop_properties names with non-ASCII characters; short escapes
// ("\n", "\"", "\/") only to names containing what they stand for.
bool HasEscapeHidingAName(std::string_view body, const RedactionRules& rules) {
  auto any_drop_name_has = [&](auto predicate) {
    for (const std::string& name : rules.drop_properties) {
      for (char c : name) {
        if (predicate(static_cast<unsigned char>(c))) return true;
      }
    }
    return false;
  };
  for (size_t i = body.find('\\'); i != std::string_view::npos && i + 1 < body.size();
       i = body.find('\\', i + 2)) {
    const char kind = body[i + 1];
    if (kind == 'u') {
      unsigned code = 0;
      bool hex = i + 5 < body.size();
      for (size_t k = i + 2; hex && k < i + 6; ++k) {
        const int d = HexDigit(body[k]);
        hex = d >= 0;
        code = code * 16 + static_cast<unsigned>(d);
      }
      if (!hex || code < 0x80) return true;
      if (any_drop_name_has([](unsigned char c) { return c >= 0x80; })) return true;
      continue;
    }
    char stands_for = kind;
    switch (kind) {
      case 'b':
        stands_for = '\b';
        break;
      case 'f':
        stands_for = '\f';
        break;
      case 'n':
        stands_for = '\n';
        break;
      case 'r':
        stands_for = '\r';
        break;
      case 't':
        stands_for = '\t';
        break;
      default:
        break;
    }
    if (any_drop_name_has([stands_for](unsigned char c) {
          return c == static_cast<unsigned char>(stands_for);
        })) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool PropertyMatchesPattern(std::string_view name, std::string_view pattern) {
  if (!pattern.empty() && pattern.back() == '*') {
    const std::string_view prefix = pattern.substr(0, pattern.size() - 1);
    return name.substr(0, prefix.size()) == prefix;
  }
  return name == pattern;
}

std::string ReferenceUrlHost(std::string_view url) {
  // As the WHATWG URL parser does: tabs and newlines anywhere are ignored, leading and
  // trailing spaces and control characters trimmed.
  std::string text;
  text.reserve(url.size());
  for (char c : url) {
    if (c != '\t' && c != '\n' && c != '\r') text.push_back(c);
  }
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && static_cast<unsigned char>(text[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(text[end - 1]) <= 0x20) --end;
  std::string_view rest(text.data() + begin, end - begin);

  // scheme ":" — letters first, then letters, digits, '+', '-', '.'.
  size_t scheme_end = 0;
  if (!rest.empty() && ((rest[0] >= 'a' && rest[0] <= 'z') || (rest[0] >= 'A' && rest[0] <= 'Z'))) {
    scheme_end = 1;
    while (scheme_end < rest.size()) {
      const char c = AsciiLower(rest[scheme_end]);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
        break;
      }
      ++scheme_end;
    }
    if (scheme_end >= rest.size() || rest[scheme_end] != ':') scheme_end = 0;
  }
  std::string_view authority;
  if (scheme_end != 0) {
    std::string scheme(rest.substr(0, scheme_end));
    for (char& c : scheme) c = AsciiLower(c);
    std::string_view after = rest.substr(scheme_end + 1);
    if (IsSpecialScheme(scheme)) {
      // "http:host", "http:/host" and "http:\\host" all name host, as in a browser.
      const size_t start = after.find_first_not_of("/\\");
      authority = start == std::string_view::npos ? std::string_view() : after.substr(start);
    } else if (after.substr(0, 2) == "//") {
      authority = after.substr(2);
    } else if (scheme.find('.') != std::string::npos ||
               (!after.empty() && after[0] >= '0' && after[0] <= '9')) {
      // "intranet.example:8080/wiki": a host and port without a scheme, not a scheme.
      authority = rest;
    } else {
      return "";  // "mailto:...", "urn:...": no host
    }
  } else if (rest.substr(0, 2) == "//") {
    authority = rest.substr(2);
  } else {
    authority = rest;
  }
  authority = authority.substr(0, authority.find_first_of("/\\?#"));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  std::string_view host;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    host = close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  } else {
    host = authority.substr(0, authority.find(':'));
  }
  std::string out;
  out.reserve(host.size());
  for (size_t i = 0; i < host.size(); ++i) {
    if (host[i] == '%' && i + 2 < host.size()) {
      const int hi = HexDigit(host[i + 1]);
      const int lo = HexDigit(host[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(AsciiLower(static_cast<char>(hi * 16 + lo)));
        i += 2;
        continue;
      }
    }
    out.push_back(AsciiLower(host[i]));
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

bool HostMatchesPattern(std::string_view host, std::string_view pattern) {
  if (pattern.empty()) return false;
  if (pattern == "*") return true;
  std::string p(pattern);
  for (char& c : p) c = AsciiLower(c);
  while (!p.empty() && p.back() == '.') p.pop_back();
  std::string h(host);
  for (char& c : h) c = AsciiLower(c);
  if (p.size() > 2 && p[0] == '*' && p[1] == '.') {
    const std::string_view suffix = std::string_view(p).substr(1);  // ".suffix.example"
    return h.size() > suffix.size() &&
           std::string_view(h).substr(h.size() - suffix.size()) == suffix;
  }
  return h == p;
}

bool MayNeedRedaction(std::string_view body, std::string_view created_by_ref,
                      const RedactionRules& rules) {
  if (Contains(body, "\"granular_markings\"")) return true;
  if (HasEscapeHidingAName(body, rules)) return true;
  for (const std::string& pattern : rules.drop_properties) {
    if (!pattern.empty() && pattern.back() == '*') {
      if (Contains(body, "\"" + pattern.substr(0, pattern.size() - 1))) return true;
    } else if (Contains(body, "\"" + pattern + "\"")) {
      return true;
    }
  }
  if (!rules.strip_reference_hosts.empty() && Contains(body, "\"external_references\"")) {
    return true;
  }
  if (!rules.replace_created_by.empty()) {
    if (created_by_ref.empty()) return Contains(body, "\"created_by_ref\"");
    if (created_by_ref == rules.replacement_identity) return false;
    for (const std::string& source : rules.replace_created_by) {
      if (source == "*" || source == created_by_ref) return true;
    }
  }
  return false;
}

SummaryProbe ProbeFor(const RedactionRules& rules) {
  SummaryProbe probe;
  auto add = [&](std::optional<uint64_t> bit) {
    if (bit) {
      probe.bits |= *bit;
    } else {
      probe.always = true;
    }
  };
  add(stix::BloomNameBit("granular_markings"));
  for (const std::string& pattern : rules.drop_properties) {
    const bool wildcard = !pattern.empty() && pattern.back() == '*';
    add(wildcard ? stix::BloomPrefixBit(std::string_view(pattern).substr(0, pattern.size() - 1))
                 : stix::BloomNameBit(pattern));
  }
  if (!rules.strip_reference_hosts.empty()) add(stix::BloomNameBit("external_references"));
  return probe;
}

bool MayNeedRedaction(std::string_view body, uint64_t property_bloom, const SummaryProbe& probe,
                      std::string_view created_by_ref, const RedactionRules& rules) {
  if (property_bloom == 0) return MayNeedRedaction(body, created_by_ref, rules);
  if (probe.always || (property_bloom & probe.bits) != 0) return true;
  if (!rules.replace_created_by.empty() && !created_by_ref.empty() &&
      created_by_ref != rules.replacement_identity) {
    for (const std::string& source : rules.replace_created_by) {
      if (source == "*" || source == created_by_ref) return true;
    }
  }
  return false;
}

bool MayNeedRedaction(std::string_view body, uint64_t property_bloom,
                      std::string_view created_by_ref, const RedactionRules& rules) {
  return MayNeedRedaction(body, property_bloom, ProbeFor(rules), created_by_ref, rules);
}

absl::StatusOr<RedactionResult> Redact(std::string_view body, const RedactionRules& rules,
                                       const MaySee& may_see, const stix::Validator& validator) {
  simdjson::dom::parser parser;
  element root;
  object obj;
  if (parser.parse(body.data(), body.size()).get(root) != kOk || root.get(obj) != kOk) {
    return absl::InvalidArgumentError("a redacted body must be a JSON object");
  }
  std::vector<Removal> removals;
  Path path;

  // Granular markings the recipient may not see.
  array markings;
  const bool has_markings = obj["granular_markings"].get(markings) == kOk;
  if (has_markings) {
    size_t i = 0;
    for (element entry : markings) {
      const size_t entry_index = i++;
      object marking;
      if (entry.get(marking) != kOk) continue;  // not a marking: the validator says so
      // Every marking_ref counts: JSON readers differ on which of two equal keys wins (the
      // validator does not look for them here), so the strictest one decides. A `lang`
      // marking has none and restricts nothing.
      std::string name;  // of the first marking_ref the recipient may not see
      size_t selector_lists = 0;
      for (auto field : marking) {
        if (field.key == "selectors") ++selector_lists;
        if (field.key != "marking_ref" || !name.empty()) continue;
        std::string_view ref_id;
        stix::Tlp level = stix::Tlp::kNone;
        std::string this_name;
        if (field.value.get(ref_id) == kOk) {
          level = stix::TlpOfMarkingId(ref_id).value_or(stix::Tlp::kNone);
          this_name = util::StrCat("granular marking ", ref_id);
          if (level != stix::Tlp::kNone) this_name += " " + TlpLabel(level);
        } else {
          this_name = util::StrCat("granular marking granular_markings.[", entry_index,
                                   "] (its marking_ref is not an identifier)");
        }
        if (!may_see || !may_see(level)) name = std::move(this_name);
      }
      if (name.empty()) continue;
      if (selector_lists > 1) {
        return Withheld(name + " has two lists of selectors: what it protects cannot be known");
      }
      array selectors;
      if (marking["selectors"].get(selectors) != kOk || selectors.size() == 0) {
        return Withheld(name + " has no selectors: what it protects cannot be known");
      }
      for (element s : selectors) {
        std::string_view selector;
        if (s.get(selector) != kOk) {
          return Withheld(name +
                          " has a selector that is not a string: what it protects "
                          "cannot be known");
        }
        if (!ParseSelector(selector, path) || !Resolves(root, path)) {
          return Withheld(util::StrCat(name, " selects \"", selector,
                                       "\", which is not in the object: what it protects "
                                       "cannot be known"));
        }
        if (!path.front().is_index && IsProtectedProperty(path.front().key)) {
          return Withheld(util::StrCat(name, " selects \"", selector, "\", but ", path.front().key,
                                       " cannot be removed"));
        }
        removals.push_back({path, name});
      }
    }
  }

  // The agreement's rules.
  for (auto field : obj) {
    for (const std::string& pattern : rules.drop_properties) {
      if (PropertyMatchesPattern(field.key, pattern)) {
        removals.push_back(
            {{{.key = field.key, .index = 0, .is_index = false}}, "drop_properties " + pattern});
        break;
      }
    }
  }
  std::string_view created_by;
  std::optional<std::string> new_created_by;  // the replacement's JSON text
  // An empty created_by_ref names no source (and is not valid STIX): nothing to replace.
  if (!rules.replace_created_by.empty() && obj["created_by_ref"].get(created_by) == kOk &&
      !created_by.empty() && created_by != rules.replacement_identity) {
    bool listed = false;
    for (const std::string& source : rules.replace_created_by) {
      listed = listed || source == "*" || source == created_by;
    }
    if (listed && rules.replacement_identity.empty()) {
      removals.push_back(
          {{{.key = "created_by_ref", .index = 0, .is_index = false}},
           util::StrCat("replace_created_by ", created_by, " without a replacement identity")});
    } else if (listed) {
      new_created_by.emplace();
      util::AppendJsonString(rules.replacement_identity, *new_created_by);
    }
  }
  array references;
  if (!rules.strip_reference_hosts.empty() && obj["external_references"].get(references) == kOk) {
    size_t i = 0;
    for (element reference : references) {
      const size_t index = i++;
      object fields;
      if (reference.get(fields) != kOk) continue;
      // Every url counts, should one appear twice.
      std::optional<std::string> why;
      for (auto field : fields) {
        std::string_view url;
        if (why || field.key != "url" || field.value.get(url) != kOk) continue;
        const std::string host = ReferenceUrlHost(url);
        for (const std::string& pattern : rules.strip_reference_hosts) {
          if (HostMatchesPattern(host, pattern)) {
            why = host.empty() ? "strip_reference_hosts " + pattern : "host " + host;
            break;
          }
        }
      }
      if (why) {
        removals.push_back({{{.key = "external_references", .index = 0, .is_index = false},
                             {.key = {}, .index = index, .is_index = true}},
                            std::move(*why)});
      }
    }
  }
  if (removals.empty() && !new_created_by) return RedactionResult{};

  // Every removal in one tree; what lies inside a removed node is reported with it.
  Edit edits;
  for (const Removal& removal : removals) {
    Edit* node = &edits;
    for (const Step& step : removal.path) node = &node->ChildOrNew(step);
    node->removed = true;
  }
  RedactionResult result;
  result.outcome = RedactionOutcome::kRedacted;
  for (const Removal& removal : removals) {
    Edit* node = &edits;
    bool inside_removed = false;
    for (const Step& step : removal.path) {
      if (node->removed) inside_removed = true;
      node = &node->ChildOrNew(step);
    }
    if (inside_removed || node->reported) continue;
    node->reported = true;
    result.changes.push_back(
        util::StrCat("removed ", PathText(removal.path), " (", removal.why, ")"));
  }
  RemoveEmptiedLists(root, edits);

  // Top-level values written anew: the re-indexed granular markings, the replaced creator.
  std::map<std::string_view, std::string, std::less<>> replaced;
  if (has_markings) {
    const auto it = edits.members.find("granular_markings");
    if (it == edits.members.end() || !it->second.removed) {
      MarkingsRewrite rewrite = RewriteMarkings(markings, edits);
      if (rewrite.changed && rewrite.selects_markings) {
        return Withheld(
            "a granular marking selects into granular_markings, which redaction changes");
      }
      if (rewrite.kept == 0) {
        edits.members["granular_markings"].removed = true;
      } else if (rewrite.changed) {
        replaced.emplace("granular_markings", std::move(rewrite.json));
      }
    }
  }
  if (new_created_by) {
    const auto it = edits.members.find("created_by_ref");
    if (it == edits.members.end() || !it->second.removed) {
      replaced.emplace("created_by_ref", *new_created_by);
      result.changes.push_back(util::StrCat("replaced created_by_ref ", created_by, " with ",
                                            rules.replacement_identity));
    }
  }

  std::string& out = result.body;
  out.reserve(body.size());
  out.push_back('{');
  bool first = true;
  for (auto field : obj) {
    const auto edit = edits.members.find(field.key);
    if (edit != edits.members.end() && edit->second.removed) continue;
    if (!first) out.push_back(',');
    first = false;
    util::AppendJsonString(field.key, out);
    out.push_back(':');
    if (const auto it = replaced.find(field.key); it != replaced.end()) {
      out += it->second;
    } else {
      WriteValue(field.value, edit == edits.members.end() ? nullptr : &edit->second, out);
    }
  }
  out.push_back('}');

  // What is left must still be valid STIX.
  simdjson::dom::parser reparser;
  element redacted;
  std::string why;
  if (reparser.parse(out).get(redacted) != kOk) {
    why = "the redacted object is not JSON";  // unreachable: written from a parsed document
  } else {
    std::string_view id;
    if (obj["id"].get(id) != kOk) id = "#0";
    std::vector<stix::Finding> findings;
    validator.ValidateObject(redacted, id, "", findings);
    for (const stix::Finding& f : findings) {
      if (f.severity != stix::Severity::kError) continue;
      why = util::StrCat("the redacted object is not valid STIX: ", f.message,
                         f.pointer.empty() ? "" : " (at " + f.pointer + ")");
      break;
    }
  }
  if (!why.empty()) {
    RedactionResult withheld = Withheld(std::move(why));
    for (std::string& change : result.changes) withheld.changes.push_back(std::move(change));
    return withheld;
  }
  return result;
}

}  // namespace kongsi::policy
