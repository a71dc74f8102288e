// The validation engine: walks an object against its TypeSpec (spec.h), then runs the
// type's rules. Rule names used here are listed in docs/validation.md.
#include "stix/validate.h"

#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_join.h"
#include "stix/selector.h"
#include "stix/spec.h"
#include "util/strings.h"
#include "util/time.h"
#include "util/uuid.h"

namespace kongsi::stix {

const char* SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

const char* JsonTypeWord(simdjson::dom::element_type t) {
  using simdjson::dom::element_type;
  switch (t) {
    case element_type::ARRAY:
      return "a list";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
      return "an integer";
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

std::string JsonPointerToken(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// --- low-level checks -------------------------------------------------------------------

std::string_view IdType(std::string_view id) {
  const size_t sep = id.find("--");
  return sep == std::string_view::npos ? std::string_view() : id.substr(0, sep);
}

std::string CheckTypeName(std::string_view type) {
  if (type.size() < 3 || type.size() > 250) {
    return util::StrCat("type \"", type, "\" must be 3 to 250 characters long");
  }
  if (!(type[0] >= 'a' && type[0] <= 'z')) {
    return util::StrCat("type \"", type, "\" must start with a lower-case letter");
  }
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return util::StrCat("type \"", type, "\" may contain only a-z, 0-9 and '-'");
    }
  }
  if (type.find("--") != std::string_view::npos) {
    return util::StrCat("type \"", type, "\" must not contain \"--\"");
  }
  return "";
}

std::string CheckPropertyName(std::string_view name) {
  if (name.size() < 3 || name.size() > 250) {
    return util::StrCat("property name \"", name, "\" must be 3 to 250 characters long");
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return util::StrCat("property name \"", name, "\" may contain only letters, digits and '_'");
    }
  }
  return "";
}

std::string CheckIdentifier(std::string_view id) {
  const size_t sep = id.find("--");
  if (sep == std::string_view::npos) {
    return util::StrCat("identifier \"", id, "\" must have the form type--UUID");
  }
  if (std::string type_error = CheckTypeName(id.substr(0, sep)); !type_error.empty()) {
    return util::StrCat("identifier \"", id, "\": ", type_error);
  }
  auto uuid = util::ParseUuid(id.substr(sep + 2));
  if (!uuid) return util::StrCat("identifier \"", id, "\" does not end in a valid UUID");
  if (!util::IsRfc4122Variant(*uuid)) {
    return util::StrCat("identifier \"", id, "\" has a UUID that is not RFC 4122 (variant bits)");
  }
  return "";
}

std::string CheckTimestamp(std::string_view ts) {
  auto parsed = util::ParseRfc3339(ts);
  if (!parsed.ok()) return std::string(parsed.status().message());
  if (!parsed->utc_z) {
    return util::StrCat("timestamp \"", ts, "\" must be in UTC and end in 'Z'");
  }
  return "";
}

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

bool IsHex(std::string_view s) {
  if (s.size() % 2 != 0) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

bool IsBase64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '=') {
      ++pad;
      if (i + 2 < s.size()) return false;
      continue;
    }
    if (pad > 0) return false;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
          c == '/')) {
      return false;
    }
  }
  return pad <= 2;
}

// Expected length in hex digits of a hash from hash-algorithm-ov, 0 when free-form.
size_t HashHexLength(std::string_view algorithm) {
  if (algorithm == "MD5") return 32;
  if (algorithm == "SHA-1") return 40;
  if (algorithm == "SHA-256" || algorithm == "SHA3-256") return 64;
  if (algorithm == "SHA-512" || algorithm == "SHA3-512") return 128;
  return 0;
}

// A JSON pointer built lazily: a chain of steps on the stack, turned into a string only when
// a finding is reported (most properties are fine, and building strings for them all is the
// validator's largest cost otherwise).
class Path {
 public:
  Path() = default;
  Path(const Path* parent, std::string_view key) : parent_(parent), key_(key) {}
  Path(const Path* parent, size_t index) : parent_(parent), index_(index), is_index_(true) {}

  std::string ToString() const {
    std::string out;
    AppendTo(out);
    return out;
  }

 private:
  void AppendTo(std::string& out) const {
    if (parent_ == nullptr) return;
    parent_->AppendTo(out);
    out.push_back('/');
    if (is_index_) {
      out += std::to_string(index_);
    } else {
      out += JsonPointerToken(key_);
    }
  }

  const Path* parent_ = nullptr;
  std::string_view key_;
  size_t index_ = 0;
  bool is_index_ = false;
};

// Property names seen in one JSON object, to find duplicates. Linear for the usual handful of
// properties, hashed beyond that so a hostile object with many keys stays linear in time.
class SeenKeys {
 public:
  bool Insert(std::string_view key) {
    if (set_.empty() && small_.size() < 32) {
      for (std::string_view k : small_) {
        if (k == key) return false;
      }
      small_.push_back(key);
      return true;
    }
    if (set_.empty()) {
      for (std::string_view k : small_) set_.insert(util::AsAbsl(k));
    }
    return set_.insert(util::AsAbsl(key)).second;
  }
  bool Contains(std::string_view key) const {
    if (!set_.empty()) return set_.contains(util::AsAbsl(key));
    for (std::string_view k : small_) {
      if (k == key) return true;
    }
    return false;
  }

 private:
  std::vector<std::string_view> small_;
  absl::flat_hash_set<absl::string_view> set_;
};

const StructSpec& CustomSdoSpec() {
  static const StructSpec* spec = [] {
    auto* s = new StructSpec;
    s->name = "custom object";
    AddSdoCommonProperties(*s);
    return s;
  }();
  return *spec;
}

const StructSpec& CustomScoSpec() {
  static const StructSpec* spec = [] {
    auto* s = new StructSpec;
    s->name = "custom observable";
    AddScoCommonProperties(*s);
    return s;
  }();
  return *spec;
}

// Validates one top-level object. Holds the reporting context so checks stay short.
class ObjectChecker {
 public:
  ObjectChecker(const ValidatorOptions& options, std::string_view name, std::string_view base,
                std::vector<Finding>& out)
      : options_(options), name_(name), base_(base), out_(out) {}

  void Run(element value);

 private:
  void Error(std::string_view pointer, std::string_view rule, std::string message) {
    out_.push_back(Finding{Severity::kError, std::string(name_), util::StrCat(base_, pointer),
                           std::string(rule), std::move(message)});
  }
  void Warning(std::string_view pointer, std::string_view rule, std::string message) {
    out_.push_back(Finding{Severity::kWarning, std::string(name_), util::StrCat(base_, pointer),
                           std::string(rule), std::move(message)});
  }
  void Error(const Path& pointer, std::string_view rule, std::string message) {
    Error(std::string_view(pointer.ToString()), rule, std::move(message));
  }
  void Warning(const Path& pointer, std::string_view rule, std::string message) {
    Warning(std::string_view(pointer.ToString()), rule, std::move(message));
  }
  bool ExpectType(element v, element_type want, const Path& pointer, std::string_view what);

  void CheckStruct(const StructSpec& spec, object obj, const Path& pointer, bool top_level);
  void CheckValue(const PropertySpec& prop, const PropType& type, element v, const Path& pointer);
  void CheckReference(const PropType& type, std::string_view id, const Path& pointer);
  void CheckHashes(object hashes, const Path& pointer);
  void CheckExternalReference(element v, const Path& pointer);
  void CheckGranularMarking(element v, const Path& pointer);
  void CheckExtensions(object extensions, const Path& pointer);
  void CheckCustomProperty(std::string_view key, element v, const Path& pointer, bool top_level);
  void CheckCommonTimestamps(object obj);
  void CheckSelectors(element root);

  const ValidatorOptions& options_;
  std::string_view name_;
  std::string_view base_;
  std::vector<Finding>& out_;
  std::string_view type_;
  const TypeSpec* type_spec_ = nullptr;
  bool has_toplevel_extension_ = false;
};

bool ObjectChecker::ExpectType(element v, element_type want, const Path& pointer,
                               std::string_view what) {
  element_type got = v.type();
  if (got == want) return true;
  if (want == element_type::DOUBLE && (got == element_type::INT64 || got == element_type::UINT64)) {
    return true;
  }
  Error(pointer, "property-type", util::StrCat("must be ", what, ", not ", JsonTypeWord(got)));
  return false;
}

void ObjectChecker::Run(element value) {
  object obj;
  if (value.get(obj) != simdjson::SUCCESS) {
    Error("", "not-an-object",
          util::StrCat("a STIX object must be a JSON object, not ", JsonTypeWord(value.type())));
    return;
  }
  std::string_view id;
  const bool has_type = obj["type"].get(type_) == simdjson::SUCCESS;
  if (!has_type) {
    Error("/type", "required-property", "\"type\" is required and must be a string");
    return;
  }
  if (std::string e = CheckTypeName(type_); !e.empty()) Error("/type", "type-name", e);
  if (obj["id"].get(id) == simdjson::SUCCESS && CheckIdentifier(id).empty() &&
      IdType(id) != type_) {
    Error("/id", "id-type-mismatch",
          util::StrCat("id \"", id, "\" must start with the object's type \"", type_, "--\""));
  }
  std::string_view spec_version;
  if (obj["spec_version"].get(spec_version) == simdjson::SUCCESS && spec_version != "2.1") {
    Error("/spec_version", "spec-version",
          util::StrCat("spec_version must be \"2.1\", not \"", spec_version, "\""));
  }

  // Extensions decide how custom types and custom top-level properties are treated.
  std::optional<Category> custom_category;
  object extensions;
  if (obj["extensions"].get(extensions) == simdjson::SUCCESS) {
    for (auto field : extensions) {
      std::string_view ext_type;
      if (field.value["extension_type"].get(ext_type) != simdjson::SUCCESS) continue;
      if (ext_type == "toplevel-property-extension") has_toplevel_extension_ = true;
      if (ext_type == "new-sdo") custom_category = Category::kSdo;
      if (ext_type == "new-sro") custom_category = Category::kSro;
      if (ext_type == "new-sco") custom_category = Category::kSco;
    }
  }

  const Registry& registry = Registry::Get();
  type_spec_ = registry.Find(type_);
  const StructSpec* spec = nullptr;
  if (type_spec_ != nullptr) {
    spec = &type_spec_->spec;
    if (custom_category) {
      Error("/extensions", "extension-type",
            util::StrCat("a new-object extension cannot be used on the predefined type \"", type_,
                         "\""));
    }
  } else {
    const bool looks_sco = custom_category ? *custom_category == Category::kSco
                                           : obj["created"].error() != simdjson::SUCCESS;
    spec = looks_sco ? &CustomScoSpec() : &CustomSdoSpec();
    if (!custom_category && options_.warn_custom) {
      Warning("/type", "custom-object",
              util::StrCat("\"", type_,
                           "\" is not a STIX 2.1 type and is not defined by an extension "
                           "(custom objects without extensions are deprecated)"));
    }
  }
  if (const size_t sep = id.find("--"); sep != std::string_view::npos) {
    auto uuid = util::ParseUuid(id.substr(sep + 2));
    const bool sco = type_spec_ != nullptr && type_spec_->category == Category::kSco;
    if (uuid && !sco && util::UuidVersion(*uuid) != 4) {
      Warning("/id", "uuid-version",
              util::StrCat("identifiers of SDOs, SROs and meta objects should use UUID version "
                           "4, not ",
                           util::UuidVersion(*uuid)));
    }
  }

  CheckStruct(*spec, obj, Path(), true);
  CheckCommonTimestamps(obj);
  CheckSelectors(value);
}

void ObjectChecker::CheckStruct(const StructSpec& spec, object obj, const Path& pointer,
                                bool top_level) {
  SeenKeys seen;
  for (auto field : obj) {
    const Path child(&pointer, field.key);
    if (!seen.Insert(field.key)) {
      Error(child, "duplicate-property",
            util::StrCat("property \"", field.key, "\" appears more than once"));
      continue;
    }
    if (const PropertySpec* prop = spec.Find(field.key)) {
      CheckValue(*prop, prop->type, field.value, child);
    } else if (!spec.allow_custom) {
      Error(child, "unknown-property",
            util::StrCat("\"", field.key, "\" is not a property of ", spec.name));
    } else {
      CheckCustomProperty(field.key, field.value, child, top_level);
    }
  }
  for (const PropertySpec& prop : spec.properties) {
    if (prop.required && !seen.Contains(prop.name)) {
      Error(
          Path(&pointer, prop.name), "required-property",
          util::StrCat("\"", prop.name, "\" is required", top_level ? " on " : " in ", spec.name));
    }
  }
  if (!spec.rules.empty()) {
    RuleContext context(obj, name_, util::StrCat(base_, pointer.ToString()), out_);
    for (const Rule& rule : spec.rules) rule(context);
  }
}

void ObjectChecker::CheckCustomProperty(std::string_view key, element v, const Path& pointer,
                                        bool top_level) {
  if (std::string e = CheckPropertyName(key); !e.empty()) {
    Error(pointer, "custom-property-name", e);
    return;
  }
  auto ends_with = [&](std::string_view suffix) {
    return key.size() > suffix.size() && key.substr(key.size() - suffix.size()) == suffix;
  };
  // Properties named *_ref / *_refs should hold identifiers. For custom properties this is a
  // warning: real data (MITRE ATT&CK's x_mitre_data_source_ref) carries "" there.
  auto check_ref = [&](element item, const Path& where) {
    std::string_view id;
    if (item.get(id) != simdjson::SUCCESS) {
      Warning(where, "custom-reference",
              "a custom property ending in _ref(s) should hold identifiers");
    } else if (std::string e = CheckIdentifier(id); !e.empty()) {
      Warning(where, "custom-reference", e);
    }
  };
  if (ends_with("_ref")) {
    check_ref(v, pointer);
  } else if (ends_with("_refs")) {
    simdjson::dom::array refs;
    if (v.get(refs) != simdjson::SUCCESS) {
      Warning(pointer, "custom-reference",
              "a custom property ending in _refs should be a list of identifiers");
    } else {
      size_t i = 0;
      for (element item : refs) check_ref(item, Path(&pointer, i++));
    }
  }
  if (top_level && options_.warn_custom && !has_toplevel_extension_) {
    Warning(pointer, "custom-property",
            util::StrCat("\"", key,
                         "\" is not a STIX property of this type (custom properties without a "
                         "toplevel-property-extension are deprecated)"));
  }
}

void ObjectChecker::CheckValue(const PropertySpec& prop, const PropType& type, element v,
                               const Path& pointer) {
  switch (type.kind) {
    case Kind::kAny:
      return;
    case Kind::kString:
      ExpectType(v, element_type::STRING, pointer, "a string");
      return;
    case Kind::kBoolean:
      ExpectType(v, element_type::BOOL, pointer, "a boolean");
      return;
    case Kind::kInteger: {
      double number;
      if (v.type() == element_type::INT64) {
        number = static_cast<double>(int64_t(v));
      } else if (v.type() == element_type::UINT64) {
        number = static_cast<double>(uint64_t(v));
      } else {
        Error(pointer, "property-type",
              util::StrCat("must be an integer, not ", JsonTypeWord(v.type())));
        return;
      }
      if ((type.min && number < *type.min) || (type.max && number > *type.max)) {
        Error(pointer, "value-range",
              util::StrCat(prop.name, " must be between ", type.min ? *type.min : -1e300, " and ",
                           type.max ? *type.max : 1e300));
      }
      return;
    }
    case Kind::kFloat: {
      if (!ExpectType(v, element_type::DOUBLE, pointer, "a number")) return;
      double number = 0;
      if (v.get(number) != simdjson::SUCCESS) return;
      if ((type.min && number < *type.min) || (type.max && number > *type.max)) {
        Error(pointer, "value-range",
              util::StrCat(prop.name, " must be between ", type.min ? *type.min : -1e300, " and ",
                           type.max ? *type.max : 1e300));
      }
      return;
    }
    case Kind::kTimestamp: {
      if (!ExpectType(v, element_type::STRING, pointer, "a timestamp string")) return;
      if (std::string e = CheckTimestamp(std::string_view(v)); !e.empty()) {
        Error(pointer, "timestamp-format", e);
      }
      return;
    }
    case Kind::kIdentifier: {
      if (!ExpectType(v, element_type::STRING, pointer, "an identifier string")) return;
      const std::string_view id(v);
      if (std::string e = CheckIdentifier(id); !e.empty()) {
        Error(pointer, "identifier", e);
        return;
      }
      CheckReference(type, id, pointer);
      return;
    }
    case Kind::kHex:
      if (ExpectType(v, element_type::STRING, pointer, "a hex string") &&
          !IsHex(std::string_view(v))) {
        Error(pointer, "hex", "must be an even number of hexadecimal digits");
      }
      return;
    case Kind::kBinary:
      if (ExpectType(v, element_type::STRING, pointer, "a base64 string") &&
          !IsBase64(std::string_view(v))) {
        Error(pointer, "binary", "must be base64-encoded (RFC 4648)");
      }
      return;
    case Kind::kOpenVocab:
    case Kind::kEnum: {
      if (!ExpectType(v, element_type::STRING, pointer, "a string")) return;
      const std::string_view value(v);
      if (type.vocab != nullptr && !type.vocab->Contains(value)) {
        if (type.kind == Kind::kEnum) {
          Error(pointer, "enum",
                util::StrCat("\"", value, "\" is not a value of ", type.vocab->name()));
        } else {
          Warning(
              pointer, "vocabulary",
              util::StrCat("\"", value, "\" is not in the open vocabulary ", type.vocab->name()));
        }
      }
      return;
    }
    case Kind::kList: {
      simdjson::dom::array items;
      if (!ExpectType(v, element_type::ARRAY, pointer, "a list")) return;
      if (v.get(items) != simdjson::SUCCESS) return;
      if (items.size() == 0) {
        Error(pointer, "empty-list", "lists must not be empty");
        return;
      }
      size_t i = 0;
      for (element item : items) {
        CheckValue(prop, *type.item, item, Path(&pointer, i));
        ++i;
      }
      return;
    }
    case Kind::kDictionary: {
      if (!ExpectType(v, element_type::OBJECT, pointer, "a dictionary")) return;
      object dict = v;
      if (dict.size() == 0) {
        Error(pointer, "empty-dictionary", "dictionaries must have at least one key");
        return;
      }
      for (auto field : dict) {
        if (field.key.size() > 250) {
          Error(Path(&pointer, field.key), "dictionary-key",
                "dictionary keys must be at most 250 characters");
        }
        if (type.item) CheckValue(prop, *type.item, field.value, Path(&pointer, field.key));
      }
      return;
    }
    case Kind::kHashes:
      if (ExpectType(v, element_type::OBJECT, pointer, "a hashes dictionary")) {
        CheckHashes(v, pointer);
      }
      return;
    case Kind::kKillChainPhase: {
      if (!ExpectType(v, element_type::OBJECT, pointer, "a kill-chain-phase")) return;
      object phase = v;
      for (const char* field : {"kill_chain_name", "phase_name"}) {
        element f;
        if (phase[field].get(f) != simdjson::SUCCESS) {
          Error(Path(&pointer, field), "required-property",
                util::StrCat("\"", field, "\" is required in a kill-chain-phase"));
        } else {
          ExpectType(f, element_type::STRING, Path(&pointer, field), "a string");
        }
      }
      return;
    }
    case Kind::kExternalReference:
      CheckExternalReference(v, pointer);
      return;
    case Kind::kGranularMarking:
      CheckGranularMarking(v, pointer);
      return;
    case Kind::kExtensions:
      if (ExpectType(v, element_type::OBJECT, pointer, "an extensions dictionary")) {
        CheckExtensions(v, pointer);
      }
      return;
    case Kind::kStruct:
      if (ExpectType(v, element_type::OBJECT, pointer, "an object")) {
        CheckStruct(*type.fields, v, pointer, false);
      }
      return;
  }
}

void ObjectChecker::CheckReference(const PropType& type, std::string_view id, const Path& pointer) {
  if (type.ref_types.empty()) return;
  const std::string_view target = IdType(id);
  const TypeSpec* target_spec = Registry::Get().Find(target);
  for (const std::string& allowed : type.ref_types) {
    if (allowed == target) return;
    if (allowed[0] == '<') {
      // A category; custom (unregistered) types may be of any category.
      if (target_spec == nullptr) return;
      if (allowed == "<sdo>" && target_spec->category == Category::kSdo) return;
      if (allowed == "<sco>" && target_spec->category == Category::kSco) return;
      if (allowed == "<sro>" && target_spec->category == Category::kSro) return;
    }
  }
  Error(pointer, "reference-type",
        util::StrCat("must refer to ", absl::StrJoin(type.ref_types, " or "), ", not ", target));
}

void ObjectChecker::CheckHashes(object hashes, const Path& pointer) {
  if (hashes.size() == 0) {
    Error(pointer, "empty-dictionary", "hashes must have at least one entry");
    return;
  }
  for (auto field : hashes) {
    const Path child(&pointer, field.key);
    std::string_view value;
    if (field.value.get(value) != simdjson::SUCCESS) {
      Error(child, "property-type", "hash values must be strings");
      continue;
    }
    if (field.key.size() < 3 || field.key.size() > 250) {
      Error(child, "hash-algorithm", "hash algorithm names must be 3 to 250 characters long");
      continue;
    }
    if (!vocab::kHashAlgorithm.Contains(field.key)) {
      Warning(child, "hash-algorithm",
              util::StrCat("\"", field.key, "\" is not in hash-algorithm-ov"));
      continue;
    }
    const size_t want = HashHexLength(field.key);
    if (want != 0 && (value.size() != want || !IsHex(value))) {
      Error(child, "hash-value", util::StrCat(field.key, " must be ", want, " hexadecimal digits"));
    }
  }
}

void ObjectChecker::CheckExternalReference(element v, const Path& pointer) {
  if (!ExpectType(v, element_type::OBJECT, pointer, "an external-reference")) return;
  object ref = v;
  static const PropertySpec kString{"", String(), false};
  element value;
  if (ref["source_name"].get(value) != simdjson::SUCCESS) {
    Error(Path(&pointer, "source_name"), "required-property",
          "\"source_name\" is required in an external reference");
  } else {
    CheckValue(kString, kString.type, value, Path(&pointer, "source_name"));
  }
  bool has_detail = false;
  for (const char* field : {"description", "url", "external_id"}) {
    if (ref[field].get(value) == simdjson::SUCCESS) {
      has_detail = true;
      CheckValue(kString, kString.type, value, Path(&pointer, field));
    }
  }
  if (!has_detail) {
    Error(pointer, "at-least-one-of",
          "an external reference needs at least one of description, url or external_id");
  }
  object hashes;
  if (ref["hashes"].get(value) == simdjson::SUCCESS &&
      ExpectType(value, element_type::OBJECT, Path(&pointer, "hashes"), "a hashes dictionary")) {
    CheckHashes(value, Path(&pointer, "hashes"));
  }
}

void ObjectChecker::CheckGranularMarking(element v, const Path& pointer) {
  if (!ExpectType(v, element_type::OBJECT, pointer, "a granular-marking")) return;
  object marking = v;
  element lang, ref, selectors;
  const bool has_lang = marking["lang"].get(lang) == simdjson::SUCCESS;
  const bool has_ref = marking["marking_ref"].get(ref) == simdjson::SUCCESS;
  if (has_lang == has_ref) {
    Error(pointer, "granular-marking",
          "a granular marking must have exactly one of lang or marking_ref");
  }
  if (has_lang) ExpectType(lang, element_type::STRING, Path(&pointer, "lang"), "a string");
  if (has_ref) {
    static const PropertySpec kMarkingRef{"marking_ref", Ref({"marking-definition"}), false};
    CheckValue(kMarkingRef, kMarkingRef.type, ref, Path(&pointer, "marking_ref"));
  }
  if (marking["selectors"].get(selectors) != simdjson::SUCCESS) {
    Error(Path(&pointer, "selectors"), "required-property",
          "\"selectors\" is required in a granular marking");
  } else {
    static const PropertySpec kSelectors{"selectors", ListOf(String()), false};
    CheckValue(kSelectors, kSelectors.type, selectors, Path(&pointer, "selectors"));
  }
}

void ObjectChecker::CheckExtensions(object extensions, const Path& pointer) {
  if (extensions.size() == 0) {
    Error(pointer, "empty-dictionary", "extensions must have at least one entry");
    return;
  }
  for (auto field : extensions) {
    const Path child(&pointer, field.key);
    object value;
    if (field.value.get(value) != simdjson::SUCCESS) {
      Error(child, "property-type", "an extension must be an object");
      continue;
    }
    if (field.key.rfind("extension-definition--", 0) == 0) {
      if (std::string e = CheckIdentifier(field.key); !e.empty()) {
        Error(child, "identifier", e);
      }
      element ext_type_value;
      if (value["extension_type"].get(ext_type_value) == simdjson::SUCCESS) {
        static const PropertySpec kExtType{"extension_type", Enum(vocab::kExtensionType), false};
        CheckValue(kExtType, kExtType.type, ext_type_value, Path(&child, "extension_type"));
      } else {
        Error(Path(&child, "extension_type"), "required-property",
              "\"extension_type\" is required in an extension-definition extension");
      }
      continue;
    }
    if (const PredefinedExtension* ext = Registry::Get().FindExtension(field.key)) {
      if (ext->extends != type_) {
        Error(child, "extension-type",
              util::StrCat("\"", field.key, "\" extends ", ext->extends, ", not ", type_));
        continue;
      }
      CheckStruct(ext->spec, value, child, false);
      continue;
    }
    if (options_.warn_custom) {
      Warning(child, "custom-extension",
              util::StrCat("\"", field.key,
                           "\" is neither a predefined extension nor an extension-definition id "
                           "(custom extensions are deprecated)"));
    }
  }
}

void ObjectChecker::CheckCommonTimestamps(object obj) {
  std::string_view created, modified;
  std::optional<util::ParsedTimestamp> c, m;
  if (obj["created"].get(created) == simdjson::SUCCESS) {
    if (auto p = util::ParseRfc3339(created); p.ok()) c = *p;
  }
  if (obj["modified"].get(modified) == simdjson::SUCCESS) {
    if (auto p = util::ParseRfc3339(modified); p.ok()) m = *p;
  }
  if (c && m && m->micros < c->micros) {
    Error(
        "/modified", "timestamp-order",
        util::StrCat("modified (", modified, ") must not be earlier than created (", created, ")"));
  }
  // STIX 2.1 section 3.2: created and modified are precise to the millisecond. Much real
  // data has whole seconds, so this is reported as a warning.
  if (c && c->fraction_digits < 3) {
    Warning("/created", "timestamp-precision", "created should be precise to the millisecond");
  }
  if (m && m->fraction_digits < 3) {
    Warning("/modified", "timestamp-precision", "modified should be precise to the millisecond");
  }
}

// Resolves a granular-marking selector ("description", "external_references.[0].url") in obj.
bool SelectorResolves(element root, std::string_view selector) {
  SelectorPath path;
  if (!ParseSelector(selector, path)) return false;
  element current = root;
  for (const SelectorStep& step : path) {
    if (step.is_index) {
      simdjson::dom::array list;
      if (current.get(list) != simdjson::SUCCESS ||
          list.at(step.index).get(current) != simdjson::SUCCESS) {
        return false;
      }
    } else {
      object o;
      if (current.get(o) != simdjson::SUCCESS || o[step.key].get(current) != simdjson::SUCCESS) {
        return false;
      }
    }
  }
  return true;
}

void ObjectChecker::CheckSelectors(element root) {
  simdjson::dom::array markings;
  if (root["granular_markings"].get(markings) != simdjson::SUCCESS) return;
  size_t i = 0;
  for (element marking : markings) {
    simdjson::dom::array selectors;
    if (marking["selectors"].get(selectors) == simdjson::SUCCESS) {
      size_t j = 0;
      for (element s : selectors) {
        std::string_view selector;
        if (s.get(selector) == simdjson::SUCCESS && !SelectorResolves(root, selector)) {
          Error(util::StrCat("/granular_markings/", i, "/selectors/", j), "granular-selector",
                util::StrCat("selector \"", selector,
                             "\" does not refer to a property present in the object"));
        }
        ++j;
      }
    }
    ++i;
  }
}

}  // namespace

Validator::Validator(ValidatorOptions options) : options_(options) {}

void Validator::ValidateObject(element object, std::string_view object_name, std::string_view base,
                               std::vector<Finding>& out) const {
  ObjectChecker(options_, object_name, base, out).Run(object);
}

void Validator::ValidateBundleEnvelope(element bundle, std::vector<Finding>& out) const {
  auto error = [&](std::string pointer, std::string rule, std::string message) {
    out.push_back(Finding{Severity::kError, "bundle", std::move(pointer), std::move(rule),
                          std::move(message)});
  };
  object obj;
  if (bundle.get(obj) != simdjson::SUCCESS) {
    error("", "not-an-object", "a bundle must be a JSON object");
    return;
  }
  std::string_view type, id;
  if (obj["type"].get(type) != simdjson::SUCCESS || type != "bundle") {
    error("/type", "bundle", "a bundle's type must be \"bundle\"");
  }
  if (obj["id"].get(id) != simdjson::SUCCESS) {
    error("/id", "required-property", "\"id\" is required on a bundle");
  } else if (std::string e = CheckIdentifier(id); !e.empty()) {
    error("/id", "identifier", e);
  } else if (IdType(id) != "bundle") {
    error("/id", "id-type-mismatch", "a bundle's id must start with \"bundle--\"");
  }
  element objects;
  if (obj["objects"].get(objects) == simdjson::SUCCESS && objects.type() != element_type::ARRAY) {
    error("/objects", "property-type", "objects must be a list");
  }
}

}  // namespace kongsi::stix
