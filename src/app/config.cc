// Configuration parsing with toml++ (exceptions are caught here, at the edge).
#include "app/config.h"

#include <stdexcept>

// toml++ 3.3 (Debian 12) has internal assertions that malformed input can reach (e.g. a
// table header "[}x]"); with NDEBUG they become optimiser assumptions (undefined behaviour),
// without it an abort. In this unit they are checks that throw instead, caught below like a
// parse error, so a bad configuration file is reported, never a crash. toml++ is header-only
// and included by this file alone.
namespace kongsi::app::detail {
struct TomlAssertion : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace kongsi::app::detail
#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : throw ::kongsi::app::detail::TomlAssertion(#expr))
// Assertions inside toml++'s noexcept accessors (never reached from parsing) would still end
// the process; GCC says so for each of them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wterminate"
#include <toml++/toml.h>
#pragma GCC diagnostic pop
#pragma pop_macro("NDEBUG")

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "stix/tlp.h"
#include "util/json_string.h"
#include "util/status.h"
#include "util/strings.h"
#include "util/uuid.h"

namespace kongsi::app {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  absl::Status Error(const toml::node* node, std::string_view key, std::string_view what) const {
    std::string where(file_);
    if (node != nullptr && node->source().begin) {
      where = util::StrCat(where, ":", node->source().begin.line, ":", node->source().begin.column);
    }
    return absl::InvalidArgumentError(util::StrCat(where, ": ", key, ": ", what));
  }

  // Every key of `table` must be in `known`.
  absl::Status OnlyKnown(const toml::table& table, std::string_view prefix,
                         std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : table) {
      bool ok = false;
      for (std::string_view k : known) ok = ok || key.str() == k;
      if (!ok) {
        std::string list;
        for (std::string_view k : known) list = util::StrCat(list, list.empty() ? "" : ", ", k);
        (void)value;
        return absl::InvalidArgumentError(
            util::StrCat(file_, ":", key.source().begin.line, ":", key.source().begin.column, ": ",
                         prefix, key.str(), ": unknown key (known: ", list, ")"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status String(const toml::table& t, std::string_view prefix, std::string_view key,
                      std::string& out) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) return absl::OkStatus();
    if (!node->is_string()) return Error(node, util::StrCat(prefix, key), "must be a string");
    out = node->as_string()->get();
    return absl::OkStatus();
  }

  absl::Status Size(const toml::table& t, std::string_view prefix, std::string_view key,
                    size_t& out, int64_t min) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) return absl::OkStatus();
    if (!node->is_integer() || node->as_integer()->get() < min) {
      return Error(node, util::StrCat(prefix, key), util::StrCat("must be an integer >= ", min));
    }
    out = static_cast<size_t>(node->as_integer()->get());
    return absl::OkStatus();
  }

  absl::Status Duration(const toml::table& t, std::string_view prefix, std::string_view key,
                        std::chrono::milliseconds& out) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) return absl::OkStatus();
    if (!node->is_string()) {
      return Error(node, util::StrCat(prefix, key), "must be a duration string such as \"30s\"");
    }
    auto d = ParseDuration(node->as_string()->get());
    if (!d.ok()) return Error(node, util::StrCat(prefix, key), util::AsStd(d.status().message()));
    out = *d;
    return absl::OkStatus();
  }

  absl::Status Bool(const toml::table& t, std::string_view prefix, std::string_view key,
                    bool& out) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) return absl::OkStatus();
    if (!node->is_boolean()) return Error(node, util::StrCat(prefix, key), "must be true or false");
    out = node->as_boolean()->get();
    return absl::OkStatus();
  }

  absl::Status Tlp(const toml::table& t, std::string_view prefix, std::string_view key,
                   stix::Tlp& out) const {
    std::string text;
    KONGSI_RETURN_IF_ERROR(String(t, prefix, key, text));
    if (text.empty()) return absl::OkStatus();
    auto tlp = stix::ParseTlpName(text);
    if (!tlp || *tlp == stix::Tlp::kNone) {
      return Error(t.get(key), util::StrCat(prefix, key),
                   util::StrCat("\"", text,
                                "\" is not a TLP level (clear, green, amber, amber+strict, red)"));
    }
    out = *tlp;
    return absl::OkStatus();
  }

  // A TOML date (midnight UTC), offset date-time, or RFC 3339 string.
  absl::Status Instant(const toml::table& t, std::string_view prefix, std::string_view key,
                       std::optional<util::Timestamp>& out) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) return absl::OkStatus();
    std::string text;
    if (const auto* date = node->as_date()) {
      text = absl::StrFormat("%04d-%02d-%02dT00:00:00Z", date->get().year, date->get().month,
                             date->get().day);
    } else if (const auto* dt = node->as_date_time()) {
      const toml::date_time& v = dt->get();
      if (!v.offset) {
        return Error(node, util::StrCat(prefix, key),
                     "a date-time needs a time zone (Z or +hh:mm)");
      }
      const int offset = v.offset->minutes;
      text = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d.%09d%c%02d:%02d", v.date.year,
                             v.date.month, v.date.day, v.time.hour, v.time.minute, v.time.second,
                             v.time.nanosecond, offset < 0 ? '-' : '+', std::abs(offset) / 60,
                             std::abs(offset) % 60);
    } else if (node->is_string()) {
      text = node->as_string()->get();
      if (text.size() == 10) text += "T00:00:00Z";
    } else {
      return Error(node, util::StrCat(prefix, key), "must be a date (2027-06-30) or date-time");
    }
    auto parsed = util::ParseRfc3339(text);
    if (!parsed.ok()) {
      return Error(node, util::StrCat(prefix, key), util::AsStd(parsed.status().message()));
    }
    out = parsed->micros;
    return absl::OkStatus();
  }

  policy::SourceLocation Where(const toml::node& node) const {
    return {file_, static_cast<int>(node.source().begin.line),
            static_cast<int>(node.source().begin.column)};
  }

  absl::Status StringList(const toml::table& t, std::string_view prefix, std::string_view key,
                          std::vector<std::string>& out) const {
    const toml::node* node = t.get(key);
    if (node == nullptr) return absl::OkStatus();
    const toml::array* array = node->as_array();
    if (array == nullptr)
      return Error(node, util::StrCat(prefix, key), "must be a list of strings");
    out.clear();
    for (const toml::node& item : *array) {
      if (!item.is_string())
        return Error(&item, util::StrCat(prefix, key), "must be a list of strings");
      out.push_back(item.as_string()->get());
    }
    return absl::OkStatus();
  }

 private:
  std::string file_;
};

absl::Status ParseServer(const Reader& r, const toml::table& t, ServeConfig& config) {
  constexpr std::string_view p = "server.";
  KONGSI_RETURN_IF_ERROR(
      r.OnlyKnown(t, p,
                  {"listen", "threads", "max_content_length", "max_header_bytes", "request_timeout",
                   "idle_timeout", "shutdown_grace", "max_connections", "access_log", "tls_cert",
                   "tls_key", "public_url", "page_cache_mb"}));
  http::ServerOptions& s = config.server;
  std::string listen;
  KONGSI_RETURN_IF_ERROR(r.String(t, p, "listen", listen));
  if (!listen.empty()) {
    if (absl::Status st = ParseListen(listen, s); !st.ok()) {
      return r.Error(t.get("listen"), "server.listen", util::AsStd(st.message()));
    }
  }
  size_t threads = 0;
  KONGSI_RETURN_IF_ERROR(r.Size(t, p, "threads", threads, 0));
  s.threads = static_cast<int>(std::min<size_t>(threads, 256));
  KONGSI_RETURN_IF_ERROR(r.Size(t, p, "max_content_length", s.max_body_bytes, 1024));
  KONGSI_RETURN_IF_ERROR(r.Size(t, p, "max_header_bytes", s.max_header_bytes, 1024));
  KONGSI_RETURN_IF_ERROR(r.Duration(t, p, "request_timeout", s.request_timeout));
  KONGSI_RETURN_IF_ERROR(r.Duration(t, p, "idle_timeout", s.idle_timeout));
  KONGSI_RETURN_IF_ERROR(r.Duration(t, p, "shutdown_grace", s.shutdown_grace));
  KONGSI_RETURN_IF_ERROR(r.Size(t, p, "max_connections", s.max_connections, 1));
  KONGSI_RETURN_IF_ERROR(r.String(t, p, "access_log", s.access_log));
  KONGSI_RETURN_IF_ERROR(r.String(t, p, "tls_cert", s.tls_cert_file));
  KONGSI_RETURN_IF_ERROR(r.String(t, p, "tls_key", s.tls_key_file));
  if (s.tls_cert_file.empty() != s.tls_key_file.empty()) {
    return r.Error(&t, "server.tls_cert/tls_key", "set both (HTTPS) or neither (HTTP)");
  }
  KONGSI_RETURN_IF_ERROR(r.String(t, p, "public_url", config.taxii.public_url));
  size_t cache_mb = config.page_cache_bytes >> 20;
  KONGSI_RETURN_IF_ERROR(r.Size(t, p, "page_cache_mb", cache_mb, 0));
  config.page_cache_bytes = std::min<size_t>(cache_mb, 1 << 20) << 20;
  return absl::OkStatus();
}

absl::Status ParseTaxii(const Reader& r, const toml::table& t, ServeConfig& config) {
  constexpr std::string_view p = "taxii.";
  KONGSI_RETURN_IF_ERROR(
      r.OnlyKnown(t, p, {"title", "description", "contact", "max_page_size", "api_root"}));
  taxii::ServiceConfig& c = config.taxii;
  KONGSI_RETURN_IF_ERROR(r.String(t, p, "title", c.title));
  KONGSI_RETURN_IF_ERROR(r.String(t, p, "description", c.description));
  KONGSI_RETURN_IF_ERROR(r.String(t, p, "contact", c.contact));
  KONGSI_RETURN_IF_ERROR(r.Size(t, p, "max_page_size", c.max_page_size, 1));
  if (const toml::node* roots = t.get("api_root")) {
    const toml::array* array = roots->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      return r.Error(roots, "taxii.api_root", "must be [[taxii.api_root]] tables");
    }
    c.api_roots.clear();
    std::set<std::string> names;
    for (const toml::node& node : *array) {
      const toml::table& root = *node.as_table();
      constexpr std::string_view rp = "taxii.api_root.";
      KONGSI_RETURN_IF_ERROR(r.OnlyKnown(
          root, rp, {"name", "title", "description", "collections", "max_content_length"}));
      taxii::ApiRootConfig a;
      a.max_content_length = config.server.max_body_bytes;
      KONGSI_RETURN_IF_ERROR(r.String(root, rp, "name", a.name));
      KONGSI_RETURN_IF_ERROR(r.String(root, rp, "title", a.title));
      KONGSI_RETURN_IF_ERROR(r.String(root, rp, "description", a.description));
      KONGSI_RETURN_IF_ERROR(r.StringList(root, rp, "collections", a.collections));
      KONGSI_RETURN_IF_ERROR(r.Size(root, rp, "max_content_length", a.max_content_length, 1024));
      const bool name_ok =
          !a.name.empty() && a.name != "taxii2" && a.name.size() <= 64 &&
          a.name.find_first_not_of(
              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
              std::string::npos;
      if (!name_ok) {
        return r.Error(&node, "taxii.api_root.name",
                       "needs a name of letters, digits, '.', '_' or '-' (not \"taxii2\")");
      }
      if (!names.insert(a.name).second) {
        return r.Error(&node, "taxii.api_root.name", util::StrCat("\"", a.name, "\" used twice"));
      }
      if (a.max_content_length > config.server.max_body_bytes) {
        return r.Error(&node, "taxii.api_root.max_content_length",
                       "must not exceed server.max_content_length");
      }
      c.api_roots.push_back(std::move(a));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseCollections(const Reader& r, const toml::node& node, ServeConfig& config) {
  const toml::array* array = node.as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    return r.Error(&node, "collection", "must be [[collection]] tables");
  }
  for (const toml::node& item : *array) {
    const toml::table& t = *item.as_table();
    constexpr std::string_view p = "collection.";
    KONGSI_RETURN_IF_ERROR(r.OnlyKnown(t, p, {"id", "title", "description", "alias"}));
    store::Collection c;
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "id", c.id));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "title", c.title));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "description", c.description));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "alias", c.alias));
    if (!util::ParseUuid(c.id)) return r.Error(&item, "collection.id", "must be a UUID");
    if (c.title.empty()) return r.Error(&item, "collection.title", "must not be empty");
    config.collections.push_back(std::move(c));
  }
  return absl::OkStatus();
}

// An array of tables `[[name]]`, each passed to `each`.
absl::Status ForEachTable(const Reader& r, const toml::table& root, std::string_view name,
                          const std::function<absl::Status(const toml::table&)>& each) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return absl::OkStatus();
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    return r.Error(node, name, util::StrCat("must be [[", name, "]] tables"));
  }
  for (const toml::node& item : *array) KONGSI_RETURN_IF_ERROR(each(*item.as_table()));
  return absl::OkStatus();
}

absl::Status RequireName(const Reader& r, const toml::table& t, std::string_view prefix,
                         const std::string& name) {
  if (name.empty()) return r.Error(&t, util::StrCat(prefix, "name"), "must be set");
  return absl::OkStatus();
}

// The policy tables of one TOML document (kongsi.toml, or the file it includes).
absl::Status ParsePolicyTables(const Reader& r, const toml::table& root, policy::PolicySpec& spec) {
  if (const toml::node* node = root.get("policy")) {
    if (!node->is_table()) return r.Error(node, "policy", "must be a table");
    const toml::table& t = *node->as_table();
    constexpr std::string_view p = "policy.";
    KONGSI_RETURN_IF_ERROR(
        r.OnlyKnown(t, p, {"include", "organisation", "default_tlp", "drop_properties"}));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "organisation", spec.node_organisation));
    KONGSI_RETURN_IF_ERROR(r.Tlp(t, p, "default_tlp", spec.default_tlp));
    KONGSI_RETURN_IF_ERROR(r.StringList(t, p, "drop_properties", spec.drop_properties));
  }
  KONGSI_RETURN_IF_ERROR(ForEachTable(r, root, "organisation", [&](const toml::table& t) {
    constexpr std::string_view p = "organisation.";
    KONGSI_RETURN_IF_ERROR(r.OnlyKnown(t, p, {"name", "identity", "description"}));
    policy::OrganisationSpec o;
    o.where = r.Where(t);
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "name", o.name));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "identity", o.identity));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "description", o.description));
    KONGSI_RETURN_IF_ERROR(RequireName(r, t, p, o.name));
    spec.organisations.push_back(std::move(o));
    return absl::OkStatus();
  }));
  KONGSI_RETURN_IF_ERROR(ForEachTable(r, root, "principal", [&](const toml::table& t) {
    constexpr std::string_view p = "principal.";
    KONGSI_RETURN_IF_ERROR(r.OnlyKnown(t, p, {"name", "organisation", "kind"}));
    policy::PrincipalSpec principal;
    principal.where = r.Where(t);
    std::string kind = "user";
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "name", principal.name));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "organisation", principal.organisation));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "kind", kind));
    KONGSI_RETURN_IF_ERROR(RequireName(r, t, p, principal.name));
    if (kind == "peer") {
      principal.kind = policy::PrincipalKind::kPeer;
    } else if (kind != "user") {
      return r.Error(t.get("kind"), "principal.kind", "must be \"user\" or \"peer\"");
    }
    spec.principals.push_back(std::move(principal));
    return absl::OkStatus();
  }));
  KONGSI_RETURN_IF_ERROR(ForEachTable(r, root, "community", [&](const toml::table& t) {
    constexpr std::string_view p = "community.";
    KONGSI_RETURN_IF_ERROR(r.OnlyKnown(t, p, {"name", "members", "description"}));
    policy::CommunitySpec c;
    c.where = r.Where(t);
    std::string description;
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "name", c.name));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "description", description));
    KONGSI_RETURN_IF_ERROR(r.StringList(t, p, "members", c.members));
    KONGSI_RETURN_IF_ERROR(RequireName(r, t, p, c.name));
    spec.communities.push_back(std::move(c));
    return absl::OkStatus();
  }));
  return ForEachTable(r, root, "agreement", [&](const toml::table& t) {
    constexpr std::string_view p = "agreement.";
    KONGSI_RETURN_IF_ERROR(r.OnlyKnown(
        t, p,
        {"name", "with", "collections", "max_tlp", "drop_properties", "replace_created_by",
         "strip_reference_hosts", "sightings", "expires", "description"}));
    policy::AgreementSpec a;
    a.where = r.Where(t);
    std::string description;
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "name", a.name));
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "description", description));
    KONGSI_RETURN_IF_ERROR(r.StringList(t, p, "with", a.with));
    KONGSI_RETURN_IF_ERROR(r.StringList(t, p, "collections", a.collections));
    KONGSI_RETURN_IF_ERROR(r.Tlp(t, p, "max_tlp", a.max_tlp));
    KONGSI_RETURN_IF_ERROR(r.StringList(t, p, "drop_properties", a.drop_properties));
    KONGSI_RETURN_IF_ERROR(r.StringList(t, p, "replace_created_by", a.replace_created_by));
    KONGSI_RETURN_IF_ERROR(r.StringList(t, p, "strip_reference_hosts", a.strip_reference_hosts));
    KONGSI_RETURN_IF_ERROR(r.Bool(t, p, "sightings", a.sightings));
    KONGSI_RETURN_IF_ERROR(r.Instant(t, p, "expires", a.expires));
    KONGSI_RETURN_IF_ERROR(RequireName(r, t, p, a.name));
    spec.agreements.push_back(std::move(a));
    return absl::OkStatus();
  });
}

bool HasPolicyTables(const toml::table& root) {
  for (std::string_view key : {"policy", "organisation", "principal", "community", "agreement"}) {
    if (root.contains(key)) return true;
  }
  return false;
}

// toml++ 3.3 reaches undefined behaviour (an "unreachable" branch of its Unicode whitespace
// table) for some non-ASCII characters it reads outside strings, including while it looks
// ahead over malformed input. So toml++ is only ever given ASCII: non-ASCII text in
// double-quoted strings becomes \u / \U escapes (the same value), in comments '?', and is
// refused anywhere else (literal '...' strings included: use a double-quoted string).
absl::StatusOr<std::string> AsciiForToml(std::string_view text, std::string_view name) {
  constexpr std::string_view kMultiBasic = "\"\"\"";
  constexpr std::string_view kMultiLiteral = "'''";
  std::string out;
  out.reserve(text.size());
  size_t line = 1, column = 0;
  auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(util::StrCat(name, ":", line, ":", column, ": ", what));
  };
  enum class In { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral } in = In::kCode;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      if (in == In::kComment || in == In::kBasic || in == In::kLiteral) in = In::kCode;
      out += c;
      continue;
    }
    if (byte >= 0x80) {
      if (in == In::kComment) {
        out += '?';
        continue;
      }
      if (in != In::kBasic && in != In::kMultiBasic) {
        return bad(in == In::kCode ? "non-ASCII character outside a quoted string or comment"
                                   : "non-ASCII text in a '...' string: use a \"...\" string");
      }
      // One UTF-8 sequence to one escape.
      const size_t length = util::Utf8SequenceLength(text, i);
      if (length == 0) return bad("invalid UTF-8");
      uint32_t code = byte & (0x7F >> length);
      for (size_t k = 1; k < length; ++k) {
        code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
      }
      if (code <= 0xFFFF) {
        absl::StrAppendFormat(&out, "\\u%04X", code);
      } else {
        absl::StrAppendFormat(&out, "\\U%08X", code);
      }
      i += length - 1;
      continue;
    }
    out += c;
    const std::string_view rest = text.substr(i);
    switch (in) {
      case In::kCode:
        if (c == '#') {
          in = In::kComment;
        } else if (rest.starts_with(kMultiBasic)) {
          in = In::kMultiBasic;
          out += "\"\"";
          i += 2;
        } else if (rest.starts_with(kMultiLiteral)) {
          in = In::kMultiLiteral;
          out += "''";
          i += 2;
        } else if (c == '"') {
          in = In::kBasic;
        } else if (c == '\'') {
          in = In::kLiteral;
        }
        break;
      case In::kComment:
        break;
      case In::kBasic:
      case In::kMultiBasic:
        if (c == '\\') {
          // The escaped character is copied as is (a backslash before a non-ASCII one is an
          // invalid escape: refused).
          if (i + 1 < text.size()) {
            if (static_cast<unsigned char>(text[i + 1]) >= 0x80) return bad("invalid escape");
            out += text[i + 1];
            if (text[i + 1] == '\n') {
              ++line;
              column = 0;
            }
            ++i;
          }
        } else if (in == In::kBasic && c == '"') {
          in = In::kCode;
        } else if (in == In::kMultiBasic && rest.starts_with(kMultiBasic)) {
          in = In::kCode;
          out += "\"\"";
          i += 2;
        }
        break;
      case In::kLiteral:
        if (c == '\'') in = In::kCode;
        break;
      case In::kMultiLiteral:
        if (rest.starts_with(kMultiLiteral)) {
          in = In::kCode;
          out += "''";
          i += 2;
        }
        break;
    }
  }
  return out;
}

}  // namespace

ServeConfig DefaultServeConfig() {
  ServeConfig config;
  config.server.address = "127.0.0.1";
  config.server.port = 9440;
  taxii::ApiRootConfig root;
  root.name = "api1";
  root.title = "kongsi";
  root.max_content_length = config.server.max_body_bytes;
  config.taxii.api_roots.push_back(root);
  return config;
}

absl::Status ParseListen(std::string_view listen, http::ServerOptions& out) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        util::StrCat("\"", listen, "\" is not ADDRESS:PORT (e.g. 127.0.0.1:9440)"));
  }
  std::string_view address = listen.substr(0, colon);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  uint32_t port = 0;
  if (!absl::SimpleAtoi(util::AsAbsl(listen.substr(colon + 1)), &port) || port > 65535) {
    return absl::InvalidArgumentError(
        util::StrCat("\"", listen, "\": the port must be a number from 0 to 65535"));
  }
  out.address = std::string(address);
  out.port = static_cast<uint16_t>(port);
  return absl::OkStatus();
}

absl::StatusOr<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  uint64_t n = 0;
  if (digits == 0 || digits > 12 || !absl::SimpleAtoi(util::AsAbsl(text.substr(0, digits)), &n)) {
    return absl::InvalidArgumentError(
        util::StrCat("\"", text, "\" is not a duration such as 500ms, 30s, 5m or 1h"));
  }
  const std::string_view unit = text.substr(digits);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "s") return std::chrono::milliseconds(n * 1000);
  if (unit == "m") return std::chrono::milliseconds(n * 60'000);
  if (unit == "h") return std::chrono::milliseconds(n * 3'600'000);
  return absl::InvalidArgumentError(
      util::StrCat("\"", text, "\" is not a duration such as 500ms, 30s, 5m or 1h"));
}

namespace {

absl::StatusOr<toml::table> ParseToml(std::string_view text, std::string_view name) {
  KONGSI_ASSIGN_OR_RETURN(const std::string ascii, AsciiForToml(text, name));
  try {
    return toml::parse(ascii, std::string(name));
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(util::StrCat(name, ":", e.source().begin.line, ":",
                                                   e.source().begin.column, ": ",
                                                   std::string(e.description())));
  } catch (const detail::TomlAssertion&) {
    return absl::InvalidArgumentError(
        util::StrCat(name, ": not valid TOML (check the table headers and keys)"));
  }
}

// Configuration files are small; the cap keeps a mistaken path (a device, a log) from being
// read without end.
constexpr size_t kMaxConfigBytes = 16 << 20;

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(util::StrCat("cannot read ", what, " ", path));
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    return absl::InvalidArgumentError(
        util::StrCat(path, ": larger than ", kMaxConfigBytes >> 20, " MiB: not a ", what));
  }
  return text;
}

// The policy of kongsi.toml: its own tables, or those of the file [policy] include names
// (relative to kongsi.toml's folder), not both.
absl::Status ParsePolicy(const Reader& r, const toml::table& root, std::string_view name,
                         ServeConfig& config) {
  config.policy.source = std::string(name);
  const toml::node* include = root.at_path("policy.include").node();
  if (include == nullptr) {
    config.has_policy = HasPolicyTables(root);
    return ParsePolicyTables(r, root, config.policy);
  }
  if (!include->is_string() || include->as_string()->get().empty()) {
    return r.Error(include, "policy.include", "must be a file name");
  }
  for (std::string_view key : {"organisation", "principal", "community", "agreement"}) {
    if (root.contains(key)) {
      return r.Error(root.get(key), key,
                     "the policy is in the file policy.include names: declare it there");
    }
  }
  if (root.get("policy")->as_table()->size() > 1) {
    return r.Error(include, "policy", "with include, the other policy keys belong in that file");
  }
  std::filesystem::path path(include->as_string()->get());
  if (path.is_relative()) path = std::filesystem::path(std::string(name)).parent_path() / path;
  KONGSI_ASSIGN_OR_RETURN(const std::string text, ReadFile(path.string(), "policy file"));
  KONGSI_ASSIGN_OR_RETURN(const toml::table included, ParseToml(text, path.string()));
  const Reader ir(path.string());
  KONGSI_RETURN_IF_ERROR(ir.OnlyKnown(
      included, "", {"policy", "organisation", "principal", "community", "agreement"}));
  if (const toml::node* nested = included.at_path("policy.include").node()) {
    return ir.Error(nested, "policy.include", "an included policy file cannot include another");
  }
  config.policy.source = path.string();
  config.has_policy = true;
  return ParsePolicyTables(ir, included, config.policy);
}

// One `pull = [{ remote = "...", into = "..." }]` or `push = [{ local = "...", to = "..." }]`
// list of a [[peer]]: (first key, second key) pairs.
absl::Status PairList(const Reader& r, const toml::table& t, std::string_view prefix,
                      std::string_view key, std::string_view first, std::string_view second,
                      std::vector<std::pair<std::string, std::string>>& out) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return absl::OkStatus();
  const std::string shape =
      util::StrCat("must be a list of { ", first, " = \"...\", ", second, " = \"...\" } tables");
  const toml::array* array = node->as_array();
  if (array == nullptr) return r.Error(node, util::StrCat(prefix, key), shape);
  for (const toml::node& item : *array) {
    const toml::table* entry = item.as_table();
    if (entry == nullptr) return r.Error(&item, util::StrCat(prefix, key), shape);
    const std::string p = util::StrCat(prefix, key, ".");
    KONGSI_RETURN_IF_ERROR(r.OnlyKnown(*entry, p, {first, second}));
    std::pair<std::string, std::string> pair;
    KONGSI_RETURN_IF_ERROR(r.String(*entry, p, first, pair.first));
    KONGSI_RETURN_IF_ERROR(r.String(*entry, p, second, pair.second));
    if (pair.first.empty() || pair.second.empty())
      return r.Error(&item, util::StrCat(prefix, key), shape);
    out.push_back(std::move(pair));
  }
  return absl::OkStatus();
}

// [[peer]] tables. Names are unique and safe in metadata keys and file names; file paths are
// made absolute against the configuration file's folder.
absl::Status ParsePeers(const Reader& r, const toml::table& root, std::string_view name,
                        ServeConfig& config) {
  const std::filesystem::path folder = std::filesystem::path(std::string(name)).parent_path();
  return ForEachTable(r, root, "peer", [&](const toml::table& t) {
    const std::string p = util::StrCat("peer[", config.peers.size(), "].");
    KONGSI_RETURN_IF_ERROR(
        r.OnlyKnown(t, p,
                    {"name", "url", "token_file", "username", "password_file", "client_cert",
                     "client_key", "ca_file", "organisation", "principal", "pull", "push",
                     "interval", "notify_url", "public_key"}));
    federation::PeerSpec peer;
    peer.where = util::StrCat(name, ":", t.source().begin.line);
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "name", peer.name));
    KONGSI_RETURN_IF_ERROR(RequireName(r, t, p, peer.name));
    for (char c : peer.name) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
        return r.Error(t.get("name"), util::StrCat(p, "name"),
                       "may hold only letters, digits, '-', '_' and '.'");
      }
    }
    if (FindPeer(config, peer.name) != nullptr) {
      return r.Error(t.get("name"), util::StrCat(p, "name"),
                     util::StrCat("peer \"", peer.name, "\" is declared twice"));
    }
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "url", peer.url));
    if (!peer.url.empty() && !absl::StartsWith(peer.url, "http://") &&
        !absl::StartsWith(peer.url, "https://")) {
      return r.Error(t.get("url"), util::StrCat(p, "url"),
                     "must be the http:// or https:// URL of a TAXII 2.1 API root");
    }
    if (!peer.url.empty() && peer.url.back() != '/') peer.url += '/';
    for (auto [key, field] : {std::pair{"token_file", &peer.token_file},
                              {"password_file", &peer.password_file},
                              {"client_cert", &peer.client_cert},
                              {"client_key", &peer.client_key},
                              {"ca_file", &peer.ca_file}}) {
      KONGSI_RETURN_IF_ERROR(r.String(t, p, key, *field));
      if (!field->empty() && std::filesystem::path(*field).is_relative()) {
        *field = (folder / *field).string();
      }
    }
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "username", peer.username));
    if (!peer.token_file.empty() && !peer.username.empty()) {
      return r.Error(
          t.get("username"), util::StrCat(p, "username"),
          "a peer authenticates with token_file or with username/password_file, not both");
    }
    if (peer.username.empty() != peer.password_file.empty()) {
      return r.Error(&t, util::StrCat(p, "password_file"),
                     "username and password_file go together");
    }
    if (peer.client_cert.empty() != peer.client_key.empty()) {
      return r.Error(&t, util::StrCat(p, "client_key"), "client_cert and client_key go together");
    }
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "principal", peer.principal));
    if (peer.principal.empty()) peer.principal = peer.name;
    // By default the peer speaks for the organisation its [[principal]] belongs to.
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "organisation", peer.organisation));
    for (const policy::PrincipalSpec& declared : config.policy.principals) {
      if (peer.organisation.empty() && declared.name == peer.principal) {
        peer.organisation = declared.organisation;
      }
    }
    if (peer.organisation.empty()) peer.organisation = peer.name;
    std::vector<std::pair<std::string, std::string>> pairs;
    KONGSI_RETURN_IF_ERROR(PairList(r, t, p, "pull", "remote", "into", pairs));
    for (auto& [remote, into] : pairs) peer.pull.push_back({remote, into});
    pairs.clear();
    KONGSI_RETURN_IF_ERROR(PairList(r, t, p, "push", "local", "to", pairs));
    for (auto& [local, to] : pairs) peer.push.push_back({local, to});
    if ((!peer.pull.empty() || !peer.push.empty()) && peer.url.empty()) {
      return r.Error(&t, util::StrCat(p, "url"), "must be set to pull from or push to the peer");
    }
    KONGSI_RETURN_IF_ERROR(r.Duration(t, p, "interval", peer.interval));
    if (peer.interval < std::chrono::seconds(1)) {
      return r.Error(t.get("interval"), util::StrCat(p, "interval"), "must be at least 1s");
    }
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "notify_url", peer.notify_url));
    if (!peer.notify_url.empty() && peer.notify_url != "none" &&
        !absl::StartsWith(peer.notify_url, "http://") &&
        !absl::StartsWith(peer.notify_url, "https://")) {
      return r.Error(t.get("notify_url"), util::StrCat(p, "notify_url"),
                     "must be an http:// or https:// URL, or \"none\"");
    }
    KONGSI_RETURN_IF_ERROR(r.String(t, p, "public_key", peer.public_key));
    config.peers.push_back(std::move(peer));
    return absl::OkStatus();
  });
}

}  // namespace

absl::StatusOr<ServeConfig> ParseServeConfig(std::string_view text, std::string_view name) {
  ServeConfig config = DefaultServeConfig();
  const Reader r(name);
  KONGSI_ASSIGN_OR_RETURN(const toml::table root, ParseToml(text, name));
  KONGSI_RETURN_IF_ERROR(r.OnlyKnown(root, "",
                                     {"server", "taxii", "collection", "policy", "organisation",
                                      "principal", "community", "agreement", "peer"}));
  if (const toml::node* server = root.get("server")) {
    if (!server->is_table()) return r.Error(server, "server", "must be a table");
    KONGSI_RETURN_IF_ERROR(ParseServer(r, *server->as_table(), config));
    for (auto& a : config.taxii.api_roots) a.max_content_length = config.server.max_body_bytes;
  }
  if (const toml::node* taxii = root.get("taxii")) {
    if (!taxii->is_table()) return r.Error(taxii, "taxii", "must be a table");
    KONGSI_RETURN_IF_ERROR(ParseTaxii(r, *taxii->as_table(), config));
  }
  if (const toml::node* collections = root.get("collection")) {
    KONGSI_RETURN_IF_ERROR(ParseCollections(r, *collections, config));
  }
  KONGSI_RETURN_IF_ERROR(ParsePolicy(r, root, name, config));
  KONGSI_RETURN_IF_ERROR(ParsePeers(r, root, name, config));
  config.taxii.tls = !config.server.tls_cert_file.empty();
  return config;
}

const federation::PeerSpec* FindPeer(const ServeConfig& config, std::string_view name) {
  for (const federation::PeerSpec& peer : config.peers) {
    if (peer.name == name) return &peer;
  }
  return nullptr;
}

absl::StatusOr<ServeConfig> LoadServeConfig(const std::string& path) {
  KONGSI_ASSIGN_OR_RETURN(const std::string text, ReadFile(path, "configuration file"));
  return ParseServeConfig(text, path);
}

}  // namespace kongsi::app
