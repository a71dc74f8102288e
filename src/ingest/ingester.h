// The ingest pipeline: read a document -> upgrade STIX 2.0 -> validate each object -> build
// records -> store. Objects are accepted or rejected one by one (as TAXII does); with
// `atomic`, nothing is stored unless every object of every document is valid.
//
// Two stages run in parallel: a worker thread reads, validates and builds records (the CPU
// work), while the calling thread writes them to the store in batches. Durability
// (DESIGN.md invariant 2): each document (bundle, file) is written in one store transaction,
// streamed in batches and committed at its end, so a crash never leaves half a bundle
// visible; JSON-lines documents (independent lines) are committed every `batch_size` lines;
// with `atomic`, all documents share one transaction committed by Finish().
//
// Not thread-safe: one Ingester per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "stix/finding.h"
#include "store/store.h"

namespace kongsi::stix {
struct InputObject;  // stix/reader.h
}  // namespace kongsi::stix

namespace kongsi::ingest {

namespace detail {
struct Batch;  // records handed from the validating worker to the store (ingester.cc)
}  // namespace detail

struct IngestOptions {
  std::string collection_id;  // empty: stored in no collection
  bool atomic = false;
  size_t batch_size = 10000;  // JSON lines: objects per transaction
};

struct IngestReport {
  int64_t accepted = 0;   // new versions stored
  int64_t unchanged = 0;  // versions already stored with the same content
  int64_t conflicts = 0;  // same (id, modified), different content: stored one kept
  int64_t rejected = 0;   // invalid objects (and unreadable lines / envelopes)
  int64_t warnings = 0;
  int64_t upgraded = 0;  // STIX 2.0 objects upgraded to 2.1
  int64_t bytes = 0;
  int64_t objects = 0;  // objects read
  // Why objects were rejected, conflicts, and (when keep_warnings) warnings, per object.
  std::vector<stix::Finding> problems;
  bool keep_warnings = false;
};

class Ingester {
 public:
  Ingester(store::Store& store, IngestOptions options);
  ~Ingester();

  // Ingests one document. `provenance` records where it came from. Per-object problems go
  // into `report`. A returned error means nothing of this document is stored: the document
  // could not be read (syntax error: InvalidArgument with line and column) or the store
  // failed. Counts of stored objects are final when the call returns (atomic: at Finish).
  absl::Status IngestDocument(std::string_view text, const store::Provenance& provenance,
                              IngestReport& report);

  // Ends the run. Atomic mode: commits everything, or nothing if anything was rejected.
  absl::Status Finish(IngestReport& report);

  // Called after each stored batch, for progress display (on the calling thread).
  void set_progress(std::function<void(const IngestReport&)> progress) {
    progress_ = std::move(progress);
  }

  // An extra check of each object that passed validation, run on the validating worker
  // thread (so what it reads must be safe to use from there): the findings it appends are
  // reported as warnings, never rejections (e.g. values on the node's warninglists).
  using ObjectCheck = std::function<void(const stix::InputObject&, std::vector<stix::Finding>&)>;
  void set_check(ObjectCheck check) { check_ = std::move(check); }

 private:
  absl::Status Store(detail::Batch& batch, IngestReport& report);
  absl::Status EnsureTransaction();
  absl::Status CommitTransaction();

  store::Store& store_;
  IngestOptions options_;
  std::unique_ptr<store::WriteTransaction> txn_;
  // Outcomes of the open transaction, applied to the report only once it commits.
  int64_t pending_accepted_ = 0;
  int64_t pending_unchanged_ = 0;
  std::function<void(const IngestReport&)> progress_;
  ObjectCheck check_;
};

}  // namespace kongsi::ingest
