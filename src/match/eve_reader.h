// The Suricata EVE JSON reader: one event object per line. Which members become which
// observable values is listed in docs/matching.md ("Log formats and what is matched").
//
// Built for speed (the matcher's target is 1 GB/s per core on EVE): one simdjson On-Demand
// parser per reader parses the line in place (the padding contract of log_reader.h), the
// top-level members are walked once in order, only the sub-objects that hold values are
// entered, and values are views into the line (escaped strings and composed URLs go to the
// event's Scratch() strings). Not thread-safe: Clone() a reader per thread.
#pragma once

#include <memory>

#include "match/log_reader.h"

namespace kongsi::match {

std::unique_ptr<LogReader> NewEveReader();

}  // namespace kongsi::match
