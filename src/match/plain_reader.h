// The plain-text reader: finds observable values anywhere in a line of any text, with a
// hand-written scanner (no regular expressions): IPv4 and IPv6 addresses, http / https / ftp
// URLs (and their hosts), e-mail addresses, domain names, hex hashes of 32, 40, 64 or 128
// digits. Every value is reported with the field name "text". The rules (and what is left
// out to keep false positives down) are in docs/matching.md. Stateless apart from scratch
// buffers; not thread-safe: Clone() a reader per thread.
#pragma once

#include <memory>

#include "match/log_reader.h"

namespace kongsi::match {

std::unique_ptr<LogReader> NewPlainReader();

}  // namespace kongsi::match
