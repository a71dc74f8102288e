// The observable values an indicator's STIX pattern names, for the value index behind "where
// else have we seen X" (observable.h): [ipv4-addr:value = '198.51.100.1'] mentions the
// ipv4-addr 198.51.100.1 as an SCO with that value would.
// Pure functions; thread-safe.
#pragma once

#include <vector>

#include "stix/observable_value.h"
#include "stix/pattern/ast.h"

namespace kongsi::stix::pattern {

// Appends, for every comparison with = or IN (not negated) of a string against a value
// property (the properties ExtractObservableValues indexes: ipv4-addr:value, domain-name:value,
// url:value, email-addr:value, file:name, ...) or a hashes entry (file:hashes.'SHA-256' gives
// the kind "file:hashes.SHA-256"), the value normalised with NormaliseObservable. Each
// (kind, value) pair is appended once per call; empty strings are skipped.
void AppendPatternValues(const Pattern& pattern, std::vector<ObservableValue>& out);

}  // namespace kongsi::stix::pattern
