// Looking values up in loaded warninglists (see warninglist.h): hash tables per kind for exact
// entries and names, one table per prefix length for address blocks, then the few substring
// and regex entries one by one.
#include "match/warninglist.h"

#include <algorithm>
#include <limits>

#include "match/observable_key.h"
#include "re2/re2.h"
#include "stix/normalize.h"

namespace kongsi::match {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// Whether `text` contains `lower` (lower case), ignoring ASCII case.
bool ContainsIgnoringCase(std::string_view text, std::string_view lower) {
  if (lower.size() > text.size()) return false;
  for (size_t i = 0; i + lower.size() <= text.size(); ++i) {
    size_t j = 0;
    while (j < lower.size() && Lower(text[i + j]) == lower[j]) ++j;
    if (j == lower.size()) return true;
  }
  return false;
}

// The host of a normalised URL ("http://user@www.example.com:8080/x" -> "www.example.com");
// empty when it has none or it is an IP literal in brackets.
std::string_view UrlHost(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view authority = url.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') return {};
  return authority.substr(0, authority.find(':'));
}

std::pair<uint64_t, uint64_t> V6Of(const stix::Ipv6Bytes& b) {
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = hi << 8 | b[i];
  for (int i = 8; i < 16; ++i) lo = lo << 8 | b[i];
  return {hi, lo};
}

}  // namespace

std::string_view WarninglistTypeName(WarninglistType type) {
  switch (type) {
    case WarninglistType::kString:
      return "string";
    case WarninglistType::kHostname:
      return "hostname";
    case WarninglistType::kCidr:
      return "cidr";
    case WarninglistType::kSubstring:
      return "substring";
    case WarninglistType::kRegex:
      return "regex";
  }
  return "string";
}

Warninglists::Warninglists() = default;
Warninglists::Warninglists(Warninglists&&) noexcept = default;
Warninglists& Warninglists::operator=(Warninglists&&) noexcept = default;
Warninglists::~Warninglists() = default;

template <typename Fn>
bool Warninglists::Each(uint32_t ref, Fn&& fn) const {
  if ((ref & kMulti) == 0) return fn(ref);
  const uint32_t at = ref & ~kMulti;
  for (uint32_t i = 1; i <= multi_[at]; ++i) {
    if (!fn(multi_[at + i])) return false;
  }
  return true;
}

template <typename Fn>
bool Warninglists::WalkNames(const StringMap& table, std::string_view name, Fn&& fn) const {
  if (table.empty() || name.empty()) return true;
  while (true) {
    if (auto it = table.find(absl::string_view(name.data(), name.size())); it != table.end()) {
      if (!Each(it->second, fn)) return false;
    }
    const size_t dot = name.find('.');
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

template <typename Fn>
void Warninglists::Visit(Observable kind, std::string_view value, std::string& scratch,
                         Fn&& fn) const {
  const size_t k = static_cast<size_t>(kind);
  if (k >= kKinds || value.empty()) return;
  std::string_view text = value;  // what substring and regex entries are applied to
  if (kind == Observable::kIpAddress) {
    if (auto v4 = stix::ParseIpv4(value)) {
      for (const auto& [prefix, table] : ipv4_) {
        const uint32_t masked = prefix == 0 ? 0 : *v4 & (~uint32_t{0} << (32 - prefix));
        if (auto it = table.find(masked); it != table.end() && !Each(it->second, fn)) return;
      }
    } else if (auto v6 = stix::ParseIpv6(value)) {
      const V6 address = V6Of(*v6);
      for (const auto& [prefix, table] : ipv6_) {
        V6 masked = address;
        if (prefix <= 64) {
          masked.second = 0;
          masked.first = prefix == 0 ? 0 : masked.first & (~uint64_t{0} << (64 - prefix));
        } else {
          masked.second &= ~uint64_t{0} << (128 - prefix);
        }
        if (auto it = table.find(masked); it != table.end() && !Each(it->second, fn)) return;
      }
    } else {
      return;
    }
  } else {
    const bool tables = !exact_[k].empty() || !names_[k].empty();
    if (!tables && substrings_[k].empty() && regexes_[k].empty()) return;
    std::string_view key;
    if (!ObservableKey(kind, value, scratch, key)) return;
    if (auto it = exact_[k].find(absl::string_view(key.data(), key.size()));
        it != exact_[k].end() && !Each(it->second, fn)) {
      return;
    }
    const std::string_view name = kind == Observable::kUrl ? UrlHost(key) : key;
    if (!WalkNames(names_[k], name, fn)) return;
    // Digests are keyed as raw bytes: substrings and regexes see them as written.
    const bool binary = kind == Observable::kFileHash || kind == Observable::kX509Sha1 ||
                        kind == Observable::kX509Sha256;
    if (!binary) text = key;
  }
  for (const auto& [entry, list] : substrings_[k]) {
    if (ContainsIgnoringCase(text, entry) && !fn(list)) return;
  }
  for (const auto& [regex, list] : regexes_[k]) {
    if (RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regex) && !fn(list)) {
      return;
    }
  }
}

const Warninglist* Warninglists::Find(Observable kind, std::string_view value,
                                      std::string& scratch) const {
  uint32_t best = std::numeric_limits<uint32_t>::max();
  Visit(kind, value, scratch, [&](uint32_t list) {
    best = std::min(best, list);
    return best != 0;  // the first list can not be beaten
  });
  return best < lists_.size() ? lists_[best].get() : nullptr;
}

std::vector<const Warninglist*> Warninglists::FindAll(Observable kind, std::string_view value,
                                                      std::string& scratch) const {
  std::vector<uint32_t> numbers;
  Visit(kind, value, scratch, [&](uint32_t list) {
    numbers.push_back(list);
    return true;
  });
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  std::vector<const Warninglist*> out;
  for (uint32_t n : numbers) out.push_back(lists_[n].get());
  return out;
}

}  // namespace kongsi::match
