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

// Appends `s` as a JSON string literal: quotes, backslashes and control characters escaped,
// everything else copied in runs.
void AppendJsonString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    if (u == '"' || u == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(u));
    } else {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

using Member = std::pair<std::string_view, element>;

// `scratch` holds the members of the objects being serialised, one frame per nesting level,
// so no allocation happens per object once it has grown.
void AppendCanonical(element e, std::string& out, std::vector<Member>& scratch) {
  switch (e.type()) {
    case element_type::OBJECT: {
      const size_t frame = scratch.size();
      for (auto field : simdjson::dom::object(e)) scratch.emplace_back(field.key, field.value);
      std::sort(scratch.begin() + static_cast<std::ptrdiff_t>(frame), scratch.end(),
                [](const Member& a, const Member& b) { return a.first < b.first; });
      out.push_back('{');
      for (size_t i = frame; i < scratch.size(); ++i) {
        if (i != frame) out.push_back(',');
        AppendJsonString(scratch[i].first, out);
        out.push_back(':');
        AppendCanonical(scratch[i].second, out, scratch);
      }
      out.push_back('}');
      scratch.resize(frame);
      return;
    }
    case element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      for (element item : simdjson::dom::array(e)) {
        if (!first) out.push_back(',');
        first = false;
        AppendCanonical(item, out, scratch);
      }
      out.push_back(']');
      return;
    }
    case element_type::STRING:
      AppendJsonString(std::string_view(e), out);
      return;
    case element_type::BOOL:
      out += bool(e) ? "true" : "false";
      return;
    case element_type::NULL_VALUE:
      out += "null";
      return;
    default:  // numbers: simdjson's own shortest form, the same for the same input number
      out += simdjson::minify(e);
      return;
  }
}

}  // namespace

std::string Minify(element e) { return simdjson::minify(e); }

std::string MinifyText(std::string_view raw) {
  std::string out(raw.size(), '\0');
  size_t length = 0;
  if (simdjson::minify(raw.data(), raw.size(), out.data(), length) != simdjson::SUCCESS) {
    return std::string(raw);  // unreachable for valid JSON; never lose the body
  }
  out.resize(length);
  return out;
}

std::string CanonicalJson(element e) {
  std::string out;
  std::vector<Member> scratch;
  AppendCanonical(e, out, scratch);
  return out;
}

std::string ContentHash(element e) {
  // Per-thread buffers: ingest hashes every object, and reusing them avoids two allocations
  // per object.
  thread_local std::string canonical;
  thread_local std::vector<Member> scratch;
  canonical.clear();
  AppendCanonical(e, canonical, scratch);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

}  // namespace kongsi::stix
