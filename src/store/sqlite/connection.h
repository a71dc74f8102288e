// Internals of the SQLite backend: the write connection with its cached statements, the pool
// of read connections, and the exception-to-status edge. Only store/sqlite/ includes this (it
// is not a public header, so sqlite3.h may appear here).
//
// Ownership and threading: a Writer is used by one thread at a time (SqliteStore holds its
// mutex); a Reader belongs to whoever leased it from the ReaderPool, which is thread-safe.
// Errors: Writer, Reader and ReaderPool throw SQLite::Exception; Guard() turns exceptions
// into statuses at the edge of each SqliteStore method.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "store/store.h"

namespace kongsi::store::sqlite::detail {

// Rows per multi-row INSERT. Callers that chunk their input by this size get the fast path.
inline constexpr size_t kRowsPerInsert = 64;

// Unavailable for busy/locked files, I/O errors, a full disk or an unopenable file; Internal
// otherwise. The message names `what` and carries SQLite's own.
absl::Status FromException(absl::string_view what, const SQLite::Exception& e);

// Runs `body`, converting any exception into a status of the body's return type.
template <typename F>
auto Guard(absl::string_view what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    return FromException(what, e);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("sqlite ", what, ": ", e.what()));
  }
}

// Resets a cached statement on entry (an exception may have left it mid-step, and binding
// would then fail) and on exit (a half-read SELECT would keep a read snapshot open).
class Use {
 public:
  explicit Use(SQLite::Statement& stmt) : stmt_(stmt) { stmt_.tryReset(); }
  ~Use() { stmt_.tryReset(); }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  SQLite::Statement* operator->() { return &stmt_; }
  SQLite::Statement& operator*() { return stmt_; }

 private:
  SQLite::Statement& stmt_;
};

// A collection membership to add.
struct NewMember {
  Timestamp date_added;
  int64_t key;  // the object's first_added
};

// An observable value to index.
struct NewValue {
  const ObservableValue* value;
  int64_t key;  // first_added of the object mentioning it
};

// The write connection: WAL, synchronous=FULL, foreign keys on, statements prepared once.
class Writer {
 public:
  // Opens (creating) the file; call Prepare() once the schema is migrated.
  explicit Writer(const std::string& path);

  void Prepare();
  SQLite::Database& db() { return db_; }

  // Inserts `rows` under keys base, base + 1, ...; a row whose (id, version) is stored
  // already, or repeated earlier in `rows`, is skipped. Returns how many were inserted.
  size_t InsertObjects(std::span<const ObjectRecord> rows, int64_t base);

  // The key and content hash of the stored (r.id, r.version); Internal when absent.
  absl::StatusOr<std::pair<int64_t, std::string>> FindVersion(const ObjectRecord& r);

  // Sets objects.other_versions on every version of each of `ids` that now has more than one
  // stored version (scans skip version selection for ids with a single version).
  void MarkOtherVersions(std::span<const std::string* const> ids);

  // The key and last_date_added of a collection, nullopt when unknown.
  std::optional<std::pair<int64_t, Timestamp>> FindCollection(const std::string& id);

  // The greatest first_added stored, nullopt in an empty store.
  std::optional<int64_t> MaxFirstAdded();

  // Adds memberships to collection `num`, skipping objects that are members already.
  // Returns how many were added.
  size_t AddMembers(int64_t num, std::span<const NewMember> members);
  void SetLastDateAdded(int64_t num, Timestamp last);

  void InsertValues(std::span<const NewValue> values);

  // false when the id is taken.
  bool InsertCollection(const Collection& c);
  void SetMeta(const std::string& key, const std::string& value);

 private:
  SQLite::Database db_;  // declared first: statements are finalised before it closes
  std::unique_ptr<SQLite::Statement> insert_object_, insert_objects_, find_version_,
      ids_with_versions_, mark_other_versions_, find_collection_, max_first_added_, insert_member_,
      insert_members_, set_last_date_added_, insert_value_, insert_values_, insert_collection_,
      set_meta_;
};

// A prepared statement of SQLite's C API, for the scan loop (see sqlite_store.cc, ReadObject):
// finalised on destruction, reset and unbound by Reset().
class RawStatement {
 public:
  RawStatement(sqlite3* db, const std::string& sql);  // throws SQLite::Exception
  ~RawStatement();
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }
  sqlite3* db() const { return db_; }
  void Reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A read connection (query_only) with caches of prepared statements keyed by SQL text.
class Reader {
 public:
  explicit Reader(const std::string& path);

  // The cached statement for `sql`, prepared on first use. Use it through `Use`.
  SQLite::Statement& Prepare(const std::string& sql);
  // The same for the C API; the caller resets it (RawStatement::Reset) when done.
  RawStatement& PrepareRaw(const std::string& sql);
  SQLite::Database& db() { return db_; }

 private:
  SQLite::Database db_;  // declared first: statements are finalised before it closes
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
  std::unordered_map<std::string, std::unique_ptr<RawStatement>> raw_cache_;
};

// Idle read connections, opened on demand: concurrent readers each get their own, so a long
// scan never blocks another reader or the writer, and a scan callback may use the store.
class ReaderPool {
 public:
  explicit ReaderPool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Reader> reader)
        : pool_(pool), reader_(std::move(reader)) {}
    ~Lease() { pool_.Release(std::move(reader_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Reader* operator->() { return reader_.get(); }

   private:
    ReaderPool& pool_;
    std::unique_ptr<Reader> reader_;
  };

  // A connection until the lease ends. Throws SQLite::Exception when opening one fails.
  Lease Acquire();

 private:
  void Release(std::unique_ptr<Reader> reader);

  const std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Reader>> idle_;  // guarded by mu_
};

}  // namespace kongsi::store::sqlite::detail
