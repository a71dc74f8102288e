// The STIX 2.1 meta objects (OASIS Standard, section 7): language-content,
// marking-definition and extension-definition. Registry::Add(type, Category::kMeta) adds no
// common properties, so each type lists the ones the specification gives it: marking
// definitions cannot be versioned (no modified, revoked, labels, confidence, lang), language
// content has no lang (its languages are the keys of `contents`), and extension definitions
// have no confidence or lang and require created_by_ref.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "stix/spec.h"
#include "stix/spec_rules.h"
#include "stix/tlp.h"
#include "stix/validate.h"
#include "stix/vocab.h"
#include "util/strings.h"

namespace kongsi::stix {
namespace {

using detail::StringProperty;
using simdjson::dom::element;
using simdjson::dom::element_type;

// definition_type is an open vocabulary.
const Vocabulary& MarkingDefinitionTypes() {
  static const Vocabulary* vocabulary =
      new Vocabulary("marking-definition-type", {"statement", "tlp"});
  return *vocabulary;
}

// --- common properties ------------------------------------------------------------------

// Shared by all three meta types.
void AddMetaCommon(Registry::TypeBuilder& type) {
  type.Req("type", String())
      .Req("spec_version", String())
      .Req("id", Ref())
      .Req("created", Timestamp())
      .Opt("external_references", ListOf(ExternalReference()))
      .Opt("object_marking_refs", ListOf(Ref({"marking-definition"})))
      .Opt("granular_markings", ListOf(GranularMarking()))
      .Opt("extensions", Extensions());
}

// Versioning properties of language-content and extension-definition.
void AddVersioning(Registry::TypeBuilder& type) {
  type.Req("modified", Timestamp()).Opt("revoked", Boolean()).Opt("labels", ListOf(String()));
}

// --- marking-definition -----------------------------------------------------------------

void MarkingDefinitionNotVersioned(RuleContext& ctx) {
  for (const char* name : {"modified", "revoked"}) {
    if (ctx.Has(name)) {
      ctx.Error(util::StrCat("/", name), "marking-definition-versioned",
                util::StrCat("a marking-definition cannot be versioned or revoked; remove ", name));
    }
  }
}

void CheckStatementDefinition(RuleContext& ctx, simdjson::dom::object definition) {
  element statement;
  if (definition["statement"].get(statement) != simdjson::SUCCESS) {
    ctx.Error("/definition/statement", "required-property",
              "\"statement\" is required in a statement marking definition");
  } else if (statement.type() != element_type::STRING) {
    ctx.Error("/definition/statement", "property-type", "statement must be a string");
  }
}

void CheckTlpDefinition(RuleContext& ctx, simdjson::dom::object definition) {
  element tlp_value;
  if (definition["tlp"].get(tlp_value) != simdjson::SUCCESS) {
    ctx.Error("/definition/tlp", "required-property",
              "\"tlp\" is required in a tlp marking definition");
    return;
  }
  std::string_view tlp;
  if (tlp_value.get(tlp) != simdjson::SUCCESS) {
    ctx.Error("/definition/tlp", "property-type", "tlp must be a string");
    return;
  }
  // STIX 2.1 predefines the four TLP 1.0 marking definitions; others MUST NOT be created.
  const bool known = tlp == "white" || tlp == "green" || tlp == "amber" || tlp == "red";
  if (!known) {
    ctx.Error("/definition/tlp", "enum",
              util::StrCat("\"", tlp, "\" is not a TLP level (white, green, amber or red)"));
    return;
  }
  const std::optional<std::string_view> id = StringProperty(ctx, "id");
  const std::string_view expected = Tlp10MarkingId(*ParseTlpName(tlp));
  if (id && *id != expected) {
    ctx.Error("/id", "tlp-marking-id",
              util::StrCat("TLP markings must use the predefined marking definitions; TLP:", tlp,
                           " is ", expected, ", not ", *id));
  }
}

// definition_type and definition are required unless a marking extension (e.g. TLP 2.0)
// carries the marking; the predefined definition types have a fixed content.
void MarkingDefinitionContent(RuleContext& ctx) {
  const bool has_type = ctx.Has("definition_type");
  const bool has_definition = ctx.Has("definition");
  if (!ctx.Has("extensions")) {
    if (!has_type) {
      ctx.Error("/definition_type", "required-property",
                "\"definition_type\" is required on a marking-definition without extensions");
    }
    if (!has_definition) {
      ctx.Error("/definition", "required-property",
                "\"definition\" is required on a marking-definition without extensions");
    }
  } else if (has_type != has_definition) {
    ctx.Warning(has_type ? "/definition_type" : "/definition", "requires-property",
                "definition_type and definition should be given together");
  }
  const std::optional<std::string_view> type = StringProperty(ctx, "definition_type");
  simdjson::dom::object definition;
  if (!type || !has_definition || ctx.Get("definition")->get(definition) != simdjson::SUCCESS) {
    return;
  }
  if (*type == "statement") CheckStatementDefinition(ctx, definition);
  if (*type == "tlp") CheckTlpDefinition(ctx, definition);
}

// --- language-content -------------------------------------------------------------------

// RFC 5646 syntax (not the registry): a primary subtag of 2-8 letters or the singletons
// "x" / "i", then subtags of 1-8 letters and digits.
bool IsLanguageTag(std::string_view tag) {
  size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    size_t end = tag.find('-', start);
    if (end == std::string_view::npos) end = tag.size();
    const std::string_view subtag = tag.substr(start, end - start);
    if (subtag.empty() || subtag.size() > 8) return false;
    for (char c : subtag) {
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      const bool digit = c >= '0' && c <= '9';
      if (!letter && !(digit && !first)) return false;
    }
    if (first && subtag.size() == 1 && subtag != "x" && subtag != "X" && subtag != "i" &&
        subtag != "I") {
      return false;
    }
    first = false;
    start = end + 1;
  }
  return true;
}

// A translation mirrors the target object: strings, lists (untranslated items are "") and
// objects, recursively.
void CheckTranslation(RuleContext& ctx, element value, const std::string& pointer) {
  switch (value.type()) {
    case element_type::STRING:
      return;
    case element_type::ARRAY: {
      size_t i = 0;
      for (element item : simdjson::dom::array(value)) {
        CheckTranslation(ctx, item, util::StrCat(pointer, "/", i++));
      }
      return;
    }
    case element_type::OBJECT:
      for (auto field : simdjson::dom::object(value)) {
        CheckTranslation(ctx, field.value, util::StrCat(pointer, "/", JsonPointerToken(field.key)));
      }
      return;
    default:
      ctx.Error(pointer, "language-content-value",
                "translated content must be a string, a list or an object");
  }
}

void LanguageContents(RuleContext& ctx) {
  std::optional<element> contents_value = ctx.Get("contents");
  simdjson::dom::object contents;
  if (!contents_value || contents_value->get(contents) != simdjson::SUCCESS) return;
  for (auto field : contents) {
    const std::string pointer = util::StrCat("/contents/", JsonPointerToken(field.key));
    if (!IsLanguageTag(field.key)) {
      ctx.Error(pointer, "language-tag",
                util::StrCat("\"", field.key, "\" is not an RFC 5646 language tag"));
    }
    simdjson::dom::object translation;
    if (field.value.get(translation) != simdjson::SUCCESS) continue;  // engine: property-type
    for (auto property : translation) {
      CheckTranslation(ctx, property.value,
                       util::StrCat(pointer, "/", JsonPointerToken(property.key)));
    }
  }
}

// --- extension-definition ---------------------------------------------------------------

// extension_properties MUST only be used with toplevel-property-extension, and names the
// properties such an extension adds.
void ExtensionProperties(RuleContext& ctx) {
  bool toplevel = false;
  std::optional<element> types_value = ctx.Get("extension_types");
  simdjson::dom::array types;
  if (types_value && types_value->get(types) == simdjson::SUCCESS) {
    for (element type : types) {
      std::string_view name;
      if (type.get(name) == simdjson::SUCCESS && name == "toplevel-property-extension") {
        toplevel = true;
      }
    }
  }
  const bool has_properties = ctx.Has("extension_properties");
  if (has_properties && !toplevel) {
    ctx.Error("/extension_properties", "extension-properties",
              "extension_properties may only be used when extension_types includes "
              "toplevel-property-extension");
  } else if (!has_properties && toplevel) {
    ctx.Warning("/extension_properties", "extension-properties",
                "a toplevel-property-extension should list the properties it adds in "
                "extension_properties");
  }
}

}  // namespace

void RegisterMeta(Registry& registry) {
  {
    auto marking = registry.Add("marking-definition", Category::kMeta);
    AddMetaCommon(marking);
    marking.Opt("created_by_ref", Ref({"identity"}))
        .Opt("name", String())
        .Opt("definition_type", OpenVocab(MarkingDefinitionTypes()))
        .Opt("definition", Dictionary())
        .Rule(MarkingDefinitionNotVersioned)
        .Rule(MarkingDefinitionContent);
  }

  {
    auto language = registry.Add("language-content", Category::kMeta);
    AddMetaCommon(language);
    AddVersioning(language);
    language.Opt("created_by_ref", Ref({"identity"}))
        .Opt("confidence", Integer(0, 100))
        .Req("object_ref",
             Ref({"<sdo>", "<sro>", "<sco>", "marking-definition", "extension-definition"}))
        .Opt("object_modified", Timestamp())
        .Req("contents", Dictionary(Dictionary()))
        .Rule(LanguageContents);
  }

  {
    auto extension = registry.Add("extension-definition", Category::kMeta);
    AddMetaCommon(extension);
    AddVersioning(extension);
    extension.Req("created_by_ref", Ref({"identity"}))
        .Req("name", String())
        .Opt("description", String())
        .Req("schema", String())
        .Req("version", String())
        .Req("extension_types", ListOf(Enum(vocab::kExtensionType)))
        .Opt("extension_properties", ListOf(String()))
        .Rule(ExtensionProperties);
  }
}

}  // namespace kongsi::stix
