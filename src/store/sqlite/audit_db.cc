// Audit rows and their object lists. Entry encoding: uvarint((zigzag(key - previous_key) << 2)
// | redacted << 1 | explicit); when `explicit` is set (no key) the entry continues with
// uvarint(id length), the id, and uvarint(zigzag(version)). The row's `redacted` column is 1
// when any of its objects was redacted (for queries that look for redactions).
#include "store/sqlite/audit_db.h"

#include <openssl/sha.h>

#include <filesystem>

namespace kongsi::store::sqlite::detail {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr auto kSyncInterval = std::chrono::seconds(1);

constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE disclosures (
  seq          INTEGER PRIMARY KEY,
  time         INTEGER NOT NULL,
  principal    TEXT    NOT NULL,
  organisation TEXT    NOT NULL,
  channel      TEXT    NOT NULL,
  redacted     INTEGER NOT NULL,
  objects      BLOB    NOT NULL,
  hash         BLOB    NOT NULL
);
)sql";

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

bool GetVarint(std::string_view in, size_t& pos, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && pos < in.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in[pos++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

std::string AuditPathFor(const std::string& store_path) {
  const std::filesystem::path p(store_path);
  return (p.parent_path() / (p.stem().string() + "-audit" + p.extension().string())).string();
}

void EncodeAuditObject(const AuditedObject& o, int64_t& previous_key, std::string& out) {
  const uint64_t redacted = o.redacted ? 2 : 0;
  if (o.key > 0) {
    PutVarint((ZigZag(o.key - previous_key) << 2) | redacted, out);
    previous_key = o.key;
    return;
  }
  PutVarint(redacted | 1, out);
  PutVarint(o.id.size(), out);
  out += o.id;
  PutVarint(ZigZag(o.version), out);
}

bool DecodeAuditObject(std::string_view blob, size_t& pos, int64_t& previous_key,
                       AuditedObject& out) {
  uint64_t head = 0;
  if (!GetVarint(blob, pos, head)) return false;
  out.redacted = (head & 2) != 0;
  if ((head & 1) == 0) {
    out.key = previous_key + UnZigZag(head >> 2);
    previous_key = out.key;
    out.id.clear();
    out.version = kNoVersion;
    return true;
  }
  uint64_t length = 0, version = 0;
  if (!GetVarint(blob, pos, length) || length > blob.size() - pos) return false;
  out.key = 0;
  out.id.assign(blob.substr(pos, length));
  pos += length;
  if (!GetVarint(blob, pos, version)) return false;
  out.version = UnZigZag(version);
  return true;
}

AuditDb::AuditDb(const std::string& path)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
          kBusyTimeoutMs) {
  db_.exec("PRAGMA journal_mode = WAL");
  db_.exec("PRAGMA synchronous = FULL");
  {
    SQLite::Transaction txn(db_, SQLite::TransactionBehavior::IMMEDIATE);
    const int version = db_.execAndGet("PRAGMA user_version").getInt();
    if (version > 1) {
      throw SQLite::Exception("audit log schema version " + std::to_string(version) +
                              " is newer than this kongsi supports (1)");
    }
    if (version == 0) {
      db_.exec(std::string(kSchemaV1));
      db_.exec("PRAGMA user_version = 1");
    }
    txn.commit();
  }
  insert_ = std::make_unique<SQLite::Statement>(
      db_,
      "INSERT INTO disclosures (seq, time, principal, organisation, channel, redacted, objects,"
      " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  last_ = std::make_unique<SQLite::Statement>(
      db_, "SELECT seq, hash FROM disclosures ORDER BY seq DESC LIMIT 1");
  last_sync_ = std::chrono::steady_clock::now();
}

void AuditDb::Append(std::span<const AuditEvent> events) {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  const bool sync = now - last_sync_ >= kSyncInterval;
  if (sync != full_sync_) {
    db_.exec(sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    full_sync_ = sync;
  }
  SQLite::Transaction txn(db_, SQLite::TransactionBehavior::IMMEDIATE);
  // The chain continues from the newest row, read inside the write transaction (another
  // process may have appended since).
  int64_t seq = 0;
  std::string previous_hash;
  last_->tryReset();
  if (last_->executeStep()) {
    seq = last_->getColumn(0).getInt64();
    previous_hash = last_->getColumn(1).getString();
  }
  last_->reset();
  std::string blob;
  for (const AuditEvent& e : events) {
    if (e.objects.empty()) continue;
    blob.clear();
    int64_t previous = 0;
    bool any_redacted = false;
    for (const AuditedObject& o : e.objects) {
      EncodeAuditObject(o, previous, blob);
      any_redacted = any_redacted || o.redacted;
    }
    ++seq;
    previous_hash = AuditRowHash(previous_hash, seq, e.time, e.principal, e.organisation, e.channel,
                                 any_redacted, blob);
    insert_->tryReset();
    insert_->bind(1, seq);
    insert_->bind(2, e.time);
    insert_->bindNoCopy(3, e.principal);
    insert_->bindNoCopy(4, e.organisation);
    insert_->bindNoCopy(5, e.channel);
    insert_->bind(6, any_redacted ? 1 : 0);
    insert_->bindNoCopy(7, blob.data(), static_cast<int>(blob.size()));
    insert_->bindNoCopy(8, previous_hash.data(), static_cast<int>(previous_hash.size()));
    insert_->exec();
    insert_->reset();
  }
  txn.commit();
  if (sync) last_sync_ = now;
}

std::string AuditRowHash(std::string_view previous_hash, int64_t seq, Timestamp time,
                         std::string_view principal, std::string_view organisation,
                         std::string_view channel, bool redacted, std::string_view objects) {
  std::string input;
  input.reserve(previous_hash.size() + principal.size() + organisation.size() + channel.size() +
                objects.size() + 64);
  for (std::string_view part : {previous_hash, principal, organisation, channel, objects}) {
    PutVarint(part.size(), input);
    input.append(part);
  }
  PutVarint(static_cast<uint64_t>(seq), input);
  PutVarint(ZigZag(time), input);
  input += redacted ? '\1' : '\0';
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

AuditVerification AuditDb::Verify() {
  std::lock_guard lock(mu_);
  SQLite::Statement select(
      db_,
      "SELECT seq, time, principal, organisation, channel, redacted, objects, hash"
      " FROM disclosures ORDER BY seq");
  AuditVerification result;
  std::string previous_hash;
  while (select.executeStep()) {
    ++result.events;
    const int64_t seq = select.getColumn(0).getInt64();
    const SQLite::Column objects = select.getColumn(6);
    const std::string_view blob(static_cast<const char*>(objects.getBlob()),
                                static_cast<size_t>(objects.getBytes()));
    const std::string stored = select.getColumn(7).getString();
    const std::string expected =
        AuditRowHash(previous_hash, seq, select.getColumn(1).getInt64(),
                     select.getColumn(2).getString(), select.getColumn(3).getString(),
                     select.getColumn(4).getString(), select.getColumn(5).getInt() != 0, blob);
    size_t pos = 0;
    int64_t previous_key = 0;
    AuditedObject o;
    int64_t listed = 0;
    bool blob_ok = true;
    while (pos < blob.size()) {
      if (!DecodeAuditObject(blob, pos, previous_key, o)) {
        blob_ok = false;
        break;
      }
      ++listed;
    }
    if (stored != expected || !blob_ok || seq != result.events) {
      result.intact = false;
      result.first_bad_event = result.events;
      result.problem = seq != result.events ? "a row is missing or out of sequence before it"
                                            : "its content or its place in the chain was changed";
      return result;
    }
    result.disclosures += listed;
    previous_hash = stored;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : previous_hash) {
    result.last_hash += kHex[c >> 4];
    result.last_hash += kHex[c & 0xF];
  }
  return result;
}

void AuditDb::Scan(const AuditQuery& query,
                   const std::function<void(const AuditRecord&, int64_t)>& fn) {
  std::lock_guard lock(mu_);
  // No index on principal or time: every TAXII response appends a row and would pay for it,
  // while these queries are an operator's, over compact rows (one per event), in seq order.
  std::string sql =
      "SELECT time, principal, organisation, channel, objects FROM disclosures WHERE 1";
  if (!query.principal.empty()) sql += " AND principal = ?";
  if (query.since) sql += " AND time >= ?";
  if (query.until) sql += " AND time < ?";
  sql += " ORDER BY seq";
  SQLite::Statement select(db_, sql);
  int index = 0;
  if (!query.principal.empty()) select.bind(++index, query.principal);
  if (query.since) select.bind(++index, *query.since);
  if (query.until) select.bind(++index, *query.until);
  AuditRecord r;
  AuditedObject o;
  while (select.executeStep()) {
    r.time = select.getColumn(0).getInt64();
    r.principal = select.getColumn(1).getString();
    r.organisation = select.getColumn(2).getString();
    r.channel = select.getColumn(3).getString();
    const SQLite::Column objects = select.getColumn(4);
    const std::string_view blob(static_cast<const char*>(objects.getBlob()),
                                static_cast<size_t>(objects.getBytes()));
    size_t pos = 0;
    int64_t previous = 0;
    while (pos < blob.size()) {
      if (!DecodeAuditObject(blob, pos, previous, o)) {
        throw SQLite::Exception("audit log: malformed object list in a disclosure row");
      }
      r.object_id = o.id;
      r.version = o.version;
      r.redacted = o.redacted;
      fn(r, o.key);
    }
  }
}

}  // namespace kongsi::store::sqlite::detail
