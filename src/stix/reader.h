// Reading STIX input documents: a bundle, a single object, a JSON array of objects, or JSON
// lines (one object or bundle per line). Produces, for each object, its DOM element, a name
// for reports ("indicator--...", or "#N" when it has no usable id) and the JSON pointer
// (or "line N") where it sits in the input, upgrading STIX 2.0 objects to 2.1 on the way.
//
// Not thread-safe: a DocumentReader owns simdjson parsers; use one per thread.
// Errors (Status): InvalidArgument with line and column for syntax errors and for input
// that is not STIX at all (e.g. a number, or an object with no "type").
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "simdjson.h"
#include "stix/finding.h"

namespace kongsi::stix {

// One object as read from the input.
struct InputObject {
  simdjson::dom::element element;  // valid until the callback returns
  std::string name;                // id when present and a string, otherwise "#N"
  std::string pointer;             // "/objects/3", "" (single object), "/2" (array); for JSON
                                   // lines, relative to the line's document
  size_t line = 0;                 // JSON lines: the line number; 0 for a whole document
  size_t index = 0;                // position among the input's objects, from 0
  bool upgraded_from_20 = false;   // the element is the 2.1 upgrade of a 2.0 object
  std::string_view raw;            // the object's own text when known (bundle objects, JSON
                                   // lines, single documents); empty otherwise
};

struct ReadSummary {
  size_t objects = 0;
  size_t upgraded = 0;  // STIX 2.0 objects upgraded to 2.1
  size_t bytes = 0;
  std::vector<Finding> document_findings;  // bundle envelope, JSONL lines that do not parse, ...
};

class DocumentReader {
 public:
  DocumentReader();
  ~DocumentReader();

  // Parses `text` (any of the supported forms, auto-detected) and calls `fn` for every object,
  // in input order. Lines of a JSON-lines document that do not parse are reported in
  // `summary.document_findings` (with their line number) and skipped; a whole document that
  // does not parse returns InvalidArgument. `fn` returns false to stop early.
  absl::Status Read(std::string_view text, const std::function<bool(const InputObject&)>& fn,
                    ReadSummary& summary);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kongsi::stix
