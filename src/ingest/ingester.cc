// Ingest pipeline. The store is written only from Flush(), so a document's objects reach it
// in one transaction (or in `batch_size` steps for JSON lines, whose lines are independent).
#include "ingest/ingester.h"

#include "ingest/record.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::ingest {

Ingester::Ingester(store::Store& store, IngestOptions options)
    : store_(store), options_(std::move(options)) {}

absl::Status Ingester::IngestDocument(std::string_view text, const store::Provenance& provenance,
                                      IngestReport& report) {
  stix::ReadSummary summary;
  std::vector<stix::Finding> findings;
  absl::Status flush_status;
  absl::Status status = reader_.Read(
      text,
      [&](const stix::InputObject& input) {
        findings.clear();
        validator_.ValidateObject(input.element, input.name, input.pointer, findings);
        bool has_error = false;
        for (stix::Finding& f : findings) {
          f.line = input.line;
          if (f.severity == stix::Severity::kError) {
            has_error = true;
          } else {
            ++report.warnings;
          }
          if (f.severity == stix::Severity::kError || report.keep_warnings) {
            report.problems.push_back(f);
          }
        }
        if (has_error) {
          ++report.rejected;
          return true;
        }
        pending_.push_back(BuildRecord(input.element, provenance));
        pending_names_.push_back(input.name);
        // JSON lines are independent: store them in bounded batches.
        if (input.line != 0 && !options_.atomic && pending_.size() >= options_.batch_size) {
          flush_status = Flush(report);
          if (!flush_status.ok()) return false;
        }
        return true;
      },
      summary);
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
  KONGSI_RETURN_IF_ERROR(flush_status);
  if (!status.ok()) {
    ++report.rejected;
    pending_.clear();
    pending_names_.clear();
    return status;
  }
  if (options_.atomic) return absl::OkStatus();
  return Flush(report);
}

absl::Status Ingester::Finish(IngestReport& report) {
  if (options_.atomic && report.rejected > 0) {
    pending_.clear();
    pending_names_.clear();
    return absl::OkStatus();
  }
  return Flush(report);
}

absl::Status Ingester::Flush(IngestReport& report) {
  if (pending_.empty()) return absl::OkStatus();
  auto outcomes = store_.Put(options_.collection_id, pending_);
  if (!outcomes.ok()) {
    pending_.clear();
    pending_names_.clear();
    return outcomes.status();
  }
  for (size_t i = 0; i < outcomes->size(); ++i) {
    switch ((*outcomes)[i]) {
      case store::PutOutcome::kAdded: ++report.accepted; break;
      case store::PutOutcome::kUnchanged: ++report.unchanged; break;
      case store::PutOutcome::kConflict:
        ++report.conflicts;
        report.problems.push_back(stix::Finding{
            stix::Severity::kError, pending_names_[i], "", "version-conflict",
            util::StrCat("a different body is already stored for this id and modified "
                         "timestamp; the stored version is kept"),
            0, 0});
        break;
    }
  }
  pending_.clear();
  pending_names_.clear();
  if (progress_) progress_(report);
  return absl::OkStatus();
}

}  // namespace kongsi::ingest
