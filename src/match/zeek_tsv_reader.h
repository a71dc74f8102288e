// The Zeek TSV reader: Zeek's ASCII log format, header lines (#separator, #set_separator,
// #empty_field, #unset_field, #path, #fields, #types, #open, #close) followed by data lines
// of separated columns. Header lines are read as kSkip and set the columns of the lines after
// them (a new #fields block mid-file, as concatenated logs have, is honoured). Which columns
// become which observable values is in zeek_fields.h and docs/matching.md.
//
// Values are views into the line; a value with Zeek escapes ("\xHH", "\\") is unescaped into
// the event's Scratch() strings. Not thread-safe: Clone() a reader per thread once the header
// has been read (the clone has the same columns).
#pragma once

#include <memory>

#include "match/log_reader.h"

namespace kongsi::match {

std::unique_ptr<LogReader> NewZeekTsvReader();

}  // namespace kongsi::match
