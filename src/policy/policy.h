// The compiled sharing policy (DESIGN.md section 4, docs/policy.md): who belongs to which
// organisation and community, which agreements bind the node to them, and the decision for
// one object version and one recipient. policy::Disclosure asks it about every object that
// leaves the node; `kongsi policy check` and `kongsi policy explain` use it to lint and to
// show the reasoning.
//
// The decision, in order (each step can withhold the object):
//  1. the local operator receives everything as stored;
//  2. origin binding: a version that came from another organisation under AMBER or stricter
//     goes only to that organisation (and the node's own); GREEN only to organisations sharing
//     a community with it;
//  3. the node's own organisation receives everything up to AMBER+STRICT (a peer node of it up
//     to AMBER); RED only when named; a principal of an organisation the policy does not
//     declare receives CLEAR only;
//  4. CLEAR goes to anyone who may read the collection;
//  5. RED goes only to the recipients named on the object (`x_kongsi_recipients`: organisation
//     names, identity ids or principal names), never to a peer node;
//  6. GREEN, AMBER, AMBER+STRICT need an agreement in force that covers the collection, names
//     the recipient's organisation (directly, or through a community; AMBER+STRICT only
//     directly, and never to a peer node) with max_tlp at least the object's level, and, for
//     sightings, lets sightings flow.
// An allowed object may still be redacted: granular markings the recipient may not see, the
// node-wide and agreement redaction rules (redaction.h).
//
// Immutable once compiled; every method is const and thread-safe. Reload builds a new Policy
// and swaps it in (PolicyHolder).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "policy/policy_spec.h"
#include "policy/principal.h"
#include "policy/redaction.h"
#include "store/store.h"
#include "util/time.h"

namespace kongsi::policy {

// What the node knows that a policy refers to (for resolving names and for `policy check`).
struct NodeFacts {
  std::string identity_id;  // the node's own STIX identity ("identity--...")
  std::vector<store::Collection> collections;
  std::vector<store::TokenRecord> tokens;  // live tokens, to check their organisations
};

// A problem found by Check. Errors make a policy unusable; warnings are worth a look.
struct PolicyFinding {
  enum class Severity : uint8_t { kError, kWarning };
  Severity severity = Severity::kError;
  std::string where;  // "kongsi.toml:12:1 agreement \"fin\""
  std::string message;
  std::string ToString() const;  // "error: kongsi.toml:12:1 agreement \"fin\": ..."
};

// Why an object was withheld (counted per principal, shown by `policy explain`).
enum class Denial : uint8_t {
  kNone = 0,
  kOriginBound,           // origin binding (step 2)
  kRedNotNamed,           // RED, recipient not named (or a peer node)
  kNoAgreement,           // no agreement in force covers this recipient and collection
  kTlpAboveAgreement,     // agreements exist, their max_tlp is lower
  kNeedsDirectAgreement,  // AMBER+STRICT through a community, or to a peer node
  kSightingsNotShared,    // a sighting, and no applicable agreement lets sightings flow
  kRedactionInvalid,      // what redaction leaves is not valid STIX
};
inline constexpr int kDenialCount = 8;
std::string_view DenialName(Denial denial);  // "origin_bound", ...

// A principal as the policy sees it, resolved once per request.
struct Recipient {
  std::string name;  // the principal's name
  bool local_operator = false;
  bool own_organisation = false;
  bool peer = false;
  std::string organisation;  // resolved organisation name (or the raw value when unknown)
  std::string identity;      // its identity id when known
  int org = -1;              // index into the policy's organisations, -1 when unknown
};

// The agreements that apply to one recipient reading one collection, at one instant, and the
// redaction rules they (and the node) impose.
struct Grant {
  struct Applicable {
    int agreement = -1;
    bool direct = false;  // names the organisation itself, not a community
  };
  std::vector<Applicable> agreements;
  RedactionRules rules;              // node-wide rules plus those of every applicable agreement
  SummaryProbe probe;                // ProbeFor(rules)
  bool any_agreement_named = false;  // some agreement names the recipient (any collection/time)
};

// The whole outcome for one stored version: the decision, then redaction.
struct Verdict {
  bool disclosed = false;
  Denial denial = Denial::kNone;  // when withheld
  bool redacted = false;
  std::string body;  // the redacted document when `redacted`; empty otherwise (send as stored)
};

struct Decision {
  bool allowed = false;
  Denial denial = Denial::kNone;
  stix::Tlp tlp = stix::Tlp::kNone;  // the effective level (default applied)
};

// Facts about one stored version the decision needs.
struct ObjectFacts {
  std::string_view id;
  std::string_view type;
  stix::Tlp tlp = stix::Tlp::kNone;  // strictest object-level marking, kNone when unmarked
  std::string_view origin;           // provenance organisation, "" = this node
  std::string_view body;             // for RED recipients
  static ObjectFacts Of(const store::ObjectRecord& record);
};

class Policy {
 public:
  // Checks `spec` against `facts` and builds the policy. InvalidArgument listing every error
  // (warnings do not stop it).
  static absl::StatusOr<std::shared_ptr<const Policy>> Compile(const PolicySpec& spec,
                                                               const NodeFacts& facts);
  // The policy when none is configured: the node's own organisation only, default TLP AMBER.
  static std::shared_ptr<const Policy> BuiltIn(std::string_view node_identity);
  // Lint: unknown references, contradictions, agreements that can never apply.
  static std::vector<PolicyFinding> Check(const PolicySpec& spec, const NodeFacts& facts,
                                          util::Timestamp now);

  // Compiled tables point into the policy's own copy of its specification: not copyable.
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  Recipient Resolve(const Principal& principal) const;
  Grant GrantFor(const Recipient& recipient, std::string_view collection_id,
                 util::Timestamp now) const;

  // The decision for `object` (object-level markings). When `why` is set, each step taken is
  // appended to it in words.
  Decision Decide(const Recipient& recipient, const Grant& grant, const ObjectFacts& object,
                  std::vector<std::string>* why = nullptr) const;
  // Whether content marked at `level` (a granular marking; kNone = unknown marking, taken as
  // the default level) of `object` may be seen.
  bool MaySeeLevel(const Recipient& recipient, const Grant& grant, const ObjectFacts& object,
                   stix::Tlp level) const;

  // Decide, then redact: what `recipient` receives of `record`. The one evaluation used by the
  // disclosure door and by `kongsi policy explain` (`why` set: the steps and changes in words).
  Verdict Evaluate(const Recipient& recipient, const Grant& grant,
                   const store::ObjectRecord& record, const stix::Validator& validator,
                   std::vector<std::string>* why = nullptr) const;

  stix::Tlp default_tlp() const { return spec_.default_tlp; }
  const PolicySpec& spec() const { return spec_; }
  const std::string& node_identity() const { return node_identity_; }

 private:
  struct Org {
    std::string name;
    std::string identity;
    std::vector<int> communities;
  };
  struct Agreement {
    const AgreementSpec* spec = nullptr;
    std::vector<int> direct_orgs;          // organisations named
    std::vector<int> community_orgs;       // organisations reached through a community
    std::vector<std::string> collections;  // resolved ids; "*" = all
    RedactionRules rules;
  };

  Policy() = default;
  int FindOrg(std::string_view name_or_identity) const;
  bool SharesCommunity(int a, int b) const;
  bool Named(const Recipient& recipient, std::string_view body) const;
  Decision DecideLevel(const Recipient& recipient, const Grant& grant, const ObjectFacts& object,
                       stix::Tlp tlp, std::vector<std::string>* why) const;

  PolicySpec spec_;
  std::string node_identity_;
  int own_org_ = -1;
  std::vector<Org> orgs_;
  std::vector<Agreement> agreements_;
  absl::flat_hash_map<std::string, int> org_index_;  // by name and by identity
  absl::flat_hash_map<std::string, const PrincipalSpec*> principals_;
};

// The policy in force, swapped atomically on reload. Readers take a snapshot per request.
class PolicyHolder {
 public:
  explicit PolicyHolder(std::shared_ptr<const Policy> initial) : current_(std::move(initial)) {}
  std::shared_ptr<const Policy> Get() const { return current_.load(); }
  void Set(std::shared_ptr<const Policy> next) { current_.store(std::move(next)); }

 private:
  std::atomic<std::shared_ptr<const Policy>> current_;
};

}  // namespace kongsi::policy
