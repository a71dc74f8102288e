// Minified and canonical serialisation over simdjson's DOM, hashed with OpenSSL's SHA-256.
#include "stix/canonical.h"

#include <openssl/evp.h>

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace kongsi::stix {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Appends `s` as a JSON string literal (escaping quotes, backslashes and control characters).
void AppendJsonString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void AppendCanonical(element e, std::string& out) {
  switch (e.type()) {
    case element_type::OBJECT: {
      simdjson::dom::object obj = e;
      std::vector<std::pair<std::string_view, element>> fields;
      fields.reserve(obj.size());
      for (auto field : obj) fields.emplace_back(field.key, field.value);
      std::sort(fields.begin(), fields.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out.push_back('{');
      bool first = true;
      for (const auto& [key, value] : fields) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(key, out);
        out.push_back(':');
        AppendCanonical(value, out);
      }
      out.push_back('}');
      return;
    }
    case element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      for (element item : simdjson::dom::array(e)) {
        if (!first) out.push_back(',');
        first = false;
        AppendCanonical(item, out);
      }
      out.push_back(']');
      return;
    }
    default:
      out += simdjson::minify(e);
      return;
  }
}

}  // namespace

std::string Minify(element e) { return simdjson::minify(e); }

std::string CanonicalJson(element e) {
  std::string out;
  AppendCanonical(e, out);
  return out;
}

std::string ContentHash(element e) {
  const std::string canonical = CanonicalJson(e);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

}  // namespace kongsi::stix
