// The backend-independent half of the Store: argument checks shared by every backend, so each
// backend's Do* methods may assume well-formed input (DESIGN.md section 9, non-virtual public
// interface).
#include "store/store.h"

#include "absl/strings/str_cat.h"
#include "store/scan_cache.h"
#include "store/sqlite/sqlite_store.h"
#include "util/status.h"
#include "util/uuid.h"

namespace kongsi::store {
namespace {

// Larger pages are read from the backend every time.
constexpr size_t kMaxCachedPage = 1001;

// The fields without which a record cannot be stored or served again.
absl::Status CheckRecord(const ObjectRecord& r, size_t index) {
  auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("object ", index, r.id.empty() ? "" : absl::StrCat(" (", r.id, ")"), ": ",
                     std::string(what)));
  };
  if (r.id.empty()) return bad("empty id");
  if (r.type.empty()) return bad("empty type");
  if (r.body.empty()) return bad("empty body");
  if (r.content_hash.empty()) return bad("empty content hash");
  for (const ObservableValue& v : r.values) {
    if (v.kind.empty() || v.value.empty()) return bad("observable value with empty kind or value");
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view ProvenanceKindName(Provenance::Kind kind) {
  switch (kind) {
    case Provenance::Kind::kLocal:
      return "local";
    case Provenance::Kind::kFile:
      return "file";
    case Provenance::Kind::kPeer:
      return "peer";
  }
  return "local";
}

Store::Store(const util::Clock& clock) : clock_(clock) {}

Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreConfig& config) {
  const util::Clock& clock = config.clock != nullptr ? *config.clock : util::SystemClock::Get();
  if (config.backend != "sqlite") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown store backend \"", config.backend, "\" (known: sqlite)"));
  }
  KONGSI_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                          sqlite::SqliteStore::Open(config.path, clock));
  if (config.scan_cache_bytes > 0) {
    store->cache_ = std::make_unique<ScanCache>(config.scan_cache_bytes);
  }
  return store;
}

absl::Status Store::CreateCollection(const Collection& collection) {
  if (!util::ParseUuid(collection.id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("collection id \"", collection.id, "\" is not a UUID"));
  }
  if (collection.title.empty()) {
    return absl::InvalidArgumentError("collection title must not be empty");
  }
  return DoCreateCollection(collection);
}

absl::StatusOr<std::vector<Collection>> Store::ListCollections() { return DoListCollections(); }

absl::StatusOr<Collection> Store::GetCollection(std::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("empty collection id");
  KONGSI_ASSIGN_OR_RETURN(std::optional<Collection> found, DoGetCollection(id));
  if (!found) {
    return absl::NotFoundError(absl::StrCat("collection ", std::string(id), " not found"));
  }
  return *std::move(found);
}

WriteTransaction::~WriteTransaction() = default;

absl::StatusOr<std::vector<PutOutcome>> WriteTransaction::Add(
    std::span<const ObjectRecord> objects) {
  if (dead_) return absl::FailedPreconditionError("write transaction already ended");
  // Every record is checked before anything is written: a bad record fails the whole batch,
  // and like any failed Add it ends the transaction (the caller's batch is incomplete).
  for (size_t i = 0; i < objects.size(); ++i) {
    if (absl::Status status = CheckRecord(objects[i], i); !status.ok()) {
      dead_ = true;
      return status;
    }
  }
  if (objects.empty()) return std::vector<PutOutcome>{};
  auto outcomes = DoAdd(objects);
  if (!outcomes.ok()) dead_ = true;
  return outcomes;
}

absl::Status WriteTransaction::SetMeta(std::string_view key, std::string_view value) {
  if (dead_) return absl::FailedPreconditionError("write transaction already ended");
  if (absl::Status s = DoSetMeta(key, value); !s.ok()) {
    dead_ = true;
    return s;
  }
  return absl::OkStatus();
}

absl::Status WriteTransaction::Commit() {
  if (dead_) return absl::FailedPreconditionError("write transaction already ended");
  dead_ = true;
  return DoCommit();
}

absl::StatusOr<std::unique_ptr<WriteTransaction>> Store::BeginWrite(
    std::string_view collection_id) {
  if (!collection_id.empty()) KONGSI_RETURN_IF_ERROR(GetCollection(collection_id).status());
  return DoBeginWrite(collection_id);
}

absl::StatusOr<std::vector<PutOutcome>> Store::Put(std::string_view collection_id,
                                                   std::span<const ObjectRecord> objects) {
  if (objects.empty()) {
    if (!collection_id.empty()) KONGSI_RETURN_IF_ERROR(GetCollection(collection_id).status());
    return std::vector<PutOutcome>{};
  }
  KONGSI_ASSIGN_OR_RETURN(std::unique_ptr<WriteTransaction> txn, BeginWrite(collection_id));
  KONGSI_ASSIGN_OR_RETURN(std::vector<PutOutcome> outcomes, txn->Add(objects));
  KONGSI_RETURN_IF_ERROR(txn->Commit());
  return outcomes;
}

absl::Status Store::Scan(const ObjectQuery& query,
                         const std::function<bool(const StoredObject&)>& fn) {
  if (!fn) return absl::InvalidArgumentError("scan without a callback");
  if (query.collection_id.empty()) return DoScan(query, fn);
  KONGSI_ASSIGN_OR_RETURN(const Collection collection, GetCollection(query.collection_id));
  if (cache_ == nullptr || query.limit == 0 || query.limit > kMaxCachedPage) {
    return DoScan(query, fn);
  }
  const std::string key = ScanCache::KeyOf(query);
  if (auto rows = cache_->Find(key, collection.last_date_added, collection.removals)) {
    for (const StoredObject& row : *rows) {
      if (!fn(row)) break;
    }
    return absl::OkStatus();
  }
  if (!cache_->Admit()) return DoScan(query, fn);
  // Read from the backend, keeping the rows; a page the callback cut short is not kept.
  ScanCache::Rows rows;
  bool complete = true;
  KONGSI_RETURN_IF_ERROR(DoScan(query, [&](const StoredObject& row) {
    rows.push_back(row);
    if (fn(row)) return true;
    complete = false;
    return false;
  }));
  // The stamp read before the scan: a write that lands in between makes the entry stale at
  // once (its stamp is older than the collection's), never wrong.
  if (complete)
    cache_->Insert(key, collection.last_date_added, collection.removals, std::move(rows));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ValueHit>> Store::LookupValue(std::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError("empty value");
  return DoLookupValue(value);
}

absl::StatusOr<size_t> Store::RemoveFromCollection(const ObjectQuery& query) {
  if (query.collection_id.empty() || query.ids.empty()) {
    return absl::InvalidArgumentError("removing from a collection needs a collection and ids");
  }
  KONGSI_RETURN_IF_ERROR(GetCollection(query.collection_id).status());
  return DoRemoveFromCollection(query);
}

absl::StatusOr<Stats> Store::GetStats() { return DoGetStats(); }

absl::Status Store::CreateToken(const TokenRecord& token) {
  if (token.name.empty() || token.key_id.empty() || token.secret_hash.empty()) {
    return absl::InvalidArgumentError("token without name, key id or secret hash");
  }
  return DoCreateToken(token);
}

absl::StatusOr<std::vector<TokenRecord>> Store::ListTokens() { return DoListTokens(); }

absl::StatusOr<std::optional<TokenRecord>> Store::FindToken(std::string_view key_id) {
  if (key_id.empty()) return std::nullopt;
  return DoFindToken(key_id);
}

absl::Status Store::RevokeToken(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("empty token name");
  return DoRevokeToken(name);
}

absl::Status Store::PutStatus(const StatusRecord& status) {
  if (status.id.empty() || status.body.empty()) {
    return absl::InvalidArgumentError("status resource without id or body");
  }
  return DoPutStatus(status);
}

absl::StatusOr<std::optional<StatusRecord>> Store::GetStatus(std::string_view id) {
  if (id.empty()) return std::nullopt;
  return DoGetStatus(id);
}

absl::Status Store::AppendAudit(std::span<const AuditEvent> events) {
  for (const AuditEvent& e : events) {
    if (e.channel.empty()) return absl::InvalidArgumentError("audit event without channel");
    for (const AuditedObject& o : e.objects) {
      if (o.key <= 0 && o.id.empty()) {
        return absl::InvalidArgumentError("audited object without key or id");
      }
    }
  }
  if (events.empty()) return absl::OkStatus();
  return DoAppendAudit(events);
}

absl::StatusOr<std::vector<AuditRecord>> Store::ReadAudit(const AuditQuery& query) {
  if (query.since && query.until && *query.since > *query.until) {
    return absl::InvalidArgumentError(
        "audit query: the start of the time range (since) is after its end (until)");
  }
  return DoReadAudit(query);
}

absl::StatusOr<AuditVerification> Store::VerifyAudit() { return DoVerifyAudit(); }

absl::StatusOr<std::optional<std::string>> Store::GetMeta(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("empty metadata key");
  return DoGetMeta(key);
}

absl::Status Store::SetMeta(std::string_view key, std::string_view value) {
  if (key.empty()) return absl::InvalidArgumentError("empty metadata key");
  return DoSetMeta(key, value);
}

}  // namespace kongsi::store
