// StringTable construction: sort the pending keys by hash so equal keys sit together, lay
// out one entry per distinct key, then place entries with linear probing.
#include "match/string_table.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace kongsi::match {

uint64_t StringTable::Hash(std::string_view key) {
  uint64_t h = absl::HashOf(key);
  // Mix so that both halves (home slot and tag) depend on every input bit.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

size_t StringTable::MemoryBytes() const {
  return slots_.capacity() * sizeof(uint64_t) + entries_.capacity() * sizeof(Entry) +
         values_.capacity() * sizeof(uint32_t) + arena_.capacity();
}

void StringTableBuilder::Add(std::string_view key, uint32_t value) {
  pairs_.push_back(Pending{StringTable::Hash(key), static_cast<uint32_t>(keys_.size()),
                           static_cast<uint32_t>(key.size()), value});
  keys_.append(key);
}

bool StringTableBuilder::Build(StringTable& out) {
  out = StringTable();
  if (keys_.size() > UINT32_MAX || pairs_.size() >= UINT32_MAX / 2) return false;
  auto key_of = [&](const Pending& p) {
    return std::string_view(keys_).substr(p.offset, p.length);
  };
  std::sort(pairs_.begin(), pairs_.end(), [&](const Pending& a, const Pending& b) {
    if (a.hash != b.hash) return a.hash < b.hash;
    const int c = key_of(a).compare(key_of(b));
    if (c != 0) return c < 0;
    return a.value < b.value;
  });

  std::vector<uint64_t> entry_hashes;
  out.entries_.reserve(pairs_.size() + 1);
  out.values_.reserve(pairs_.size());
  size_t arena_size = 0;
  for (size_t i = 0; i < pairs_.size();) {
    size_t j = i;
    while (j < pairs_.size() && pairs_[j].hash == pairs_[i].hash &&
           key_of(pairs_[j]) == key_of(pairs_[i])) {
      ++j;
    }
    arena_size += pairs_[i].length;
    i = j;
  }
  out.arena_.reserve(arena_size);
  for (size_t i = 0; i < pairs_.size();) {
    const std::string_view key = key_of(pairs_[i]);
    out.entries_.push_back(StringTable::Entry{static_cast<uint32_t>(out.arena_.size()),
                                              static_cast<uint32_t>(out.values_.size())});
    entry_hashes.push_back(pairs_[i].hash);
    out.arena_.append(key);
    size_t j = i;
    while (j < pairs_.size() && pairs_[j].hash == pairs_[i].hash && key_of(pairs_[j]) == key) {
      if (out.values_.size() == out.entries_.back().first_value ||
          out.values_.back() != pairs_[j].value) {
        out.values_.push_back(pairs_[j].value);
      }
      ++j;
    }
    i = j;
  }
  const size_t keys = out.entries_.size();
  out.entries_.push_back(StringTable::Entry{static_cast<uint32_t>(out.arena_.size()),
                                            static_cast<uint32_t>(out.values_.size())});
  pairs_.clear();
  pairs_.shrink_to_fit();
  keys_.clear();
  keys_.shrink_to_fit();
  if (keys == 0) return true;

  // Load factor about 0.7, and always at least one empty slot so probes end.
  out.slots_.assign(keys + keys * 3 / 7 + 1, 0);
  for (size_t e = 0; e < keys; ++e) {
    const uint64_t hash = entry_hashes[e];
    size_t i = out.Home(hash);
    while (out.slots_[i] != 0) {
      if (++i == out.slots_.size()) i = 0;
    }
    out.slots_[i] = (hash >> 32 << 32) | (e + 1);
  }
  return true;
}

}  // namespace kongsi::match
