// The Zeek JSON reader: one flat record per line (LogAscii::use_json), dotted member names
// ("id.orig_h"), arrays for sets and vectors, "ts" as a number or an ISO 8601 string. The log
// path is not in the record (only some exporters add "_path"), so members are mapped by name
// as zeek_fields.h does for every Zeek log, and a string that is an IP address in a member the
// table does not know is still taken as kIpAddress (what the TSV reader does for `addr`
// columns). Parsing as in eve_reader.h: simdjson On-Demand in place, values as views into the
// line. Not thread-safe: Clone() a reader per thread.
#pragma once

#include <memory>

#include "match/log_reader.h"

namespace kongsi::match {

std::unique_ptr<LogReader> NewZeekJsonReader();

}  // namespace kongsi::match
