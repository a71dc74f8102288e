// The disclosure door. Audit records are buffered and appended in batches so that exporting a
// million objects costs a handful of transactions, not a million.
#include "policy/disclosure.h"

#include <cstdlib>
#include <vector>

#include "util/status.h"
#include "util/strings.h"

namespace kongsi::policy {
namespace {
constexpr size_t kAuditBatch = 10000;
}  // namespace

Principal LocalOperator(std::string_view node_organisation) {
  const char* user = std::getenv("USER");
  Principal p;
  p.name = util::StrCat("operator:", user != nullptr && *user != '\0' ? user : "unknown");
  p.organisation = std::string(node_organisation);
  p.local_operator = true;
  return p;
}

absl::Status Disclosure::Disclose(
    const Principal& principal, std::string_view channel, const store::ObjectQuery& query,
    const std::function<bool(std::string_view, const store::StoredObject&)>& sink) {
  if (!principal.local_operator) {
    // Until agreements exist, nobody but the node's own operator receives anything.
    return absl::PermissionDeniedError(
        util::StrCat("principal ", principal.name, " has no sharing agreement with this node"));
  }
  // Write-ahead: a batch is recorded in the audit log before any of its bytes are handed to
  // the sink, so a crash can over-report a disclosure but never hide one.
  std::vector<store::StoredObject> batch;
  batch.reserve(kAuditBatch);
  bool stopped = false;
  absl::Status flush_status;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    std::vector<store::AuditRecord> audit;
    audit.reserve(batch.size());
    const util::Timestamp now = clock_.Now();
    for (const store::StoredObject& object : batch) {
      audit.push_back(store::AuditRecord{now, principal.name, principal.organisation,
                                         std::string(channel), object.record.id,
                                         object.record.version, false});
    }
    KONGSI_RETURN_IF_ERROR(store_.AppendAudit(audit));
    for (const store::StoredObject& object : batch) {
      if (!sink(object.record.body, object)) {
        stopped = true;
        break;
      }
    }
    batch.clear();
    return absl::OkStatus();
  };
  KONGSI_RETURN_IF_ERROR(store_.Scan(query, [&](const store::StoredObject& object) {
    batch.push_back(object);
    if (batch.size() < kAuditBatch) return true;
    flush_status = flush();
    return flush_status.ok() && !stopped;
  }));
  KONGSI_RETURN_IF_ERROR(flush_status);
  if (!stopped) KONGSI_RETURN_IF_ERROR(flush());
  return absl::OkStatus();
}

}  // namespace kongsi::policy
