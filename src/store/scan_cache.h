// A cache of collection pages: the rows of recent paged scans of a collection (TAXII GET
// objects / manifest / versions with a limit), so that the many clients polling the same
// position of a feed are answered without reading SQLite again. It sits below the disclosure
// door: cached rows are what the store would return, and every answer still goes through
// policy::Disclosure and the audit log.
//
// Validity: an entry is stamped with the collection's membership state, its
// `last_date_added` (every object added to the collection moves it) and its `removals`
// counter (every removal increments it), read from the store on every scan (the same
// look-up that checks the collection exists, also seeing writes made by other processes).
// Stored versions never change, so a page with the same query and stamp has the same rows.
//
// Bounded by bytes (bodies and ids); least recently used entries are evicted first. When the
// cache is full, only one miss in kAdmitEvery is admitted (its rows copied in, evicting
// others): when the pages in use do not fit, copying every miss in would cost more than the
// hits save, while a page that is asked for often still gets in after a few requests.
// Thread-safe. Entries are shared, read-only, and outlive eviction while in use.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "store/store.h"

namespace kongsi::store {

class ScanCache {
 public:
  using Rows = std::vector<StoredObject>;

  explicit ScanCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The key of a query (every field that changes the result).
  static std::string KeyOf(const ObjectQuery& query);

  static constexpr uint64_t kAdmitEvery = 8;

  // The rows cached under `key` with this stamp; nullptr when absent or stale.
  std::shared_ptr<const Rows> Find(const std::string& key, Timestamp last_date_added,
                                   int64_t removals);
  void Insert(const std::string& key, Timestamp last_date_added, int64_t removals, Rows rows);
  // Whether the page a miss is about to read should be kept (then read it into Rows and
  // Insert it); see the admission rule above.
  bool Admit();

  size_t bytes() const;
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  // For /metrics.
  const std::atomic<uint64_t>& hits_counter() const { return hits_; }
  const std::atomic<uint64_t>& misses_counter() const { return misses_; }

 private:
  struct Entry {
    std::string key;
    Timestamp last_date_added;
    int64_t removals;
    size_t bytes;
    std::shared_ptr<const Rows> rows;
  };

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // front: most recently used; guarded by mu_
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> index_;  // guarded by mu_
  size_t bytes_ = 0;                                                    // guarded by mu_
  std::atomic<uint64_t> hits_{0}, misses_{0};
  uint64_t full_misses_ = 0;  // guarded by mu_
};

}  // namespace kongsi::store
