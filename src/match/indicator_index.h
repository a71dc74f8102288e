// The indicator index: every exact-value indicator's keys in compact hash tables, probed for
// each value a log event holds.
//
//   IPv4  exact: hash map address -> indicators; blocks: one map per prefix length present,
//         probed from the longest prefix down (every containing block is a hit)
//   IPv6  the same with 128-bit addresses
//   other kinds: a StringTable per kind; domains also a table of "subdomains of" keys,
//         probed for each parent of the looked-up name
//
// Indicator numbers index a table of compact records (id, name, TLP, validity, producer).
// Built once by IndexBuilder; immutable and safe to share between threads afterwards. A new
// index is built when indicators change and swapped in (IndexHolder in matcher.h).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "match/event.h"
#include "match/indicator.h"
#include "match/indicator_compile.h"
#include "match/observable_key.h"
#include "match/string_table.h"

namespace kongsi::match {

// What the matcher reports about an indicator on a hit.
struct IndicatorRecord {
  std::string_view id;
  std::string_view name;
  std::string_view created_by_ref;
  stix::Tlp tlp = stix::Tlp::kNone;
  util::Timestamp modified = 0;
  std::optional<util::Timestamp> valid_from;
  std::optional<util::Timestamp> valid_until;
  bool ValidAt(util::Timestamp t) const {
    return (!valid_from || t >= *valid_from) && (!valid_until || t < *valid_until);
  }
};

struct IndexStats {
  size_t indicators = 0;      // in the index (exact)
  size_t exact_keys = 0;      // keys over all kinds
  size_t general = 0;         // valid STIX patterns the index cannot answer
  size_t not_stix = 0;        // pattern_type other than "stix"
  size_t invalid = 0;         // patterns that do not parse or hold impossible values
  size_t revoked = 0;         // revoked or already expired: left out
  size_t key_bytes = 0;       // bytes of the value tables
  size_t record_bytes = 0;    // bytes of the indicator records (ids, names, validity)
  double compile_seconds = 0;  // parsing and compiling patterns (in IndexBuilder::Add)
  double build_seconds = 0;    // laying out the tables (IndexBuilder::Build)
  std::string first_invalid;  // "indicator--...: line 1, column 5: ..." (for messages)
  std::string first_general;
};

class IndicatorIndex {
 public:
  // Calls on_hit(indicator_number) for every indicator whose keys cover `value` of `kind`
  // (unordered; an indicator may be reported twice when two of its keys cover the value).
  // `scratch` is working space. Returns false when `value` is not a value of `kind`.
  template <typename Fn>
  bool Lookup(Observable kind, std::string_view value, std::string& scratch, Fn&& on_hit) const;

  size_t size() const { return records_.size(); }
  IndicatorRecord Record(uint32_t indicator) const;
  const IndexStats& stats() const { return stats_; }
  bool subdomains() const { return subdomains_; }

 private:
  friend class IndexBuilder;
  using V6 = std::pair<uint64_t, uint64_t>;

  struct Compact {
    uint32_t name_offset, name_length;
    uint32_t producer;  // index into producers_
    stix::Tlp tlp;
    util::Timestamp modified;
    util::Timestamp valid_from;   // INT64_MIN: none
    util::Timestamp valid_until;  // INT64_MAX: none
  };

  template <typename Fn>
  void ForEachIn(uint32_t ref, Fn&& fn) const {
    if ((ref & kMulti) == 0) {
      fn(ref);
      return;
    }
    const uint32_t at = ref & ~kMulti;
    for (uint32_t i = 1; i <= multi_[at]; ++i) fn(multi_[at + i]);
  }
  template <typename Fn>
  void LookupIpv4(uint32_t address, Fn&& fn) const;
  template <typename Fn>
  void LookupIpv6(V6 address, Fn&& fn) const;
  template <typename Fn>
  void LookupDomain(std::string_view name, Fn&& fn) const;

  static constexpr uint32_t kMulti = 0x80000000u;

  absl::flat_hash_map<uint32_t, uint32_t> ipv4_;
  std::vector<std::pair<uint8_t, absl::flat_hash_map<uint32_t, uint32_t>>>
      ipv4_blocks_;  // longest first
  absl::flat_hash_map<V6, uint32_t> ipv6_;
  std::vector<std::pair<uint8_t, absl::flat_hash_map<V6, uint32_t>>> ipv6_blocks_;
  std::vector<uint32_t> multi_;  // [count, indicator...] lists for keys of several indicators
  std::array<StringTable, static_cast<size_t>(Observable::kCount)> strings_;
  StringTable domain_parents_;  // "subdomains of" keys
  bool subdomains_ = false;     // exact domain keys also cover subdomains

  std::string id_arena_;       // every indicator's id, back to back
  std::vector<uint32_t> ids_;  // where each id starts in id_arena_ (plus an end sentinel)
  std::vector<Compact> records_;
  std::string names_;
  std::vector<std::string> producers_;
  IndexStats stats_;
};

struct IndexOptions {
  bool subdomains = false;  // an exact domain indicator also covers every subdomain
  // Indicators whose valid_until is before this instant are left out (0: keep all).
  util::Timestamp expired_before = 0;
};

class IndexBuilder {
 public:
  explicit IndexBuilder(IndexOptions options = {}) : options_(options) {}
  // Parses and compiles the indicator's pattern and adds its keys; counts what it cannot add.
  void Add(const Indicator& indicator);
  IndicatorIndex Build();
  const IndexStats& stats() const { return stats_; }

 private:
  uint32_t AddRecord(const Indicator& indicator);

  IndexOptions options_;
  IndexStats stats_;
  IndicatorIndex index_;
  std::vector<std::pair<uint32_t, uint32_t>> ipv4_;  // (address, indicator)
  std::vector<std::pair<IndicatorIndex::V6, uint32_t>> ipv6_;
  std::vector<std::pair<std::pair<uint8_t, uint32_t>, uint32_t>> ipv4_blocks_;
  std::vector<std::pair<std::pair<uint8_t, IndicatorIndex::V6>, uint32_t>> ipv6_blocks_;
  std::array<StringTableBuilder, static_cast<size_t>(Observable::kCount)> strings_;
  StringTableBuilder domain_parents_;
  absl::flat_hash_map<std::string, uint32_t> producer_numbers_;
};

// ---- inline lookups (hot path) ----

namespace detail {
std::optional<uint32_t> Ipv4Of(std::string_view text);
bool Ipv6Of(std::string_view text, std::pair<uint64_t, uint64_t>& out);
}  // namespace detail

template <typename Fn>
void IndicatorIndex::LookupIpv4(uint32_t address, Fn&& fn) const {
  if (auto it = ipv4_.find(address); it != ipv4_.end()) ForEachIn(it->second, fn);
  for (const auto& [prefix, table] : ipv4_blocks_) {
    const uint32_t masked = prefix == 0 ? 0 : address & (~uint32_t{0} << (32 - prefix));
    if (auto it = table.find(masked); it != table.end()) ForEachIn(it->second, fn);
  }
}

template <typename Fn>
void IndicatorIndex::LookupIpv6(V6 address, Fn&& fn) const {
  if (auto it = ipv6_.find(address); it != ipv6_.end()) ForEachIn(it->second, fn);
  for (const auto& [prefix, table] : ipv6_blocks_) {
    V6 masked = address;
    if (prefix <= 64) {
      masked.second = 0;
      masked.first = prefix == 0 ? 0 : masked.first & (~uint64_t{0} << (64 - prefix));
    } else {
      masked.second &= ~uint64_t{0} << (128 - prefix);
    }
    if (auto it = table.find(masked); it != table.end()) ForEachIn(it->second, fn);
  }
}

template <typename Fn>
void IndicatorIndex::LookupDomain(std::string_view name, Fn&& fn) const {
  const StringTable& exact = strings_[static_cast<size_t>(Observable::kDomainName)];
  auto each = [&](uint32_t ref) { ForEachIn(ref, fn); };
  exact.ForEach(name, each);
  if (domain_parents_.size() == 0 && !subdomains_) return;
  for (size_t dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.', dot + 1)) {
    const std::string_view parent = name.substr(dot + 1);
    domain_parents_.ForEach(parent, each);
    if (subdomains_) exact.ForEach(parent, each);
  }
}

template <typename Fn>
bool IndicatorIndex::Lookup(Observable kind, std::string_view value, std::string& scratch,
                            Fn&& on_hit) const {
  if (kind == Observable::kIpAddress) {
    if (auto v4 = detail::Ipv4Of(value)) {
      LookupIpv4(*v4, on_hit);
      return true;
    }
    V6 v6;
    if (!detail::Ipv6Of(value, v6)) return false;
    LookupIpv6(v6, on_hit);
    return true;
  }
  const StringTable& table = strings_[static_cast<size_t>(kind)];
  if (table.size() == 0 && !(kind == Observable::kDomainName && domain_parents_.size() != 0)) {
    return true;  // nothing of this kind to find: skip normalising
  }
  std::string_view key;
  if (!ObservableKey(kind, value, scratch, key)) return false;
  if (kind == Observable::kDomainName) {
    LookupDomain(key, on_hit);
  } else {
    table.ForEach(key, [&](uint32_t ref) { ForEachIn(ref, on_hit); });
  }
  return true;
}

}  // namespace kongsi::match
