// Turns a validated STIX object (simdjson DOM) into the store's ObjectRecord: minified body,
// content hash, version key and the extracted columns (DESIGN.md invariant 5).
// Pure function; thread-safe.
#pragma once

#include "simdjson.h"
#include "store/store.h"

namespace kongsi::ingest {

// Expects an object that passed validation (id, type and timestamps are well-formed). `raw`
// is the object's own JSON text when known: the body is then that text minified, exactly as
// received; otherwise the body is re-serialised from the DOM.
store::ObjectRecord BuildRecord(simdjson::dom::element object, std::string_view raw,
                                const store::Provenance& provenance);

}  // namespace kongsi::ingest
