// Add-objects parsing: the envelope is split into per-object text spans (stix/bundle_split.h)
// so each object is parsed on its own and stored exactly as received (minified).
#include "taxii/add_objects.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "ingest/record.h"
#include "stix/bundle_split.h"
#include "util/json_error.h"
#include "util/strings.h"
#include "util/time.h"

namespace kongsi::taxii {
namespace {

constexpr std::string_view kNotEnvelope =
    "the request body must be a TAXII envelope: a JSON object with an \"objects\" list";

absl::Status SyntaxError(std::string_view text, simdjson::error_code code) {
  const util::JsonSyntaxError where = util::LocateJsonSyntaxError(text);
  if (where.message.empty()) {
    return absl::InvalidArgumentError(
        util::StrCat("request body is not valid JSON: ", simdjson::error_message(code)));
  }
  return absl::InvalidArgumentError(util::StrCat("request body is not valid JSON at line ",
                                                 where.line, ", column ", where.column, ": ",
                                                 where.message));
}

std::string FirstError(const std::vector<stix::Finding>& findings) {
  std::string out;
  size_t errors = 0;
  for (const stix::Finding& f : findings) {
    if (f.severity != stix::Severity::kError) continue;
    if (++errors == 1) {
      out = util::StrCat(f.message, " (rule ", f.rule, f.pointer.empty() ? "" : ", at ", f.pointer,
                         ")");
    }
  }
  if (errors > 1) absl::StrAppend(&out, "; and ", errors - 1, " more error(s)");
  return out;
}

std::string StringMember(simdjson::dom::element object, const char* key) {
  std::string_view value;
  if (object[key].get(value) != simdjson::SUCCESS) return {};
  return std::string(value);
}

}  // namespace

absl::StatusOr<AddRequest> ParseAddObjects(std::string_view body, const stix::Validator& validator,
                                           const store::Provenance& provenance) {
  thread_local simdjson::dom::parser parser;
  stix::BundleSplit split;
  std::vector<std::string> rebuilt;  // objects re-serialised when the splitter could not help
  if (!stix::SplitBundle(body, split)) {
    simdjson::dom::element whole;
    const simdjson::error_code code = parser.parse(body.data(), body.size()).get(whole);
    if (code != simdjson::SUCCESS) return SyntaxError(body, code);
    // The splitter matches member names as written; valid JSON may spell "objects" with
    // escapes. The DOM reads it either way (each object then minified from the DOM).
    simdjson::dom::array list;
    if (!whole.is_object() || whole["objects"].get_array().get(list) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(std::string(kNotEnvelope));
    }
    for (simdjson::dom::element e : list) rebuilt.push_back(simdjson::minify(e));
    split.objects.assign(rebuilt.begin(), rebuilt.end());
  } else {
    simdjson::dom::element envelope;
    if (const auto code = parser.parse(split.envelope).get(envelope); code != simdjson::SUCCESS) {
      return SyntaxError(body, code);
    }
  }
  // Parse every object first: one syntax error refuses the whole request, before any store.
  AddRequest out;
  out.items.reserve(split.objects.size());
  std::vector<stix::Finding> findings;
  for (size_t i = 0; i < split.objects.size(); ++i) {
    simdjson::dom::element object;
    const std::string_view raw = split.objects[i];
    if (const auto code = parser.parse(raw.data(), raw.size()).get(object);
        code != simdjson::SUCCESS) {
      return SyntaxError(body, code);
    }
    AddItem item;
    const std::string pointer = util::StrCat("/objects/", i);
    if (!object.is_object()) {
      item.error = util::StrCat("not a STIX object (", stix::JsonTypeWord(object.type()), ", at ",
                                pointer, ")");
      out.items.push_back(std::move(item));
      continue;
    }
    item.id = StringMember(object, "id");
    item.version = StringMember(object, "modified");
    if (item.version.empty()) item.version = StringMember(object, "created");
    findings.clear();
    const std::string name = item.id.empty() ? util::StrCat("#", i) : item.id;
    validator.ValidateObject(object, name, pointer, findings);
    item.error = FirstError(findings);
    if (item.error.empty()) {
      item.record = out.records.size();
      out.records.push_back(ingest::BuildRecord(object, raw, provenance));
    }
    out.items.push_back(std::move(item));
  }
  return out;
}

std::string StatusResourceJson(std::string_view status_id, util::Timestamp request_time,
                               const AddRequest& request,
                               const std::vector<store::PutOutcome>& outcomes) {
  nlohmann::json successes = nlohmann::json::array();
  nlohmann::json failures = nlohmann::json::array();
  for (const AddItem& item : request.items) {
    nlohmann::json detail = nlohmann::json::object();
    detail["id"] = item.id;
    if (!item.version.empty()) detail["version"] = item.version;
    std::string error = item.error;
    if (error.empty() && item.record < outcomes.size() &&
        outcomes[item.record] == store::PutOutcome::kConflict) {
      error =
          "a different object with the same id and version is stored already; versions are "
          "immutable: change modified to make a new version";
    }
    if (error.empty()) {
      successes.push_back(std::move(detail));
    } else {
      detail["message"] = error;
      failures.push_back(std::move(detail));
    }
  }
  nlohmann::json status = {
      {"id", status_id},
      {"status", "complete"},
      {"request_timestamp", util::FormatRfc3339(request_time, 6)},
      {"total_count", request.items.size()},
      {"success_count", successes.size()},
      {"successes", std::move(successes)},
      {"failure_count", failures.size()},
      {"failures", std::move(failures)},
      {"pending_count", 0},
      {"pendings", nlohmann::json::array()},
  };
  return status.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kongsi::taxii
