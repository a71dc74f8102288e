// The ingest pipeline: read a document -> upgrade STIX 2.0 -> validate each object -> build
// records -> store. Objects are accepted or rejected one by one (as TAXII does); with
// `atomic`, nothing is stored unless every object of every document is valid.
//
// Durability (DESIGN.md invariant 2): each document (bundle, file) is stored in one store
// transaction, so a crash never leaves half a bundle; JSON-lines documents are stored in
// batches of `batch_size` lines, each a transaction. Counts are final only after Finish().
//
// Not thread-safe: one Ingester per thread (it owns a DocumentReader).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "stix/finding.h"
#include "stix/reader.h"
#include "stix/validate.h"
#include "store/store.h"

namespace kongsi::ingest {

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
  int64_t upgraded = 0;   // STIX 2.0 objects upgraded to 2.1
  int64_t bytes = 0;
  int64_t objects = 0;    // objects read
  // Why objects were rejected, conflicts, and (when keep_warnings) warnings, per object.
  std::vector<stix::Finding> problems;
  bool keep_warnings = false;
};

class Ingester {
 public:
  Ingester(store::Store& store, IngestOptions options);

  // Ingests one document. `provenance` records where it came from. Per-object problems go
  // into `report`; a returned error means the document could not be read at all (syntax
  // error: InvalidArgument with line and column) or the store failed (then nothing of this
  // document is stored).
  absl::Status IngestDocument(std::string_view text, const store::Provenance& provenance,
                              IngestReport& report);

  // Stores what is pending (atomic mode: everything, unless something was rejected).
  absl::Status Finish(IngestReport& report);

  // Called after each stored batch, for progress display.
  void set_progress(std::function<void(const IngestReport&)> progress) {
    progress_ = std::move(progress);
  }

 private:
  absl::Status Flush(IngestReport& report);

  store::Store& store_;
  IngestOptions options_;
  stix::DocumentReader reader_;
  stix::Validator validator_;
  std::vector<store::ObjectRecord> pending_;
  std::vector<std::string> pending_names_;
  std::function<void(const IngestReport&)> progress_;
};

}  // namespace kongsi::ingest
