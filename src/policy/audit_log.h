// The audit log's writer: appends disclosure records to the store with group commit, so that
// many concurrent readers (TAXII requests) share one transaction instead of each paying for
// its own. Append() returns only once the caller's events are committed: a disclosure is
// recorded before its bytes leave (write-ahead).
//
// Thread-safe; the store must outlive it. Errors: those of Store::AppendAudit, reported to
// every caller whose records were in the failed transaction.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <span>

#include "absl/status/status.h"
#include "store/store.h"

namespace kongsi::policy {

class AuditLog {
 public:
  explicit AuditLog(store::Store& store) : store_(store) {}

  absl::Status Append(std::span<const store::AuditEvent> events);

 private:
  struct Waiter {
    std::span<const store::AuditEvent> events;
    bool done = false;
    absl::Status status;
  };

  store::Store& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Waiter*> queue_;  // guarded by mu_
  bool writing_ = false;       // guarded by mu_: a leader is committing a group
};

}  // namespace kongsi::policy
