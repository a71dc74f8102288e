// The SQLite backend of the object store: one database file in WAL mode, durable commits
// (synchronous=FULL), schema migrations on open (schema.h).
//
// Ownership and threading: one write connection, guarded by a mutex, serialises every write
// (Put, CreateCollection, SetMeta, tokens, ...) and keeps its prepared statements cached. The
// audit log lives in its own file (audit_db.h) with its own connection and lock.
// Reads go through a small pool of read-only connections, so a long Scan neither blocks
// writers nor deadlocks when its callback calls the store again (WAL readers see the last
// committed state and are never blocked by the writer). Safe to use from several threads;
// other processes may open the same file (writes then wait up to 5 s for the lock).
//
// Errors: every SQLite failure is turned into a status at the edge of each method:
// Unavailable for busy/locked files, I/O errors, a full disk or a file that cannot be opened;
// Internal for anything else, with SQLite's message. No exception leaves this unit.
// The file path must name a file (":memory:" is not supported: readers need a shared file).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/store.h"

namespace kongsi::store::sqlite {

namespace detail {
class Writer;      // connection.h
class ReaderPool;  // connection.h
class AuditDb;     // audit_db.h
}  // namespace detail

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` and migrates it. `clock` must outlive the store.
  // InvalidArgument for an empty path; Unavailable when the file cannot be opened;
  // FailedPrecondition when the file was written by a newer kongsi.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                                     const util::Clock& clock);
  ~SqliteStore() override;

  int SchemaVersion() const override { return schema_version_; }

 private:
  SqliteStore(const util::Clock& clock, std::unique_ptr<detail::Writer> writer,
              std::unique_ptr<detail::ReaderPool> readers, std::unique_ptr<detail::AuditDb> audit,
              int schema_version);

  absl::Status DoCreateCollection(const Collection& collection) override;
  absl::StatusOr<std::vector<Collection>> DoListCollections() override;
  absl::StatusOr<std::optional<Collection>> DoGetCollection(std::string_view id) override;
  absl::StatusOr<std::unique_ptr<WriteTransaction>> DoBeginWrite(
      std::string_view collection_id) override;
  absl::Status DoScan(const ObjectQuery& query,
                      const std::function<bool(const StoredObject&)>& fn) override;
  absl::StatusOr<std::vector<ValueHit>> DoLookupValue(std::string_view value) override;
  absl::StatusOr<size_t> DoRemoveFromCollection(const ObjectQuery& query) override;
  absl::Status DoCreateToken(const TokenRecord& token) override;
  absl::StatusOr<std::vector<TokenRecord>> DoListTokens() override;
  absl::StatusOr<std::optional<TokenRecord>> DoFindToken(std::string_view key_id) override;
  absl::Status DoRevokeToken(std::string_view name) override;
  absl::Status DoPutStatus(const StatusRecord& status) override;
  absl::StatusOr<std::optional<StatusRecord>> DoGetStatus(std::string_view id) override;
  absl::StatusOr<Stats> DoGetStats() override;
  absl::Status DoAppendAudit(std::span<const AuditEvent> events) override;
  absl::StatusOr<std::vector<AuditRecord>> DoReadAudit(const AuditQuery& query) override;
  absl::StatusOr<AuditVerification> DoVerifyAudit() override;
  absl::StatusOr<std::optional<std::string>> DoGetMeta(std::string_view key) override;
  absl::Status DoSetMeta(std::string_view key, std::string_view value) override;

  std::mutex write_mu_;
  std::unique_ptr<detail::Writer> writer_;  // guarded by write_mu_
  std::unique_ptr<detail::ReaderPool> readers_;
  std::unique_ptr<detail::AuditDb> audit_;  // thread-safe on its own
  const int schema_version_;
};

}  // namespace kongsi::store::sqlite
