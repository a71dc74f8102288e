// policy::Disclosure: the one exit door (DESIGN.md section 3, invariant 1). Every object that
// leaves the node (export file, TAXII response, federation push, ...) is read through
// Disclose() for the receiving principal, and each disclosed version is appended to the
// audit log before its bytes are handed out.
//
// Today the door checks collection rights: the local operator (a person running the kongsi
// command on the node, with access to its data directory) may receive every stored object;
// any other principal only what is in collections it may read, and a collection it may not
// read does not exist for it (NotFound, worded like a real unknown collection). Sharing
// agreements, TLP enforcement and redaction are added here by the sharing-policy work,
// without changing callers.
//
// Thread-safe if the store is; concurrent Disclose calls share audit transactions (AuditLog).
// Errors: NotFound for a collection the principal cannot read (or that does not exist);
// PermissionDenied for a principal other than the operator reading outside collections;
// those of the store (Scan, AppendAudit).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "policy/audit_log.h"
#include "policy/principal.h"
#include "store/store.h"
#include "util/time.h"

namespace kongsi::policy {

// What one Disclose call handed out.
struct DisclosedPage {
  size_t count = 0;   // objects passed to the sink
  bool more = false;  // query.limit was reached and further objects match
};

using DisclosureSink =
    std::function<bool(std::string_view body, const store::StoredObject& object)>;

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
  Disclosure(store::Store& store, const util::Clock& clock)
      : store_(store), clock_(clock), audit_(store) {}

  // Calls `sink` with every object matching `query` that `principal` may receive (at most
  // query.limit when set), as the exact bytes to send, and records each one in the audit
  // log under `channel` ("export", "taxii.objects", ...), as `delivery` says. `sink` returns
  // false to stop.
  absl::StatusOr<DisclosedPage> Disclose(const Principal& principal, std::string_view channel,
                                         const store::ObjectQuery& query,
                                         const DisclosureSink& sink,
                                         Delivery delivery = Delivery::kStreamed);

  // OK when `principal` may read `collection_id`; NotFound otherwise (same message as an
  // unknown collection). Does not look the collection up (the store's scan does).
  absl::Status CheckCollectionVisible(const Principal& principal, std::string_view collection_id);

 private:
  store::AuditEvent NewEvent(const Principal& principal, std::string_view channel) const;

  store::Store& store_;
  const util::Clock& clock_;
  AuditLog audit_;
};

}  // namespace kongsi::policy
