// Auto-detects the input form and walks its objects. Whole documents are parsed with
// simdjson's DOM parser; JSON lines are parsed line by line so one bad line costs only itself.
#include "stix/reader.h"

#include <optional>

#include "stix/bundle_split.h"
#include "stix/upgrade.h"
#include "stix/validate.h"
#include "util/json_error.h"
#include "util/strings.h"

namespace kongsi::stix {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

std::string_view TrimLeft(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  return s.substr(i);
}

absl::Status SyntaxError(std::string_view text, simdjson::error_code code, size_t line_offset) {
  util::JsonSyntaxError where = util::LocateJsonSyntaxError(text);
  if (where.message.empty()) {
    return absl::InvalidArgumentError(
        util::StrCat("not valid JSON: ", simdjson::error_message(code)));
  }
  return absl::InvalidArgumentError(util::StrCat("not valid JSON at line ",
                                                 where.line + line_offset, ", column ",
                                                 where.column, ": ", where.message));
}

}  // namespace

struct DocumentReader::Impl {
  simdjson::dom::parser parser;          // the document (or current line)
  simdjson::dom::parser upgrade_parser;  // 2.1 forms of upgraded 2.0 objects
  Validator validator;

  // Walks one parsed document (bundle, object or array). `line` is the JSON-lines line
  // number, 0 for a whole document.
  bool Walk(element root, size_t line, std::string_view text,
            const std::function<bool(const InputObject&)>& fn, ReadSummary& summary, bool& stop);
  bool Emit(element value, std::string pointer, size_t line, bool bundle_is_20,
            const std::function<bool(const InputObject&)>& fn, ReadSummary& summary,
            std::string_view raw = {});
  // The bundle fast path: envelope and objects parsed one by one (bundle_split.h). Returns
  // nullopt when the text is not a splittable bundle (the caller parses it whole).
  std::optional<absl::Status> ReadSplitBundle(std::string_view text,
                                              const std::function<bool(const InputObject&)>& fn,
                                              ReadSummary& summary);
  void CheckEnvelope(element envelope, size_t line, ReadSummary& summary, bool& is_20);
  BundleSplit split;
};

void DocumentReader::Impl::CheckEnvelope(element envelope, size_t line, ReadSummary& summary,
                                         bool& is_20) {
  std::vector<Finding> findings;
  std::string_view spec_version;
  is_20 = envelope["spec_version"].get(spec_version) == simdjson::SUCCESS && spec_version == "2.0";
  validator.ValidateBundleEnvelope(envelope, findings);
  for (Finding& f : findings) {
    f.line = line;
    summary.document_findings.push_back(std::move(f));
  }
}

std::optional<absl::Status> DocumentReader::Impl::ReadSplitBundle(
    std::string_view text, const std::function<bool(const InputObject&)>& fn,
    ReadSummary& summary) {
  if (!SplitBundle(text, split)) return std::nullopt;
  element envelope;
  std::string_view type;
  if (parser.parse(split.envelope).get(envelope) != simdjson::SUCCESS ||
      envelope["type"].get(type) != simdjson::SUCCESS || type != "bundle") {
    return std::nullopt;
  }
  bool is_20 = false;
  CheckEnvelope(envelope, 0, summary, is_20);
  for (size_t i = 0; i < split.objects.size(); ++i) {
    element object;
    const simdjson::error_code code =
        parser.parse(split.objects[i].data(), split.objects[i].size()).get(object);
    if (code != simdjson::SUCCESS) return SyntaxError(text, code, 0);
    if (!Emit(object, util::StrCat("/objects/", i), 0, is_20, fn, summary, split.objects[i])) {
      break;
    }
  }
  return absl::OkStatus();
}

bool DocumentReader::Impl::Emit(element value, std::string pointer, size_t line, bool bundle_is_20,
                                const std::function<bool(const InputObject&)>& fn,
                                ReadSummary& summary, std::string_view raw) {
  InputObject input;
  input.raw = raw;
  input.index = summary.objects++;
  input.pointer = std::move(pointer);
  input.line = line;
  std::string_view id;
  if (value["id"].get(id) == simdjson::SUCCESS && CheckIdentifier(id).empty()) {
    input.name = std::string(id);
  } else {
    input.name = util::StrCat("#", input.index);
  }
  std::string_view spec_version;
  const bool has_spec_version = value["spec_version"].get(spec_version) == simdjson::SUCCESS;
  // Declared here, not in the branch: input.raw points into it until fn returns.
  absl::StatusOr<std::string> upgraded;
  if (value.type() == element_type::OBJECT &&
      (IsStix20Object(value) || (bundle_is_20 && !has_spec_version))) {
    upgraded = UpgradeObjectTo21(value);
    if (!upgraded.ok()) {
      summary.document_findings.push_back(Finding{
          Severity::kError, input.name, input.pointer, "stix20-upgrade",
          util::StrCat("STIX 2.0 object cannot be upgraded to 2.1: ", upgraded.status().message()),
          line, 0});
      return true;
    }
    element upgraded_element;
    if (upgrade_parser.parse(*upgraded).get(upgraded_element) != simdjson::SUCCESS) {
      return true;  // cannot happen: UpgradeObjectTo21 produces valid JSON
    }
    input.element = upgraded_element;
    input.raw = *upgraded;
    input.upgraded_from_20 = true;
    ++summary.upgraded;
  } else {
    input.element = value;
  }
  return fn(input);
}

bool DocumentReader::Impl::Walk(element root, size_t line, std::string_view text,
                                const std::function<bool(const InputObject&)>& fn,
                                ReadSummary& summary, bool& stop) {
  if (root.type() == element_type::ARRAY) {
    size_t i = 0;
    for (element item : simdjson::dom::array(root)) {
      if (!Emit(item, util::StrCat("/", i), line, false, fn, summary)) {
        stop = true;
        return true;
      }
      ++i;
    }
    return true;
  }
  if (root.type() != element_type::OBJECT) return false;
  std::string_view type;
  if (root["type"].get(type) == simdjson::SUCCESS && type == "bundle") {
    bool is_20 = false;
    CheckEnvelope(root, line, summary, is_20);
    simdjson::dom::array objects;
    if (root["objects"].get(objects) != simdjson::SUCCESS) return true;  // an empty bundle
    size_t i = 0;
    for (element item : objects) {
      if (!Emit(item, util::StrCat("/objects/", i), line, is_20, fn, summary)) {
        stop = true;
        return true;
      }
      ++i;
    }
    return true;
  }
  // A whole document that is one object without a "type" is not STIX at all (a JSON-lines
  // line like that is reported as an invalid object instead).
  if (line == 0 && root["type"].error() != simdjson::SUCCESS) return false;
  if (!Emit(root, "", line, false, fn, summary, text)) stop = true;
  return true;
}

DocumentReader::DocumentReader() : impl_(std::make_unique<Impl>()) {}
DocumentReader::~DocumentReader() = default;

absl::Status DocumentReader::Read(std::string_view text,
                                  const std::function<bool(const InputObject&)>& fn,
                                  ReadSummary& summary) {
  summary.bytes += text.size();
  // A UTF-8 byte-order mark (some Windows tools write one) is tolerated at the very start.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const std::string_view body = TrimLeft(text);
  if (body.empty()) return absl::InvalidArgumentError("the input is empty");
  if (body[0] != '{' && body[0] != '[') {
    return absl::InvalidArgumentError(
        "not STIX: the input must be a JSON object, a JSON array or JSON lines");
  }
  if (body[0] == '{') {
    if (auto status = impl_->ReadSplitBundle(text, fn, summary)) return *status;
  }
  bool stop = false;
  element root;
  const simdjson::error_code whole = impl_->parser.parse(text.data(), text.size()).get(root);
  if (whole == simdjson::SUCCESS) {
    if (!impl_->Walk(root, 0, text, fn, summary, stop)) {
      return absl::InvalidArgumentError(
          "not STIX: expected a bundle, a STIX object (with \"type\") or a list of objects");
    }
    return absl::OkStatus();
  }

  // Not one document: JSON lines if the first non-empty line is a JSON object by itself.
  const size_t first_newline = body.find('\n');
  if (first_newline != std::string_view::npos) {
    element first;
    const std::string_view first_line = body.substr(0, first_newline);
    if (impl_->parser.parse(first_line.data(), first_line.size()).get(first) != simdjson::SUCCESS) {
      return SyntaxError(text, whole, 0);
    }
  } else {
    return SyntaxError(text, whole, 0);
  }
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size() && !stop) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    ++line_number;
    pos = end + 1;
    if (TrimLeft(line).empty()) continue;
    element doc;
    const simdjson::error_code code = impl_->parser.parse(line.data(), line.size()).get(doc);
    if (code != simdjson::SUCCESS) {
      absl::Status status = SyntaxError(line, code, line_number - 1);
      summary.document_findings.push_back(
          Finding{Severity::kError, util::StrCat("line ", line_number), "", "json-syntax",
                  std::string(status.message()), line_number, 0});
      continue;
    }
    if (!impl_->Walk(doc, line_number, line, fn, summary, stop)) {
      summary.document_findings.push_back(
          Finding{Severity::kError, util::StrCat("line ", line_number), "", "not-an-object",
                  "each line must be a STIX object or bundle", line_number, 0});
    }
  }
  return absl::OkStatus();
}

}  // namespace kongsi::stix
