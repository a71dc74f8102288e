// Building the indicator index: parse and compile each pattern, collect keys per table, then
// lay out the compact tables in one pass each.
#include "match/indicator_index.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "stix/normalize.h"
#include "stix/pattern/parser.h"
#include "util/strings.h"

namespace kongsi::match {
namespace {

using V6 = std::pair<uint64_t, uint64_t>;

V6 V6FromBytes(const uint8_t* b) {
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = hi << 8 | b[i];
  for (int i = 8; i < 16; ++i) lo = lo << 8 | b[i];
  return {hi, lo};
}

uint32_t V4FromBytes(std::string_view b) {
  return static_cast<uint32_t>(static_cast<uint8_t>(b[0])) << 24 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[1])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[2])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[3]));
}

// Groups sorted (key, indicator) pairs: one ref per key (the indicator, or a list in `multi`).
template <typename Key, typename Map>
void Lay(std::vector<std::pair<Key, uint32_t>>& pairs, std::vector<uint32_t>& multi, Map& out) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  out.reserve(pairs.size());
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    while (j < pairs.size() && pairs[j].first == pairs[i].first) ++j;
    if (j - i == 1) {
      out.emplace(pairs[i].first, pairs[i].second);
    } else {
      const uint32_t at = static_cast<uint32_t>(multi.size());
      multi.push_back(static_cast<uint32_t>(j - i));
      for (size_t k = i; k < j; ++k) multi.push_back(pairs[k].second);
      out.emplace(pairs[i].first, at | 0x80000000u);
    }
    i = j;
  }
  pairs.clear();
  pairs.shrink_to_fit();
}

template <typename Key, typename Map>
size_t MapBytes(const Map& map) {
  return map.bucket_count() * (sizeof(std::pair<Key, uint32_t>) + 1);
}

}  // namespace

namespace detail {

std::optional<uint32_t> Ipv4Of(std::string_view text) { return stix::ParseIpv4(text); }

bool Ipv6Of(std::string_view text, std::pair<uint64_t, uint64_t>& out) {
  auto bytes = stix::ParseIpv6(text);
  if (!bytes) return false;
  out = V6FromBytes(bytes->data());
  return true;
}

}  // namespace detail

IndicatorRecord IndicatorIndex::Record(uint32_t indicator) const {
  const Compact& c = records_[indicator];
  IndicatorRecord r;
  r.id = std::string_view(id_arena_).substr(ids_[indicator], ids_[indicator + 1] - ids_[indicator]);
  r.name = std::string_view(names_).substr(c.name_offset, c.name_length);
  r.created_by_ref = producers_[c.producer];
  r.tlp = c.tlp;
  r.modified = c.modified;
  if (c.valid_from != std::numeric_limits<util::Timestamp>::min()) r.valid_from = c.valid_from;
  if (c.valid_until != std::numeric_limits<util::Timestamp>::max()) r.valid_until = c.valid_until;
  return r;
}

uint32_t IndexBuilder::AddRecord(const Indicator& indicator) {
  IndicatorIndex& x = index_;
  const uint32_t number = static_cast<uint32_t>(x.records_.size());
  if (x.ids_.empty()) x.ids_.push_back(0);
  x.id_arena_.append(indicator.id);
  x.ids_.push_back(static_cast<uint32_t>(x.id_arena_.size()));
  auto [it, inserted] = producer_numbers_.try_emplace(indicator.created_by_ref,
                                                      static_cast<uint32_t>(x.producers_.size()));
  if (inserted) x.producers_.push_back(indicator.created_by_ref);
  IndicatorIndex::Compact c{};
  c.name_offset = static_cast<uint32_t>(x.names_.size());
  c.name_length = static_cast<uint32_t>(indicator.name.size());
  x.names_.append(indicator.name);
  c.producer = it->second;
  c.tlp = indicator.tlp;
  c.modified = indicator.modified;
  c.valid_from = indicator.valid_from.value_or(std::numeric_limits<util::Timestamp>::min());
  c.valid_until = indicator.valid_until.value_or(std::numeric_limits<util::Timestamp>::max());
  x.records_.push_back(c);
  return number;
}

void IndexBuilder::Add(const Indicator& indicator) {
  if (indicator.revoked || (options_.expired_before != 0 && indicator.valid_until &&
                            *indicator.valid_until <= options_.expired_before)) {
    ++stats_.revoked;
    return;
  }
  if (indicator.pattern_type != "stix") {
    ++stats_.not_stix;
    return;
  }
  struct AddTimer {
    std::chrono::steady_clock::time_point start;
    double& total;
    ~AddTimer() {
      total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  } timer{std::chrono::steady_clock::now(), stats_.compile_seconds};
  auto parsed = stix::pattern::Parse(indicator.pattern);
  if (auto* error = std::get_if<stix::pattern::ParseError>(&parsed)) {
    if (stats_.first_invalid.empty()) {
      stats_.first_invalid = util::StrCat(indicator.id, ": ", error->ToString());
    }
    ++stats_.invalid;
    return;
  }
  CompiledPattern compiled = CompileForIndex(std::get<stix::pattern::Pattern>(parsed));
  if (!compiled.invalid_reason.empty()) {
    if (stats_.first_invalid.empty()) {
      stats_.first_invalid = util::StrCat(indicator.id, ": ", compiled.invalid_reason);
    }
    ++stats_.invalid;
    return;
  }
  if (!compiled.exact) {
    if (stats_.first_general.empty()) {
      stats_.first_general = util::StrCat(indicator.id, ": ", compiled.general_reason);
    }
    ++stats_.general;
    return;
  }
  const uint32_t number = AddRecord(indicator);
  ++stats_.indicators;
  for (const ExactKey& key : compiled.keys) {
    ++stats_.exact_keys;
    if (key.kind == Observable::kIpAddress) {
      const bool v4 = key.key.size() == 4;
      if (key.match == KeyMatch::kCidr) {
        if (v4) {
          ipv4_blocks_.push_back({{key.prefix, V4FromBytes(key.key)}, number});
        } else {
          ipv6_blocks_.push_back(
              {{key.prefix, V6FromBytes(reinterpret_cast<const uint8_t*>(key.key.data()))},
               number});
        }
      } else if (v4) {
        ipv4_.push_back({V4FromBytes(key.key), number});
      } else {
        ipv6_.push_back({V6FromBytes(reinterpret_cast<const uint8_t*>(key.key.data())), number});
      }
    } else if (key.match == KeyMatch::kSubdomains) {
      domain_parents_.Add(key.key, number);
    } else {
      strings_[static_cast<size_t>(key.kind)].Add(key.key, number);
    }
  }
}

IndicatorIndex IndexBuilder::Build() {
  const auto start = std::chrono::steady_clock::now();
  IndicatorIndex& x = index_;
  x.subdomains_ = options_.subdomains;
  if (x.ids_.empty()) x.ids_.push_back(0);
  Lay(ipv4_, x.multi_, x.ipv4_);
  Lay(ipv6_, x.multi_, x.ipv6_);
  // Blocks: one table per prefix length, longest first.
  std::sort(ipv4_blocks_.begin(), ipv4_blocks_.end(),
            [](const auto& a, const auto& b) { return a.first.first > b.first.first; });
  for (size_t i = 0; i < ipv4_blocks_.size();) {
    const uint8_t prefix = ipv4_blocks_[i].first.first;
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    for (; i < ipv4_blocks_.size() && ipv4_blocks_[i].first.first == prefix; ++i) {
      pairs.push_back({ipv4_blocks_[i].first.second, ipv4_blocks_[i].second});
    }
    x.ipv4_blocks_.emplace_back(prefix, absl::flat_hash_map<uint32_t, uint32_t>());
    Lay(pairs, x.multi_, x.ipv4_blocks_.back().second);
  }
  std::sort(ipv6_blocks_.begin(), ipv6_blocks_.end(),
            [](const auto& a, const auto& b) { return a.first.first > b.first.first; });
  for (size_t i = 0; i < ipv6_blocks_.size();) {
    const uint8_t prefix = ipv6_blocks_[i].first.first;
    std::vector<std::pair<V6, uint32_t>> pairs;
    for (; i < ipv6_blocks_.size() && ipv6_blocks_[i].first.first == prefix; ++i) {
      pairs.push_back({ipv6_blocks_[i].first.second, ipv6_blocks_[i].second});
    }
    x.ipv6_blocks_.emplace_back(prefix, absl::flat_hash_map<V6, uint32_t>());
    Lay(pairs, x.multi_, x.ipv6_blocks_.back().second);
  }
  ipv4_blocks_.clear();
  ipv6_blocks_.clear();
  for (size_t k = 0; k < strings_.size(); ++k) strings_[k].Build(x.strings_[k]);
  domain_parents_.Build(x.domain_parents_);

  size_t key_bytes = MapBytes<uint32_t>(x.ipv4_) + MapBytes<V6>(x.ipv6_) +
                     x.multi_.capacity() * sizeof(uint32_t) + x.domain_parents_.MemoryBytes();
  for (const auto& [prefix, table] : x.ipv4_blocks_) key_bytes += MapBytes<uint32_t>(table);
  for (const auto& [prefix, table] : x.ipv6_blocks_) key_bytes += MapBytes<V6>(table);
  for (const auto& table : x.strings_) key_bytes += table.MemoryBytes();
  stats_.key_bytes = key_bytes;
  x.records_.shrink_to_fit();
  x.ids_.shrink_to_fit();
  x.id_arena_.shrink_to_fit();
  x.names_.shrink_to_fit();
  stats_.record_bytes = x.records_.capacity() * sizeof(IndicatorIndex::Compact) +
                        x.ids_.capacity() * sizeof(uint32_t) + x.id_arena_.capacity() +
                        x.names_.capacity();
  for (const auto& p : x.producers_) stats_.record_bytes += sizeof(std::string) + p.capacity();
  stats_.build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  x.stats_ = stats_;
  producer_numbers_.clear();
  IndicatorIndex out = std::move(index_);
  index_ = IndicatorIndex();
  return out;
}

}  // namespace kongsi::match
