// The disclosure door. Audit records are buffered and appended in batches so that exporting a
// million objects costs a handful of transactions, not a million; a page is looked ahead by
// one object so `more` is exact without disclosing (or auditing) the object that proves it.
//
// Withheld objects are skipped: when a scan of `limit + 1` rows held some, the page is not yet
// full, so reading continues after the last row read (date_added is strictly increasing in a
// collection, and first_added over the whole store) with larger chunks, until the page and its
// look-ahead object are found or the rows run out.
#include "policy/disclosure.h"

#include <algorithm>
#include <vector>

#include "util/status.h"
#include "util/strings.h"

namespace kongsi::policy {
namespace {
constexpr size_t kAuditBatch = 10000;
constexpr size_t kMaxChunk = 10000;

// How an object goes out: as stored, or as the redacted document policy made of it.
struct Admitted {
  std::string redacted_body;
  bool redacted = false;
  std::string_view body(const store::StoredObject& o) const {
    return redacted ? std::string_view(redacted_body) : std::string_view(o.record.body);
  }
};

// A streamed object waiting for its batch's audit record.
struct Pending {
  store::StoredObject object;
  Admitted admitted;
};

}  // namespace

Disclosure::Disclosure(store::Store& store, const util::Clock& clock,
                       std::shared_ptr<const Policy> policy)
    : store_(store),
      clock_(clock),
      audit_(store),
      policy_(policy != nullptr ? std::move(policy) : Policy::BuiltIn("")) {}

absl::Status Disclosure::CheckCollectionVisible(const Principal& principal,
                                                std::string_view collection_id) {
  if (!principal.CanRead(collection_id)) {
    // Worded as the store words an unknown collection: the two must be indistinguishable.
    return absl::NotFoundError(util::StrCat("collection ", collection_id, " not found"));
  }
  return absl::OkStatus();
}

store::Provenance Disclosure::ProvenanceOf(const Principal& principal) const {
  const Recipient poster = policy_.Get()->Resolve(principal);
  return {.kind = poster.peer ? store::Provenance::Kind::kPeer : store::Provenance::Kind::kLocal,
          .source = poster.peer ? principal.name : util::StrCat("taxii:", principal.name),
          .organisation = poster.own_organisation ? std::string() : poster.organisation};
}

store::AuditEvent Disclosure::NewEvent(const Recipient& recipient, std::string_view channel) const {
  store::AuditEvent event;
  event.principal = recipient.name;
  // The organisation as the policy placed the principal (a [[principal]] entry wins over the
  // token's own --org).
  event.organisation = recipient.organisation;
  event.channel = std::string(channel);
  return event;
}

std::optional<Verdict> Disclosure::CachedVerdict(const std::shared_ptr<const Policy>& policy,
                                                 const std::string& view, int64_t key) {
  std::lock_guard lock(verdicts_mu_);
  if (verdicts_policy_ != policy) return std::nullopt;
  auto by_view = verdicts_.find(view);
  if (by_view == verdicts_.end()) return std::nullopt;
  auto found = by_view->second.find(key);
  if (found == by_view->second.end()) return std::nullopt;
  return found->second;
}

void Disclosure::CacheVerdict(const std::shared_ptr<const Policy>& policy, const std::string& view,
                              int64_t key, const Verdict& verdict) {
  const size_t bytes = verdict.body.size() + 64;
  std::lock_guard lock(verdicts_mu_);
  if (verdicts_policy_ != policy || verdicts_bytes_ + bytes > kVerdictCacheBytes) {
    verdicts_.clear();
    verdicts_bytes_ = 0;
    verdicts_policy_ = policy;
  }
  if (verdicts_[view].emplace(key, verdict).second) verdicts_bytes_ += bytes + view.size();
}

void Disclosure::CountDenials(const Principal& principal, const DenialCounts& denials) {
  if (std::all_of(denials.begin(), denials.end(), [](uint64_t n) { return n == 0; })) return;
  std::lock_guard lock(denials_mu_);
  DenialCounts& counts = denials_[principal.name];
  for (size_t i = 0; i < counts.size(); ++i) counts[i] += denials[i];
}

std::map<std::string, DenialCounts> Disclosure::Denials() const {
  std::lock_guard lock(denials_mu_);
  return denials_;
}

absl::StatusOr<std::vector<util::Timestamp>> Disclosure::ReceivableVersions(
    const Principal& principal, const store::ObjectQuery& query) {
  const std::shared_ptr<const Policy> policy = policy_.Get();
  const Recipient recipient = policy->Resolve(principal);
  const Grant grant = policy->GrantFor(recipient, query.collection_id, clock_.Now());
  std::vector<util::Timestamp> versions;
  KONGSI_RETURN_IF_ERROR(store_.Scan(query, [&](const store::StoredObject& object) {
    if (policy->Evaluate(recipient, grant, object.record, validator_).disclosed) {
      versions.push_back(object.record.version);
    }
    return true;
  }));
  return versions;
}

absl::StatusOr<DisclosedPage> Disclosure::Disclose(const Principal& principal,
                                                   std::string_view channel,
                                                   const store::ObjectQuery& query,
                                                   const DisclosureSink& sink, Delivery delivery) {
  if (query.collection_id.empty() && !principal.local_operator) {
    return absl::PermissionDeniedError(
        util::StrCat("principal ", principal.name, " may only read through collections"));
  }
  if (!query.collection_id.empty()) {
    KONGSI_RETURN_IF_ERROR(CheckCollectionVisible(principal, query.collection_id));
  }
  const std::shared_ptr<const Policy> policy = policy_.Get();
  const Recipient recipient = policy->Resolve(principal);
  const Grant grant = policy->GrantFor(recipient, query.collection_id, clock_.Now());
  DenialCounts denials{};

  // Everything a verdict depends on besides the version itself (whose key names it): who
  // receives (name, organisation, kind) and which agreements apply.
  std::string view = util::StrCat(recipient.name, "\n", recipient.organisation, "\n",
                                  recipient.peer ? "peer" : "user", "\n", query.collection_id);
  for (const Grant::Applicable& a : grant.agreements) {
    view += util::StrCat("\n", a.agreement, a.direct ? "d" : "c");
  }
  // Whether `object` may go to the principal, and in which form (fills `out`).
  auto admit = [&](const store::StoredObject& object, Admitted& out) -> bool {
    const store::ObjectRecord& record = object.record;
    const bool costly = object.key > 0 && !recipient.local_operator &&
                        MayNeedRedaction(record.body, record.property_bloom, grant.probe,
                                         record.created_by_ref, grant.rules);
    std::optional<Verdict> cached;
    if (costly) cached = CachedVerdict(policy, view, object.key);
    Verdict verdict =
        cached ? *std::move(cached) : policy->Evaluate(recipient, grant, record, validator_);
    if (costly && !cached) CacheVerdict(policy, view, object.key, verdict);
    if (!verdict.disclosed) {
      ++denials[static_cast<size_t>(verdict.denial)];
      return false;
    }
    out.redacted = verdict.redacted;
    if (verdict.redacted) out.redacted_body = std::move(verdict.body);
    return true;
  };
  auto audited = [](const store::StoredObject& o, const Admitted& a) {
    // The key names the version; the id is kept only when the backend has no key.
    return store::AuditedObject{.key = o.key,
                                .id = o.key > 0 ? std::string() : o.record.id,
                                .version = o.record.version,
                                .redacted = a.redacted};
  };

  DisclosedPage page;
  size_t disclosed = 0;  // objects admitted into the page so far
  bool full = false;     // the page and its look-ahead object are found
  bool stopped = false;  // the sink asked to stop
  absl::Status deliver_status;

  // Delivery of one admitted object; returns false to end the scan.
  std::function<bool(const store::StoredObject&, Admitted&)> deliver;
  store::AuditEvent buffered_event = NewEvent(recipient, channel);
  std::vector<Pending> batch;
  auto flush = [&]() -> absl::Status {
    // Streamed: write-ahead per batch, so a crash can over-report a disclosure but never hide
    // one.
    if (batch.empty()) return absl::OkStatus();
    store::AuditEvent event = NewEvent(recipient, channel);
    event.time = clock_.Now();
    event.objects.reserve(batch.size());
    for (const Pending& p : batch) event.objects.push_back(audited(p.object, p.admitted));
    KONGSI_RETURN_IF_ERROR(audit_.Append({&event, 1}));
    for (const Pending& p : batch) {
      ++page.count;
      if (!sink(p.admitted.body(p.object), p.object)) {
        stopped = true;
        break;
      }
    }
    batch.clear();
    return absl::OkStatus();
  };
  if (delivery == Delivery::kBuffered) {
    buffered_event.objects.reserve(query.limit > 0 && query.limit < kAuditBatch ? query.limit : 64);
    deliver = [&](const store::StoredObject& o, Admitted& a) {
      ++page.count;
      buffered_event.objects.push_back(audited(o, a));
      if (!sink(a.body(o), o)) {
        stopped = true;
        return false;
      }
      return true;
    };
  } else {
    batch.reserve(query.limit > 0 && query.limit < kAuditBatch ? query.limit : kAuditBatch);
    deliver = [&](const store::StoredObject& o, Admitted& a) {
      batch.push_back(Pending{.object = o, .admitted = std::move(a)});
      if (batch.size() < kAuditBatch) return true;
      deliver_status = flush();
      return deliver_status.ok() && !stopped;
    };
  }

  store::ObjectQuery chunk = query;
  if (query.limit > 0) chunk.limit = query.limit + 1;
  Admitted admitted;
  while (true) {
    size_t rows = 0;
    util::Timestamp last_row = 0;
    KONGSI_RETURN_IF_ERROR(store_.Scan(chunk, [&](const store::StoredObject& object) {
      ++rows;
      last_row = object.date_added;
      // Once full, the rest of this scan is read but ignored: letting the scan end complete
      // keeps it cacheable.
      if (full) return true;
      if (!admit(object, admitted)) return true;
      if (query.limit > 0 && disclosed == query.limit) {
        // The first disclosable object past the page: proves `more`, is not disclosed.
        page.more = true;
        full = true;
        return true;
      }
      ++disclosed;
      return deliver(object, admitted);
    }));
    KONGSI_RETURN_IF_ERROR(deliver_status);
    if (rows > 0) page.read_through = std::max(page.read_through, last_row);
    if (stopped || full || chunk.limit == 0 || rows < chunk.limit) break;
    // Withheld rows left the page short: read on after the last row.
    chunk.added_after = std::max(chunk.added_after.value_or(last_row), last_row);
    chunk.limit = std::max(std::min(chunk.limit * 2, kMaxChunk), chunk.limit);
  }

  if (delivery == Delivery::kBuffered) {
    buffered_event.time = clock_.Now();
    KONGSI_RETURN_IF_ERROR(audit_.Append({&buffered_event, 1}));
  } else if (!stopped) {
    KONGSI_RETURN_IF_ERROR(flush());
  }
  CountDenials(principal, denials);
  if (stopped) page.more = false;  // the caller stopped: it decides what follows
  if (stopped || full) page.read_through = 0;
  return page;
}

}  // namespace kongsi::policy
