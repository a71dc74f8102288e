// Loading MISP warninglists (see warninglist.h): reading list.json files, checking their
// shape, and laying their entries out in per-kind tables. Everything is parsed and checked
// before the tables are built, so an error leaves nothing half-loaded.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "match/observable_key.h"
#include "match/warninglist.h"
#include "re2/re2.h"
#include "simdjson.h"
#include "stix/normalize.h"
#include "util/json_error.h"
#include "util/strings.h"

namespace kongsi::match {
namespace {

constexpr size_t kKinds = static_cast<size_t>(Observable::kCount);

struct ParsedList {
  Warninglist meta;
  std::vector<std::string> entries;
};

absl::Status Invalid(std::string_view file, std::string_view pointer, std::string_view what) {
  return absl::InvalidArgumentError(util::StrCat(file, ": ", pointer, ": ", what));
}

// The Observable kinds a MISP attribute type stands for.
void KindsOfAttribute(std::string_view a, std::vector<Observable>& out) {
  auto is = [&](std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), a) != names.end();
  };
  if (is({"ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "domain|ip"})) {
    out.push_back(Observable::kIpAddress);
  }
  if (is({"hostname", "domain", "domain|ip", "hostname|port"})) {
    out.push_back(Observable::kDomainName);
  }
  if (is({"url", "uri", "link"})) out.push_back(Observable::kUrl);
  std::string_view hash = a;
  if (hash.substr(0, 9) == "filename|") hash.remove_prefix(9);
  if (hash == "md5" || hash == "sha1" || hash == "sha224" || hash == "sha256" || hash == "sha384" ||
      hash == "sha512" || a == "malware-sample") {
    out.push_back(Observable::kFileHash);
  }
  if (a.substr(0, 5) == "email" || is({"target-email", "whois-registrant-email"})) {
    out.push_back(Observable::kEmailAddress);
  }
  if (a == "user-agent") out.push_back(Observable::kUserAgent);
  if (a == "ja3-fingerprint-md5") out.push_back(Observable::kJa3);
  if (a == "x509-fingerprint-sha1") out.push_back(Observable::kX509Sha1);
  if (a == "x509-fingerprint-sha256") out.push_back(Observable::kX509Sha256);
  if (a == "filename") out.push_back(Observable::kFileName);
  if (a == "mac-address") out.push_back(Observable::kMacAddress);
}

bool Suits(WarninglistType type, Observable kind) {
  switch (type) {
    case WarninglistType::kCidr:
      return kind == Observable::kIpAddress;
    case WarninglistType::kHostname:
      return kind == Observable::kDomainName || kind == Observable::kUrl;
    default:
      return true;
  }
}

bool ParseType(std::string_view name, WarninglistType& type) {
  for (WarninglistType t :
       {WarninglistType::kString, WarninglistType::kHostname, WarninglistType::kCidr,
        WarninglistType::kSubstring, WarninglistType::kRegex}) {
    if (WarninglistTypeName(t) == name) {
      type = t;
      return true;
    }
  }
  return false;
}

absl::StatusOr<ParsedList> ParseDocument(std::string_view text, std::string_view file) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto error = parser.parse(text.data(), text.size(), true).get(root);
      error != simdjson::SUCCESS) {
    const util::JsonSyntaxError where = util::LocateJsonSyntaxError(text);
    if (where.message.empty()) {
      return absl::InvalidArgumentError(util::StrCat(file, ": ", simdjson::error_message(error)));
    }
    return absl::InvalidArgumentError(
        util::StrCat(file, ": line ", where.line, ", column ", where.column, ": ", where.message));
  }
  simdjson::dom::object object;
  if (root.get(object) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        util::StrCat(file, ": not a warninglist (a JSON object with \"name\" and \"list\")"));
  }
  ParsedList parsed;
  Warninglist& meta = parsed.meta;
  meta.file = std::string(file);
  std::string_view s;

  simdjson::dom::element name;
  if (object["name"].get(name) != simdjson::SUCCESS) return Invalid(file, "/name", "missing");
  if (name.get(s) != simdjson::SUCCESS) return Invalid(file, "/name", "not a string");
  if (s.empty()) return Invalid(file, "/name", "empty");
  meta.name = std::string(s);

  simdjson::dom::element element;
  if (object["description"].get(element) == simdjson::SUCCESS) {
    if (element.get(s) != simdjson::SUCCESS) return Invalid(file, "/description", "not a string");
    meta.description = std::string(s);
  }
  if (object["version"].get(element) == simdjson::SUCCESS) {
    int64_t version = 0;
    if (element.get(version) != simdjson::SUCCESS) {
      return Invalid(file, "/version", "not an integer");
    }
    meta.version = version;
  }
  if (object["type"].get(element) == simdjson::SUCCESS) {
    if (element.get(s) != simdjson::SUCCESS) return Invalid(file, "/type", "not a string");
    if (!ParseType(s, meta.type)) {
      return Invalid(
          file, "/type",
          util::StrCat("unknown type '", s, "' (string, hostname, cidr, substring or regex)"));
    }
  }
  bool have_attributes = false;
  if (object["matching_attributes"].get(element) == simdjson::SUCCESS) {
    simdjson::dom::array attributes;
    if (element.get(attributes) != simdjson::SUCCESS) {
      return Invalid(file, "/matching_attributes", "not an array");
    }
    have_attributes = true;
    size_t i = 0;
    for (simdjson::dom::element a : attributes) {
      if (a.get(s) != simdjson::SUCCESS) {
        return Invalid(file, util::StrCat("/matching_attributes/", i), "not a string");
      }
      meta.matching_attributes.emplace_back(s);
      ++i;
    }
  }
  simdjson::dom::element list_element;
  if (object["list"].get(list_element) != simdjson::SUCCESS) {
    return Invalid(file, "/list", "missing");
  }
  simdjson::dom::array list;
  if (list_element.get(list) != simdjson::SUCCESS) return Invalid(file, "/list", "not an array");
  size_t i = 0;
  for (simdjson::dom::element e : list) {
    if (e.get(s) != simdjson::SUCCESS) {
      return Invalid(file, util::StrCat("/list/", i), "not a string");
    }
    parsed.entries.emplace_back(s);
    ++i;
  }
  meta.entries = parsed.entries.size();

  std::vector<Observable> kinds;
  if (have_attributes) {
    for (const std::string& a : meta.matching_attributes) KindsOfAttribute(a, kinds);
  } else {
    for (size_t k = 0; k < kKinds; ++k) kinds.push_back(static_cast<Observable>(k));
  }
  for (size_t k = 0; k < kKinds; ++k) {
    const Observable kind = static_cast<Observable>(k);
    if (Suits(meta.type, kind) && std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
      meta.kinds.push_back(kind);
    }
  }
  return parsed;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A hostname entry: "example.com", ".example.com" or "*.example.com" all name example.com
// and the names below it.
bool HostnameKey(std::string_view entry, std::string& out) {
  if (entry.substr(0, 2) == "*.") entry.remove_prefix(2);
  if (!entry.empty() && entry.front() == '.') entry.remove_prefix(1);
  out.clear();
  return stix::NormaliseDomain(entry, out);
}

std::pair<uint64_t, uint64_t> V6Of(const stix::Ipv6Bytes& b) {
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = hi << 8 | b[i];
  for (int i = 8; i < 16; ++i) lo = lo << 8 | b[i];
  return {hi, lo};
}

// Groups sorted (key, list) pairs into `out`: one ref per key (a list number, or a run of
// list numbers in `multi`).
template <typename Key, typename Map>
void Lay(std::vector<std::pair<Key, uint32_t>>& pairs, std::vector<uint32_t>& multi,
         uint32_t multi_flag, Map& out) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  out.reserve(pairs.size());
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    while (j < pairs.size() && pairs[j].first == pairs[i].first) ++j;
    if (j - i == 1) {
      out.emplace(std::move(pairs[i].first), pairs[i].second);
    } else {
      const uint32_t at = static_cast<uint32_t>(multi.size());
      multi.push_back(static_cast<uint32_t>(j - i));
      for (size_t k = i; k < j; ++k) multi.push_back(pairs[k].second);
      out.emplace(std::move(pairs[i].first), at | multi_flag);
    }
    i = j;
  }
  pairs.clear();
}

}  // namespace

// Collects the entries of parsed lists, then lays out the tables of a Warninglists.
class WarninglistsBuilder {
 public:
  void Add(ParsedList parsed) {
    const uint32_t number = static_cast<uint32_t>(out_.lists_.size());
    Warninglist& meta = parsed.meta;
    std::string scratch;
    for (const std::string& raw : parsed.entries) {
      const std::string_view entry = TrimSpace(raw);
      bool used = false;
      std::shared_ptr<const re2::RE2> regex;
      for (Observable kind : meta.kinds) {
        used = AddEntry(meta.type, kind, entry, number, scratch, regex) || used;
      }
      if (!used) ++meta.skipped;
    }
    out_.lists_.push_back(std::make_unique<Warninglist>(std::move(meta)));
  }

  Warninglists Finish() {
    const uint32_t flag = Warninglists::kMulti;
    for (size_t k = 0; k < kKinds; ++k) {
      Lay(exact_[k], out_.multi_, flag, out_.exact_[k]);
      Lay(names_[k], out_.multi_, flag, out_.names_[k]);
    }
    std::sort(ipv4_.begin(), ipv4_.end(),
              [](const auto& a, const auto& b) { return a.first.first > b.first.first; });
    for (size_t i = 0; i < ipv4_.size();) {
      const uint8_t prefix = ipv4_[i].first.first;
      std::vector<std::pair<uint32_t, uint32_t>> pairs;
      for (; i < ipv4_.size() && ipv4_[i].first.first == prefix; ++i) {
        pairs.push_back({ipv4_[i].first.second, ipv4_[i].second});
      }
      out_.ipv4_.emplace_back(prefix, absl::flat_hash_map<uint32_t, uint32_t>());
      Lay(pairs, out_.multi_, flag, out_.ipv4_.back().second);
    }
    std::sort(ipv6_.begin(), ipv6_.end(),
              [](const auto& a, const auto& b) { return a.first.first > b.first.first; });
    for (size_t i = 0; i < ipv6_.size();) {
      const uint8_t prefix = ipv6_[i].first.first;
      std::vector<std::pair<Warninglists::V6, uint32_t>> pairs;
      for (; i < ipv6_.size() && ipv6_[i].first.first == prefix; ++i) {
        pairs.push_back({ipv6_[i].first.second, ipv6_[i].second});
      }
      out_.ipv6_.emplace_back(prefix, absl::flat_hash_map<Warninglists::V6, uint32_t>());
      Lay(pairs, out_.multi_, flag, out_.ipv6_.back().second);
    }
    return std::move(out_);
  }

 private:
  bool AddAddress(WarninglistType type, std::string_view entry, uint32_t number) {
    if (type == WarninglistType::kCidr) {
      if (auto v4 = stix::ParseIpv4Cidr(entry)) {
        ipv4_.push_back({{v4->prefix, v4->address}, number});
        return true;
      }
      if (auto v6 = stix::ParseIpv6Cidr(entry)) {
        ipv6_.push_back({{v6->prefix, V6Of(v6->address)}, number});
        return true;
      }
      return false;
    }
    if (auto v4 = stix::ParseIpv4(entry)) {
      ipv4_.push_back({{32, *v4}, number});
      return true;
    }
    if (auto v6 = stix::ParseIpv6(entry)) {
      ipv6_.push_back({{128, V6Of(*v6)}, number});
      return true;
    }
    return false;
  }

  bool AddEntry(WarninglistType type, Observable kind, std::string_view entry, uint32_t number,
                std::string& scratch, std::shared_ptr<const re2::RE2>& regex) {
    if (entry.empty()) return false;
    const size_t k = static_cast<size_t>(kind);
    switch (type) {
      case WarninglistType::kSubstring: {
        std::string lower(entry);
        for (char& c : lower) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
        out_.substrings_[k].emplace_back(std::move(lower), number);
        return true;
      }
      case WarninglistType::kRegex: {
        if (!regex) {
          RE2::Options options;
          options.set_log_errors(false);
          auto compiled = std::make_shared<const re2::RE2>(
              re2::StringPiece(entry.data(), entry.size()), options);
          if (!compiled->ok()) return false;
          regex = std::move(compiled);
        }
        out_.regexes_[k].emplace_back(regex, number);
        return true;
      }
      case WarninglistType::kCidr:
        return kind == Observable::kIpAddress && AddAddress(type, entry, number);
      case WarninglistType::kHostname:
        if (!HostnameKey(entry, scratch)) return false;
        names_[k].emplace_back(scratch, number);
        return true;
      case WarninglistType::kString:
        break;
    }
    if (kind == Observable::kIpAddress) return AddAddress(type, entry, number);
    if ((kind == Observable::kDomainName || kind == Observable::kUrl) && entry.front() == '.') {
      if (!HostnameKey(entry, scratch)) return false;
      names_[k].emplace_back(scratch, number);
      return true;
    }
    std::string_view key;
    if (!ObservableKey(kind, entry, scratch, key)) return false;
    exact_[k].emplace_back(std::string(key), number);
    return true;
  }

  Warninglists out_;
  std::array<std::vector<std::pair<std::string, uint32_t>>, kKinds> exact_, names_;
  std::vector<std::pair<std::pair<uint8_t, uint32_t>, uint32_t>> ipv4_;
  std::vector<std::pair<std::pair<uint8_t, Warninglists::V6>, uint32_t>> ipv6_;
};

absl::StatusOr<std::vector<std::string>> Warninglists::ListFiles(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return absl::NotFoundError(util::StrCat(path, ": no such file or folder"));
  }
  std::vector<std::string> files;
  if (!fs::is_directory(status)) {
    files.push_back(path);
    return files;
  }
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".json") {
      files.push_back(it->path().string());
    }
  }
  if (ec) return absl::UnavailableError(util::StrCat(path, ": ", ec.message()));
  std::sort(files.begin(), files.end());
  return files;
}

absl::StatusOr<Warninglists> Warninglists::Parse(std::string_view text, std::string_view file) {
  absl::StatusOr<ParsedList> parsed = ParseDocument(text, file);
  if (!parsed.ok()) return parsed.status();
  WarninglistsBuilder builder;
  builder.Add(std::move(*parsed));
  return builder.Finish();
}

absl::StatusOr<Warninglists> Warninglists::Load(const std::vector<std::string>& paths) {
  std::vector<ParsedList> parsed;
  for (const std::string& path : paths) {
    absl::StatusOr<std::vector<std::string>> files = ListFiles(path);
    if (!files.ok()) return files.status();
    for (const std::string& file : *files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) return absl::UnavailableError(util::StrCat(file, ": ", std::strerror(errno)));
      std::ostringstream text;
      text << in.rdbuf();
      if (in.bad()) return absl::UnavailableError(util::StrCat(file, ": cannot read"));
      absl::StatusOr<ParsedList> list = ParseDocument(text.str(), file);
      if (!list.ok()) return list.status();
      parsed.push_back(std::move(*list));
    }
  }
  WarninglistsBuilder builder;
  for (ParsedList& list : parsed) builder.Add(std::move(list));
  return builder.Finish();
}

}  // namespace kongsi::match
