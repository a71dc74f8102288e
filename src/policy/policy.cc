// Compiling a PolicySpec (names resolved to indices once, so a decision is a few integer
// comparisons) and the disclosure decision itself. The steps and their order are documented
// in policy.h and docs/policy.md; Decide() follows them line by line.
#include "policy/policy.h"

#include <algorithm>

#include "policy/policy_check.h"
#include "simdjson.h"
#include "util/strings.h"

namespace kongsi::policy {
namespace {

constexpr std::string_view kRecipientsProperty = "x_kongsi_recipients";

std::string Level(stix::Tlp tlp) {
  std::string name(stix::TlpName(tlp));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return util::StrCat("TLP:", name);
}

// Appends a step of the reasoning, built only when someone asked for it (decisions on the
// disclosure path never build text).
template <typename Text>
void Say(std::vector<std::string>* why, const Text& text) {
  if (why != nullptr) why->push_back(text());
}

}  // namespace

std::string_view DenialName(Denial denial) {
  switch (denial) {
    case Denial::kNone:
      return "none";
    case Denial::kOriginBound:
      return "origin_bound";
    case Denial::kRedNotNamed:
      return "red_not_named";
    case Denial::kNoAgreement:
      return "no_agreement";
    case Denial::kTlpAboveAgreement:
      return "tlp_above_agreement";
    case Denial::kNeedsDirectAgreement:
      return "needs_direct_agreement";
    case Denial::kSightingsNotShared:
      return "sightings_not_shared";
    case Denial::kRedactionInvalid:
      return "redaction_invalid";
  }
  return "none";
}

std::string SourceLocation::ToString() const {
  if (file.empty()) return {};
  if (line == 0) return file;
  return util::StrCat(file, ":", line, ":", column);
}

std::string PolicyFinding::ToString() const {
  return util::StrCat(severity == Severity::kError ? "error: " : "warning: ", where,
                      where.empty() ? "" : ": ", message);
}

ObjectFacts ObjectFacts::Of(const store::ObjectRecord& record) {
  return ObjectFacts{.id = record.id,
                     .type = record.type,
                     .tlp = record.tlp,
                     .origin = record.provenance.organisation,
                     .body = record.body};
}

std::shared_ptr<const Policy> Policy::BuiltIn(std::string_view node_identity) {
  auto compiled = Compile(
      PolicySpec{},
      NodeFacts{.identity_id = std::string(node_identity), .collections = {}, .tokens = {}});
  // An empty specification has nothing to get wrong.
  return *std::move(compiled);
}

absl::StatusOr<std::shared_ptr<const Policy>> Policy::Compile(const PolicySpec& spec,
                                                              const NodeFacts& facts) {
  std::string errors;
  size_t error_count = 0;
  for (const PolicyFinding& f : CheckSpec(spec, facts, std::nullopt)) {
    if (f.severity != PolicyFinding::Severity::kError) continue;
    ++error_count;
    errors = util::StrCat(errors, errors.empty() ? "" : "; ", f.where, f.where.empty() ? "" : ": ",
                          f.message);
  }
  if (error_count > 0) {
    return absl::InvalidArgumentError(util::StrCat("sharing policy", spec.source.empty() ? "" : " ",
                                                   spec.source, " has ", error_count, " error",
                                                   error_count == 1 ? "" : "s", ": ", errors));
  }
  std::shared_ptr<Policy> p(new Policy());
  p->spec_ = spec;
  p->node_identity_ = facts.identity_id;
  for (const OrganisationSpec& o : p->spec_.organisations) {
    p->orgs_.push_back(Org{.name = o.name, .identity = o.identity, .communities = {}});
  }
  for (size_t i = 0; i < p->orgs_.size(); ++i) {
    p->org_index_.emplace(p->orgs_[i].name, static_cast<int>(i));
    if (!p->orgs_[i].identity.empty()) {
      p->org_index_.emplace(p->orgs_[i].identity, static_cast<int>(i));
    }
  }
  if (!p->spec_.node_organisation.empty()) {
    p->own_org_ = p->FindOrg(p->spec_.node_organisation);
  } else if (!facts.identity_id.empty()) {
    p->own_org_ = p->FindOrg(facts.identity_id);
  }
  if (p->own_org_ < 0) {
    // The node's own organisation is not declared: it is known by its identity id.
    p->orgs_.push_back(Org{.name = facts.identity_id.empty() ? "(this node)" : facts.identity_id,
                           .identity = facts.identity_id,
                           .communities = {}});
    p->own_org_ = static_cast<int>(p->orgs_.size() - 1);
    p->org_index_.emplace(p->orgs_.back().name, p->own_org_);
  }
  if (p->node_identity_.empty()) p->node_identity_ = p->orgs_[p->own_org_].identity;

  absl::flat_hash_map<std::string, int> community_index;
  for (size_t c = 0; c < p->spec_.communities.size(); ++c) {
    const CommunitySpec& community = p->spec_.communities[c];
    community_index.emplace(community.name, static_cast<int>(c));
    for (const std::string& member : community.members) {
      const int org = p->FindOrg(member);
      if (org >= 0) p->orgs_[org].communities.push_back(static_cast<int>(c));
    }
  }
  for (const PrincipalSpec& principal : p->spec_.principals) {
    p->principals_.emplace(principal.name, &principal);
  }
  for (const AgreementSpec& a : p->spec_.agreements) {
    Agreement agreement;
    agreement.spec = &a;
    for (const std::string& name : a.with) {
      if (auto c = community_index.find(name); c != community_index.end()) {
        for (const std::string& member : p->spec_.communities[c->second].members) {
          const int org = p->FindOrg(member);
          if (org >= 0) agreement.community_orgs.push_back(org);
        }
      } else if (const int org = p->FindOrg(name); org >= 0) {
        agreement.direct_orgs.push_back(org);
      }
    }
    for (const std::string& c : a.collections) {
      if (c == kAllCollections) {
        agreement.collections.push_back(c);
        continue;
      }
      for (const store::Collection& known : facts.collections) {
        if (known.id == c || (!known.alias.empty() && known.alias == c)) {
          agreement.collections.push_back(known.id);
        }
      }
    }
    agreement.rules.drop_properties = a.drop_properties;
    agreement.rules.strip_reference_hosts = a.strip_reference_hosts;
    for (const std::string& source : a.replace_created_by) {
      // Organisation names stand for their identity ids.
      const int org = source == "*" ? -1 : p->FindOrg(source);
      agreement.rules.replace_created_by.push_back(
          org >= 0 && !p->orgs_[org].identity.empty() ? p->orgs_[org].identity : source);
    }
    p->agreements_.push_back(std::move(agreement));
  }
  return std::shared_ptr<const Policy>(std::move(p));
}

std::vector<PolicyFinding> Policy::Check(const PolicySpec& spec, const NodeFacts& facts,
                                         util::Timestamp now) {
  return CheckSpec(spec, facts, now);
}

int Policy::FindOrg(std::string_view name_or_identity) const {
  auto it = org_index_.find(util::AsAbsl(name_or_identity));
  return it == org_index_.end() ? -1 : it->second;
}

bool Policy::SharesCommunity(int a, int b) const {
  if (a < 0 || b < 0) return false;
  for (int c : orgs_[a].communities) {
    const auto& other = orgs_[b].communities;
    if (std::find(other.begin(), other.end(), c) != other.end()) return true;
  }
  return false;
}

Recipient Policy::Resolve(const Principal& principal) const {
  Recipient r;
  r.name = principal.name;
  if (principal.local_operator) {
    r.local_operator = true;
    r.own_organisation = true;
    r.org = own_org_;
    r.organisation = orgs_[own_org_].name;
    r.identity = orgs_[own_org_].identity;
    return r;
  }
  std::string organisation = principal.organisation;
  if (auto it = principals_.find(principal.name); it != principals_.end()) {
    organisation = it->second->organisation;
    r.peer = it->second->kind == PrincipalKind::kPeer;
  }
  r.org = organisation.empty() ? own_org_ : FindOrg(organisation);
  if (r.org >= 0) {
    r.organisation = orgs_[r.org].name;
    r.identity = orgs_[r.org].identity;
  } else {
    r.organisation = organisation;
  }
  r.own_organisation =
      r.org == own_org_ || (!node_identity_.empty() && organisation == node_identity_);
  return r;
}

Grant Policy::GrantFor(const Recipient& recipient, std::string_view collection_id,
                       util::Timestamp now) const {
  Grant grant;
  if (recipient.local_operator || recipient.own_organisation) {
    grant.probe = ProbeFor(grant.rules);
    return grant;
  }
  grant.rules.drop_properties = spec_.drop_properties;
  grant.rules.replacement_identity = node_identity_;
  for (size_t i = 0; i < agreements_.size(); ++i) {
    const Agreement& a = agreements_[i];
    const bool direct =
        std::find(a.direct_orgs.begin(), a.direct_orgs.end(), recipient.org) != a.direct_orgs.end();
    const bool via_community = std::find(a.community_orgs.begin(), a.community_orgs.end(),
                                         recipient.org) != a.community_orgs.end();
    if (recipient.org < 0 || (!direct && !via_community)) continue;
    grant.any_agreement_named = true;
    if (a.spec->expires && now >= *a.spec->expires) continue;
    const bool covers = std::any_of(
        a.collections.begin(), a.collections.end(),
        [&](const std::string& c) { return c == kAllCollections || c == collection_id; });
    if (!covers) continue;
    grant.agreements.push_back({.agreement = static_cast<int>(i), .direct = direct});
    auto append = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
      for (const std::string& v : from) {
        if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
      }
    };
    append(grant.rules.drop_properties, a.rules.drop_properties);
    append(grant.rules.replace_created_by, a.rules.replace_created_by);
    append(grant.rules.strip_reference_hosts, a.rules.strip_reference_hosts);
  }
  grant.probe = ProbeFor(grant.rules);
  return grant;
}

bool Policy::Named(const Recipient& recipient, std::string_view body) const {
  if (body.find(kRecipientsProperty) == std::string_view::npos) return false;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) return false;
  simdjson::dom::array names;
  if (doc[kRecipientsProperty].get(names) != simdjson::SUCCESS) return false;
  for (simdjson::dom::element e : names) {
    std::string_view name;
    if (e.get(name) != simdjson::SUCCESS || name.empty()) continue;
    if (name == recipient.organisation || name == recipient.identity || name == recipient.name) {
      return true;
    }
  }
  return false;
}

Decision Policy::Decide(const Recipient& recipient, const Grant& grant, const ObjectFacts& object,
                        std::vector<std::string>* why) const {
  stix::Tlp tlp = object.tlp;
  if (object.type == "marking-definition" && stix::TlpOfMarkingId(object.id)) {
    tlp = stix::Tlp::kClear;  // the TLP definitions themselves are public
    Say(why, [&] { return std::string("a TLP marking definition: public (TLP:CLEAR)"); });
  } else if (tlp == stix::Tlp::kNone) {
    tlp = spec_.default_tlp;
    Say(why, [&] {
      return util::StrCat("no TLP marking: the node's default ", Level(tlp), " applies");
    });
  } else {
    Say(why, [&] { return util::StrCat("marked ", Level(tlp)); });
  }
  return DecideLevel(recipient, grant, object, tlp, why);
}

bool Policy::MaySeeLevel(const Recipient& recipient, const Grant& grant, const ObjectFacts& object,
                         stix::Tlp level) const {
  if (level == stix::Tlp::kNone) level = spec_.default_tlp;
  return DecideLevel(recipient, grant, object, level, nullptr).allowed;
}

Verdict Policy::Evaluate(const Recipient& recipient, const Grant& grant,
                         const store::ObjectRecord& record, const stix::Validator& validator,
                         std::vector<std::string>* why) const {
  Verdict verdict;
  const ObjectFacts facts = ObjectFacts::Of(record);
  const Decision decision = Decide(recipient, grant, facts, why);
  if (!decision.allowed) {
    verdict.denial = decision.denial;
    return verdict;
  }
  verdict.disclosed = true;
  if (recipient.local_operator || !MayNeedRedaction(record.body, record.property_bloom, grant.probe,
                                                    record.created_by_ref, grant.rules)) {
    return verdict;
  }
  auto result = Redact(
      record.body, grant.rules,
      [&](stix::Tlp level) { return MaySeeLevel(recipient, grant, facts, level); }, validator);
  if (!result.ok()) {
    Say(why, [&] {
      return util::StrCat("withheld: the stored object cannot be read (", result.status().message(),
                          ")");
    });
    verdict.disclosed = false;
    verdict.denial = Denial::kRedactionInvalid;
    return verdict;
  }
  if (why != nullptr) {
    for (const std::string& change : result->changes) why->push_back(change);
  }
  if (result->outcome == RedactionOutcome::kWithheld) {
    verdict.disclosed = false;
    verdict.denial = Denial::kRedactionInvalid;
  } else if (result->outcome == RedactionOutcome::kRedacted) {
    verdict.redacted = true;
    verdict.body = std::move(result->body);
  }
  return verdict;
}

Decision Policy::DecideLevel(const Recipient& recipient, const Grant& grant,
                             const ObjectFacts& object, stix::Tlp tlp,
                             std::vector<std::string>* why) const {
  Decision d;
  d.tlp = tlp;
  auto allow = [&](const auto& reason) {
    Say(why, reason);
    d.allowed = true;
    return d;
  };
  auto deny = [&](Denial denial, const auto& reason) {
    Say(why, reason);
    d.denial = denial;
    return d;
  };
  // RED: only to the recipients named on the object, never to a peer node.
  auto red = [&]() {
    if (recipient.peer) {
      return deny(Denial::kRedNotNamed,
                  [&] { return std::string("TLP:RED is never forwarded to a peer node"); });
    }
    if (Named(recipient, object.body)) {
      return allow([&] {
        return std::string("TLP:RED, and the recipient is named in x_kongsi_recipients");
      });
    }
    return deny(Denial::kRedNotNamed, [&] {
      return std::string(
          "TLP:RED goes only to the recipients named in x_kongsi_recipients; this one is not");
    });
  };
  // 1. The local operator.
  if (recipient.local_operator)
    return allow([&] { return std::string("the local operator receives everything"); });

  // 2. Origin binding.
  // A peer node of the own organisation is bound too: it would store what it receives as its
  // own, and the binding would be lost one hop further.
  if (!object.origin.empty() && (!recipient.own_organisation || recipient.peer)) {
    const int origin = FindOrg(object.origin);
    const bool from_us = origin >= 0 && origin == own_org_;
    const bool to_origin =
        origin >= 0 ? origin == recipient.org
                    : (object.origin == recipient.organisation ||
                       (!recipient.identity.empty() && object.origin == recipient.identity));
    if (!from_us && !to_origin) {
      if (tlp >= stix::Tlp::kAmber) {
        return deny(Denial::kOriginBound, [&] {
          return util::StrCat("origin binding: received from ", object.origin, " under ",
                              Level(tlp), ", so it goes to nobody but ", object.origin);
        });
      }
      if (tlp == stix::Tlp::kGreen && !SharesCommunity(origin, recipient.org)) {
        return deny(Denial::kOriginBound, [&] {
          return util::StrCat("origin binding: TLP:GREEN from ", object.origin,
                              " stays in its communities, and ", recipient.organisation,
                              " shares none with it");
        });
      }
      if (tlp == stix::Tlp::kGreen) {
        Say(why, [&] {
          return util::StrCat("origin binding: TLP:GREEN from ", object.origin, " may go to ",
                              recipient.organisation, ", which shares a community with it");
        });
      }
    } else if (to_origin) {
      Say(why,
          [&] { return util::StrCat("the object came from ", recipient.organisation, " itself"); });
    }
  }

  // 3. The node's own organisation.
  if (recipient.own_organisation) {
    if (recipient.peer && tlp >= stix::Tlp::kAmberStrict) {
      return deny(tlp == stix::Tlp::kRed ? Denial::kRedNotNamed : Denial::kNeedsDirectAgreement,
                  [&] { return util::StrCat(Level(tlp), " is never forwarded to a peer node"); });
    }
    if (tlp != stix::Tlp::kRed) {
      return allow(
          [&] { return std::string("the recipient belongs to the node's own organisation"); });
    }
    return red();
  }
  // An organisation the policy does not declare: CLEAR only, whatever names it.
  if (recipient.org < 0 && tlp != stix::Tlp::kClear) {
    return deny(Denial::kNoAgreement, [&] {
      return util::StrCat("the organisation \"", recipient.organisation,
                          "\" is not declared in the policy, so only TLP:CLEAR may go to it");
    });
  }
  // 4. CLEAR.
  if (tlp == stix::Tlp::kClear)
    return allow(
        [&] { return std::string("TLP:CLEAR may go to anyone who reads the collection"); });
  // 5. RED.
  if (tlp == stix::Tlp::kRed) return red();
  // 6. Agreements.
  if (grant.agreements.empty()) {
    return deny(Denial::kNoAgreement, [&] {
      return util::StrCat("no agreement in force names ", recipient.organisation,
                          grant.any_agreement_named ? " for this collection" : "",
                          ", so only TLP:CLEAR may go to it");
    });
  }
  Denial closest = Denial::kTlpAboveAgreement;
  for (const Grant::Applicable& applicable : grant.agreements) {
    const AgreementSpec& a = *agreements_[applicable.agreement].spec;
    if (tlp > a.max_tlp) {
      Say(why, [&] {
        return util::StrCat("agreement \"", a.name, "\" allows up to ", Level(a.max_tlp));
      });
      continue;
    }
    if (tlp == stix::Tlp::kAmberStrict && (!applicable.direct || recipient.peer)) {
      closest = Denial::kNeedsDirectAgreement;
      Say(why, [&] {
        return util::StrCat("agreement \"", a.name,
                            "\": TLP:AMBER+STRICT needs an agreement naming ",
                            recipient.organisation, " itself, not through a community",
                            recipient.peer ? ", and never goes to a peer node" : "");
      });
      continue;
    }
    if (object.type == "sighting" && !a.sightings) {
      closest = Denial::kSightingsNotShared;
      Say(why,
          [&] { return util::StrCat("agreement \"", a.name, "\" does not let sightings flow"); });
      continue;
    }
    return allow([&] {
      return util::StrCat("agreement \"", a.name, "\" allows ", Level(tlp), " to ",
                          recipient.organisation,
                          applicable.direct ? "" : " (through a community)");
    });
  }
  return deny(closest, [&] {
    return util::StrCat("no applicable agreement allows this ", Level(tlp), " object");
  });
}

}  // namespace kongsi::policy
