// Translates an ObjectQuery into one SQL SELECT over the schema of schema.cc, with its
// arguments in placeholder order.
//
// The SQL text depends only on which filters are set and on list lengths, never on values,
// so statement caches stay small and no input reaches SQL text (DESIGN.md section 9).
// Pure function; thread-safe. The result points into the query: keep the query alive while
// the result is used.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "store/store.h"

namespace kongsi::store::sqlite {

// The object columns every scan selects, in this order, followed by date_added.
enum ScanColumn : int {
  kColId,
  kColVersion,
  kColType,
  kColSpecVersion,
  kColCreated,
  kColRevoked,
  kColCreatedByRef,
  kColTlp,
  kColValidFrom,
  kColValidUntil,
  kColProvenanceKind,
  kColProvenanceSource,
  kColOriginOrg,
  kColBody,
  kColContentHash,
  kColPropertyBloom,
  kColKey,
  kColDateAdded,
};

struct ScanQuery {
  std::string sql;
  // Integers, or strings owned by the ObjectQuery (bound without copying).
  std::vector<std::variant<int64_t, const std::string*>> args;
};

// The number of values `query` binds: SQLite limits host parameters (32766 by default).
size_t BoundValueCount(const ObjectQuery& query);

ScanQuery BuildScanQuery(const ObjectQuery& query);

}  // namespace kongsi::store::sqlite
