// Builders for property types and the registry of STIX types. The per-category tables are in
// spec_sdo.cc, spec_sro.cc, spec_meta.cc and spec_sco.cc.
#include "stix/spec.h"

#include <algorithm>

#include "util/strings.h"

namespace kongsi::stix {

// --- RuleContext ------------------------------------------------------------------------

std::optional<simdjson::dom::element> RuleContext::Get(std::string_view name) const {
  simdjson::dom::element value;
  if (object_[name].get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

void RuleContext::Error(std::string_view pointer, std::string_view rule, std::string message) {
  out_.push_back(Finding{Severity::kError, std::string(object_name_), util::StrCat(base_, pointer),
                         std::string(rule), std::move(message)});
}

void RuleContext::Warning(std::string_view pointer, std::string_view rule, std::string message) {
  out_.push_back(Finding{Severity::kWarning, std::string(object_name_),
                         util::StrCat(base_, pointer), std::string(rule), std::move(message)});
}

const PropertySpec* StructSpec::Find(std::string_view name) const {
  auto it = index.find(util::AsAbsl(name));
  return it == index.end() ? nullptr : &properties[it->second];
}

// --- PropType builders ------------------------------------------------------------------

namespace {
PropType Of(Kind kind) {
  PropType t;
  t.kind = kind;
  return t;
}

void AddProperty(StructSpec& spec, std::string name, PropType type, bool required) {
  auto it = spec.index.find(name);
  if (it != spec.index.end()) {  // a later definition refines an earlier (common) one
    spec.properties[it->second] = PropertySpec{std::move(name), std::move(type), required};
    return;
  }
  spec.index.emplace(name, spec.properties.size());
  spec.properties.push_back(PropertySpec{std::move(name), std::move(type), required});
}
}  // namespace

PropType Any() { return Of(Kind::kAny); }
PropType String() { return Of(Kind::kString); }
PropType Boolean() { return Of(Kind::kBoolean); }
PropType Integer(std::optional<double> min, std::optional<double> max) {
  PropType t = Of(Kind::kInteger);
  t.min = min;
  t.max = max;
  return t;
}
PropType Float(std::optional<double> min, std::optional<double> max) {
  PropType t = Of(Kind::kFloat);
  t.min = min;
  t.max = max;
  return t;
}
PropType Timestamp() { return Of(Kind::kTimestamp); }
PropType Ref(std::vector<std::string> types) {
  PropType t = Of(Kind::kIdentifier);
  t.ref_types = std::move(types);
  return t;
}
PropType Hex() { return Of(Kind::kHex); }
PropType Binary() { return Of(Kind::kBinary); }
PropType OpenVocab(const Vocabulary& vocab) {
  PropType t = Of(Kind::kOpenVocab);
  t.vocab = &vocab;
  return t;
}
PropType Enum(const Vocabulary& vocab) {
  PropType t = Of(Kind::kEnum);
  t.vocab = &vocab;
  return t;
}
PropType ListOf(PropType item) {
  PropType t = Of(Kind::kList);
  t.item = std::make_shared<const PropType>(std::move(item));
  return t;
}
PropType Dictionary(std::optional<PropType> values) {
  PropType t = Of(Kind::kDictionary);
  if (values) t.item = std::make_shared<const PropType>(std::move(*values));
  return t;
}
PropType Hashes() { return Of(Kind::kHashes); }
PropType KillChainPhase() { return Of(Kind::kKillChainPhase); }
PropType ExternalReference() { return Of(Kind::kExternalReference); }
PropType GranularMarking() { return Of(Kind::kGranularMarking); }
PropType Extensions() { return Of(Kind::kExtensions); }
PropType Struct(std::shared_ptr<const StructSpec> spec) {
  PropType t = Of(Kind::kStruct);
  t.fields = std::move(spec);
  return t;
}

// --- StructBuilder ----------------------------------------------------------------------

StructBuilder::StructBuilder(std::string name) { spec_.name = std::move(name); }
StructBuilder& StructBuilder::Req(std::string name, PropType type) {
  AddProperty(spec_, std::move(name), std::move(type), true);
  return *this;
}
StructBuilder& StructBuilder::Opt(std::string name, PropType type) {
  AddProperty(spec_, std::move(name), std::move(type), false);
  return *this;
}
StructBuilder& StructBuilder::Rule(stix::Rule rule) {
  spec_.rules.push_back(std::move(rule));
  return *this;
}
StructBuilder& StructBuilder::Closed() {
  spec_.allow_custom = false;
  return *this;
}
std::shared_ptr<const StructSpec> StructBuilder::Build() {
  return std::make_shared<const StructSpec>(spec_);
}
StructSpec StructBuilder::TakeSpec() { return std::move(spec_); }

// --- common properties (STIX 2.1 sections 3.2 and 6.1) ------------------------------------

void AddSdoCommonProperties(StructSpec& spec) {
  AddProperty(spec, "type", String(), true);
  AddProperty(spec, "spec_version", String(), true);
  AddProperty(spec, "id", Ref(), true);
  AddProperty(spec, "created_by_ref", Ref({"identity"}), false);
  AddProperty(spec, "created", Timestamp(), true);
  AddProperty(spec, "modified", Timestamp(), true);
  AddProperty(spec, "revoked", Boolean(), false);
  AddProperty(spec, "labels", ListOf(String()), false);
  AddProperty(spec, "confidence", Integer(0, 100), false);
  AddProperty(spec, "lang", String(), false);
  AddProperty(spec, "external_references", ListOf(ExternalReference()), false);
  AddProperty(spec, "object_marking_refs", ListOf(Ref({"marking-definition"})), false);
  AddProperty(spec, "granular_markings", ListOf(GranularMarking()), false);
  AddProperty(spec, "extensions", Extensions(), false);
}

void AddScoCommonProperties(StructSpec& spec) {
  AddProperty(spec, "type", String(), true);
  AddProperty(spec, "spec_version", String(), false);
  AddProperty(spec, "id", Ref(), true);
  AddProperty(spec, "object_marking_refs", ListOf(Ref({"marking-definition"})), false);
  AddProperty(spec, "granular_markings", ListOf(GranularMarking()), false);
  AddProperty(spec, "defanged", Boolean(), false);
  AddProperty(spec, "extensions", Extensions(), false);
}

// --- Registry ---------------------------------------------------------------------------

Registry::TypeBuilder& Registry::TypeBuilder::Req(std::string name, PropType type) {
  AddProperty(spec_.spec, std::move(name), std::move(type), true);
  return *this;
}
Registry::TypeBuilder& Registry::TypeBuilder::Opt(std::string name, PropType type) {
  AddProperty(spec_.spec, std::move(name), std::move(type), false);
  return *this;
}
Registry::TypeBuilder& Registry::TypeBuilder::Rule(stix::Rule rule) {
  spec_.spec.rules.push_back(std::move(rule));
  return *this;
}
Registry::TypeBuilder& Registry::TypeBuilder::IdContributing(std::vector<std::string> names) {
  spec_.id_contributing = std::move(names);
  return *this;
}

Registry::TypeBuilder Registry::Add(std::string type, Category category) {
  auto spec = std::make_unique<TypeSpec>();
  spec->type = type;
  spec->category = category;
  spec->spec.name = type;
  if (category == Category::kSdo || category == Category::kSro) {
    AddSdoCommonProperties(spec->spec);
  } else if (category == Category::kSco) {
    AddScoCommonProperties(spec->spec);
  }
  TypeSpec& ref = *spec;
  types_[type] = std::move(spec);
  return TypeBuilder(ref);
}

StructBuilder& Registry::AddExtension(std::string name, std::string extends) {
  auto ext = std::make_unique<PredefinedExtension>();
  ext->name = name;
  ext->extends = std::move(extends);
  extensions_[name] = std::move(ext);
  extension_builders_.push_back(std::make_unique<StructBuilder>(std::move(name)));
  return *extension_builders_.back();
}

Registry::Registry() {
  RegisterSdos(*this);
  RegisterSros(*this);
  RegisterMeta(*this);
  RegisterScos(*this);
  // Extension builders are filled by the Register* calls; move their specs into place.
  for (auto& builder : extension_builders_) {
    StructSpec spec = builder->TakeSpec();
    auto it = extensions_.find(spec.name);
    if (it != extensions_.end()) it->second->spec = std::move(spec);
  }
  extension_builders_.clear();
}

const Registry& Registry::Get() {
  static const Registry* registry = new Registry();
  return *registry;
}

const TypeSpec* Registry::Find(std::string_view type) const {
  auto it = types_.find(util::AsAbsl(type));
  return it == types_.end() ? nullptr : it->second.get();
}

const PredefinedExtension* Registry::FindExtension(std::string_view name) const {
  auto it = extensions_.find(util::AsAbsl(name));
  return it == extensions_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Registry::TypeNames() const {
  std::vector<std::string> names;
  for (const auto& [name, spec] : types_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace kongsi::stix
