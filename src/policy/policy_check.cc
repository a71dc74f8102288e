// Each check appends findings in the order the declarations appear, so the output reads like
// the file.
#include "policy/policy_check.h"

#include <algorithm>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "stix/validate.h"
#include "util/strings.h"

namespace kongsi::policy {
namespace {

using Severity = PolicyFinding::Severity;

class Checker {
 public:
  Checker(const PolicySpec& spec, const NodeFacts& facts) : spec_(spec), facts_(facts) {}

  void Error(const SourceLocation& where, std::string_view what, std::string message) {
    Add(Severity::kError, where, what, std::move(message));
  }
  void Warning(const SourceLocation& where, std::string_view what, std::string message) {
    Add(Severity::kWarning, where, what, std::move(message));
  }

  std::vector<PolicyFinding> Run(std::optional<util::Timestamp> now) {
    Organisations();
    Principals();
    Communities();
    Agreements(now);
    Tokens();
    return std::move(out_);
  }

 private:
  void Add(Severity severity, const SourceLocation& where, std::string_view what,
           std::string message) {
    std::string place = where.ToString();
    if (!what.empty()) place = util::StrCat(place, place.empty() ? "" : " ", what);
    out_.push_back(
        {.severity = severity, .where = std::move(place), .message = std::move(message)});
  }

  bool IsOrg(std::string_view name) const { return orgs_.contains(util::AsAbsl(name)); }
  bool IsCommunity(std::string_view name) const {
    return communities_.contains(util::AsAbsl(name));
  }
  bool IsOwn(std::string_view name) const {
    if (name.empty()) return true;
    if (!spec_.node_organisation.empty()) {
      auto it = orgs_.find(util::AsAbsl(name));
      auto own = orgs_.find(spec_.node_organisation);
      return it != orgs_.end() && own != orgs_.end() && it->second == own->second;
    }
    if (name == facts_.identity_id) return true;
    auto it = orgs_.find(util::AsAbsl(name));
    return it != orgs_.end() && !facts_.identity_id.empty() &&
           spec_.organisations[it->second].identity == facts_.identity_id;
  }

  void Organisations() {
    for (size_t i = 0; i < spec_.organisations.size(); ++i) {
      const OrganisationSpec& o = spec_.organisations[i];
      const std::string what = util::StrCat("organisation \"", o.name, "\"");
      if (o.name.empty()) {
        Error(o.where, "organisation", "has no name");
        continue;
      }
      if (!orgs_.emplace(o.name, i).second) Error(o.where, what, "declared twice");
      if (!o.identity.empty()) {
        const std::string problem = stix::CheckIdentifier(o.identity);
        if (!problem.empty() || stix::IdType(o.identity) != "identity") {
          Error(o.where, what,
                util::StrCat("identity \"", o.identity,
                             "\" is not a STIX identity id (identity--<uuid>)"));
        } else if (!orgs_.emplace(o.identity, i).second) {
          Error(o.where, what, util::StrCat("identity ", o.identity, " is used twice"));
        }
      }
    }
    if (!spec_.node_organisation.empty() && !IsOrg(spec_.node_organisation)) {
      Error({spec_.source, 0, 0}, "policy.organisation",
            util::StrCat("\"", spec_.node_organisation, "\" is not a declared organisation"));
    }
    if (spec_.default_tlp == stix::Tlp::kNone) {
      Error({spec_.source, 0, 0}, "policy.default_tlp", "must be a TLP level");
    }
    CheckDropList(spec_.drop_properties, {spec_.source, 0, 0}, "policy.drop_properties");
  }

  void Principals() {
    absl::flat_hash_set<std::string> seen;
    for (const PrincipalSpec& p : spec_.principals) {
      const std::string what = util::StrCat("principal \"", p.name, "\"");
      if (p.name.empty()) Error(p.where, "principal", "has no name");
      if (!seen.insert(p.name).second) Error(p.where, what, "declared twice");
      if (p.organisation.empty()) {
        Error(p.where, what, "names no organisation");
      } else if (!IsOrg(p.organisation)) {
        Error(p.where, what, util::StrCat("organisation \"", p.organisation, "\" is not declared"));
      }
    }
  }

  void Communities() {
    for (const CommunitySpec& c : spec_.communities) {
      const std::string what = util::StrCat("community \"", c.name, "\"");
      if (c.name.empty()) Error(c.where, "community", "has no name");
      if (IsOrg(c.name)) {
        Error(c.where, what,
              "has the name of an organisation (agreements could not tell them apart)");
      }
      if (!communities_.insert(c.name).second) Error(c.where, what, "declared twice");
      if (c.members.empty()) Warning(c.where, what, "has no members");
      absl::flat_hash_set<std::string> members;
      for (const std::string& m : c.members) {
        if (!IsOrg(m)) {
          Error(c.where, what, util::StrCat("member \"", m, "\" is not a declared organisation"));
        } else if (!members.insert(m).second) {
          Warning(c.where, what, util::StrCat("lists \"", m, "\" twice"));
        }
      }
    }
  }

  void CheckDropList(const std::vector<std::string>& names, const SourceLocation& where,
                     std::string_view what) {
    static constexpr std::string_view kRequired[] = {"id",
                                                     "type",
                                                     "spec_version",
                                                     "created",
                                                     "modified",
                                                     "object_marking_refs",
                                                     "granular_markings"};
    for (const std::string& name : names) {
      const bool wildcard = !name.empty() && name.back() == '*';
      const std::string_view stem =
          wildcard ? std::string_view(name).substr(0, name.size() - 1) : std::string_view(name);
      if (stem.empty()) {
        Error(where, what, util::StrCat("\"", name, "\" would drop every property"));
        continue;
      }
      for (std::string_view required : kRequired) {
        if (wildcard ? required.substr(0, stem.size()) == stem : required == stem) {
          Error(where, what,
                util::StrCat("\"", name, "\" drops ", required,
                             ", which every disclosed object keeps (its identity or markings)"));
        }
      }
    }
  }

  void Agreements(std::optional<util::Timestamp> now) {
    absl::flat_hash_set<std::string> seen;
    for (const AgreementSpec& a : spec_.agreements) {
      const std::string what = util::StrCat("agreement \"", a.name, "\"");
      if (a.name.empty()) Error(a.where, "agreement", "has no name");
      if (!seen.insert(a.name).second) Error(a.where, what, "declared twice");
      bool someone = false;
      bool direct_other = false;
      if (a.with.empty()) Error(a.where, what, "names no recipient (with = [...])");
      for (const std::string& w : a.with) {
        if (IsCommunity(w)) {
          for (const CommunitySpec& c : spec_.communities) {
            if (c.name != w) continue;
            for (const std::string& m : c.members) someone = someone || !IsOwn(m);
          }
        } else if (IsOrg(w)) {
          if (IsOwn(w)) {
            Warning(a.where, what,
                    util::StrCat("names the node's own organisation \"", w,
                                 "\", which receives everything without an agreement"));
          } else {
            someone = true;
            direct_other = true;
          }
        } else {
          Error(a.where, what,
                util::StrCat("recipient \"", w, "\" is neither an organisation nor a community"));
        }
      }
      if (!a.with.empty() && !someone) {
        Warning(a.where, what, "can never apply: it reaches no organisation other than this node");
      }
      if (a.collections.empty()) Error(a.where, what, "covers no collection (collections = [...])");
      for (const std::string& c : a.collections) {
        if (c == kAllCollections) continue;
        const bool known = std::any_of(facts_.collections.begin(), facts_.collections.end(),
                                       [&](const store::Collection& k) {
                                         return k.id == c || (!k.alias.empty() && k.alias == c);
                                       });
        if (!known) {
          Error(a.where, what, util::StrCat("collection \"", c, "\" does not exist on this node"));
        }
      }
      if (a.max_tlp == stix::Tlp::kNone) Error(a.where, what, "max_tlp must be a TLP level");
      if (a.max_tlp == stix::Tlp::kClear) {
        Warning(a.where, what,
                "max_tlp is CLEAR, which flows without an agreement: it only adds redaction rules");
      }
      if (a.max_tlp == stix::Tlp::kRed) {
        Warning(a.where, what,
                "max_tlp RED: RED goes only to the recipients named on each object, so this "
                "agreement allows at most AMBER+STRICT");
      }
      if (a.max_tlp >= stix::Tlp::kAmberStrict && !direct_other && someone) {
        Warning(a.where, what,
                "AMBER+STRICT goes only to organisations an agreement names itself; through "
                "communities this agreement allows at most AMBER");
      }
      CheckDropList(a.drop_properties, a.where, what);
      for (const std::string& r : a.replace_created_by) {
        if (r == "*" || IsOrg(r)) continue;
        if (!stix::CheckIdentifier(r).empty() || stix::IdType(r) != "identity") {
          Error(a.where, what,
                util::StrCat("replace_created_by \"", r,
                             "\" is neither \"*\", an organisation nor an identity id"));
        }
      }
      for (const std::string& h : a.strip_reference_hosts) {
        if (h == "*") continue;  // every URL
        const std::string_view host = h.rfind("*.", 0) == 0 ? std::string_view(h).substr(2) : h;
        if (host.empty() || host.find_first_of("/:@ *") != std::string_view::npos) {
          Error(a.where, what,
                util::StrCat(
                    "strip_reference_hosts \"", h,
                    "\" is not a host name (\"intranet.example\" or \"*.internal.example\")"));
        }
      }
      if (now && a.expires && *a.expires <= *now) {
        Warning(
            a.where, what,
            util::StrCat("can never apply: it expired at ", util::FormatRfc3339(*a.expires, 0)));
      }
    }
  }

  void Tokens() {
    for (const store::TokenRecord& t : facts_.tokens) {
      if (t.revoked) continue;
      auto declared = std::find_if(spec_.principals.begin(), spec_.principals.end(),
                                   [&](const PrincipalSpec& p) { return p.name == t.name; });
      const std::string what = util::StrCat("token \"", t.name, "\"");
      if (declared != spec_.principals.end()) {
        const bool same = IsOrg(t.organisation) && IsOrg(declared->organisation) &&
                          orgs_.at(t.organisation) == orgs_.at(declared->organisation);
        if (!t.organisation.empty() && t.organisation != declared->organisation && !same) {
          Warning(
              declared->where, what,
              util::StrCat("was issued for \"", t.organisation, "\" but the policy places it in \"",
                           declared->organisation, "\"; the policy wins"));
        }
        continue;
      }
      if (!IsOwn(t.organisation) && !IsOrg(t.organisation)) {
        Warning({}, what,
                util::StrCat("belongs to \"", t.organisation,
                             "\", which the policy does not declare: it receives only TLP:CLEAR"));
      }
    }
  }

  const PolicySpec& spec_;
  const NodeFacts& facts_;
  absl::flat_hash_map<std::string, size_t> orgs_;  // by name and identity
  absl::flat_hash_set<std::string> communities_;
  std::vector<PolicyFinding> out_;
};

}  // namespace

std::vector<PolicyFinding> CheckSpec(const PolicySpec& spec, const NodeFacts& facts,
                                     std::optional<util::Timestamp> now) {
  return Checker(spec, facts).Run(now);
}

}  // namespace kongsi::policy
