// Group commit, after LevelDB's write queue: the caller at the head of the queue becomes the
// leader, takes every record queued so far, commits them in one transaction and wakes the
// callers whose records it carried; the others wait for their turn or for a leader to finish
// their work.
#include "policy/audit_log.h"

#include <vector>

namespace kongsi::policy {

absl::Status AuditLog::Append(std::span<const store::AuditEvent> events) {
  if (events.empty()) return absl::OkStatus();
  Waiter self;
  self.events = events;
  std::unique_lock lock(mu_);
  queue_.push_back(&self);
  cv_.wait(lock, [&] { return self.done || (!writing_ && queue_.front() == &self); });
  if (self.done) return self.status;

  std::vector<Waiter*> group(queue_.begin(), queue_.end());
  queue_.clear();
  writing_ = true;
  lock.unlock();

  absl::Status status;
  if (group.size() == 1) {
    status = store_.AppendAudit(events);
  } else {
    std::vector<store::AuditEvent> all;
    for (const Waiter* w : group) all.insert(all.end(), w->events.begin(), w->events.end());
    status = store_.AppendAudit(all);
  }

  lock.lock();
  for (Waiter* w : group) {
    w->status = status;
    w->done = true;
  }
  writing_ = false;
  cv_.notify_all();
  return status;
}

}  // namespace kongsi::policy
