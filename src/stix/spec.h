// The STIX 2.1 type registry: what properties each object type has, of which kind, which
// are required, and which extra rules apply. The validator (validate.h) is driven by it.
//
// Tables are built once at start-up (registry.cc calls the Register* functions of
// spec_*.cc) and are immutable afterwards, so the registry is safe to share across threads.
// Adding a type means adding a table entry in one of the spec_*.cc files; the engine in
// validate.cc does not change.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "simdjson.h"
#include "stix/finding.h"
#include "stix/vocab.h"

namespace kongsi::stix {

enum class Category { kSdo, kSro, kSco, kMeta, kBundle };

// The kind of value a property holds (STIX 2.1 section 2).
enum class Kind {
  kAny,     // no check (custom extension content)
  kString,  // non-empty unless allow_empty
  kBoolean,
  kInteger,            // a JSON integer, optionally bounded
  kFloat,              // any JSON number, optionally bounded
  kTimestamp,          // RFC 3339 with 'Z'
  kIdentifier,         // "type--uuid"; ref_types restricts the target type
  kHex,                // even-length hexadecimal string
  kBinary,             // base64 string
  kOpenVocab,          // a string; values outside `vocab` are warnings
  kEnum,               // a string; values outside `vocab` are errors
  kList,               // non-empty JSON array of `item`
  kDictionary,         // non-empty JSON object, keys of at most 250 characters
  kHashes,             // hashes-type dictionary (algorithm -> hex or text)
  kKillChainPhase,     // {kill_chain_name, phase_name}
  kExternalReference,  // {source_name, description|url|external_id, ...}
  kGranularMarking,    // {lang | marking_ref, selectors}
  kExtensions,         // extensions dictionary (predefined SCO extensions or definitions)
  kStruct,             // a JSON object described by `fields` (e.g. email-mime-part-type)
};

struct StructSpec;

// One property's type. Built with the helpers below: `ListOf(Ref({"identity"}))`.
struct PropType {
  Kind kind = Kind::kAny;
  std::shared_ptr<const PropType> item;      // kList: type of the items
  std::vector<std::string> ref_types;        // kIdentifier: allowed target types; empty = any.
                                             // "<sdo>", "<sco>", "<sro>" stand for categories.
  const Vocabulary* vocab = nullptr;         // kOpenVocab, kEnum
  std::optional<double> min, max;            // kInteger, kFloat bounds (inclusive)
  std::shared_ptr<const StructSpec> fields;  // kStruct; for kDictionary: type of every value
                                             // is `item` when set
  bool allow_empty = false;                  // kString: "" allowed
};

struct PropertySpec {
  std::string name;
  PropType type;
  bool required = false;
};

// Context handed to per-type rules: the object and where to report.
class RuleContext {
 public:
  RuleContext(simdjson::dom::object object, std::string_view object_name, std::string_view base,
              std::vector<Finding>& out)
      : object_(object), object_name_(object_name), base_(base), out_(out) {}

  simdjson::dom::object object() const { return object_; }
  // Looks up a top-level property; nullopt when absent.
  std::optional<simdjson::dom::element> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  // `pointer` is relative to the object ("/valid_until", or "" for the object itself).
  void Error(std::string_view pointer, std::string_view rule, std::string message);
  void Warning(std::string_view pointer, std::string_view rule, std::string message);

 private:
  simdjson::dom::object object_;
  std::string_view object_name_;
  std::string base_;  // owned: the engine passes a temporary (base + nested pointer)
  std::vector<Finding>& out_;
};

using Rule = std::function<void(RuleContext&)>;

struct StructSpec {
  std::string name;  // for messages, e.g. "email-mime-part-type"
  std::vector<PropertySpec> properties;
  absl::flat_hash_map<std::string, size_t> index;  // name -> position in properties
  bool allow_custom = true;                        // unknown fields: custom-property rules
  std::vector<Rule> rules;

  const PropertySpec* Find(std::string_view name) const;
};

struct TypeSpec {
  std::string type;
  Category category = Category::kSdo;
  StructSpec spec;  // common properties included
  // SCOs: the ID-contributing properties (STIX 2.1 section 2.9), in order. Empty for SCOs
  // whose ids are UUIDv4 (process) and for non-SCOs.
  std::vector<std::string> id_contributing;
};

// Predefined SCO extensions (e.g. "ntfs-ext"): their properties and the SCO type they extend.
struct PredefinedExtension {
  std::string name;
  std::string extends;  // "file", "network-traffic", ...
  StructSpec spec;
};

// --- Builders -------------------------------------------------------------------------
PropType Any();
PropType String();
PropType Boolean();
PropType Integer(std::optional<double> min = std::nullopt,
                 std::optional<double> max = std::nullopt);
PropType Float(std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
PropType Timestamp();
PropType Ref(std::vector<std::string> types = {});
PropType Hex();
PropType Binary();
PropType OpenVocab(const Vocabulary& vocab);
PropType Enum(const Vocabulary& vocab);
PropType ListOf(PropType item);
PropType Dictionary(std::optional<PropType> values = std::nullopt);
PropType Hashes();
PropType KillChainPhase();
PropType ExternalReference();
PropType GranularMarking();
PropType Extensions();
PropType Struct(std::shared_ptr<const StructSpec> spec);

// Builds a StructSpec fluently: StructBuilder("x").Req("a", String()).Opt("b", Integer()).
class StructBuilder {
 public:
  explicit StructBuilder(std::string name);
  StructBuilder& Req(std::string name, PropType type);
  StructBuilder& Opt(std::string name, PropType type);
  StructBuilder& Rule(stix::Rule rule);
  StructBuilder& Closed();  // unknown fields are errors
  std::shared_ptr<const StructSpec> Build();
  StructSpec TakeSpec();

 private:
  StructSpec spec_;
};

// The registry of every known type. Registration happens once in Registry::Get().
class Registry {
 public:
  static const Registry& Get();

  const TypeSpec* Find(std::string_view type) const;
  const PredefinedExtension* FindExtension(std::string_view name) const;
  // Names of all registered types (for tests and docs).
  std::vector<std::string> TypeNames() const;

  // --- used by the spec_*.cc registration functions -----------------------------------
  // Starts a type with the common properties of its category already added.
  class TypeBuilder {
   public:
    TypeBuilder& Req(std::string name, PropType type);
    TypeBuilder& Opt(std::string name, PropType type);
    TypeBuilder& Rule(stix::Rule rule);
    TypeBuilder& IdContributing(std::vector<std::string> names);

   private:
    friend class Registry;
    explicit TypeBuilder(TypeSpec& spec) : spec_(spec) {}
    TypeSpec& spec_;
  };
  TypeBuilder Add(std::string type, Category category);
  StructBuilder& AddExtension(std::string name, std::string extends);

 private:
  Registry();
  absl::flat_hash_map<std::string, std::unique_ptr<TypeSpec>> types_;
  absl::flat_hash_map<std::string, std::unique_ptr<PredefinedExtension>> extensions_;
  std::vector<std::unique_ptr<StructBuilder>> extension_builders_;
};

// Registration entry points, one per spec_*.cc file.
void RegisterSdos(Registry& registry);  // spec_sdo.cc: the 19 SDOs
void RegisterSros(Registry& registry);  // spec_sro.cc: relationship, sighting
void RegisterMeta(Registry& registry);  // spec_meta.cc: marking-definition,
                                        // language-content, extension-definition
void RegisterScos(Registry& registry);  // spec_sco.cc: the 18 SCOs and their
                                        // predefined extensions

// Common property sets (STIX 2.1 sections 3.2 and 6), added by Registry::Add.
void AddSdoCommonProperties(StructSpec& spec);
void AddScoCommonProperties(StructSpec& spec);

}  // namespace kongsi::stix
