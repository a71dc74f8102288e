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
  return absl::OkStatus();
}

store::AuditEvent Disclosure::NewEvent(const Principal& principal, std::string_view channel) const {
  store::AuditEvent event;
  event.principal = principal.name;
  event.organisation = principal.organisation;
  event.channel = std::string(channel);
  return event;
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
  store::ObjectQuery lookahead = query;
  if (query.limit > 0) lookahead.limit = query.limit + 1;
  DisclosedPage page;
  size_t seen = 0;
  bool stopped = false;
  auto audited = [](const store::StoredObject& o) {
    // The key names the version; the id is kept only when the backend has no key.
    return store::AuditedObject{.key = o.key,
                                .id = o.key > 0 ? std::string() : o.record.id,
                                .version = o.record.version,
                                .redacted = false};
  };

  if (delivery == Delivery::kBuffered) {
    store::AuditEvent event = NewEvent(principal, channel);
    event.objects.reserve(query.limit > 0 && query.limit < kAuditBatch ? query.limit : 64);
    KONGSI_RETURN_IF_ERROR(store_.Scan(lookahead, [&](const store::StoredObject& object) {
      if (query.limit > 0 && seen == query.limit) {
        // The one object past the page (the scan's last, its limit is one more): proves `more`,
        // is not disclosed. Returning true lets the scan end complete, so it can be cached.
        page.more = true;
        return true;
      }
      ++seen;
      ++page.count;
      event.objects.push_back(audited(object));
      if (!sink(object.record.body, object)) {
        stopped = true;
        return false;
      }
      return true;
    }));
    event.time = clock_.Now();
    KONGSI_RETURN_IF_ERROR(audit_.Append({&event, 1}));
    if (stopped) page.more = false;  // the caller stopped: it decides what follows
    return page;
  }

  // Streamed: write-ahead per batch, so a crash can over-report a disclosure but never hide
  // one.
  std::vector<store::StoredObject> batch;
  batch.reserve(query.limit > 0 && query.limit < kAuditBatch ? query.limit : kAuditBatch);
  absl::Status flush_status;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    store::AuditEvent event = NewEvent(principal, channel);
    event.time = clock_.Now();
    event.objects.reserve(batch.size());
    for (const store::StoredObject& object : batch) event.objects.push_back(audited(object));
    KONGSI_RETURN_IF_ERROR(audit_.Append({&event, 1}));
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
  KONGSI_RETURN_IF_ERROR(store_.Scan(lookahead, [&](const store::StoredObject& object) {
    if (query.limit > 0 && seen == query.limit) {
      page.more = true;  // as above
      return true;
    }
    ++seen;
    batch.push_back(object);
    if (batch.size() < kAuditBatch) return true;
    flush_status = flush();
    return flush_status.ok() && !stopped;
  }));
  KONGSI_RETURN_IF_ERROR(flush_status);
  if (!stopped) KONGSI_RETURN_IF_ERROR(flush());
  if (stopped) page.more = false;
  return page;
}

}  // namespace kongsi::policy
