// policy::Disclosure: the one exit door (DESIGN.md section 3, invariant 1). Every object that
// leaves the node (export file, TAXII response, federation push, ...) is read through
// Disclose() for the receiving principal, and each disclosed version is appended to the
// audit log before its bytes are handed out.
//
// The door checks, for each object version a query selects: collection rights (a collection
// the principal may not read does not exist for it: NotFound, worded like a real unknown
// collection), then the sharing policy in force (policy.h: TLP, origin binding, agreements),
// then redaction (granular markings, agreement rules; redaction.h). Withheld objects leave no
// trace in what the caller sees: a page still holds up to `limit` disclosed objects, and
// `more` says only whether further *disclosable* objects follow. Withholdings are counted per
// principal and reason.
//
// Thread-safe if the store is; concurrent Disclose calls share audit transactions (AuditLog).
// SetPolicy may be called at any time: each Disclose call uses the policy in force when it
// starts.
// Errors: NotFound for a collection the principal cannot read (or that does not exist);
// PermissionDenied for a principal other than the operator reading outside collections;
// those of the store (Scan, AppendAudit).
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "policy/audit_log.h"
#include "policy/policy.h"
#include "policy/principal.h"
#include "stix/validate.h"
#include "store/store.h"
#include "util/time.h"

namespace kongsi::policy {

// What one Disclose call handed out.
struct DisclosedPage {
  size_t count = 0;   // objects passed to the sink
  bool more = false;  // query.limit was reached and further objects match
  // When the query was read to its end (neither `more` nor stopped by the sink): the date_added
  // of the last version it selected, withheld ones included (0 when none). A reader that keeps
  // a cursor (federation push) moves past withheld versions instead of reading them again.
  util::Timestamp read_through = 0;
};

// `body` is what the principal receives: the stored bytes, or the redacted document.
using DisclosureSink =
    std::function<bool(std::string_view body, const store::StoredObject& object)>;

// Withheld objects per reason (indexed by Denial), for one principal.
using DenialCounts = std::array<uint64_t, kDenialCount>;

// How the caller hands disclosed bytes on; both record every disclosure before it leaves.
enum class Delivery {
  // The sink may send what it receives at once (an export file): objects reach it in batches,
  // each recorded in the audit log before any of its objects reaches the sink.
  kStreamed,
  // The sink only collects (a TAXII response): the caller must not let anything it received
  // leave before Disclose returns OK, and must discard it otherwise. Objects reach the sink as
  // they are read, and the whole page is recorded as one audit event before Disclose returns.
  kBuffered,
};

class Disclosure {
 public:
  // `policy` null: Policy::BuiltIn("") (the node's own organisation only).
  Disclosure(store::Store& store, const util::Clock& clock,
             std::shared_ptr<const Policy> policy = nullptr);

  // Puts `policy` in force for the Disclose calls that start from now on.
  void SetPolicy(std::shared_ptr<const Policy> policy) { policy_.Set(std::move(policy)); }
  std::shared_ptr<const Policy> policy() const { return policy_.Get(); }

  // Objects withheld so far, per principal name.
  std::map<std::string, DenialCounts> Denials() const;

  // Calls `sink` with every object matching `query` that `principal` may receive (at most
  // query.limit when set), as the exact bytes to send, and records each one in the audit
  // log under `channel` ("export", "taxii.objects", ...), as `delivery` says. `sink` returns
  // false to stop.
  absl::StatusOr<DisclosedPage> Disclose(const Principal& principal, std::string_view channel,
                                         const store::ObjectQuery& query,
                                         const DisclosureSink& sink,
                                         Delivery delivery = Delivery::kStreamed);

  // The versions (StoredObject::record.version) among those `query` selects that `principal`
  // could receive under the policy in force, redaction included; collection rights are the
  // caller's business. Nothing is disclosed or audited: for operations that act on objects
  // without sending them (TAXII delete: a writer must not remove, or learn of, what it may not
  // see).
  absl::StatusOr<std::vector<util::Timestamp>> ReceivableVersions(const Principal& principal,
                                                                  const store::ObjectQuery& query);

  // Where objects sent by `principal` come from, as the policy in force places it: the
  // organisation (store::Provenance::organisation; "" for the node's own), and, for a partner
  // node (a principal of kind "peer"), that peer (kind kPeer, source its name: what it sent is
  // never pushed back to it); otherwise kind kLocal, source "taxii:<name>".
  store::Provenance ProvenanceOf(const Principal& principal) const;

  // OK when `principal` may read `collection_id`; NotFound otherwise (same message as an
  // unknown collection). Does not look the collection up (the store's scan does).
  absl::Status CheckCollectionVisible(const Principal& principal, std::string_view collection_id);

 private:
  store::AuditEvent NewEvent(const Recipient& recipient, std::string_view channel) const;
  void CountDenials(const Principal& principal, const DenialCounts& denials);

  store::Store& store_;
  const util::Clock& clock_;
  AuditLog audit_;
  PolicyHolder policy_;
  stix::Validator validator_;
  // Verdicts that needed redaction (a parse, a rebuild and a validation), by recipient view and
  // version: polling clients ask for the same pages again and again. Bounded (cleared when
  // full) and tied to the policy they were made under.
  std::optional<Verdict> CachedVerdict(const std::shared_ptr<const Policy>& policy,
                                       const std::string& view, int64_t key);
  void CacheVerdict(const std::shared_ptr<const Policy>& policy, const std::string& view,
                    int64_t key, const Verdict& verdict);
  static constexpr size_t kVerdictCacheBytes = 32 << 20;
  std::mutex verdicts_mu_;
  std::shared_ptr<const Policy> verdicts_policy_;  // guarded by verdicts_mu_
  absl::flat_hash_map<std::string, absl::flat_hash_map<int64_t, Verdict>> verdicts_;  // same
  size_t verdicts_bytes_ = 0;                                                         // same

  mutable std::mutex denials_mu_;
  std::map<std::string, DenialCounts> denials_;  // guarded by denials_mu_
};

}  // namespace kongsi::policy
