// MISP warninglists: lists of known-benign values (public DNS resolvers, RFC 1918 blocks, top
// sites, hashes of empty files, ...) in MISP's list.json format. Values they name are flagged
// when indicators are ingested and not reported as hits by the matcher (docs/matching.md,
// "Warninglists").
//
// A list.json is an object with "name" (string, required), "list" (array of strings,
// required), "type" ("string", "hostname", "cidr", "substring" or "regex"; "string" when
// absent), "matching_attributes" (MISP attribute types, optional), "description" (string) and
// "version" (integer). Entries meet values in the matcher's canonical form (observable_key.h):
//   string     the value itself (names in any case, hashes in any case, ...); an entry that
//              starts with "." names every name below it, as a hostname entry does
//   hostname   the name or any name below it; URLs are judged by their host
//   cidr       any address inside the block (IPv4, IPv6; a bare address is /32 or /128)
//   substring  the value (canonical text form; IP addresses and hashes as written) contains
//              the entry, ignoring ASCII case
//   regex      RE2 finds the entry in the value (the text as for substring)
// "matching_attributes" say which Observable kinds a list applies to (ip-src, ip-dst,
// domain|ip, ... -> ip; hostname, domain -> domain; url, uri, link -> url; md5, sha1, ... ->
// hash; email* -> email; user-agent; ja3-fingerprint-md5 -> ja3; x509-fingerprint-sha1 /
// -sha256; filename -> file-name; mac-address -> mac), narrowed to the kinds the list's type
// suits (cidr: ip; hostname: domain, url). Without matching_attributes a list applies to every
// kind its type suits. Entries that are no value of any of the list's kinds (an IP address in
// a hostname list, a SHA-224 digest, a regex RE2 refuses) are skipped and counted in
// Warninglist::skipped: published lists drift, and one odd entry should not refuse the rest.
//
// Immutable once loaded; Find and FindAll are safe for concurrent readers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "match/event.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace kongsi::match {

enum class WarninglistType : uint8_t { kString, kHostname, kCidr, kSubstring, kRegex };

// "string", "hostname", "cidr", "substring", "regex".
std::string_view WarninglistTypeName(WarninglistType type);

struct Warninglist {
  std::string name;  // "List of RFC 1918 CIDR blocks"
  std::string description;
  std::string file;  // where it was loaded from (as given, or "<input>")
  WarninglistType type = WarninglistType::kString;
  int64_t version = 0;
  std::vector<std::string> matching_attributes;  // as the list has them
  std::vector<Observable> kinds;                 // the kinds it applies to (may be empty)
  size_t entries = 0;                            // entries of "list"
  size_t skipped = 0;                            // entries usable for none of `kinds`
};

class Warninglists {
 public:
  Warninglists();
  Warninglists(Warninglists&&) noexcept;
  Warninglists& operator=(Warninglists&&) noexcept;
  ~Warninglists();

  // Loads every path: a list.json file, or a folder searched recursively for *.json files
  // (sorted by path; hidden files and folders skipped). All or nothing. Errors name the file:
  //   NotFound         "x: no such file or folder"
  //   Unavailable      a file that cannot be read
  //   InvalidArgument  "x/list.json: line 3, column 7: <JSON syntax error>", or a document
  //                    that is not a warninglist: "x/list.json: /list/3: not a string"
  static absl::StatusOr<Warninglists> Load(const std::vector<std::string>& paths);
  // One list from its text; `file` names it in errors. InvalidArgument as above.
  static absl::StatusOr<Warninglists> Parse(std::string_view text, std::string_view file);
  // The *.json files Load reads for `path` (the path itself when it is a file), sorted.
  static absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& path);

  // The first list (in load order) that names `value` of `kind`; nullptr when none does or
  // `value` is not a value of `kind`. `scratch` is working space (one per thread).
  const Warninglist* Find(Observable kind, std::string_view value, std::string& scratch) const;
  // Every list that names it, in load order.
  std::vector<const Warninglist*> FindAll(Observable kind, std::string_view value,
                                          std::string& scratch) const;

  const std::vector<std::unique_ptr<Warninglist>>& lists() const { return lists_; }
  bool empty() const { return lists_.empty(); }

 private:
  friend class WarninglistsBuilder;
  using V6 = std::pair<uint64_t, uint64_t>;
  using StringMap = absl::flat_hash_map<std::string, uint32_t>;
  static constexpr size_t kKinds = static_cast<size_t>(Observable::kCount);

  // Calls fn(list number) for every list naming the value, stopping when fn returns false.
  template <typename Fn>
  void Visit(Observable kind, std::string_view value, std::string& scratch, Fn&& fn) const;
  template <typename Fn>
  bool Each(uint32_t ref, Fn&& fn) const;
  template <typename Fn>
  bool WalkNames(const StringMap& table, std::string_view name, Fn&& fn) const;

  std::vector<std::unique_ptr<Warninglist>> lists_;
  // A table value is a list number, or kMulti | offset of [count, list...] in multi_.
  static constexpr uint32_t kMulti = 0x80000000u;
  std::vector<uint32_t> multi_;
  std::array<StringMap, kKinds> exact_;  // string entries, ObservableKey form
  std::array<StringMap, kKinds> names_;  // hostname entries: the name and names below
  std::vector<std::pair<uint8_t, absl::flat_hash_map<uint32_t, uint32_t>>> ipv4_;  // by prefix,
  std::vector<std::pair<uint8_t, absl::flat_hash_map<V6, uint32_t>>> ipv6_;        // longest first
  std::array<std::vector<std::pair<std::string, uint32_t>>, kKinds> substrings_;   // lower case
  std::array<std::vector<std::pair<std::shared_ptr<const re2::RE2>, uint32_t>>, kKinds> regexes_;
};

}  // namespace kongsi::match
