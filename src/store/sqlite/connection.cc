// Connection setup and the statements of the write path. Why the write path looks as it does
// (ingest target: >= 100,000 objects/s on 2 cores, DESIGN.md section 8):
//
//  * Rows go in through multi-row INSERTs of kRowsPerInsert rows: each statement execution
//    starts the VDBE and opens the table and index cursors once for all of them, instead of
//    once per row.
//  * Those INSERTs are `INSERT OR IGNORE` and the foreign keys are DEFERRABLE INITIALLY
//    DEFERRED (schema.cc): a multi-row statement that could abort half-way makes SQLite copy
//    every page it touches into a statement journal first. Measured on 200,000 objects: 4 GB
//    of journal writes, and more than twice the system time. Nothing is lost: the rows we bind
//    never violate NOT NULL, duplicates are exactly what we want skipped (the caller checks which
//    were), and foreign keys are still enforced, at commit.
//  * Statements are prepared once; strings are bound without copying (the caller's records
//    outlive the execution).
#include "store/sqlite/connection.h"

#include <sqlite3.h>

#include <string_view>

namespace kongsi::store::sqlite::detail {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr size_t kMaxCachedStatements = 64;
constexpr size_t kMaxIdleReaders = 8;

// `row` repeated `n` times, comma-separated.
std::string Repeat(std::string_view row, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    out.append(row);
  }
  return out;
}

void BindOptional(SQLite::Statement& stmt, int index, const std::optional<Timestamp>& value) {
  if (value) {
    stmt.bind(index, *value);
  } else {
    stmt.bind(index);
  }
}

// Runs the multi-row `many` (kRowsPerInsert rows of `columns` parameters) over full chunks of
// `rows` and the single-row `one` over the rest; bind(stmt, first_parameter, row, index)
// binds one row. Returns the number of rows inserted.
template <typename T, typename BindRow>
size_t InsertRows(SQLite::Statement& many, SQLite::Statement& one, std::span<const T> rows,
                  int columns, BindRow bind) {
  size_t inserted = 0;
  size_t i = 0;
  for (; i + kRowsPerInsert <= rows.size(); i += kRowsPerInsert) {
    Use stmt(many);
    for (size_t j = 0; j < kRowsPerInsert; ++j) {
      bind(*stmt, static_cast<int>(j) * columns + 1, rows[i + j], i + j);
    }
    inserted += static_cast<size_t>(stmt->exec());
  }
  for (; i < rows.size(); ++i) {
    Use stmt(one);
    bind(*stmt, 1, rows[i], i);
    inserted += static_cast<size_t>(stmt->exec());
  }
  return inserted;
}

}  // namespace

absl::Status FromException(absl::string_view what, const SQLite::Exception& e) {
  std::string message = absl::StrCat("sqlite ", what, ": ", e.what());
  switch (e.getErrorCode() & 0xff) {  // the primary result code
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

// --- Writer ---------------------------------------------------------------------------------

Writer::Writer(const std::string& path)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
          kBusyTimeoutMs) {
  // 16 KiB pages (new files only; must precede WAL mode): a Put dirties fewer, fuller pages
  // and the WAL gets fewer frames; 200,000-object ingest used ~20% less CPU than with 4 KiB.
  db_.exec("PRAGMA page_size = 16384");
  // WAL: readers never block the writer nor the writer them. FULL: the WAL is synced at every
  // commit, so an acknowledged Put survives power loss (DESIGN.md invariant 2).
  db_.exec("PRAGMA journal_mode = WAL");
  db_.exec("PRAGMA synchronous = FULL");
  db_.exec("PRAGMA foreign_keys = ON");
  // Random-key index inserts ((id, version), values) need their pages hot: 64 MiB of cache.
  db_.exec("PRAGMA cache_size = -65536");
  // Checkpoint every 64 MiB of WAL (4096 pages) rather than every 1000 pages: index pages
  // rewritten by several consecutive Puts are copied back to the database once.
  db_.exec("PRAGMA wal_autocheckpoint = 4096");
}

void Writer::Prepare() {
  auto prepare = [&](const std::string& sql) {
    return std::make_unique<SQLite::Statement>(db_, sql);
  };
  auto insert = [&](std::string_view head, std::string_view row, std::string_view tail,
                    size_t rows) {
    return prepare(std::string(head) + " VALUES " + Repeat(row, rows) + " " + std::string(tail));
  };
  constexpr std::string_view kObjects =
      "INSERT OR IGNORE INTO objects (id, version, type, spec_version, created, revoked, "
      "created_by_ref,"
      " tlp, valid_from, valid_until, provenance_kind, provenance_source, origin_org, body,"
      " content_hash, first_added, property_bloom)";
  constexpr std::string_view kObjectRow = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  constexpr std::string_view kObjectTail = "";
  insert_object_ = insert(kObjects, kObjectRow, kObjectTail, 1);
  insert_objects_ = insert(kObjects, kObjectRow, kObjectTail, kRowsPerInsert);
  find_version_ =
      prepare("SELECT first_added, content_hash FROM objects WHERE id = ? AND version = ?");
  ids_with_versions_ = prepare("SELECT id FROM objects WHERE id IN (" +
                               Repeat("?", kRowsPerInsert) + ") GROUP BY id HAVING COUNT(*) > 1");
  mark_other_versions_ =
      prepare("UPDATE objects SET other_versions = 1 WHERE id = ? AND other_versions = 0");

  find_collection_ = prepare("SELECT num, last_date_added FROM collections WHERE id = ?");
  max_first_added_ = prepare("SELECT MAX(first_added) FROM objects");
  constexpr std::string_view kMembers =
      "INSERT OR IGNORE INTO collection_objects (collection, date_added, object)";
  constexpr std::string_view kMemberTail = "";
  insert_member_ = insert(kMembers, "(?,?,?)", kMemberTail, 1);
  insert_members_ = insert(kMembers, "(?,?,?)", kMemberTail, kRowsPerInsert);
  set_last_date_added_ = prepare("UPDATE collections SET last_date_added = ? WHERE num = ?");

  constexpr std::string_view kValues = "INSERT OR IGNORE INTO object_values (value, kind, object)";
  insert_value_ = insert(kValues, "(?,?,?)", "", 1);
  insert_values_ = insert(kValues, "(?,?,?)", "", kRowsPerInsert);

  insert_collection_ = prepare(
      "INSERT INTO collections (id, title, description, alias, created, last_date_added)"
      " VALUES (?,?,?,?,?,0) ON CONFLICT (id) DO NOTHING");
  set_meta_ = prepare(
      "INSERT INTO meta (key, value) VALUES (?,?)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
}

size_t Writer::InsertObjects(std::span<const ObjectRecord> rows, int64_t base) {
  return InsertRows(*insert_objects_, *insert_object_, rows, 17,
                    [&](SQLite::Statement& s, int c, const ObjectRecord& r, size_t i) {
                      s.bindNoCopy(c, r.id);
                      s.bind(c + 1, r.version);
                      s.bindNoCopy(c + 2, r.type);
                      s.bindNoCopy(c + 3, r.spec_version);
                      BindOptional(s, c + 4, r.created);
                      s.bind(c + 5, r.revoked ? 1 : 0);
                      s.bindNoCopy(c + 6, r.created_by_ref);
                      s.bind(c + 7, static_cast<int>(r.tlp));
                      BindOptional(s, c + 8, r.valid_from);
                      BindOptional(s, c + 9, r.valid_until);
                      s.bind(c + 10, static_cast<int>(r.provenance.kind));
                      s.bindNoCopy(c + 11, r.provenance.source);
                      s.bindNoCopy(c + 12, r.provenance.organisation);
                      s.bindNoCopy(c + 13, r.body);
                      s.bindNoCopy(c + 14, r.content_hash.data(),
                                   static_cast<int>(r.content_hash.size()));
                      s.bind(c + 15, base + static_cast<int64_t>(i));
                      // SQLite integers are signed: the 64 bits are stored as they are.
                      s.bind(c + 16, static_cast<int64_t>(r.property_bloom));
                    });
}

absl::StatusOr<std::pair<int64_t, std::string>> Writer::FindVersion(const ObjectRecord& r) {
  Use find(*find_version_);
  find->bindNoCopy(1, r.id);
  find->bind(2, r.version);
  if (!find->executeStep()) {  // the insert skipped it, so it must be there
    return absl::InternalError(absl::StrCat("sqlite put: ", r.id, " neither stored nor found"));
  }
  return std::pair(find->getColumn(0).getInt64(), find->getColumn(1).getString());
}

void Writer::MarkOtherVersions(std::span<const std::string* const> ids) {
  std::vector<std::string> several;
  for (size_t start = 0; start < ids.size(); start += kRowsPerInsert) {
    Use find(*ids_with_versions_);
    for (size_t i = 0; i < kRowsPerInsert; ++i) {
      const int index = static_cast<int>(i) + 1;
      if (start + i < ids.size()) {
        find->bindNoCopy(index, *ids[start + i]);
      } else {
        find->bind(index);  // NULL: matches nothing
      }
    }
    while (find->executeStep()) several.push_back(find->getColumn(0).getString());
  }
  for (const std::string& id : several) {  // rare: a new version of a known object
    Use mark(*mark_other_versions_);
    mark->bindNoCopy(1, id);
    mark->exec();
  }
}

std::optional<std::pair<int64_t, Timestamp>> Writer::FindCollection(const std::string& id) {
  Use find(*find_collection_);
  find->bindNoCopy(1, id);
  if (!find->executeStep()) return std::nullopt;
  return std::pair(find->getColumn(0).getInt64(), find->getColumn(1).getInt64());
}

std::optional<int64_t> Writer::MaxFirstAdded() {
  Use max(*max_first_added_);
  if (!max->executeStep() || max->getColumn(0).isNull()) return std::nullopt;
  return max->getColumn(0).getInt64();
}

size_t Writer::AddMembers(int64_t num, std::span<const NewMember> members) {
  return InsertRows(*insert_members_, *insert_member_, members, 3,
                    [&](SQLite::Statement& s, int c, const NewMember& m, size_t) {
                      s.bind(c, num);
                      s.bind(c + 1, m.date_added);
                      s.bind(c + 2, m.key);
                    });
}

void Writer::SetLastDateAdded(int64_t num, Timestamp last) {
  Use set(*set_last_date_added_);
  set->bind(1, last);
  set->bind(2, num);
  set->exec();
}

void Writer::InsertValues(std::span<const NewValue> values) {
  InsertRows(*insert_values_, *insert_value_, values, 3,
             [&](SQLite::Statement& s, int c, const NewValue& v, size_t) {
               s.bindNoCopy(c, v.value->value);
               s.bindNoCopy(c + 1, v.value->kind);
               s.bind(c + 2, v.key);
             });
}

bool Writer::InsertCollection(const Collection& c) {
  Use insert(*insert_collection_);
  insert->bindNoCopy(1, c.id);
  insert->bindNoCopy(2, c.title);
  insert->bindNoCopy(3, c.description);
  insert->bindNoCopy(4, c.alias);
  insert->bind(5, c.created);
  return insert->exec() == 1;
}

void Writer::SetMeta(const std::string& key, const std::string& value) {
  Use set(*set_meta_);
  set->bindNoCopy(1, key);
  set->bindNoCopy(2, value);
  set->exec();
}

// --- readers --------------------------------------------------------------------------------

Reader::Reader(const std::string& path)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX, kBusyTimeoutMs) {
  // Opened read-write (a WAL reader must be able to update the -shm index) but never writes.
  db_.exec("PRAGMA query_only = ON");
  // A reader's page cache is dropped whenever the writer commits, so under ingest most reads
  // go to the OS; mapping the file makes them copies from the OS page cache instead of
  // pread() calls (scans measured ~25% faster). The cost: an I/O error on the file would be
  // a SIGBUS instead of a status, and disk errors under a database are fatal anyway.
  db_.exec("PRAGMA mmap_size = 1073741824");
}

SQLite::Statement& Reader::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return *it->second;
  if (cache_.size() >= kMaxCachedStatements) cache_.clear();
  auto stmt = std::make_unique<SQLite::Statement>(db_, sql);
  return *cache_.emplace(sql, std::move(stmt)).first->second;
}

RawStatement::RawStatement(sqlite3* db, const std::string& sql) : db_(db) {
  const int rc = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size() + 1),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    throw SQLite::Exception(db, rc);
  }
}

RawStatement::~RawStatement() { sqlite3_finalize(stmt_); }

void RawStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

RawStatement& Reader::PrepareRaw(const std::string& sql) {
  auto it = raw_cache_.find(sql);
  if (it != raw_cache_.end()) return *it->second;
  if (raw_cache_.size() >= kMaxCachedStatements) raw_cache_.clear();
  auto stmt = std::make_unique<RawStatement>(db_.getHandle(), sql);
  return *raw_cache_.emplace(sql, std::move(stmt)).first->second;
}

ReaderPool::Lease ReaderPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Reader> reader = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(reader));
    }
  }
  return Lease(*this, std::make_unique<Reader>(path_));
}

void ReaderPool::Release(std::unique_ptr<Reader> reader) {
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdleReaders) idle_.push_back(std::move(reader));
}

}  // namespace kongsi::store::sqlite::detail
