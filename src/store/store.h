// The object store: versioned STIX objects, collections, the observable value index, node
// metadata and the disclosure audit log. Knows nothing of SQL: backends (store/sqlite/, later
// store/postgres/) implement the private Do* methods; the public methods check arguments
// and keep the invariants that every backend shares (DESIGN.md section 3, invariants 2-3):
//
//  * a version is identified by (id, version), `version` being the object's `modified`
//    (or `created`, or kNoVersion for objects with neither, such as most SCOs);
//  * versions are immutable: the same version again is `kUnchanged`; a different body under
//    the same (id, version) is `kConflict` and the stored body is kept;
//  * `Put` is one transaction, durable (committed) when it returns OK; a WriteTransaction
//    spreads one transaction over several batches (a large bundle, streamed);
//  * in a collection, `date_added` is strictly increasing, so TAXII `added_after` paging
//    never skips or repeats an object.
//
// Thread-safety: a Store may be used from several threads; backends serialise writes.
// Errors: InvalidArgument for bad arguments, NotFound for unknown collections,
// AlreadyExists for duplicate collection ids, Internal/Unavailable for storage failures.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "stix/observable_value.h"
#include "stix/tlp.h"
#include "util/time.h"

namespace kongsi::store {

using util::Timestamp;

// Version of objects that have neither `modified` nor `created` (most SCOs).
inline constexpr Timestamp kNoVersion = INT64_MIN;

// Where a stored version came from; drives origin binding (what a partner shared under a strict
// TLP goes back only to that partner's organisation) and loop prevention.
struct Provenance {
  enum class Kind : uint8_t { kLocal = 0, kFile = 1, kPeer = 2 };
  Kind kind = Kind::kLocal;
  std::string source;  // file path, peer name, or principal for kLocal
  // The organisation the version came from (a partner's name or identity id); empty: this
  // node's own.
  std::string organisation;
};
std::string_view ProvenanceKindName(Provenance::Kind kind);  // "local", "file", "peer"

// An observable value an object mentions, for correlation ("where else have we seen X").
using ObservableValue = stix::ObservableValue;

// One version of an object, ready to store.
struct ObjectRecord {
  std::string id;
  std::string type;
  std::string spec_version;
  std::optional<Timestamp> created;
  Timestamp version = kNoVersion;  // modified, else created, else kNoVersion
  bool revoked = false;
  std::string created_by_ref;
  stix::Tlp tlp = stix::Tlp::kNone;
  std::optional<Timestamp> valid_from;   // indicators
  std::optional<Timestamp> valid_until;  // indicators
  Provenance provenance;
  std::string body;  // minified JSON, as received
  // Summary of the top-level property names (stix/property_bloom.h); 0 when not computed.
  uint64_t property_bloom = 0;
  std::string content_hash;  // SHA-256 of the canonical (sorted-key) JSON: tells "same
                             // version again" from "different body, same version"
  std::vector<ObservableValue> values;
};

// A version as read back, with its place in a collection when read through one.
struct StoredObject {
  ObjectRecord record;        // `values` is left empty on reads
  int64_t key = 0;            // the backend's stable key of this version (> 0), for audit
  Timestamp date_added = 0;   // in the collection read; first ingest time otherwise
  std::string collection_id;  // empty when read without a collection
};

enum class PutOutcome : uint8_t { kAdded, kUnchanged, kConflict };

struct Collection {
  std::string id;  // UUID (TAXII collection id)
  std::string title;
  std::string description;
  std::string alias;
  Timestamp created = 0;
  // Membership state, read back only (ignored by CreateCollection): the latest date_added,
  // and how many removals the collection has seen. Together they change whenever the
  // collection's content does.
  Timestamp last_date_added = 0;
  int64_t removals = 0;
};

// Which versions of each object a query returns (TAXII match[version]).
enum class VersionSelect : uint8_t { kLast, kFirst, kAll };

struct ObjectQuery {
  std::string collection_id;               // empty: every stored version, in any collection
  std::vector<std::string> ids;            // empty: any
  std::vector<std::string> types;          // empty: any
  std::vector<std::string> spec_versions;  // empty: any
  VersionSelect versions = VersionSelect::kLast;
  std::vector<Timestamp> exact_versions;  // non-empty: these versions (overrides `versions`)
  // Selected as well (TAXII match[version] may list several: "first,last", "last,<timestamp>").
  std::vector<VersionSelect> also_versions;
  std::optional<Timestamp> added_after;  // strictly after (TAXII added_after)
  std::optional<Timestamp> added_since;  // at or after (CLI --since)
  size_t limit = 0;                      // 0: no limit
  // Non-empty: leaves out versions received from this peer (provenance kPeer, source equal to
  // it): federation never sends an object back to where it came from.
  std::string not_from_peer;
};

struct ValueHit {
  std::string kind;
  std::string value;
  std::string id;
  Timestamp version = kNoVersion;
  std::string type;
};

struct Stats {
  struct Count {
    std::string key;
    int64_t objects = 0;   // distinct ids
    int64_t versions = 0;  // stored versions
  };
  int64_t objects = 0;
  int64_t versions = 0;
  std::vector<Count> by_type;        // key: STIX type
  std::vector<Count> by_collection;  // key: collection id
  std::vector<Count> by_tlp;         // key: TlpName of the latest version
};

// One disclosure as read back: who received which object version, when, through which path.
struct AuditRecord {
  Timestamp time = 0;
  std::string principal;
  std::string organisation;
  std::string channel;  // "export", "taxii.objects", ...
  std::string object_id;
  Timestamp version = kNoVersion;
  bool redacted = false;
};

// Which disclosures ReadAudit returns: those matching every filter that is set.
struct AuditQuery {
  std::string object_id;           // empty: any object
  std::string principal;           // empty: any principal (exact name, "operator:alice")
  std::optional<Timestamp> since;  // disclosed at or after
  std::optional<Timestamp> until;  // disclosed strictly before
};

// One object version of a disclosure event.
struct AuditedObject {
  int64_t key = 0;  // StoredObject::key; 0 when unknown, then `id` and `version` say which
  std::string id;   // may stay empty when `key` is set
  Timestamp version = kNoVersion;
  bool redacted = false;
};

// A disclosure event: one principal received these versions through one channel at one time
// (a TAXII response, a batch of an export). Appended as one unit, read back as AuditRecords.
struct AuditEvent {
  Timestamp time = 0;
  std::string principal;
  std::string organisation;
  std::string channel;
  std::vector<AuditedObject> objects;
};

// An API token (DESIGN.md section 4: principals). Only a slow hash of its secret is stored.
struct TokenRecord {
  std::string name;                // unique among live tokens, e.g. "soc-bank-a"
  std::string key_id;              // public part of the token, the lookup key (unique forever)
  std::string secret_hash;         // libsodium crypto_pwhash_str (argon2id) of the secret part
  std::string organisation;        // identity id or name of the holder's organisation
  std::vector<std::string> read;   // collection ids, or "*" for every collection
  std::vector<std::string> write;  // collection ids, or "*"
  Timestamp created = 0;
  std::optional<Timestamp> revoked;  // set: the token no longer authenticates
};

// A TAXII status resource as stored: `body` is its JSON; `owner` the principal who created it.
struct StatusRecord {
  std::string id;
  std::string owner;
  Timestamp created = 0;
  std::string body;
};

// The result of checking the audit log's hash chain.
struct AuditVerification {
  int64_t events = 0;       // rows (disclosure events) checked
  int64_t disclosures = 0;  // object versions they list
  bool intact = true;
  int64_t first_bad_event = 0;  // when not intact: the position (1-based) of the first bad row
  std::string problem;          // when not intact: what is wrong there
  std::string last_hash;        // hex SHA-256 of the newest row (record it to detect truncation)
};

struct StoreConfig {
  std::string backend = "sqlite";      // "sqlite" (later "postgres")
  std::string path;                    // sqlite: database file
  const util::Clock* clock = nullptr;  // nullptr: system clock
  // Bytes of recent collection pages kept in memory (store/scan_cache.h); 0: no cache.
  size_t scan_cache_bytes = 0;
};

class ScanCache;  // store/scan_cache.h

// A write transaction that spans several batches: what Add() stores becomes visible to
// readers only at Commit(), all together; destroying it without Commit() (or after a failed
// Add) rolls everything back. It holds the store's write lock for its whole life, so other
// writers wait: keep it short, and never write to the same store through another path from
// the thread that holds it (that would wait for itself). Must not outlive its Store.
// Not thread-safe: one thread drives a transaction.
class WriteTransaction {
 public:
  virtual ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  // Same per-object semantics as Store::Put (outcomes in input order, duplicates across
  // batches behave as if put one after the other). InvalidArgument for a bad record (nothing
  // of the batch is stored); after any error the transaction is dead and will roll back.
  absl::StatusOr<std::vector<PutOutcome>> Add(std::span<const ObjectRecord> objects);

  // Sets a metadata value (Store::SetMeta) in this transaction: it becomes visible, and
  // durable, with the objects (a sync cursor and the objects it covers). FailedPrecondition
  // when the transaction is dead.
  absl::Status SetMeta(std::string_view key, std::string_view value);

  // Makes everything added durable and visible. FailedPrecondition after a failed Add or a
  // second Commit.
  absl::Status Commit();

 protected:
  WriteTransaction() = default;

 private:
  virtual absl::StatusOr<std::vector<PutOutcome>> DoAdd(std::span<const ObjectRecord> objects) = 0;
  virtual absl::Status DoSetMeta(std::string_view key, std::string_view value) = 0;
  virtual absl::Status DoCommit() = 0;

  bool dead_ = false;  // committed, or an Add failed
};

class Store {
 public:
  virtual ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Opens (creating if needed) the store described by `config` and applies schema
  // migrations. InvalidArgument for an unknown backend; Unavailable when the file cannot be
  // opened; FailedPrecondition when the store was written by a newer kongsi.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreConfig& config);

  // --- collections ----------------------------------------------------------------------
  absl::Status CreateCollection(const Collection& collection);  // AlreadyExists
  absl::StatusOr<std::vector<Collection>> ListCollections();
  absl::StatusOr<Collection> GetCollection(std::string_view id);  // NotFound

  // --- objects --------------------------------------------------------------------------
  // Stores `objects` in one transaction and, when `collection_id` is not empty, makes each
  // stored (added or unchanged) version a member of that collection. Outcomes are in input
  // order. Durable when OK is returned; on error nothing of the call is stored.
  absl::StatusOr<std::vector<PutOutcome>> Put(std::string_view collection_id,
                                              std::span<const ObjectRecord> objects);

  // Opens a write transaction whose objects join `collection_id` (empty: none); Put is
  // BeginWrite + Add + Commit. NotFound for an unknown collection; Unavailable when the
  // write lock cannot be had (another process holds it for longer than the busy timeout).
  absl::StatusOr<std::unique_ptr<WriteTransaction>> BeginWrite(std::string_view collection_id);

  // Objects matching `query`, ordered by date_added (collection) or by first ingest.
  // `fn` returns false to stop early. Paged scans of a collection (limit set) may be answered
  // from the page cache when one is configured (StoreConfig::scan_cache_bytes).
  absl::Status Scan(const ObjectQuery& query, const std::function<bool(const StoredObject&)>& fn);

  // Every stored version that mentions `value` (exact, after normalisation by the caller).
  absl::StatusOr<std::vector<ValueHit>> LookupValue(std::string_view value);

  // Removes from collection `query.collection_id` the versions of `query.ids` that `query`
  // selects (TAXII delete object); the versions stay stored (other collections, audit).
  // Returns how many memberships were removed. InvalidArgument without a collection or ids;
  // NotFound for an unknown collection.
  absl::StatusOr<size_t> RemoveFromCollection(const ObjectQuery& query);

  absl::StatusOr<Stats> GetStats();

  // --- audit and metadata -----------------------------------------------------------------
  // Appends disclosure events (durable for a crash of the process when OK; see the backend
  // for power loss). InvalidArgument for an event without channel or an object with neither
  // key nor id.
  absl::Status AppendAudit(std::span<const AuditEvent> events);
  // The disclosures `query` selects, oldest first (in append order). InvalidArgument when
  // `since` is after `until`.
  absl::StatusOr<std::vector<AuditRecord>> ReadAudit(const AuditQuery& query);
  // Recomputes the audit log's hash chain (records of the first schema version, kept in the
  // store file, have none and are not covered).
  absl::StatusOr<AuditVerification> VerifyAudit();

  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key);
  absl::Status SetMeta(std::string_view key, std::string_view value);

  // --- tokens and TAXII status resources -------------------------------------------------
  // AlreadyExists when a live token has the same name or key id.
  absl::Status CreateToken(const TokenRecord& token);
  absl::StatusOr<std::vector<TokenRecord>> ListTokens();  // revoked ones too, by name
  absl::StatusOr<std::optional<TokenRecord>> FindToken(std::string_view key_id);
  // Revokes the live token named `name` at the store clock's time; NotFound when none.
  absl::Status RevokeToken(std::string_view name);

  absl::Status PutStatus(const StatusRecord& status);  // AlreadyExists for a known id
  absl::StatusOr<std::optional<StatusRecord>> GetStatus(std::string_view id);

  // The page cache, null when none is configured (for /metrics).
  const ScanCache* page_cache() const { return cache_.get(); }

  // Schema version the store is at (for `kongsi stats` and tests).
  virtual int SchemaVersion() const = 0;

 protected:
  explicit Store(const util::Clock& clock);
  const util::Clock& clock() const { return clock_; }

 private:
  virtual absl::Status DoCreateCollection(const Collection& collection) = 0;
  virtual absl::StatusOr<std::vector<Collection>> DoListCollections() = 0;
  virtual absl::StatusOr<std::optional<Collection>> DoGetCollection(std::string_view id) = 0;
  virtual absl::StatusOr<std::unique_ptr<WriteTransaction>> DoBeginWrite(
      std::string_view collection_id) = 0;
  virtual absl::Status DoScan(const ObjectQuery& query,
                              const std::function<bool(const StoredObject&)>& fn) = 0;
  virtual absl::StatusOr<std::vector<ValueHit>> DoLookupValue(std::string_view value) = 0;
  virtual absl::StatusOr<size_t> DoRemoveFromCollection(const ObjectQuery& query) = 0;
  virtual absl::Status DoCreateToken(const TokenRecord& token) = 0;
  virtual absl::StatusOr<std::vector<TokenRecord>> DoListTokens() = 0;
  virtual absl::StatusOr<std::optional<TokenRecord>> DoFindToken(std::string_view key_id) = 0;
  virtual absl::Status DoRevokeToken(std::string_view name) = 0;
  virtual absl::Status DoPutStatus(const StatusRecord& status) = 0;
  virtual absl::StatusOr<std::optional<StatusRecord>> DoGetStatus(std::string_view id) = 0;
  virtual absl::StatusOr<Stats> DoGetStats() = 0;
  virtual absl::Status DoAppendAudit(std::span<const AuditEvent> events) = 0;
  virtual absl::StatusOr<std::vector<AuditRecord>> DoReadAudit(const AuditQuery& query) = 0;
  virtual absl::StatusOr<AuditVerification> DoVerifyAudit() = 0;
  virtual absl::StatusOr<std::optional<std::string>> DoGetMeta(std::string_view key) = 0;
  virtual absl::Status DoSetMeta(std::string_view key, std::string_view value) = 0;

  const util::Clock& clock_;
  std::unique_ptr<ScanCache> cache_;  // null: no page cache
};

}  // namespace kongsi::store
