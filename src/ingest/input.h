// Input sources for ingest and validate: files, folders (recursively, in name order), gzip
// (detected by content, not by name) and standard input ("-").
// Not thread-safe; each call reads one source completely into memory.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kongsi::ingest {

struct InputSource {
  std::string path;  // "-" for standard input
  std::string DisplayName() const { return path == "-" ? "<stdin>" : path; }
};

// Expands command-line arguments into sources: a folder contributes every regular file below
// it named *.json, *.jsonl, *.ndjson or *.stix (optionally .gz), hidden files and folders
// skipped, sorted by path; files named explicitly are always taken. NotFound for a path that
// does not exist.
absl::StatusOr<std::vector<InputSource>> ExpandInputs(const std::vector<std::string>& args);

// Reads a whole source, inflating gzip transparently. Unavailable when it cannot be read;
// DataLoss for a truncated or corrupt gzip stream.
absl::StatusOr<std::string> ReadSource(const InputSource& source);

}  // namespace kongsi::ingest
