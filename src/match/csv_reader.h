// The CSV reader: RFC 4180 fields (quoted fields with "" for a quote; a quoted field cannot
// span lines), columns named by the header line or by 1-based number, mapped to observable
// kinds by CsvOptions (ParseFieldMap). A line with another number of columns than the header
// is malformed; so is the header line when the field map names columns it lacks (the columns
// that exist are still read). Unquoted values are trimmed of spaces. Not thread-safe: Clone()
// a reader per thread once the header has been read.
#pragma once

#include <memory>

#include "match/log_reader.h"

namespace kongsi::match {

std::unique_ptr<LogReader> NewCsvReader(const CsvOptions& options);

}  // namespace kongsi::match
