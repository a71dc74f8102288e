// Loading the node's warninglists and the ingest check that flags listed values (see
// node_warninglists.h).
#include "app/node_warninglists.h"

#include <filesystem>
#include <variant>

#include "app/node.h"
#include "stix/pattern/parser.h"
#include "stix/pattern/pattern_values.h"
#include "stix/reader.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

// The matcher's kind for a value-index kind of pattern_values.h; false for others.
bool KindOf(std::string_view kind, match::Observable& out) {
  if (kind == "ipv4-addr" || kind == "ipv6-addr") {
    out = match::Observable::kIpAddress;
  } else if (kind == "domain-name") {
    out = match::Observable::kDomainName;
  } else if (kind == "url") {
    out = match::Observable::kUrl;
  } else if (kind == "email-addr") {
    out = match::Observable::kEmailAddress;
  } else if (kind.substr(0, 12) == "file:hashes." || kind.substr(0, 16) == "artifact:hashes.") {
    out = match::Observable::kFileHash;
  } else if (kind == "mac-addr") {
    out = match::Observable::kMacAddress;
  } else if (kind == "file:name") {
    out = match::Observable::kFileName;
  } else {
    return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<match::Warninglists> LoadNodeWarninglists(const std::string& data_dir) {
  const std::string path = WarninglistsPath(data_dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return match::Warninglists();
  return match::Warninglists::Load({path});
}

ingest::Ingester::ObjectCheck WarninglistCheck(const match::Warninglists& lists) {
  return [&lists](const stix::InputObject& object, std::vector<stix::Finding>& findings) {
    std::string_view type, pattern, pattern_type = "stix";
    if (object.element["type"].get(type) != simdjson::SUCCESS || type != "indicator") return;
    if (object.element["pattern"].get(pattern) != simdjson::SUCCESS) return;
    if (auto t = object.element["pattern_type"]; t.error() == simdjson::SUCCESS) {
      if (t.get(pattern_type) != simdjson::SUCCESS) return;
    }
    if (pattern_type != "stix") return;
    auto parsed = stix::pattern::Parse(pattern);
    const auto* tree = std::get_if<stix::pattern::Pattern>(&parsed);
    if (tree == nullptr) return;
    std::vector<stix::ObservableValue> values;
    stix::pattern::AppendPatternValues(*tree, values);
    std::string scratch;
    for (const stix::ObservableValue& v : values) {
      match::Observable kind;
      if (!KindOf(v.kind, kind)) continue;
      std::string_view value = v.value;
      if (kind == match::Observable::kIpAddress) value = value.substr(0, value.find('/'));
      const match::Warninglist* list = lists.Find(kind, value, scratch);
      if (list == nullptr) continue;
      findings.push_back(stix::Finding{
          stix::Severity::kWarning, object.name, util::StrCat(object.pointer, "/pattern"),
          "warninglist", util::StrCat(v.value, " is on the warninglist '", list->name, "'"), 0, 0});
    }
  };
}

}  // namespace kongsi::app
