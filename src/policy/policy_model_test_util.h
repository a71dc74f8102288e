// A reference model of the sharing policy, written from docs/policy.md alone, for the
// property tests (policy_property_test.cc): which principal may receive which object, and what
// redaction leaves of it. It reads the same PolicySpec a node is configured with, but none of
// the code that compiles or applies it: the node's answer is compared with this one.
//
// Deliberately naive: linear searches, recomputed every time, no caching. Thread-compatible.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/policy_spec.h"
#include "store/store.h"
#include "util/time.h"

namespace kongsi::policy::model {

using stix::Tlp;

// TLP levels, least to most restrictive (the model's own order, not stix::Tlp's numbers).
enum class Level { kClear = 1, kGreen, kAmber, kAmberStrict, kRed };

inline std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kClear:
      return "CLEAR";
    case Level::kGreen:
      return "GREEN";
    case Level::kAmber:
      return "AMBER";
    case Level::kAmberStrict:
      return "AMBER+STRICT";
    case Level::kRed:
      return "RED";
  }
  return "?";
}

inline Level FromTlp(Tlp t) {
  switch (t) {
    case Tlp::kClear:
      return Level::kClear;
    case Tlp::kGreen:
      return Level::kGreen;
    case Tlp::kAmber:
      return Level::kAmber;
    case Tlp::kAmberStrict:
      return Level::kAmberStrict;
    case Tlp::kRed:
    case Tlp::kNone:
      break;
  }
  return Level::kRed;
}

// The marking definitions the policy interprets: TLP 2.0 (OASIS extension) and the STIX 2.1
// TLP 1.0 built-ins. Anything else is not a TLP level.
struct TlpMarking {
  std::string_view id;
  Level level;
  bool tlp2;
};
inline constexpr TlpMarking kTlpMarkings[] = {
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Level::kClear, true},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Level::kGreen, true},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Level::kAmber, true},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Level::kAmberStrict, true},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Level::kRed, true},
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Level::kClear, false},  // WHITE
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Level::kGreen, false},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Level::kAmber, false},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Level::kRed, false},
};
// A statement marking: not a TLP level.
inline constexpr std::string_view kStatementMarking =
    "marking-definition--0b1ab1d6-4d5a-4a5c-9a39-1f0e3d8b7a21";

inline std::optional<Level> LevelOfMarking(std::string_view id) {
  for (const TlpMarking& m : kTlpMarkings) {
    if (m.id == id) return m.level;
  }
  return std::nullopt;
}

// What the decision needs of one object version.
struct Object {
  std::string id;
  std::string type;
  std::vector<std::string> marking_refs;  // object_marking_refs
  std::string origin;                     // provenance organisation, "" = this node
  std::vector<std::string> recipients;    // x_kongsi_recipients
};

// What the model needs of one principal.
struct Who {
  std::string name;
  std::string organisation;  // the token's organisation (Principal::organisation)
  bool local_operator = false;
};

class Model {
 public:
  Model(const PolicySpec& spec, std::string node_identity,
        std::vector<store::Collection> collections, util::Timestamp now)
      : spec_(spec),
        node_identity_(std::move(node_identity)),
        collections_(std::move(collections)),
        now_(now) {}

  // ---- organisations -------------------------------------------------------------------
  // Index of the organisation named (by name or identity), -1 when unknown.
  int FindOrg(std::string_view name_or_identity) const {
    if (name_or_identity.empty()) return -1;
    for (size_t i = 0; i < spec_.organisations.size(); ++i) {
      const OrganisationSpec& o = spec_.organisations[i];
      if (o.name == name_or_identity || (!o.identity.empty() && o.identity == name_or_identity)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  // The node's own organisation: the one [policy] names, else the one carrying the node's
  // identity.
  int OwnOrg() const {
    if (!spec_.node_organisation.empty()) return FindOrg(spec_.node_organisation);
    return FindOrg(node_identity_);
  }
  bool InCommunity(int org, const CommunitySpec& c) const {
    return std::any_of(c.members.begin(), c.members.end(),
                       [&](const std::string& m) { return FindOrg(m) == org; });
  }
  bool ShareCommunity(int a, int b) const {
    if (a < 0 || b < 0) return false;
    return std::any_of(
        spec_.communities.begin(), spec_.communities.end(),
        [&](const CommunitySpec& c) { return InCommunity(a, c) && InCommunity(b, c); });
  }

  // ---- principals ----------------------------------------------------------------------
  struct Recipient {
    bool local_operator = false;
    bool peer = false;
    int org = -1;  // -1: an organisation the policy does not know
    std::string name;
    std::string unknown_org;  // the organisation's name when the policy does not know it
  };
  Recipient Resolve(const Who& who) const {
    Recipient r;
    r.name = who.name;
    r.local_operator = who.local_operator;
    for (const PrincipalSpec& p : spec_.principals) {
      if (p.name == who.name) {  // declared: the policy says whose it is
        r.org = FindOrg(p.organisation);
        r.peer = p.kind == PrincipalKind::kPeer;
        return r;
      }
    }
    r.org = who.organisation.empty() ? OwnOrg() : FindOrg(who.organisation);
    if (r.org < 0) r.unknown_org = who.organisation;
    return r;
  }

  // ---- agreements ----------------------------------------------------------------------
  enum class Naming { kNone, kCommunity, kDirect };
  Naming Names(const AgreementSpec& a, int org) const {
    if (org < 0) return Naming::kNone;
    Naming best = Naming::kNone;
    for (const std::string& w : a.with) {
      if (FindOrg(w) == org) return Naming::kDirect;
      for (const CommunitySpec& c : spec_.communities) {
        if (c.name == w && InCommunity(org, c)) best = Naming::kCommunity;
      }
    }
    return best;
  }
  bool Covers(const AgreementSpec& a, std::string_view collection_id) const {
    for (const std::string& c : a.collections) {
      if (c == "*" || c == collection_id) return true;
      for (const store::Collection& k : collections_) {
        if (k.id == collection_id && !k.alias.empty() && k.alias == c) return true;
      }
    }
    return false;
  }
  bool InForce(const AgreementSpec& a) const { return !a.expires || now_ < *a.expires; }
  // Agreements that apply to `r` reading `collection_id` now (their rules redact).
  std::vector<const AgreementSpec*> Applicable(const Recipient& r,
                                               std::string_view collection_id) const {
    std::vector<const AgreementSpec*> out;
    for (const AgreementSpec& a : spec_.agreements) {
      if (InForce(a) && Covers(a, collection_id) && Names(a, r.org) != Naming::kNone) {
        out.push_back(&a);
      }
    }
    return out;
  }

  // ---- the decision --------------------------------------------------------------------
  // The object's level: strictest TLP marking; TLP marking definitions are CLEAR; unmarked
  // (or marked only with other definitions) takes default_tlp.
  Level ObjectLevel(const Object& o) const {
    if (o.type == "marking-definition" && LevelOfMarking(o.id)) return Level::kClear;
    std::optional<Level> level;
    for (const std::string& ref : o.marking_refs) {
      if (auto l = LevelOfMarking(ref); l && (!level || *l > *level)) level = l;
    }
    return level.value_or(DefaultLevel());
  }
  Level DefaultLevel() const { return FromTlp(spec_.default_tlp); }

  bool Named(const Recipient& r, const Object& o) const {
    for (const std::string& n : o.recipients) {
      if (n == r.name) return true;
      if (r.org >= 0 && FindOrg(n) == r.org) return true;
    }
    return false;
  }

  // Whether `r` may receive `o`, read through `collection_id`, if it were at `level`. `why`
  // gets the reason when not.
  bool Allowed(const Recipient& r, std::string_view collection_id, const Object& o, Level level,
               std::string* why = nullptr) const {
    auto no = [&](const char* reason) {
      if (why != nullptr) *why = reason;
      return false;
    };
    if (r.local_operator) return true;  // 1
    const int own = OwnOrg();
    const bool is_own = own >= 0 && r.org == own;
    if (!o.origin.empty() && (!is_own || r.peer)) {  // 2 (own peer nodes are bound too)
      const int from = FindOrg(o.origin);
      const bool from_own = own >= 0 && from == own;
      if (!from_own) {
        // "that organisation" (both may be unknown to the policy, then named alike)
        const bool same = r.org >= 0 ? r.org == from : from < 0 && r.unknown_org == o.origin;
        if (level >= Level::kAmber && !same) return no("origin bound (amber or stricter)");
        if (level == Level::kGreen && !same && !ShareCommunity(r.org, from)) {
          return no("origin bound (green, no shared community)");
        }
      }
    }
    if (is_own) {  // 3
      if (level == Level::kRed) {
        if (r.peer) return no("red to a peer");
        return Named(r, o) ? true : no("red, own organisation not named");
      }
      if (level == Level::kAmberStrict && r.peer) return no("amber+strict to a peer");
      return true;
    }
    if (level == Level::kClear) return true;  // 4
    if (r.org < 0) return no("unknown organisation: clear only");
    if (level == Level::kRed) {  // 5
      if (r.peer) return no("red to a peer");
      return Named(r, o) ? true : no("red, not named");
    }
    if (level == Level::kAmberStrict && r.peer) {
      return no("peer: amber+strict never goes to a peer");
    }
    for (const AgreementSpec& a : spec_.agreements) {  // 6
      const Naming n = Names(a, r.org);
      if (!InForce(a) || !Covers(a, collection_id) || n == Naming::kNone) continue;
      if (FromTlp(a.max_tlp) < level) continue;
      if (o.type == "sighting" && !a.sightings) continue;
      if (level == Level::kAmberStrict && n != Naming::kDirect) continue;
      return true;
    }
    return no(Applicable(r, collection_id).empty() ? "no agreement covers it"
                                                   : "no applicable agreement allows it");
  }
  bool Allowed(const Recipient& r, std::string_view collection_id, const Object& o,
               std::string* why = nullptr) const {
    return Allowed(r, collection_id, o, ObjectLevel(o), why);
  }

  // ---- redaction rules -----------------------------------------------------------------
  static bool DropMatches(std::string_view property, std::string_view pattern) {
    if (!pattern.empty() && pattern.back() == '*') {
      return property.substr(0, pattern.size() - 1) == pattern.substr(0, pattern.size() - 1);
    }
    return property == pattern;
  }
  static std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  static bool HostMatches(std::string_view host, std::string_view pattern) {
    if (pattern == "*") return true;
    const std::string h = Lower(host), p = Lower(pattern);
    if (p.empty()) return false;
    if (p.rfind("*.", 0) == 0) {
      const std::string suffix = p.substr(1);  // ".corp.example"
      return h.size() > suffix.size() &&
             h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0;
    }
    return h == p;
  }
  bool ReplaceMatches(std::string_view created_by_ref, std::string_view entry) const {
    if (created_by_ref.empty()) return false;
    if (entry == "*") return created_by_ref != node_identity_;
    if (entry == created_by_ref) return true;
    const int org = FindOrg(entry);
    return org >= 0 && FindOrg(created_by_ref) == org;
  }

  // The rules that apply to `r` reading `collection_id`.
  struct Rules {
    std::vector<std::string> drop;
    std::vector<std::string> replace;
    std::vector<std::string> strip_hosts;
  };
  Rules RulesFor(const Recipient& r, std::string_view collection_id) const {
    Rules rules;
    if (r.local_operator) return rules;
    // The own organisation receives everything without an agreement: neither the node-wide
    // rules nor an agreement's apply to it (`policy check` warns about agreements naming it).
    const int own = OwnOrg();
    if (own >= 0 && r.org == own) return rules;
    rules.drop = spec_.drop_properties;
    for (const AgreementSpec* a : Applicable(r, collection_id)) {
      rules.drop.insert(rules.drop.end(), a->drop_properties.begin(), a->drop_properties.end());
      rules.replace.insert(rules.replace.end(), a->replace_created_by.begin(),
                           a->replace_created_by.end());
      rules.strip_hosts.insert(rules.strip_hosts.end(), a->strip_reference_hosts.begin(),
                               a->strip_reference_hosts.end());
    }
    return rules;
  }
  bool Dropped(const Rules& rules, std::string_view property) const {
    return std::any_of(rules.drop.begin(), rules.drop.end(),
                       [&](const std::string& p) { return DropMatches(property, p); });
  }
  bool Stripped(const Rules& rules, std::string_view host) const {
    return std::any_of(rules.strip_hosts.begin(), rules.strip_hosts.end(),
                       [&](const std::string& p) { return HostMatches(host, p); });
  }
  bool Replaced(const Rules& rules, std::string_view created_by_ref) const {
    return std::any_of(rules.replace.begin(), rules.replace.end(),
                       [&](const std::string& e) { return ReplaceMatches(created_by_ref, e); });
  }

  const PolicySpec& spec() const { return spec_; }
  const std::string& node_identity() const { return node_identity_; }

 private:
  const PolicySpec& spec_;
  std::string node_identity_;
  std::vector<store::Collection> collections_;
  util::Timestamp now_;
};

// ---- a document for the redaction property ----------------------------------------------
// An indicator (or attack-pattern) whose every string value carries a unique marker, so that
// what a recipient receives can be checked marker by marker.
struct Doc {
  struct ExternalReference {
    std::string source_marker;
    std::string url;       // "" = no url; contains url_marker
    std::string url_host;  // the host a browser would go to for `url`
    std::string url_marker;
    std::string external_id_marker;  // "" = no external_id
  };
  struct Phase {
    std::string chain_marker;
    std::string phase_marker;
  };
  struct Granular {
    std::string marking_ref;  // "" = a language marking ("lang": "en")
    std::vector<std::string> selectors;
  };
  Object object;  // id, type, markings, origin, recipients
  std::string modified;
  std::string created_by_ref;  // "" = none
  std::string pattern_marker;  // indicators
  std::string name_marker;     // "" = none (required for attack-pattern)
  std::string description_marker;
  std::vector<std::string> label_markers;
  std::vector<ExternalReference> references;
  std::vector<Phase> phases;
  std::vector<std::pair<std::string, std::string>> custom;  // x_ property name, marker
  std::vector<Granular> granular;
};

// What a recipient should receive of a Doc.
struct Expectation {
  bool disclosed = false;
  bool redacted = false;
  std::string reason;             // when withheld
  std::set<std::string> visible;  // markers that must appear
  std::set<std::string> hidden;   // markers that must not appear
  std::string created_by_ref;     // expected value ("" = absent)
  bool unchecked = false;         // a dangling selector the recipient may see: no claim
  std::set<std::string> causes;   // what redacts it: "granular", "drop", "strip", "replace"
  std::set<std::string> absent;   // top-level properties that must not be there
};

// The model of redaction (docs/policy.md, "Redaction"), on the Doc's own structure.
inline Expectation Expect(const Model& m, const Model::Recipient& r, std::string_view collection,
                          const Doc& d) {
  Expectation e;
  std::string why;
  if (!m.Allowed(r, collection, d.object, &why)) {
    e.reason = "decision: " + why;
    return e;
  }
  auto all_markers = [&](std::set<std::string>& into) {
    if (!d.pattern_marker.empty()) into.insert(d.pattern_marker);
    if (!d.name_marker.empty()) into.insert(d.name_marker);
    if (!d.description_marker.empty()) into.insert(d.description_marker);
    for (const auto& l : d.label_markers) into.insert(l);
    for (const auto& x : d.references) {
      into.insert(x.source_marker);
      if (!x.url.empty()) into.insert(x.url_marker);
      if (!x.external_id_marker.empty()) into.insert(x.external_id_marker);
    }
    for (const auto& p : d.phases) {
      into.insert(p.chain_marker);
      into.insert(p.phase_marker);
    }
    for (const auto& c : d.custom) into.insert(c.second);
  };
  if (r.local_operator) {  // everything, as stored
    e.disclosed = true;
    all_markers(e.visible);
    e.created_by_ref = d.created_by_ref;
    return e;
  }
  // Whether a granular marking hides what it selects from r.
  auto hides = [&](const Doc::Granular& g) {
    if (g.marking_ref.empty()) return false;  // lang
    const std::optional<Level> level = LevelOfMarking(g.marking_ref);
    return !m.Allowed(r, collection, d.object, level.value_or(m.DefaultLevel()));
  };
  auto hidden_selector = [&](const std::string& selector) {
    const bool hidden =
        std::any_of(d.granular.begin(), d.granular.end(), [&](const Doc::Granular& g) {
          return hides(g) &&
                 std::find(g.selectors.begin(), g.selectors.end(), selector) != g.selectors.end();
        });
    if (hidden) e.causes.insert("granular");
    return hidden;
  };
  // Selectors that exist in the stored object.
  std::set<std::string> exists = {"id", "type", "spec_version", "created", "modified"};
  if (d.object.type == "indicator") {
    exists.insert({"pattern", "pattern_type", "valid_from"});
  }
  if (!d.name_marker.empty()) exists.insert("name");
  if (!d.description_marker.empty()) exists.insert("description");
  if (!d.created_by_ref.empty()) exists.insert("created_by_ref");
  if (!d.object.marking_refs.empty()) exists.insert("object_marking_refs");
  if (!d.label_markers.empty()) exists.insert("labels");
  for (size_t i = 0; i < d.label_markers.size(); ++i) {
    exists.insert("labels.[" + std::to_string(i) + "]");
  }
  if (!d.references.empty()) exists.insert("external_references");
  for (size_t i = 0; i < d.references.size(); ++i) {
    const std::string at = "external_references.[" + std::to_string(i) + "]";
    exists.insert({at, at + ".source_name"});
    if (!d.references[i].url.empty()) exists.insert(at + ".url");
    if (!d.references[i].external_id_marker.empty()) exists.insert(at + ".external_id");
  }
  if (!d.phases.empty()) exists.insert("kill_chain_phases");
  for (size_t i = 0; i < d.phases.size(); ++i) {
    const std::string at = "kill_chain_phases.[" + std::to_string(i) + "]";
    exists.insert({at, at + ".kill_chain_name", at + ".phase_name"});
  }
  for (const auto& c : d.custom) exists.insert(c.first);
  for (const Doc::Granular& g : d.granular) {
    for (const std::string& s : g.selectors) {
      if (exists.count(s) > 0) continue;
      if (hides(g)) {
        e.reason = "a stricter marking selects " + s + ", which does not exist";
        return e;
      }
      e.unchecked = true;  // the stored object is not valid STIX: no claim
    }
  }
  for (const char* core : {"id", "type", "spec_version", "created", "modified"}) {
    if (hidden_selector(core)) {
      e.reason = std::string("a stricter marking selects ") + core;
      return e;
    }
  }
  // The object's markings stay as they are: a copy without them would arrive unmarked.
  for (const Doc::Granular& g : d.granular) {
    if (!hides(g)) continue;
    for (const std::string& s : g.selectors) {
      if (s == "object_marking_refs" || s.rfind("object_marking_refs.", 0) == 0) {
        e.causes.insert("granular");
        e.reason = "a stricter marking selects " + s;
        return e;
      }
    }
  }

  const Model::Rules rules = m.RulesFor(r, collection);
  bool removed_any = false;
  bool invalid = false;
  std::string invalid_why;
  auto top_removed = [&](const std::string& p) {
    const bool dropped = m.Dropped(rules, p), hidden = hidden_selector(p);
    if (dropped) e.causes.insert("drop");
    if (hidden) e.causes.insert("granular");
    return dropped || hidden;
  };
  auto place = [&](const std::string& marker, bool removed) {
    (removed ? e.hidden : e.visible).insert(marker);
    removed_any = removed_any || removed;
  };
  auto require = [&](bool ok, const std::string& what) {
    if (!ok && !invalid) {
      invalid = true;
      invalid_why = what;
    }
  };
  if (d.object.type == "indicator") {
    const bool gone = top_removed("pattern");
    place(d.pattern_marker, gone);
    require(!gone, "pattern removed");
    require(!top_removed("pattern_type"), "pattern_type removed");
    require(!top_removed("valid_from"), "valid_from removed");
    removed_any = removed_any || top_removed("pattern_type") || top_removed("valid_from");
  }
  if (!d.name_marker.empty()) {
    const bool gone = top_removed("name");
    place(d.name_marker, gone);
    if (d.object.type == "attack-pattern") require(!gone, "name removed");
  } else if (d.object.type == "attack-pattern") {
    require(false, "no name");
  }
  if (!d.description_marker.empty()) place(d.description_marker, top_removed("description"));
  for (const auto& c : d.custom) place(c.second, top_removed(c.first));
  if (!d.object.recipients.empty() && top_removed("x_kongsi_recipients")) removed_any = true;
  if (!d.object.marking_refs.empty() && top_removed("object_marking_refs")) {
    removed_any = true;
    e.absent.insert("object_marking_refs");
  }
  {  // labels
    const bool list_gone = top_removed("labels");
    for (size_t i = 0; i < d.label_markers.size(); ++i) {
      place(d.label_markers[i], list_gone || hidden_selector("labels.[" + std::to_string(i) + "]"));
    }
  }
  {  // external references
    const bool list_gone = top_removed("external_references");
    for (size_t i = 0; i < d.references.size(); ++i) {
      const Doc::ExternalReference& x = d.references[i];
      const std::string at = "external_references.[" + std::to_string(i) + "]";
      const bool stripped = !x.url.empty() && m.Stripped(rules, x.url_host);
      if (stripped) e.causes.insert("strip");
      const bool entry_gone = list_gone || hidden_selector(at) || stripped;
      const bool source_gone = entry_gone || hidden_selector(at + ".source_name");
      const bool url_gone = x.url.empty() || entry_gone || hidden_selector(at + ".url");
      const bool eid_gone =
          x.external_id_marker.empty() || entry_gone || hidden_selector(at + ".external_id");
      place(x.source_marker, source_gone);
      if (!x.url.empty()) place(x.url_marker, url_gone);
      if (!x.external_id_marker.empty()) place(x.external_id_marker, eid_gone);
      if (!entry_gone) {
        require(!source_gone, at + ".source_name removed");
        require(!url_gone || !eid_gone, at + " left without url or external_id");
      }
    }
  }
  {  // kill chain phases
    const bool list_gone = top_removed("kill_chain_phases");
    for (size_t i = 0; i < d.phases.size(); ++i) {
      const std::string at = "kill_chain_phases.[" + std::to_string(i) + "]";
      const bool entry_gone = list_gone || hidden_selector(at);
      const bool chain_gone = entry_gone || hidden_selector(at + ".kill_chain_name");
      const bool phase_gone = entry_gone || hidden_selector(at + ".phase_name");
      place(d.phases[i].chain_marker, chain_gone);
      place(d.phases[i].phase_marker, phase_gone);
      if (!entry_gone) {
        require(!chain_gone, at + ".kill_chain_name removed");
        require(!phase_gone, at + ".phase_name removed");
      }
    }
  }
  // created_by_ref: removed (a marking hides it, a rule drops it) or replaced.
  if (!d.created_by_ref.empty()) {
    if (top_removed("created_by_ref")) {
      removed_any = true;
    } else if (m.Replaced(rules, d.created_by_ref) && d.created_by_ref != m.node_identity()) {
      e.created_by_ref = m.node_identity();
      e.causes.insert("replace");
      removed_any = true;
    } else {
      e.created_by_ref = d.created_by_ref;
    }
  }
  if (invalid) {
    e.reason = "invalid after redaction: " + invalid_why;
    e.visible.clear();
    e.hidden.clear();
    return e;
  }
  e.disclosed = true;
  e.redacted = removed_any;
  return e;
}

}  // namespace kongsi::policy::model
