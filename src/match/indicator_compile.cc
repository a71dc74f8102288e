// From a parsed STIX pattern to exact index keys (rules in indicator_compile.h).
#include "match/indicator_compile.h"

#include <cstring>

#include "match/observable_key.h"
#include "stix/normalize.h"
#include "util/strings.h"

namespace kongsi::match {
namespace {

namespace pt = stix::pattern;

struct PathKind {
  std::string_view path;  // ObjectPath::ToString() form
  Observable kind;
};

constexpr PathKind kPathKinds[] = {
    {"ipv4-addr:value", Observable::kIpAddress},
    {"ipv6-addr:value", Observable::kIpAddress},
    {"domain-name:value", Observable::kDomainName},
    {"url:value", Observable::kUrl},
    {"email-addr:value", Observable::kEmailAddress},
    {"mac-addr:value", Observable::kMacAddress},
    {"file:name", Observable::kFileName},
    {"x509-certificate:hashes.'SHA-1'", Observable::kX509Sha1},
    {"x509-certificate:hashes.'SHA-256'", Observable::kX509Sha256},
    {"x509-certificate:serial_number", Observable::kX509Serial},
    {"network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'",
     Observable::kUserAgent},
    {"x-ja3:value", Observable::kJa3},
    {"x-ja3s:value", Observable::kJa3s},
    {"x-ja4:value", Observable::kJa4},
};

// Digest length in bytes for a hashes key ("MD5", "SHA-256", ...); 0 when unknown.
size_t DigestBytes(std::string_view algorithm) {
  std::string upper;
  for (char c : algorithm) {
    if (c == '-' || c == '_') continue;
    upper.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  }
  if (upper == "MD5") return 16;
  if (upper == "SHA1") return 20;
  if (upper == "SHA256") return 32;
  if (upper == "SHA512") return 64;
  return 0;
}

bool IsFileHashPath(const pt::ObjectPath& path, size_t& digest_bytes) {
  if (path.object_type != "file" && path.object_type != "artifact") return false;
  if (path.steps.size() != 2 || path.steps[0].kind != pt::PathStep::Kind::kProperty ||
      path.steps[0].name != "hashes" || path.steps[1].kind != pt::PathStep::Kind::kProperty) {
    return false;
  }
  digest_bytes = DigestBytes(path.steps[1].name);
  return digest_bytes != 0;
}

class Compiler {
 public:
  CompiledPattern Run(const pt::Pattern& pattern) {
    CompiledPattern out;
    if (Observation(pattern.root)) {
      out.exact = invalid_.empty();
      if (out.exact) out.keys = std::move(keys_);
    } else {
      out.general_reason = std::move(general_);
    }
    out.invalid_reason = std::move(invalid_);
    return out;
  }

 private:
  bool General(std::string reason) {
    if (general_.empty()) general_ = std::move(reason);
    return false;
  }

  bool Observation(const pt::ObservationExpr& expr) {
    if (!expr.qualifiers.empty()) return General("a qualifier (WITHIN, REPEATS, START/STOP)");
    switch (expr.kind) {
      case pt::ObservationExpr::Kind::kObservation:
        return Comparisons(expr.comparison);
      case pt::ObservationExpr::Kind::kOr:
        for (const auto& child : expr.children) {
          if (!Observation(child)) return false;
        }
        return true;
      case pt::ObservationExpr::Kind::kAnd:
        return General("AND between observations");
      case pt::ObservationExpr::Kind::kFollowedBy:
        return General("FOLLOWEDBY");
    }
    return false;
  }

  bool Comparisons(const pt::ComparisonExpr& expr) {
    switch (expr.kind) {
      case pt::ComparisonExpr::Kind::kComparison:
        return Comparison(expr.comparison);
      case pt::ComparisonExpr::Kind::kOr:
        for (const auto& child : expr.children) {
          if (!Comparisons(child)) return false;
        }
        return true;
      case pt::ComparisonExpr::Kind::kAnd:
        return General("AND between comparisons");
    }
    return false;
  }

  bool Comparison(const pt::Comparison& c) {
    if (c.negated) return General("NOT");
    Observable kind;
    size_t digest_bytes = 0;
    const bool file_hash = IsFileHashPath(c.path, digest_bytes);
    if (file_hash) {
      kind = Observable::kFileHash;
    } else if (!ObservableKindOf(c.path, kind)) {
      return General(util::StrCat("the object path ", c.path.ToString()));
    }
    switch (c.op) {
      case pt::Operator::kEqual:
      case pt::Operator::kIn:
        for (const auto& literal : c.values) {
          if (literal.kind != pt::LiteralKind::kString) {
            return General(util::StrCat("a non-string value for ", c.path.ToString()));
          }
          if (!AddEqual(kind, literal.text, digest_bytes, c.path)) return false;
        }
        return true;
      case pt::Operator::kIsSubset:
        if (kind != Observable::kIpAddress || c.values.size() != 1) {
          return General("ISSUBSET on a path that is not an IP address");
        }
        return AddIp(c.values[0].text, c.path);
      case pt::Operator::kLike:
        if (kind == Observable::kDomainName && c.values.size() == 1)
          return AddLike(c.values[0].text);
        return General(util::StrCat("LIKE on ", c.path.ToString()));
      default:
        return General(util::StrCat("the operator ", pt::OperatorName(c.op)));
    }
  }

  bool AddIp(std::string_view text, const pt::ObjectPath& path) {
    const bool v6_path = path.object_type == "ipv6-addr";
    if (!v6_path) {
      if (auto cidr = stix::ParseIpv4Cidr(text)) {
        ExactKey key{Observable::kIpAddress, KeyMatch::kEqual, std::string(4, '\0'), 32};
        for (int i = 0; i < 4; ++i) key.key[i] = static_cast<char>(cidr->address >> (24 - 8 * i));
        if (cidr->prefix < 32) {
          key.match = KeyMatch::kCidr;
          key.prefix = cidr->prefix;
        }
        keys_.push_back(std::move(key));
        return true;
      }
    } else if (auto cidr = stix::ParseIpv6Cidr(text)) {
      ExactKey key{Observable::kIpAddress, KeyMatch::kEqual,
                   std::string(reinterpret_cast<const char*>(cidr->address.data()), 16), 128};
      if (cidr->prefix < 128) {
        key.match = KeyMatch::kCidr;
        key.prefix = cidr->prefix;
      }
      keys_.push_back(std::move(key));
      return true;
    }
    Invalid(util::StrCat("'", text, "' is not a valid ", path.object_type, " value"));
    return true;
  }

  bool AddEqual(Observable kind, std::string_view text, size_t digest_bytes,
                const pt::ObjectPath& path) {
    if (kind == Observable::kIpAddress) return AddIp(text, path);
    std::string scratch;
    std::string_view key;
    if (!ObservableKey(kind, text, scratch, key) ||
        (digest_bytes != 0 && key.size() != digest_bytes)) {
      Invalid(util::StrCat("'", text, "' is not a valid value for ", path.ToString()));
      return true;
    }
    keys_.push_back(ExactKey{kind, KeyMatch::kEqual, std::string(key), 0});
    return true;
  }

  bool AddLike(std::string_view like) {
    // Only "%.example.com": every strict subdomain. Other wildcards need the evaluator.
    if (like.size() < 3 || like.substr(0, 2) != "%." ||
        like.substr(2).find_first_of("%_") != std::string_view::npos) {
      return General("a LIKE other than '%.domain'");
    }
    std::string scratch;
    std::string_view key;
    if (!ObservableKey(Observable::kDomainName, like.substr(2), scratch, key)) {
      Invalid(util::StrCat("'", like, "' does not end in a domain name"));
      return true;
    }
    keys_.push_back(ExactKey{Observable::kDomainName, KeyMatch::kSubdomains, std::string(key), 0});
    return true;
  }

  void Invalid(std::string reason) {
    if (invalid_.empty()) invalid_ = std::move(reason);
  }

  std::vector<ExactKey> keys_;
  std::string general_;
  std::string invalid_;
};

}  // namespace

bool ObservableKindOf(const pt::ObjectPath& path, Observable& kind) {
  const std::string spelled = path.ToString();
  for (const auto& entry : kPathKinds) {
    if (entry.path == spelled) {
      kind = entry.kind;
      return true;
    }
  }
  size_t digest_bytes;
  if (IsFileHashPath(path, digest_bytes)) {
    kind = Observable::kFileHash;
    return true;
  }
  return false;
}

CompiledPattern CompileForIndex(const pt::Pattern& pattern) { return Compiler().Run(pattern); }

}  // namespace kongsi::match
