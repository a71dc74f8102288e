// LRU bookkeeping of the page cache.
#include "store/scan_cache.h"

#include "absl/strings/str_cat.h"

namespace kongsi::store {
namespace {

size_t RowBytes(const StoredObject& o) {
  const ObjectRecord& r = o.record;
  return sizeof(StoredObject) + r.id.size() + r.type.size() + r.spec_version.size() +
         r.created_by_ref.size() + r.provenance.source.size() + r.provenance.organisation.size() +
         r.body.size() + r.content_hash.size() + o.collection_id.size();
}

}  // namespace

std::string ScanCache::KeyOf(const ObjectQuery& q) {
  // Fields joined with separators that cannot occur in ids, types or versions.
  std::string key =
      absl::StrCat(q.collection_id, "|", static_cast<int>(q.versions), "|", q.limit, "|",
                   q.added_after.value_or(INT64_MIN), "|", q.added_since.value_or(INT64_MIN), "|",
                   q.added_after.has_value(), q.added_since.has_value());
  auto add = [&key](const char* tag, const auto& values) {
    absl::StrAppend(&key, "|", tag);
    for (const auto& v : values) absl::StrAppend(&key, ",", v);
  };
  add("i", q.ids);
  add("t", q.types);
  add("s", q.spec_versions);
  add("e", q.exact_versions);
  absl::StrAppend(&key, "|p", q.not_from_peer, "|a");
  for (VersionSelect v : q.also_versions) absl::StrAppend(&key, ",", static_cast<int>(v));
  return key;
}

std::shared_ptr<const ScanCache::Rows> ScanCache::Find(const std::string& key,
                                                       Timestamp last_date_added,
                                                       int64_t removals) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  const Entry& e = *it->second;
  if (e.last_date_added != last_date_added || e.removals != removals) {
    bytes_ -= e.bytes;
    lru_.erase(it->second);
    index_.erase(it);
    ++misses_;
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  ++hits_;
  return it->second->rows;
}

void ScanCache::Insert(const std::string& key, Timestamp last_date_added, int64_t removals,
                       Rows rows) {
  size_t bytes = key.size() + sizeof(Entry);
  for (const StoredObject& o : rows) bytes += RowBytes(o);
  if (bytes > max_bytes_ / 4) return;  // one page may not push out most of the cache
  auto shared = std::make_shared<const Rows>(std::move(rows));
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front(Entry{key, last_date_added, removals, bytes, std::move(shared)});
  index_[key] = lru_.begin();
  bytes_ += bytes;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    bytes_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

bool ScanCache::Admit() {
  std::lock_guard lock(mu_);
  if (bytes_ + max_bytes_ / 16 < max_bytes_) return true;  // room left
  return ++full_misses_ % kAdmitEvery == 0;
}

size_t ScanCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace kongsi::store
