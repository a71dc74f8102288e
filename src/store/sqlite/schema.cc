// The store's schema, one SQL script per version. Why the tables look as they do:
//
//  * objects: one row per (id, version); the body is kept as received so serving is a copy of
//    stored bytes. `version` holds kNoVersion (INT64_MIN) as is: it is a valid SQLite integer,
//    sorts before every real timestamp and keeps UNIQUE(id, version) meaningful (NULLs would
//    not be unique). The key `first_added` is the time of first ingest made strictly
//    increasing (max(now, previous + 1)): being the rowid, it orders scans without a
//    collection and serves their added_after ranges with no index to maintain at ingest.
//    `other_versions` is 1 once a second version of the id is stored: most objects have one
//    version, and for them first/last version selection needs no lookup. The body comes
//    last: a large body spills into overflow pages, and columns stored after it would have
//    to be read from there by every filter.
//  * collections have an integer key so the (large) membership table stores 8-byte keys, not
//    36-byte UUIDs; `last_date_added` is persisted so date_added stays strictly increasing
//    across restarts and clock jumps.
//  * collection_objects is clustered on (collection, date_added): a TAXII page is one range
//    scan. UNIQUE(collection, object) makes membership idempotent and gives the reverse
//    lookup used by version selection.
//  * object_values is clustered on value for "where else have we seen X".
//  * objects.origin_org (version 4) is the organisation a version came from, for origin
//    binding in the sharing policy. Added with ALTER TABLE, so it sits after the body: it is
//    read only together with the body (never in a filter), so that costs nothing, and the
//    migration is instant on a large store instead of a rewrite of every row.
//  * Foreign keys are deferred (checked at commit) so multi-row inserts need no statement
//    journal (see connection.cc).
#include "store/sqlite/schema.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "absl/strings/str_format.h"

namespace kongsi::store::sqlite {
namespace {

constexpr std::string_view kV1 = R"sql(
CREATE TABLE objects (
  first_added       INTEGER PRIMARY KEY,
  id                TEXT    NOT NULL,
  version           INTEGER NOT NULL,
  type              TEXT    NOT NULL,
  spec_version      TEXT    NOT NULL,
  created           INTEGER,
  revoked           INTEGER NOT NULL,
  created_by_ref    TEXT    NOT NULL,
  tlp               INTEGER NOT NULL,
  valid_from        INTEGER,
  valid_until       INTEGER,
  provenance_kind   INTEGER NOT NULL,
  provenance_source TEXT    NOT NULL,
  other_versions    INTEGER NOT NULL DEFAULT 0,
  content_hash      BLOB    NOT NULL,
  body              TEXT    NOT NULL,
  UNIQUE (id, version)
);
CREATE INDEX objects_by_type ON objects (type);

CREATE TABLE collections (
  num             INTEGER PRIMARY KEY,
  id              TEXT    NOT NULL UNIQUE,
  title           TEXT    NOT NULL,
  description     TEXT    NOT NULL,
  alias           TEXT    NOT NULL,
  created         INTEGER NOT NULL,
  last_date_added INTEGER NOT NULL
);

CREATE TABLE collection_objects (
  collection INTEGER NOT NULL REFERENCES collections (num) DEFERRABLE INITIALLY DEFERRED,
  date_added INTEGER NOT NULL,
  object     INTEGER NOT NULL REFERENCES objects (first_added) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (collection, date_added),
  UNIQUE (collection, object)
) WITHOUT ROWID;

CREATE TABLE object_values (
  value  TEXT    NOT NULL,
  kind   TEXT    NOT NULL,
  object INTEGER NOT NULL REFERENCES objects (first_added) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (value, kind, object)
) WITHOUT ROWID;

CREATE TABLE audit (
  seq          INTEGER PRIMARY KEY,
  time         INTEGER NOT NULL,
  principal    TEXT    NOT NULL,
  organisation TEXT    NOT NULL,
  channel      TEXT    NOT NULL,
  object_id    TEXT    NOT NULL,
  version      INTEGER NOT NULL,
  redacted     INTEGER NOT NULL
);
CREATE INDEX audit_by_object ON audit (object_id, seq);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Version 2: API tokens and TAXII status resources (the TAXII server). A token's name is
// unique among live tokens only, so a revoked name can be issued again; rights are
// newline-separated collection ids.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE tokens (
  key_id       TEXT    PRIMARY KEY,
  name         TEXT    NOT NULL,
  secret_hash  TEXT    NOT NULL,
  organisation TEXT    NOT NULL,
  read         TEXT    NOT NULL,
  write        TEXT    NOT NULL,
  created      INTEGER NOT NULL,
  revoked      INTEGER
);
CREATE UNIQUE INDEX tokens_live_name ON tokens (name) WHERE revoked IS NULL;

CREATE TABLE taxii_status (
  id      TEXT    PRIMARY KEY,
  owner   TEXT    NOT NULL,
  created INTEGER NOT NULL,
  body    TEXT    NOT NULL
) WITHOUT ROWID;
)sql";

// Version 3: a removal counter per collection, so that page caches see removals (additions
// already move last_date_added).
constexpr std::string_view kV3 = R"sql(
ALTER TABLE collections ADD COLUMN removals INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 4: the organisation each version came from (Provenance::organisation); versions
// stored before it have none recorded, which reads as this node's own. And the summary of
// each version's property names (ObjectRecord::property_bloom; 0 = not computed).
constexpr std::string_view kV4 = R"sql(
ALTER TABLE objects ADD COLUMN origin_org TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN property_bloom INTEGER NOT NULL DEFAULT 0;
)sql";

// Append new versions here; never edit a released script.
constexpr std::string_view kMigrations[] = {kV1, kV2, kV3, kV4};

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

absl::StatusOr<int> Migrate(SQLite::Database& db) {
  // IMMEDIATE: two processes opening a fresh file at once must not both apply version 1.
  SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
  const int current = db.execAndGet("PRAGMA user_version").getInt();
  const int latest = LatestSchemaVersion();
  if (current < 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("store schema version %d is not one kongsi ever wrote", current));
  }
  if (current > latest) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "store schema version %d is newer than this kongsi supports (%d)", current, latest));
  }
  if (current == latest) return current;
  for (int v = current; v < latest; ++v) db.exec(std::string(kMigrations[v]));
  // PRAGMA takes no bound parameters; the value is our own integer, not input.
  db.exec("PRAGMA user_version = " + std::to_string(latest));
  txn.commit();
  return latest;
}

}  // namespace kongsi::store::sqlite
