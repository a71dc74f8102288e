// The SQLite schema of the object store as an ordered list of migrations, and the code that
// brings a database file up to date with them.
//
// Migration i (0-based) takes `PRAGMA user_version` from i to i + 1; new schema changes are
// appended to the list in schema.cc, never edited in place once released.
// Thread-safety: `Migrate` uses the connection it is given; the caller serialises.
// Errors: FailedPrecondition when the file was written by a newer kongsi. SQL failures are
// thrown as SQLite::Exception for the backend to convert at its edge (sqlite_store.cc);
// nothing of a failed migration is applied.
#pragma once

#include <span>
#include <string_view>

#include "absl/status/statusor.h"

namespace SQLite {
class Database;
}  // namespace SQLite

namespace kongsi::store::sqlite {

// The migration scripts, oldest first.
std::span<const std::string_view> Migrations();

// The schema version this code writes: the number of migrations.
int LatestSchemaVersion();

// Applies the missing migrations to `db` in one IMMEDIATE transaction and returns the
// resulting schema version. Throws SQLite::Exception on SQL errors.
absl::StatusOr<int> Migrate(SQLite::Database& db);

}  // namespace kongsi::store::sqlite
