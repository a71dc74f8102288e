// A compact, immutable hash table from byte strings to 32-bit values, built once: the exact-
// value part of the indicator index (domains, URLs, hashes, e-mail addresses, ...).
//
// Memory per key: one 8-byte slot at a load factor of about 0.7 (about 11.5 bytes), an 8-byte
// entry (arena offset and value) and the key's bytes, nothing else: no per-key allocation,
// no pointers. Slots hold 32 bits of the key's hash beside the entry number, so a probe
// touches the arena only when the hash matches.
//
// Build with StringTableBuilder (keys may repeat; values of a repeated key are collected into
// one list), then look up from any number of threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kongsi::match {

class StringTable {
 public:
  StringTable() = default;

  // Calls fn(value) for each value stored under `key` (none when absent).
  template <typename Fn>
  void ForEach(std::string_view key, Fn&& fn) const {
    if (slots_.empty()) return;
    const uint64_t hash = Hash(key);
    const uint32_t tag = static_cast<uint32_t>(hash >> 32);
    size_t i = Home(hash);
    while (true) {
      const uint64_t slot = slots_[i];
      if (slot == 0) return;
      if (static_cast<uint32_t>(slot >> 32) == tag) {
        const uint32_t entry = static_cast<uint32_t>(slot) - 1;
        if (KeyOf(entry) == key) {
          const uint32_t first = entries_[entry].first_value;
          const uint32_t end = entries_[entry + 1].first_value;
          for (uint32_t v = first; v < end; ++v) fn(values_[v]);
          return;
        }
      }
      if (++i == slots_.size()) i = 0;
    }
  }

  bool Contains(std::string_view key) const {
    bool found = false;
    ForEach(key, [&](uint32_t) { found = true; });
    return found;
  }

  size_t size() const { return entries_.empty() ? 0 : entries_.size() - 1; }
  // Bytes held: slots, entries, values and key bytes.
  size_t MemoryBytes() const;

  static uint64_t Hash(std::string_view key);

 private:
  friend class StringTableBuilder;

  struct Entry {
    uint32_t key_offset;   // into arena_; the key ends where the next entry's begins
    uint32_t first_value;  // into values_; the values end where the next entry's begin
  };

  size_t Home(uint64_t hash) const {
    // Maps the hash onto [0, slots) without a division (Lemire's multiply-shift).
    return static_cast<size_t>(
        (static_cast<unsigned __int128>(hash & 0xffffffffu) * slots_.size()) >> 32);
  }
  std::string_view KeyOf(uint32_t entry) const {
    return std::string_view(arena_).substr(
        entries_[entry].key_offset, entries_[entry + 1].key_offset - entries_[entry].key_offset);
  }

  std::vector<uint64_t> slots_;  // 0: empty; else hash tag << 32 | (entry + 1)
  std::vector<Entry> entries_;   // one per key, plus a sentinel
  std::vector<uint32_t> values_;
  std::string arena_;
};

class StringTableBuilder {
 public:
  void Add(std::string_view key, uint32_t value);
  size_t pending() const { return pairs_.size(); }
  // Builds the table (the builder is left empty). False when the keys exceed 4 GiB.
  bool Build(StringTable& out);

 private:
  struct Pending {
    uint64_t hash;
    uint32_t offset;
    uint32_t length;
    uint32_t value;
  };
  std::vector<Pending> pairs_;
  std::string keys_;
};

}  // namespace kongsi::match
