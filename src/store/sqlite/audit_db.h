// The disclosure audit log of the SQLite backend, in its own database file beside the store
// (`store.db` -> `store-audit.db`), so that recording disclosures never waits for the store's
// write lock (a long ingest) and reads never wait for audit writes.
//
// Compact by design: a TAXII page discloses up to a thousand versions, and the server answers
// thousands of pages a second. A disclosure event (one response) is one row whose `objects`
// blob lists the disclosed versions by their store key (varint deltas, one to three bytes
// each, with the redacted flag); an object without a key carries its id and version as text.
//
// Durability: a record is committed (written to the WAL file) before Append returns, so it
// survives a crash of the process; the WAL is also synced to disk at least once a second
// (synchronous=FULL for that commit, NORMAL otherwise), which bounds what a power failure
// can lose to the last second's records instead of paying a disk sync for every response.
//
// Tamper evidence: each row carries a SHA-256 hash over the previous row's hash and its own
// content (a hash chain); Verify() recomputes the chain and names the first row that does not
// match, so editing, inserting or deleting a row in the middle is detected. Removing the
// newest rows leaves a valid shorter chain: the count and last hash Verify reports are what
// an operator records elsewhere to detect that.
//
// Thread-safe (one mutex); throws SQLite::Exception (the store's Guard turns it into a
// status).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "store/store.h"

namespace kongsi::store::sqlite::detail {

// The audit file that belongs to the store file `store_path`.
std::string AuditPathFor(const std::string& store_path);

class AuditDb {
 public:
  explicit AuditDb(const std::string& path);

  // Appends `events` in one transaction.
  void Append(std::span<const AuditEvent> events);

  // Calls `fn` for every disclosed version of the events that `query`'s principal and time
  // range select (in SQL), oldest first, with its key; for versions stored by key,
  // `object_id` is empty and `version` kNoVersion. `query.object_id` is not applied here:
  // keys are resolved, and objects selected, by the caller (the store knows the keys).
  void Scan(const AuditQuery& query,
            const std::function<void(const AuditRecord&, int64_t key)>& fn);

  // Recomputes the hash chain over every row.
  AuditVerification Verify();

 private:
  std::mutex mu_;
  SQLite::Database db_;
  std::unique_ptr<SQLite::Statement> insert_;
  std::unique_ptr<SQLite::Statement> last_;  // the newest row's seq and hash
  std::chrono::steady_clock::time_point last_sync_;
  bool full_sync_ = true;  // the connection's current PRAGMA synchronous is FULL
};

// The hash of a row: SHA-256 over the previous row's hash and the row's fields, each
// length-prefixed. Exposed for tests.
std::string AuditRowHash(std::string_view previous_hash, int64_t seq, Timestamp time,
                         std::string_view principal, std::string_view organisation,
                         std::string_view channel, bool redacted, std::string_view objects);

// The blob encoding, exposed for tests.
void EncodeAuditObject(const AuditedObject& object, int64_t& previous_key, std::string& out);
// Decodes the next entry at `pos`; false at the end or on a malformed blob.
bool DecodeAuditObject(std::string_view blob, size_t& pos, int64_t& previous_key,
                       AuditedObject& out);

}  // namespace kongsi::store::sqlite::detail
