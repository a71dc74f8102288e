// A peer's answers read with simdjson; when one is not JSON, nlohmann's parser locates the
// error (util/json_error.h) so the message can say where the answer goes wrong. Members that
// are absent or null keep their defaults (servers differ in what they leave out); members of
// the wrong type are errors naming their JSON pointer.
#include "taxii/client_parse.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "stix/validate.h"
#include "util/json_error.h"
#include "util/status.h"
#include "util/strings.h"
#include "util/time.h"

namespace kongsi::taxii {
namespace {

using simdjson::dom::element;

// Reused between answers on one thread: it keeps its buffers. Every function below parses
// once and is done with the document before it returns.
simdjson::dom::parser& Parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

std::string_view TrimText(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// A short, printable excerpt of a body that is not a TAXII error resource.
std::string Excerpt(std::string_view body) {
  constexpr size_t kMax = 200;
  std::string out;
  for (char c : body.substr(0, kMax)) {
    const bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    if (control && !out.empty() && out.back() == ' ') continue;
    out.push_back(control ? ' ' : c);
  }
  out = std::string(TrimText(out));
  if (body.size() > kMax && !out.empty()) out += "...";
  return out;
}

absl::StatusOr<simdjson::dom::object> ParseObject(std::string_view what, std::string_view body) {
  element root;
  if (const simdjson::error_code code = Parser().parse(body.data(), body.size()).get(root);
      code != simdjson::SUCCESS) {
    const util::JsonSyntaxError where = util::LocateJsonSyntaxError(body);
    if (where.message.empty()) {
      return absl::InvalidArgumentError(
          util::StrCat(what, ": answer is not JSON: ", simdjson::error_message(code)));
    }
    return absl::InvalidArgumentError(util::StrCat(what, ": answer is not JSON: line ", where.line,
                                                   " column ", where.column, ": ", where.message));
  }
  simdjson::dom::object object;
  if (root.get(object) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        util::StrCat(what, ": answer is not a TAXII resource: a JSON object was expected, not ",
                     stix::JsonTypeWord(root.type())));
  }
  return object;
}

// Reads the members of one TAXII resource, naming the member (as a JSON pointer) and the
// request when a member has the wrong type. Absent and null members keep their defaults.
class Members {
 public:
  Members(std::string_view what, simdjson::dom::object object, std::string pointer = "")
      : what_(what), object_(object), pointer_(std::move(pointer)) {}

  absl::Status String(const char* key, std::string& out) const {
    element value;
    if (!Find(key, value)) return absl::OkStatus();
    std::string_view text;
    if (value.get(text) != simdjson::SUCCESS) return Wrong(key, "a string", value);
    out = std::string(text);
    return absl::OkStatus();
  }

  absl::Status Bool(const char* key, bool& out) const {
    element value;
    if (!Find(key, value)) return absl::OkStatus();
    if (value.get(out) != simdjson::SUCCESS) return Wrong(key, "true or false", value);
    return absl::OkStatus();
  }

  absl::Status Int64(const char* key, int64_t& out) const {
    element value;
    if (!Find(key, value)) return absl::OkStatus();
    if (value.get(out) != simdjson::SUCCESS || out < 0) {
      return Wrong(key, "an integer of 0 or more", value);
    }
    return absl::OkStatus();
  }

  // A list; `found` false when absent or null.
  absl::Status List(const char* key, simdjson::dom::array& out, bool& found) const {
    element value;
    found = Find(key, value);
    if (!found) return absl::OkStatus();
    if (value.get(out) != simdjson::SUCCESS) return Wrong(key, "a list", value);
    return absl::OkStatus();
  }

  std::string Pointer(std::string_view key) const {
    return util::StrCat(pointer_, "/", stix::JsonPointerToken(key));
  }
  absl::Status Wrong(std::string_view key, std::string_view expected, element value) const {
    return absl::InvalidArgumentError(
        util::StrCat(what_, ": answer has ", stix::JsonTypeWord(value.type()), " at ", Pointer(key),
                     ", where ", expected, " was expected"));
  }

 private:
  bool Find(const char* key, element& value) const {
    return object_[key].get(value) == simdjson::SUCCESS && !value.is_null();
  }

  std::string_view what_;
  simdjson::dom::object object_;
  std::string pointer_;
};

absl::Status ReadItems(std::string_view what, const Members& status, const char* key,
                       std::vector<StatusInfo::Item>& out) {
  simdjson::dom::array list;
  bool found = false;
  KONGSI_RETURN_IF_ERROR(status.List(key, list, found));
  if (!found) return absl::OkStatus();
  size_t index = 0;
  for (element entry : list) {
    const std::string pointer = util::StrCat(status.Pointer(key), "/", index);
    simdjson::dom::object object;
    if (entry.get(object) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          util::StrCat(what, ": answer has ", stix::JsonTypeWord(entry.type()), " at ", pointer,
                       ", where a status detail object was expected"));
    }
    const Members item(what, object, pointer);
    StatusInfo::Item parsed;
    KONGSI_RETURN_IF_ERROR(item.String("id", parsed.id));
    KONGSI_RETURN_IF_ERROR(item.String("version", parsed.version));
    KONGSI_RETURN_IF_ERROR(item.String("message", parsed.message));
    out.push_back(std::move(parsed));
    ++index;
  }
  return absl::OkStatus();
}

absl::Status ReadDateHeader(std::string_view what, std::string_view name, std::string_view value,
                            std::optional<util::Timestamp>& out) {
  if (value.empty()) return absl::OkStatus();
  absl::StatusOr<util::ParsedTimestamp> parsed = util::ParseRfc3339(value);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        util::StrCat(what, ": header ", name, ": \"", value,
                     "\" is not a timestamp: ", parsed.status().message()));
  }
  out = parsed->micros;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ApiRootInfo> ParseApiRootAnswer(std::string_view what, std::string_view body) {
  KONGSI_ASSIGN_OR_RETURN(simdjson::dom::object object, ParseObject(what, body));
  const Members members(what, object);
  ApiRootInfo info;
  KONGSI_RETURN_IF_ERROR(members.String("title", info.title));
  simdjson::dom::array versions;
  bool found = false;
  KONGSI_RETURN_IF_ERROR(members.List("versions", versions, found));
  if (found) {
    size_t index = 0;
    for (element version : versions) {
      std::string_view text;
      if (version.get(text) != simdjson::SUCCESS) {
        return absl::InvalidArgumentError(
            util::StrCat(what, ": answer has ", stix::JsonTypeWord(version.type()),
                         " at /versions/", index, ", where a media type string was expected"));
      }
      info.versions.emplace_back(text);
      ++index;
    }
  }
  int64_t max_content_length = 0;
  KONGSI_RETURN_IF_ERROR(members.Int64("max_content_length", max_content_length));
  info.max_content_length = static_cast<size_t>(max_content_length);
  return info;
}

absl::StatusOr<ObjectsPage> ParseObjectsAnswer(std::string_view what, std::string body,
                                               std::string_view date_added_first,
                                               std::string_view date_added_last) {
  ObjectsPage page;
  KONGSI_RETURN_IF_ERROR(
      ReadDateHeader(what, "X-TAXII-Date-Added-First", date_added_first, page.date_added_first));
  KONGSI_RETURN_IF_ERROR(
      ReadDateHeader(what, "X-TAXII-Date-Added-Last", date_added_last, page.date_added_last));
  if (IsBlank(body)) {
    page.body = "{}";  // an empty page some servers send without an envelope
    return page;
  }
  KONGSI_ASSIGN_OR_RETURN(simdjson::dom::object object, ParseObject(what, body));
  const Members members(what, object);
  KONGSI_RETURN_IF_ERROR(members.Bool("more", page.more));
  KONGSI_RETURN_IF_ERROR(members.String("next", page.next));
  simdjson::dom::array objects;
  bool found = false;
  KONGSI_RETURN_IF_ERROR(members.List("objects", objects, found));
  if (found) page.object_count = objects.size();
  page.body = std::move(body);
  return page;
}

absl::StatusOr<StatusInfo> ParseStatusAnswer(std::string_view what, std::string_view body) {
  KONGSI_ASSIGN_OR_RETURN(simdjson::dom::object object, ParseObject(what, body));
  const Members members(what, object);
  StatusInfo status;
  KONGSI_RETURN_IF_ERROR(members.String("id", status.id));
  KONGSI_RETURN_IF_ERROR(members.String("status", status.status));
  KONGSI_RETURN_IF_ERROR(members.Int64("total_count", status.total_count));
  KONGSI_RETURN_IF_ERROR(members.Int64("success_count", status.success_count));
  KONGSI_RETURN_IF_ERROR(members.Int64("failure_count", status.failure_count));
  KONGSI_RETURN_IF_ERROR(members.Int64("pending_count", status.pending_count));
  KONGSI_RETURN_IF_ERROR(ReadItems(what, members, "successes", status.successes));
  KONGSI_RETURN_IF_ERROR(ReadItems(what, members, "failures", status.failures));
  KONGSI_RETURN_IF_ERROR(ReadItems(what, members, "pendings", status.pendings));
  if (status.id.empty()) {
    return absl::InvalidArgumentError(
        util::StrCat(what, ": answer is not a TAXII status resource: it has no \"id\""));
  }
  return status;
}

std::string DescribeErrorAnswer(std::string_view body) {
  element root;
  if (body.empty() || Parser().parse(body.data(), body.size()).get(root) != simdjson::SUCCESS ||
      !root.is_object()) {
    return Excerpt(body);
  }
  // A TAXII error resource says what went wrong in its title and description.
  std::string detail;
  std::string_view title;
  std::string_view description;
  if (root["title"].get(title) == simdjson::SUCCESS) detail = std::string(title);
  if (root["description"].get(description) == simdjson::SUCCESS && !description.empty()) {
    detail = detail.empty() ? std::string(description) : util::StrCat(detail, ": ", description);
  }
  return detail;
}

}  // namespace kongsi::taxii
