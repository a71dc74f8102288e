// The disclosure door. Audit records are buffered and appended in batches so that exporting a
// million objects costs a handful of transactions, not a million; a page is looked ahead by
// one object so `more` is exact without disclosing (or auditing) the object that proves it.
#include "policy/disclosure.h"

#include <vector>

#include "util/status.h"
#include "util/strings.h"

namespace kongsi::policy {
namespace {
constexpr size_t kAuditBatch = 10000;
}  // namespace

absl::Status Disclosure::CheckCollectionVisible(const Principal& principal,
                                                std::string_view collection_id) {
  if (!principal.CanRead(collection_id)) {
    // Worded as the store words an unknown collection: the two must be indistinguishable.
    return absl::NotFoundError(util::StrCat("collection ", collection_id, " not found"));
  }
  return store_.GetCollection(collection_id).status();
}

absl::StatusOr<DisclosedPage> Disclosure::Disclose(const Principal& principal,
                                                   std::string_view channel,
                                                   const store::ObjectQuery& query,
                                                   const DisclosureSink& sink) {
  if (query.collection_id.empty() && !principal.local_operator) {
    return absl::PermissionDeniedError(
        util::StrCat("principal ", principal.name, " may only read through collections"));
  }
  if (!query.collection_id.empty()) {
    KONGSI_RETURN_IF_ERROR(CheckCollectionVisible(principal, query.collection_id));
  }
  // Write-ahead: a batch is recorded in the audit log before any of its bytes are handed to
  // the sink, so a crash can over-report a disclosure but never hide one.
  DisclosedPage page;
  std::vector<store::StoredObject> batch;
  batch.reserve(query.limit > 0 && query.limit < kAuditBatch ? query.limit : kAuditBatch);
  bool stopped = false;
  absl::Status flush_status;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    std::vector<store::AuditRecord> audit;
    audit.reserve(batch.size());
    const util::Timestamp now = clock_.Now();
    for (const store::StoredObject& object : batch) {
      audit.push_back(store::AuditRecord{.time = now,
                                         .principal = principal.name,
                                         .organisation = principal.organisation,
                                         .channel = std::string(channel),
                                         .object_id = object.record.id,
                                         .version = object.record.version,
                                         .redacted = false,
                                         .object_key = object.key});
    }
    KONGSI_RETURN_IF_ERROR(audit_.Append(audit));
    for (const store::StoredObject& object : batch) {
      ++page.count;
      if (!sink(object.record.body, object)) {
        stopped = true;
        break;
      }
    }
    batch.clear();
    return absl::OkStatus();
  };
  store::ObjectQuery lookahead = query;
  if (query.limit > 0) lookahead.limit = query.limit + 1;
  size_t seen = 0;
  KONGSI_RETURN_IF_ERROR(store_.Scan(lookahead, [&](const store::StoredObject& object) {
    if (query.limit > 0 && seen == query.limit) {
      page.more = true;  // the one object past the page: proves `more`, is not disclosed
      return false;
    }
    ++seen;
    batch.push_back(object);
    if (batch.size() < kAuditBatch) return true;
    flush_status = flush();
    return flush_status.ok() && !stopped;
  }));
  KONGSI_RETURN_IF_ERROR(flush_status);
  if (!stopped) KONGSI_RETURN_IF_ERROR(flush());
  if (stopped) page.more = false;  // the caller stopped: it decides what follows
  return page;
}

}  // namespace kongsi::policy
