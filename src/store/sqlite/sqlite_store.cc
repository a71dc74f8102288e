// The SQLite backend's Do* methods. SQLiteCpp throws: every method runs its body inside
// Guard(), which turns exceptions into statuses, so none crosses the module boundary
// (DESIGN.md section 9).
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "store/sqlite/audit_db.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/scan_query.h"
#include "store/sqlite/schema.h"
#include "util/status.h"

namespace kongsi::store::sqlite {
namespace {

using detail::Guard;
using detail::NewMember;
using detail::NewValue;
using detail::Use;

// SQLite's default limit on host parameters is 32766; stay clear of it.
constexpr size_t kMaxBoundValues = 30000;
// Objects are stored in chunks of this many rows (one multi-row INSERT each).
constexpr size_t kChunk = detail::kRowsPerInsert;

std::optional<Timestamp> OptionalColumn(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

stix::Tlp TlpOf(int64_t value) {
  return value >= 0 && value <= static_cast<int64_t>(stix::Tlp::kRed)
             ? static_cast<stix::Tlp>(value)
             : stix::Tlp::kNone;
}

// The names of stix::TlpName, kept here so the store does not link the stix module.
std::string TlpKey(int64_t tlp) {
  static constexpr const char* kNames[] = {"none",  "clear",        "green",
                                           "amber", "amber+strict", "red"};
  return kNames[static_cast<int>(TlpOf(tlp))];
}

Provenance::Kind ProvenanceKindOf(int64_t value) {
  return value >= 0 && value <= static_cast<int64_t>(Provenance::Kind::kPeer)
             ? static_cast<Provenance::Kind>(value)
             : Provenance::Kind::kLocal;
}

// Scans read rows through SQLite's C API: SQLiteCpp's Column objects each hold a shared
// pointer to the statement, and a page of a thousand rows of fifteen columns would pay that
// atomic reference count thirty thousand times. Strings are assigned into the reused row
// object, keeping their capacity.
void AssignText(std::string& out, sqlite3_stmt* stmt, int column) {
  const void* data = sqlite3_column_blob(stmt, column);
  const int size = sqlite3_column_bytes(stmt, column);
  out.assign(data == nullptr ? "" : static_cast<const char*>(data), static_cast<size_t>(size));
}

std::optional<Timestamp> OptionalInt(sqlite3_stmt* stmt, int column) {
  if (sqlite3_column_type(stmt, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt, column);
}

void ReadObject(sqlite3_stmt* stmt, StoredObject& out) {
  ObjectRecord& r = out.record;
  AssignText(r.id, stmt, kColId);
  r.version = sqlite3_column_int64(stmt, kColVersion);
  AssignText(r.type, stmt, kColType);
  AssignText(r.spec_version, stmt, kColSpecVersion);
  r.created = OptionalInt(stmt, kColCreated);
  r.revoked = sqlite3_column_int64(stmt, kColRevoked) != 0;
  AssignText(r.created_by_ref, stmt, kColCreatedByRef);
  r.tlp = TlpOf(sqlite3_column_int64(stmt, kColTlp));
  r.valid_from = OptionalInt(stmt, kColValidFrom);
  r.valid_until = OptionalInt(stmt, kColValidUntil);
  r.provenance.kind = ProvenanceKindOf(sqlite3_column_int64(stmt, kColProvenanceKind));
  AssignText(r.provenance.source, stmt, kColProvenanceSource);
  AssignText(r.provenance.organisation, stmt, kColOriginOrg);
  AssignText(r.body, stmt, kColBody);
  AssignText(r.content_hash, stmt, kColContentHash);
  r.property_bloom = static_cast<uint64_t>(sqlite3_column_int64(stmt, kColPropertyBloom));
  out.key = sqlite3_column_int64(stmt, kColKey);
  out.date_added = sqlite3_column_int64(stmt, kColDateAdded);
}

Collection ReadCollection(SQLite::Statement& stmt) {
  return Collection{.id = stmt.getColumn(0).getString(),
                    .title = stmt.getColumn(1).getString(),
                    .description = stmt.getColumn(2).getString(),
                    .alias = stmt.getColumn(3).getString(),
                    .created = stmt.getColumn(4).getInt64(),
                    .last_date_added = stmt.getColumn(5).getInt64(),
                    .removals = stmt.getColumn(6).getInt64()};
}

constexpr const char* kSelectCollection =
    "SELECT id, title, description, alias, created, last_date_added, removals FROM collections";

}  // namespace

// --- open -----------------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<Store>> SqliteStore::Open(const std::string& path,
                                                         const util::Clock& clock) {
  if (path.empty()) return absl::InvalidArgumentError("sqlite store: empty database path");
  if (path == ":memory:" || path.starts_with("file:")) {
    return absl::InvalidArgumentError("sqlite store: the path must name a database file");
  }
  return Guard(absl::StrCat("open ", path), [&]() -> absl::StatusOr<std::unique_ptr<Store>> {
    auto writer = std::make_unique<detail::Writer>(path);
    KONGSI_ASSIGN_OR_RETURN(const int version, Migrate(writer->db()));
    writer->Prepare();
    auto readers = std::make_unique<detail::ReaderPool>(path);
    auto audit = std::make_unique<detail::AuditDb>(detail::AuditPathFor(path));
    return std::unique_ptr<Store>(
        new SqliteStore(clock, std::move(writer), std::move(readers), std::move(audit), version));
  });
}

SqliteStore::SqliteStore(const util::Clock& clock, std::unique_ptr<detail::Writer> writer,
                         std::unique_ptr<detail::ReaderPool> readers,
                         std::unique_ptr<detail::AuditDb> audit, int schema_version)
    : Store(clock),
      writer_(std::move(writer)),
      readers_(std::move(readers)),
      audit_(std::move(audit)),
      schema_version_(schema_version) {}

SqliteStore::~SqliteStore() = default;

// --- collections ----------------------------------------------------------------------------

absl::Status SqliteStore::DoCreateCollection(const Collection& c) {
  std::lock_guard lock(write_mu_);
  return Guard("create collection", [&]() -> absl::Status {
    if (!writer_->InsertCollection(c)) {
      return absl::AlreadyExistsError(absl::StrCat("collection ", c.id, " already exists"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<Collection>> SqliteStore::DoListCollections() {
  return Guard("list collections", [&]() -> absl::StatusOr<std::vector<Collection>> {
    auto reader = readers_->Acquire();
    Use stmt(reader->Prepare(absl::StrCat(kSelectCollection, " ORDER BY num")));
    std::vector<Collection> out;
    while (stmt->executeStep()) out.push_back(ReadCollection(*stmt));
    return out;
  });
}

absl::StatusOr<std::optional<Collection>> SqliteStore::DoGetCollection(std::string_view id) {
  return Guard("get collection", [&]() -> absl::StatusOr<std::optional<Collection>> {
    auto reader = readers_->Acquire();
    Use stmt(reader->Prepare(absl::StrCat(kSelectCollection, " WHERE id = ?")));
    stmt->bind(1, std::string(id));
    if (!stmt->executeStep()) return std::nullopt;
    return ReadCollection(*stmt);
  });
}

// --- objects --------------------------------------------------------------------------------

// One transaction over several Add() batches. Holds the write mutex from Begin to the end of
// its life; the SQLite transaction rolls back in its destructor unless committed.
class SqliteWriteTransaction final : public WriteTransaction {
 public:
  SqliteWriteTransaction(std::mutex& mu, detail::Writer& writer, const util::Clock& clock)
      : lock_(mu), w_(writer), clock_(clock) {}

  // Takes SQLite's write lock and reads the per-transaction state.
  absl::Status Begin(std::string_view collection_id) {
    return Guard("begin write", [&]() -> absl::Status {
      // IMMEDIATE takes the write lock now, so what is read below (last_date_added, the
      // greatest first_added) cannot change under us, even from another process.
      txn_.emplace(w_.db(), SQLite::TransactionBehavior::IMMEDIATE);
      if (!collection_id.empty()) {
        const auto found = w_.FindCollection(std::string(collection_id));
        if (!found) {
          return absl::NotFoundError(
              absl::StrCat("collection ", std::string(collection_id), " not found"));
        }
        std::tie(collection_, last_date_added_) = *found;
      }
      initial_last_date_added_ = last_date_added_;
      const Timestamp now = clock_.Now();
      // first_added is strictly increasing like date_added: keys double as ingest order.
      next_key_ = std::max(now, w_.MaxFirstAdded().value_or(now - 1) + 1);
      first_key_ = next_key_;  // keys from here on were assigned by this transaction
      return absl::OkStatus();
    });
  }

 private:
  absl::StatusOr<std::vector<PutOutcome>> DoAdd(std::span<const ObjectRecord> objects) override {
    return Guard("put", [&]() -> absl::StatusOr<std::vector<PutOutcome>> {
      const Timestamp now = clock_.Now();
      std::vector<PutOutcome> outcomes;
      outcomes.reserve(objects.size());
      std::vector<NewMember> members;
      std::vector<NewValue> values;
      std::vector<const std::string*> added_ids;
      for (size_t start = 0; start < objects.size(); start += kChunk) {
        const auto chunk = objects.subspan(start, std::min(kChunk, objects.size() - start));
        const int64_t base = next_key_;
        next_key_ += static_cast<int64_t>(chunk.size());  // keys of skipped rows stay unused
        // Fresh ingest inserts whole chunks; only a chunk with a skipped row needs lookups.
        const bool all_inserted = w_.InsertObjects(chunk, base) == chunk.size();
        added_ids.clear();
        for (size_t i = 0; i < chunk.size(); ++i) {
          const ObjectRecord& r = chunk[i];
          int64_t key = base + static_cast<int64_t>(i);
          PutOutcome outcome = PutOutcome::kAdded;
          if (!all_inserted) {
            KONGSI_ASSIGN_OR_RETURN(const auto stored, w_.FindVersion(r));
            if (stored.first != key) {  // stored before this row, by an earlier write or row
              key = stored.first;
              outcome =
                  stored.second == r.content_hash ? PutOutcome::kUnchanged : PutOutcome::kConflict;
            }
          }
          outcomes.push_back(outcome);
          if (outcome == PutOutcome::kAdded) {
            added_ids.push_back(&r.id);
            for (const ObservableValue& v : r.values) values.push_back({&v, key});
          }
          if (collection_ == 0 || outcome == PutOutcome::kConflict) continue;
          // An object added by this transaction became a member at its first occurrence.
          if (outcome == PutOutcome::kUnchanged && key >= first_key_) continue;
          // Strictly increasing whatever the clock does, so added_after paging is exact.
          const Timestamp date_added = std::max(now, last_date_added_ + 1);
          if (outcome == PutOutcome::kAdded) {
            members.push_back({date_added, key});  // a new object is in no collection yet
            last_date_added_ = date_added;
          } else {
            const NewMember member{date_added, key};  // may be a member already
            if (w_.AddMembers(collection_, {&member, 1}) == 1) last_date_added_ = date_added;
          }
        }
        w_.MarkOtherVersions(added_ids);
      }
      if (collection_ != 0) w_.AddMembers(collection_, members);
      // The value index is keyed by value: sorted inserts walk its pages once, in order.
      std::sort(values.begin(), values.end(), [](const NewValue& a, const NewValue& b) {
        return std::tie(a.value->value, a.value->kind, a.key) <
               std::tie(b.value->value, b.value->kind, b.key);
      });
      w_.InsertValues(values);
      return outcomes;
    });
  }

  absl::Status DoSetMeta(std::string_view key, std::string_view value) override {
    return Guard("set meta", [&]() -> absl::Status {
      w_.SetMeta(std::string(key), std::string(value));
      return absl::OkStatus();
    });
  }

  absl::Status DoCommit() override {
    return Guard("commit", [&]() -> absl::Status {
      if (last_date_added_ != initial_last_date_added_) {
        w_.SetLastDateAdded(collection_, last_date_added_);
      }
      txn_->commit();
      return absl::OkStatus();
    });
  }

  std::unique_lock<std::mutex> lock_;
  detail::Writer& w_;
  const util::Clock& clock_;
  std::optional<SQLite::Transaction> txn_;
  int64_t collection_ = 0;  // 0: no collection
  Timestamp last_date_added_ = 0;
  Timestamp initial_last_date_added_ = 0;
  int64_t next_key_ = 0;
  int64_t first_key_ = 0;
};

absl::StatusOr<std::unique_ptr<WriteTransaction>> SqliteStore::DoBeginWrite(
    std::string_view collection_id) {
  auto txn = std::make_unique<SqliteWriteTransaction>(write_mu_, *writer_, clock());
  KONGSI_RETURN_IF_ERROR(txn->Begin(collection_id));
  return std::unique_ptr<WriteTransaction>(std::move(txn));
}

absl::Status SqliteStore::DoScan(const ObjectQuery& query,
                                 const std::function<bool(const StoredObject&)>& fn) {
  if (const size_t n = BoundValueCount(query); n > kMaxBoundValues) {
    return absl::InvalidArgumentError(
        absl::StrCat("query has too many filter values (", n, " > ", kMaxBoundValues, ")"));
  }
  return Guard("scan", [&]() -> absl::Status {
    const ScanQuery scan = BuildScanQuery(query);
    auto reader = readers_->Acquire();
    detail::RawStatement& raw = reader->PrepareRaw(scan.sql);
    // Reset on every exit (a half-read SELECT would keep its read snapshot open).
    struct ResetOnExit {
      detail::RawStatement& s;
      ~ResetOnExit() { s.Reset(); }
    } reset_on_exit{raw};
    sqlite3_stmt* stmt = raw.get();
    for (size_t i = 0; i < scan.args.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      int rc;
      if (const auto* n = std::get_if<int64_t>(&scan.args[i])) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else {
        const std::string& text = *std::get<const std::string*>(scan.args[i]);
        rc = sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                               SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) throw SQLite::Exception(raw.db(), rc);
    }
    // Rows stream from SQLite to `fn` one at a time, through one reused row object.
    StoredObject row;
    row.collection_id = query.collection_id;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) throw SQLite::Exception(raw.db(), rc);
      ReadObject(stmt, row);
      if (!fn(row)) break;
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ValueHit>> SqliteStore::DoLookupValue(std::string_view value) {
  return Guard("lookup value", [&]() -> absl::StatusOr<std::vector<ValueHit>> {
    auto reader = readers_->Acquire();
    Use stmt(
        reader->Prepare("SELECT v.kind, v.value, o.id, o.version, o.type FROM object_values v"
                        " JOIN objects o ON o.first_added = v.object WHERE v.value = ?"
                        " ORDER BY o.id, o.version, v.kind"));
    stmt->bind(1, std::string(value));
    std::vector<ValueHit> hits;
    while (stmt->executeStep()) {
      hits.push_back(ValueHit{.kind = stmt->getColumn(0).getString(),
                              .value = stmt->getColumn(1).getString(),
                              .id = stmt->getColumn(2).getString(),
                              .version = stmt->getColumn(3).getInt64(),
                              .type = stmt->getColumn(4).getString()});
    }
    return hits;
  });
}

absl::StatusOr<Stats> SqliteStore::DoGetStats() {
  return Guard("stats", [&]() -> absl::StatusOr<Stats> {
    auto reader = readers_->Acquire();
    // One read transaction: every figure comes from the same snapshot.
    SQLite::Transaction snapshot(reader->db());
    auto counts = [&](const char* sql, bool tlp_key) {
      std::vector<Stats::Count> out;
      Use stmt(reader->Prepare(sql));
      while (stmt->executeStep()) {
        out.push_back(Stats::Count{
            .key = tlp_key ? TlpKey(stmt->getColumn(0).getInt64()) : stmt->getColumn(0).getString(),
            .objects = stmt->getColumn(1).getInt64(),
            .versions = stmt->getColumn(2).getInt64()});
      }
      return out;
    };
    Stats stats;
    const auto total = counts("SELECT '', COUNT(DISTINCT id), COUNT(*) FROM objects", false);
    stats.objects = total.at(0).objects;
    stats.versions = total.at(0).versions;
    stats.by_type =
        counts("SELECT type, COUNT(DISTINCT id), COUNT(*) FROM objects GROUP BY type ORDER BY type",
               false);
    stats.by_collection = counts(
        "SELECT c.id, COUNT(DISTINCT o.id), COUNT(o.first_added) FROM collections c"
        " LEFT JOIN collection_objects m ON m.collection = c.num"
        " LEFT JOIN objects o ON o.first_added = m.object GROUP BY c.num ORDER BY c.id",
        false);
    // SQLite takes a bare column next to MAX() from the row holding the maximum: `tlp` is
    // that of each id's latest version. `versions` counts every version of those ids.
    stats.by_tlp = counts(
        "SELECT tlp, COUNT(*), SUM(n) FROM"
        " (SELECT tlp, MAX(version), COUNT(*) AS n FROM objects GROUP BY id)"
        " GROUP BY tlp ORDER BY tlp",
        true);
    snapshot.commit();
    return stats;
  });
}

// --- audit and metadata ---------------------------------------------------------------------

absl::Status SqliteStore::DoAppendAudit(std::span<const AuditEvent> events) {
  return Guard("append audit", [&]() -> absl::Status {
    audit_->Append(events);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<AuditRecord>> SqliteStore::DoReadAudit(const AuditQuery& query) {
  return Guard("read audit", [&]() -> absl::StatusOr<std::vector<AuditRecord>> {
    auto reader = readers_->Acquire();
    std::vector<AuditRecord> out;
    // Records written before the audit log had its own file (schema version 1 of the store):
    // one row per disclosed version, so every filter is SQL. The text depends only on which
    // filters are set.
    std::string legacy_sql =
        "SELECT time, principal, organisation, channel, object_id, version, redacted FROM audit"
        " WHERE 1";
    if (!query.object_id.empty()) legacy_sql += " AND object_id = ?";
    if (!query.principal.empty()) legacy_sql += " AND principal = ?";
    if (query.since) legacy_sql += " AND time >= ?";
    if (query.until) legacy_sql += " AND time < ?";
    legacy_sql += " ORDER BY seq";
    Use legacy(reader->Prepare(legacy_sql));
    int index = 0;
    if (!query.object_id.empty()) legacy->bind(++index, query.object_id);
    if (!query.principal.empty()) legacy->bind(++index, query.principal);
    if (query.since) legacy->bind(++index, *query.since);
    if (query.until) legacy->bind(++index, *query.until);
    while (legacy->executeStep()) {
      out.push_back(AuditRecord{.time = legacy->getColumn(0).getInt64(),
                                .principal = legacy->getColumn(1).getString(),
                                .organisation = legacy->getColumn(2).getString(),
                                .channel = legacy->getColumn(3).getString(),
                                .object_id = legacy->getColumn(4).getString(),
                                .version = legacy->getColumn(5).getInt64(),
                                .redacted = legacy->getColumn(6).getInt() != 0});
    }
    // Keys are resolved through the objects table (versions are never deleted from it). With
    // an object id, its versions' keys are looked up once, and other keys are skipped without
    // resolving them.
    std::optional<std::unordered_map<int64_t, Timestamp>> object_keys;
    if (!query.object_id.empty()) {
      object_keys.emplace();
      Use versions(reader->Prepare("SELECT first_added, version FROM objects WHERE id = ?"));
      versions->bind(1, query.object_id);
      while (versions->executeStep()) {
        object_keys->emplace(versions->getColumn(0).getInt64(), versions->getColumn(1).getInt64());
      }
    }
    Use by_key(reader->Prepare("SELECT id, version FROM objects WHERE first_added = ?"));
    std::unordered_map<int64_t, std::pair<std::string, Timestamp>> resolved;
    auto resolve = [&](int64_t key) -> const std::pair<std::string, Timestamp>& {
      auto it = resolved.find(key);
      if (it != resolved.end()) return it->second;
      by_key->reset();
      by_key->bind(1, key);
      std::pair<std::string, Timestamp> value{"", kNoVersion};
      if (by_key->executeStep()) {
        value = {by_key->getColumn(0).getString(), by_key->getColumn(1).getInt64()};
      }
      return resolved.emplace(key, std::move(value)).first->second;
    };
    audit_->Scan(query, [&](const AuditRecord& r, int64_t key) {
      if (key > 0 && object_keys) {
        const auto it = object_keys->find(key);
        if (it == object_keys->end()) return;
        AuditRecord full = r;
        full.object_id = query.object_id;
        full.version = it->second;
        out.push_back(std::move(full));
        return;
      }
      AuditRecord full = r;
      if (key > 0) std::tie(full.object_id, full.version) = resolve(key);
      if (query.object_id.empty() || full.object_id == query.object_id) {
        out.push_back(std::move(full));
      }
    });
    return out;
  });
}

absl::StatusOr<AuditVerification> SqliteStore::DoVerifyAudit() {
  return Guard("verify audit",
               [&]() -> absl::StatusOr<AuditVerification> { return audit_->Verify(); });
}

absl::StatusOr<std::optional<std::string>> SqliteStore::DoGetMeta(std::string_view key) {
  return Guard("get meta", [&]() -> absl::StatusOr<std::optional<std::string>> {
    auto reader = readers_->Acquire();
    Use stmt(reader->Prepare("SELECT value FROM meta WHERE key = ?"));
    stmt->bind(1, std::string(key));
    if (!stmt->executeStep()) return std::nullopt;
    return stmt->getColumn(0).getString();
  });
}

absl::Status SqliteStore::DoSetMeta(std::string_view key, std::string_view value) {
  std::lock_guard lock(write_mu_);
  return Guard("set meta", [&]() -> absl::Status {
    writer_->SetMeta(std::string(key), std::string(value));
    return absl::OkStatus();
  });
}

// --- removal from a collection -------------------------------------------------------------

absl::StatusOr<size_t> SqliteStore::DoRemoveFromCollection(const ObjectQuery& query) {
  if (const size_t n = BoundValueCount(query); n > kMaxBoundValues) {
    return absl::InvalidArgumentError(
        absl::StrCat("query has too many filter values (", n, " > ", kMaxBoundValues, ")"));
  }
  std::lock_guard lock(write_mu_);
  return Guard("remove from collection", [&]() -> absl::StatusOr<size_t> {
    SQLite::Transaction txn(writer_->db(), SQLite::TransactionBehavior::IMMEDIATE);
    // The selection runs on the write connection, inside the transaction that deletes, so
    // "the last version" is decided on the state being changed. Limits do not apply.
    ObjectQuery select = query;
    select.limit = 0;
    const ScanQuery scan = BuildScanQuery(select);
    SQLite::Statement stmt(writer_->db(), scan.sql);
    for (size_t i = 0; i < scan.args.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (const auto* n = std::get_if<int64_t>(&scan.args[i])) {
        stmt.bind(index, *n);
      } else {
        stmt.bind(index, *std::get<const std::string*>(scan.args[i]));
      }
    }
    std::vector<Timestamp> dates;
    while (stmt.executeStep()) dates.push_back(stmt.getColumn(kColDateAdded).getInt64());
    stmt.reset();
    SQLite::Statement remove(writer_->db(),
                             "DELETE FROM collection_objects WHERE date_added = ? AND collection ="
                             " (SELECT num FROM collections WHERE id = ?)");
    for (const Timestamp date : dates) {
      remove.bind(1, date);
      remove.bind(2, query.collection_id);
      remove.exec();
      remove.reset();
    }
    if (!dates.empty()) {
      // Page caches (scan_cache.h) learn of the change from this counter.
      SQLite::Statement count(writer_->db(),
                              "UPDATE collections SET removals = removals + 1 WHERE id = ?");
      count.bind(1, query.collection_id);
      count.exec();
    }
    txn.commit();
    return dates.size();
  });
}

// --- tokens and status resources ------------------------------------------------------------

namespace {

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) absl::StrAppend(&out, out.empty() ? "" : "\n", item);
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

constexpr const char* kSelectToken =
    "SELECT key_id, name, secret_hash, organisation, read, write, created, revoked FROM tokens";

TokenRecord ReadToken(SQLite::Statement& stmt) {
  TokenRecord t;
  t.key_id = stmt.getColumn(0).getString();
  t.name = stmt.getColumn(1).getString();
  t.secret_hash = stmt.getColumn(2).getString();
  t.organisation = stmt.getColumn(3).getString();
  t.read = SplitLines(stmt.getColumn(4).getString());
  t.write = SplitLines(stmt.getColumn(5).getString());
  t.created = stmt.getColumn(6).getInt64();
  t.revoked = OptionalColumn(stmt.getColumn(7));
  return t;
}

}  // namespace

absl::Status SqliteStore::DoCreateToken(const TokenRecord& t) {
  std::lock_guard lock(write_mu_);
  return Guard("create token", [&]() -> absl::Status {
    SQLite::Transaction txn(writer_->db(), SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement taken(
        writer_->db(), "SELECT 1 FROM tokens WHERE key_id = ? OR (name = ? AND revoked IS NULL)");
    taken.bind(1, t.key_id);
    taken.bind(2, t.name);
    if (taken.executeStep()) {
      return absl::AlreadyExistsError(absl::StrCat("a token named ", t.name, " already exists"));
    }
    SQLite::Statement insert(writer_->db(),
                             "INSERT INTO tokens (key_id, name, secret_hash, organisation, read,"
                             " write, created, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, t.key_id);
    insert.bind(2, t.name);
    insert.bind(3, t.secret_hash);
    insert.bind(4, t.organisation);
    insert.bind(5, JoinLines(t.read));
    insert.bind(6, JoinLines(t.write));
    insert.bind(7, t.created);
    if (t.revoked) {
      insert.bind(8, *t.revoked);
    } else {
      insert.bind(8);
    }
    insert.exec();
    txn.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<TokenRecord>> SqliteStore::DoListTokens() {
  return Guard("list tokens", [&]() -> absl::StatusOr<std::vector<TokenRecord>> {
    auto reader = readers_->Acquire();
    Use stmt(reader->Prepare(absl::StrCat(kSelectToken, " ORDER BY name, created")));
    std::vector<TokenRecord> out;
    while (stmt->executeStep()) out.push_back(ReadToken(*stmt));
    return out;
  });
}

absl::StatusOr<std::optional<TokenRecord>> SqliteStore::DoFindToken(std::string_view key_id) {
  return Guard("find token", [&]() -> absl::StatusOr<std::optional<TokenRecord>> {
    auto reader = readers_->Acquire();
    Use stmt(reader->Prepare(absl::StrCat(kSelectToken, " WHERE key_id = ?")));
    stmt->bind(1, std::string(key_id));
    if (!stmt->executeStep()) return std::nullopt;
    return ReadToken(*stmt);
  });
}

absl::Status SqliteStore::DoRevokeToken(std::string_view name) {
  std::lock_guard lock(write_mu_);
  return Guard("revoke token", [&]() -> absl::Status {
    SQLite::Statement update(writer_->db(),
                             "UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL");
    update.bind(1, clock().Now());
    update.bind(2, std::string(name));
    if (update.exec() == 0) {
      return absl::NotFoundError(absl::StrCat("no live token named ", std::string(name)));
    }
    return absl::OkStatus();
  });
}

absl::Status SqliteStore::DoPutStatus(const StatusRecord& status) {
  std::lock_guard lock(write_mu_);
  return Guard("put status", [&]() -> absl::Status {
    SQLite::Statement insert(writer_->db(),
                             "INSERT OR IGNORE INTO taxii_status (id, owner, created, body)"
                             " VALUES (?, ?, ?, ?)");
    insert.bind(1, status.id);
    insert.bind(2, status.owner);
    insert.bind(3, status.created);
    insert.bind(4, status.body);
    if (insert.exec() == 0) {
      return absl::AlreadyExistsError(absl::StrCat("status ", status.id, " already exists"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<StatusRecord>> SqliteStore::DoGetStatus(std::string_view id) {
  return Guard("get status", [&]() -> absl::StatusOr<std::optional<StatusRecord>> {
    auto reader = readers_->Acquire();
    Use stmt(reader->Prepare("SELECT id, owner, created, body FROM taxii_status WHERE id = ?"));
    stmt->bind(1, std::string(id));
    if (!stmt->executeStep()) return std::nullopt;
    return StatusRecord{.id = stmt->getColumn(0).getString(),
                        .owner = stmt->getColumn(1).getString(),
                        .created = stmt->getColumn(2).getInt64(),
                        .body = stmt->getColumn(3).getString()};
  });
}

}  // namespace kongsi::store::sqlite
