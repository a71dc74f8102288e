// Ingest pipeline. A worker thread turns the document into batches of records; the calling
// thread streams them into one store transaction per document (or per `batch_size` JSON
// lines), so validation of the next batch overlaps the store write of the previous one.
#include "ingest/ingester.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "ingest/record.h"
#include "stix/reader.h"
#include "stix/validate.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::ingest {
namespace {

// Records per batch handed from the worker to the store: large enough to amortise the
// hand-over, small enough to keep both threads busy and memory flat.
constexpr size_t kBatchRecords = 2048;
// Batches the worker may run ahead of the store.
constexpr size_t kQueueDepth = 8;

}  // namespace

namespace detail {
struct Batch {
  std::vector<store::ObjectRecord> records;
  std::vector<std::string> names;       // for conflict reports
  std::vector<stix::Finding> findings;  // rejections and (kept) warnings, in input order
  int64_t rejected = 0;
  int64_t warnings = 0;
  bool end_of_lines_batch = false;  // JSON lines: commit after this batch
};
}  // namespace detail

namespace {

using detail::Batch;

// A bounded single-producer / single-consumer queue of batches.
class BatchQueue {
 public:
  bool Push(Batch batch) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < kQueueDepth || cancelled_; });
    if (cancelled_) return false;
    items_.push_back(std::move(batch));
    not_empty_.notify_one();
    return true;
  }
  // nullopt when the producer is done and the queue is drained.
  std::optional<Batch> Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !items_.empty() || done_; });
    if (items_.empty()) return std::nullopt;
    Batch batch = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return batch;
  }
  void Done() {
    std::lock_guard lock(mu_);
    done_ = true;
    not_empty_.notify_all();
  }
  void Cancel() {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<Batch> items_;
  bool done_ = false, cancelled_ = false;
};

}  // namespace

Ingester::Ingester(store::Store& store, IngestOptions options)
    : store_(store), options_(std::move(options)) {}

Ingester::~Ingester() = default;  // an uncommitted transaction rolls back

absl::Status Ingester::EnsureTransaction() {
  if (txn_) return absl::OkStatus();
  KONGSI_ASSIGN_OR_RETURN(txn_, store_.BeginWrite(options_.collection_id));
  return absl::OkStatus();
}

absl::Status Ingester::CommitTransaction() {
  if (!txn_) return absl::OkStatus();
  absl::Status status = txn_->Commit();
  txn_.reset();
  return status;
}

absl::Status Ingester::Store(Batch& batch, IngestReport& report) {
  if (batch.records.empty()) return absl::OkStatus();
  KONGSI_RETURN_IF_ERROR(EnsureTransaction());
  KONGSI_ASSIGN_OR_RETURN(std::vector<store::PutOutcome> outcomes, txn_->Add(batch.records));
  for (size_t i = 0; i < outcomes.size(); ++i) {
    switch (outcomes[i]) {
      case store::PutOutcome::kAdded:
        ++pending_accepted_;
        break;
      case store::PutOutcome::kUnchanged:
        ++pending_unchanged_;
        break;
      case store::PutOutcome::kConflict:
        ++report.conflicts;
        report.problems.push_back(stix::Finding{
            stix::Severity::kError, batch.names[i], "", "version-conflict",
            "a different body is already stored for this id and modified timestamp; the "
            "stored version is kept",
            0, 0});
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status Ingester::IngestDocument(std::string_view text, const store::Provenance& provenance,
                                      IngestReport& report) {
  BatchQueue queue;
  absl::Status read_status;
  stix::ReadSummary summary;
  const bool keep_warnings = report.keep_warnings;
  const size_t lines_batch = std::max<size_t>(1, options_.batch_size);
  const bool atomic = options_.atomic;
  const ObjectCheck& check = check_;

  // Worker: read, validate, build records.
  std::thread worker([&] {
    stix::DocumentReader reader;
    stix::Validator validator;
    std::vector<stix::Finding> findings;
    Batch batch;
    size_t lines_in_txn = 0;
    bool cancelled = false;
    auto flush = [&](bool end_of_lines_batch) {
      batch.end_of_lines_batch = end_of_lines_batch;
      if (!queue.Push(std::move(batch))) cancelled = true;
      batch = Batch{};
    };
    read_status = reader.Read(
        text,
        [&](const stix::InputObject& input) {
          findings.clear();
          validator.ValidateObject(input.element, input.name, input.pointer, findings);
          bool has_error = false;
          for (stix::Finding& f : findings) {
            f.line = input.line;
            if (f.severity == stix::Severity::kError) {
              has_error = true;
            } else {
              ++batch.warnings;
            }
            if (f.severity == stix::Severity::kError || keep_warnings) {
              batch.findings.push_back(std::move(f));
            }
          }
          if (has_error) {
            ++batch.rejected;
          } else {
            if (check) {
              findings.clear();
              check(input, findings);
              for (stix::Finding& f : findings) {
                f.severity = stix::Severity::kWarning;
                f.line = input.line;
                ++batch.warnings;
                if (keep_warnings) batch.findings.push_back(std::move(f));
              }
            }
            batch.records.push_back(BuildRecord(input.element, input.raw, provenance));
            batch.names.push_back(input.name);
          }
          // JSON lines are independent: committed every `lines_batch` lines.
          const bool lines_commit = input.line != 0 && !atomic && ++lines_in_txn >= lines_batch;
          if (lines_commit) lines_in_txn = 0;
          if (batch.records.size() >= kBatchRecords || lines_commit) flush(lines_commit);
          return !cancelled;
        },
        summary);
    if (!cancelled) flush(false);
    queue.Done();
  });

  // Store, on this thread.
  absl::Status store_status;
  while (std::optional<Batch> batch = queue.Pop()) {
    report.rejected += batch->rejected;
    report.warnings += batch->warnings;
    for (auto& f : batch->findings) report.problems.push_back(std::move(f));
    if (!store_status.ok()) continue;  // drain what is in flight
    store_status = Store(*batch, report);
    if (store_status.ok() && batch->end_of_lines_batch) {
      store_status = CommitTransaction();
      if (store_status.ok()) {
        report.accepted += pending_accepted_;
        report.unchanged += pending_unchanged_;
        pending_accepted_ = pending_unchanged_ = 0;
      }
    }
    if (!store_status.ok()) queue.Cancel();
    if (progress_) progress_(report);
  }
  worker.join();

  report.objects += static_cast<int64_t>(summary.objects);
  report.upgraded += static_cast<int64_t>(summary.upgraded);
  report.bytes += static_cast<int64_t>(text.size());
  for (stix::Finding& f : summary.document_findings) {
    if (f.severity == stix::Severity::kError) {
      ++report.rejected;
      report.problems.push_back(std::move(f));
    } else {
      ++report.warnings;
    }
  }
  if (!store_status.ok() || !read_status.ok()) {
    if (!read_status.ok()) ++report.rejected;
    // Nothing of this document is kept: roll back (atomic: the whole run, which has failed).
    txn_.reset();
    pending_accepted_ = pending_unchanged_ = 0;
    return !store_status.ok() ? store_status : read_status;
  }
  if (atomic) return absl::OkStatus();
  KONGSI_RETURN_IF_ERROR(CommitTransaction());
  report.accepted += pending_accepted_;
  report.unchanged += pending_unchanged_;
  pending_accepted_ = pending_unchanged_ = 0;
  return absl::OkStatus();
}

absl::Status Ingester::Finish(IngestReport& report) {
  if (options_.atomic && report.rejected > 0) {
    txn_.reset();  // roll back: nothing is stored
    pending_accepted_ = pending_unchanged_ = 0;
    return absl::OkStatus();
  }
  KONGSI_RETURN_IF_ERROR(CommitTransaction());
  report.accepted += pending_accepted_;
  report.unchanged += pending_unchanged_;
  pending_accepted_ = pending_unchanged_ = 0;
  return absl::OkStatus();
}

}  // namespace kongsi::ingest
