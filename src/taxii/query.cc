// Query-string parsing. The `next` value is the decimal date_added (microseconds) of the last
// object returned: date_added is strictly increasing within a collection (store.h), so
// "everything added after it" is exactly the rest of the walk, whatever other clients add
// meanwhile. Clients treat it as opaque.
#include "taxii/query.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "stix/validate.h"
#include "util/status.h"
#include "util/strings.h"
#include "util/time.h"

namespace kongsi::taxii {
namespace {

absl::Status Bad(std::string_view param, std::string_view what) {
  return absl::InvalidArgumentError(util::StrCat(param, ": ", what));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<util::Timestamp> ParseTime(std::string_view param, std::string_view value) {
  auto parsed = util::ParseRfc3339(value);
  if (!parsed.ok()) {
    return Bad(param, util::StrCat("must be an RFC 3339 timestamp such as "
                                   "2026-01-31T12:00:00.000Z, got \"",
                                   value, "\""));
  }
  return parsed->micros;
}

// Splits a comma-separated value; empty items are an error.
absl::StatusOr<std::vector<std::string>> SplitValues(std::string_view param,
                                                     std::string_view value) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(util::AsAbsl(value), ',')) {
    if (item.empty()) return Bad(param, util::StrCat("empty value in \"", value, "\""));
    out.emplace_back(item);
  }
  return out;
}

bool IsSpecVersion(std::string_view v) {
  const size_t dot = v.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == v.size() || v.size() > 8) {
    return false;
  }
  return std::all_of(v.begin(), v.end(),
                     [&](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
         v.find('.', dot + 1) == std::string_view::npos;
}

struct Known {
  std::string_view name;
  uint32_t bit;
};
constexpr Known kKnown[] = {
    {"added_after", kAddedAfter},
    {"limit", kLimit},
    {"next", kNext},
    {"match[id]", kMatchId},
    {"match[type]", kMatchType},
    {"match[version]", kMatchVersion},
    {"match[spec_version]", kMatchSpecVersion},
};

}  // namespace

absl::StatusOr<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) {
      return absl::InvalidArgumentError(util::StrCat("truncated %-escape in \"", text, "\""));
    }
    const int hi = HexValue(text[i + 1]);
    const int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(util::StrCat("bad %-escape in \"", text, "\""));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

absl::StatusOr<Filters> ParseFilters(std::string_view query, uint32_t allowed) {
  Filters f;
  uint32_t seen = 0;
  for (absl::string_view pair : absl::StrSplit(util::AsAbsl(query), '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    KONGSI_ASSIGN_OR_RETURN(const std::string name, PercentDecode(util::AsStd(pair.substr(0, eq))));
    KONGSI_ASSIGN_OR_RETURN(
        const std::string value,
        PercentDecode(eq == absl::string_view::npos ? "" : util::AsStd(pair.substr(eq + 1))));
    const Known* known = nullptr;
    for (const Known& k : kKnown) {
      if (k.name == name) known = &k;
    }
    if (known == nullptr) {
      if (name.starts_with("match[")) {
        return Bad(name,
                   "this server filters on match[id], match[type], match[version] and "
                   "match[spec_version] only");
      }
      continue;  // other parameters are not TAXII's: ignored
    }
    if ((allowed & known->bit) == 0) return Bad(name, "not supported by this endpoint");
    if (value.empty()) return Bad(name, "empty value");
    const bool repeatable = known->bit >= kMatchId;
    if ((seen & known->bit) != 0 && !repeatable) return Bad(name, "given more than once");
    seen |= known->bit;
    switch (known->bit) {
      case kAddedAfter: {
        KONGSI_ASSIGN_OR_RETURN(f.added_after, ParseTime(name, value));
        break;
      }
      case kLimit: {
        uint64_t n = 0;
        if (!absl::SimpleAtoi(value, &n) || n == 0 ||
            value.find_first_not_of("0123456789") != std::string::npos) {
          return Bad(name, util::StrCat("must be a positive integer, got \"", value, "\""));
        }
        f.limit = static_cast<size_t>(std::min<uint64_t>(n, SIZE_MAX));
        break;
      }
      case kNext: {
        int64_t n = 0;
        if (!absl::SimpleAtoi(value, &n) || n < 0 ||
            value.find_first_not_of("0123456789") != std::string::npos) {
          return Bad(name, util::StrCat("not a value this server gave out: \"", value, "\""));
        }
        f.next = n;
        break;
      }
      case kMatchId: {
        KONGSI_ASSIGN_OR_RETURN(auto ids, SplitValues(name, value));
        for (const std::string& id : ids) {
          if (const std::string why = stix::CheckIdentifier(id); !why.empty()) {
            return Bad(name, util::StrCat("\"", id, "\": ", why));
          }
          f.ids.push_back(id);
        }
        break;
      }
      case kMatchType: {
        KONGSI_ASSIGN_OR_RETURN(auto types, SplitValues(name, value));
        for (const std::string& type : types) {
          if (const std::string why = stix::CheckTypeName(type); !why.empty()) {
            return Bad(name, util::StrCat("\"", type, "\": ", why));
          }
          f.types.push_back(type);
        }
        break;
      }
      case kMatchSpecVersion: {
        KONGSI_ASSIGN_OR_RETURN(auto versions, SplitValues(name, value));
        for (const std::string& v : versions) {
          if (!IsSpecVersion(v)) {
            return Bad(name, util::StrCat("\"", v, "\" is not a STIX version such as 2.1"));
          }
          f.spec_versions.push_back(v);
        }
        break;
      }
      case kMatchVersion: {
        KONGSI_ASSIGN_OR_RETURN(auto versions, SplitValues(name, value));
        for (const std::string& v : versions) {
          if (v == "first") {
            f.version_selects.push_back(store::VersionSelect::kFirst);
          } else if (v == "last") {
            f.version_selects.push_back(store::VersionSelect::kLast);
          } else if (v == "all") {
            f.version_selects.push_back(store::VersionSelect::kAll);
          } else {
            auto t = util::ParseRfc3339(v);
            if (!t.ok()) {
              return Bad(name, util::StrCat("\"", v,
                                            "\" is neither first, last, all nor an RFC 3339 "
                                            "timestamp"));
            }
            f.exact_versions.push_back(t->micros);
          }
        }
        break;
      }
    }
  }
  return f;
}

std::string MakeNext(util::Timestamp date_added) { return std::to_string(date_added); }

store::ObjectQuery ToObjectQuery(const Filters& f, std::string collection_id,
                                 store::VersionSelect default_versions, size_t limit) {
  store::ObjectQuery q;
  q.collection_id = std::move(collection_id);
  q.ids = f.ids;
  q.types = f.types;
  q.spec_versions = f.spec_versions;
  q.exact_versions = f.exact_versions;
  if (f.version_selects.empty() && f.exact_versions.empty()) {
    q.versions = default_versions;
  } else if (f.exact_versions.empty()) {
    q.versions = f.version_selects.front();
    q.also_versions.assign(f.version_selects.begin() + 1, f.version_selects.end());
  } else {
    q.also_versions = f.version_selects;
  }
  // added_after and next both mean "strictly after"; the later one wins.
  if (f.added_after || f.next) {
    q.added_after = std::max(f.added_after.value_or(INT64_MIN), f.next.value_or(INT64_MIN));
  }
  q.limit = limit;
  return q;
}

}  // namespace kongsi::taxii
