// Tests of the STIX 2.1 type tables for SDOs, SROs and meta objects (spec_sdo.cc,
// spec_sro.cc, spec_meta.cc) and of the vocabularies (vocab.cc), through the public
// Validator: a minimal valid object of every type passes cleanly, and each rule reports
// exactly the expected finding (rule, severity, JSON pointer). The last tests validate the
// OASIS examples and MITRE ATT&CK from the shared data folder.
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "simdjson.h"
#include "stix/spec.h"
#include "stix/validate.h"
#include "stix/vocab.h"

namespace kongsi::stix {
namespace {

using nlohmann::json;

// --- helpers ----------------------------------------------------------------------------

std::vector<Finding> Validate(const json& object, std::string_view base = "") {
  const std::string text = object.dump();
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  EXPECT_EQ(parser.parse(text).get(element), simdjson::SUCCESS) << text;
  std::vector<Finding> findings;
  Validator().ValidateObject(element, "test-object", base, findings);
  return findings;
}

std::string Describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) {
    out += std::string("\n  ") + SeverityName(f.severity) + " " + f.rule + " at \"" + f.pointer +
           "\": " + f.message;
  }
  return out.empty() ? " (none)" : out;
}

std::vector<Finding> OfSeverity(const std::vector<Finding>& findings, Severity severity) {
  std::vector<Finding> out;
  for (const Finding& f : findings) {
    if (f.severity == severity) out.push_back(f);
  }
  return out;
}

::testing::AssertionResult NoFindings(const std::vector<Finding>& findings) {
  if (findings.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "unexpected findings:" << Describe(findings);
}

::testing::AssertionResult NoErrors(const std::vector<Finding>& findings) {
  if (OfSeverity(findings, Severity::kError).empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "unexpected errors:" << Describe(findings);
}

// Exactly one error, of `rule` at `pointer` (warnings are ignored).
::testing::AssertionResult OnlyError(const std::vector<Finding>& findings, std::string_view rule,
                                     std::string_view pointer) {
  const std::vector<Finding> errors = OfSeverity(findings, Severity::kError);
  if (errors.size() == 1 && errors[0].rule == rule && errors[0].pointer == pointer) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected only the error " << rule << " at \"" << pointer
                                       << "\", got:" << Describe(findings);
}

// No errors, and a warning of `rule` at `pointer`.
::testing::AssertionResult WarningOnly(const std::vector<Finding>& findings, std::string_view rule,
                                       std::string_view pointer) {
  bool found = false;
  for (const Finding& f : findings) {
    if (f.severity == Severity::kError) {
      return ::testing::AssertionFailure() << "unexpected error:" << Describe(findings);
    }
    if (f.rule == rule && f.pointer == pointer) found = true;
  }
  if (found) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected the warning " << rule << " at \"" << pointer
                                       << "\", got:" << Describe(findings);
}

json With(json object, const json& changes) {
  object.update(changes);
  return object;
}

json Without(json object, std::string_view name) {
  object.erase(std::string(name));
  return object;
}

// --- minimal valid objects ----------------------------------------------------------------

// One minimal valid object per type: only the required properties (plus what a rule needs),
// millisecond timestamps, UUIDv4 identifiers.
const std::map<std::string, std::string>& MinimalObjects() {
  static const auto* objects = new std::map<std::string, std::string>{
      {"attack-pattern", R"({"type": "attack-pattern", "spec_version": "2.1",
        "id": "attack-pattern--280aba98-6835-42c6-a822-c7adc97c3392",
        "created": "2016-05-12T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z",
        "name": "Spear Phishing"})"},
      {"campaign", R"({"type": "campaign", "spec_version": "2.1",
        "id": "campaign--6b7fca51-cf7b-4df6-af1c-7cd5bf59589f",
        "created": "2016-04-06T20:03:00.000Z", "modified": "2016-04-06T20:03:00.000Z",
        "name": "Green Group Attacks Against Finance"})"},
      {"course-of-action", R"({"type": "course-of-action", "spec_version": "2.1",
        "id": "course-of-action--db50c229-0f4f-4f61-9926-6aba51bcf60f",
        "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
        "name": "Add TCP port 80 Filter Rule to the existing Block UDP 1-1024 Policy"})"},
      {"grouping", R"({"type": "grouping", "spec_version": "2.1",
        "id": "grouping--455ec91b-d3dc-4cf8-beac-0294e749377e",
        "created": "2015-12-21T19:59:11.000Z", "modified": "2015-12-21T19:59:11.000Z",
        "context": "suspicious-activity",
        "object_refs": ["indicator--9b32b9a3-be61-47c1-be91-2bbc29508901"]})"},
      {"identity", R"({"type": "identity", "spec_version": "2.1",
        "id": "identity--97e5a5c3-ec33-44f3-9397-967b3f2c1bbb",
        "created": "2015-12-21T19:59:11.000Z", "modified": "2015-12-21T19:59:11.000Z",
        "name": "ACME Widget, Inc.", "identity_class": "organization",
        "sectors": ["technology"]})"},
      {"incident", R"({"type": "incident", "spec_version": "2.1",
        "id": "incident--6a4ca4dc-2d26-4e61-acea-f08bf26accee",
        "created": "2021-03-01T10:00:00.000Z", "modified": "2021-03-01T10:00:00.000Z",
        "name": "Ransomware outbreak"})"},
      {"indicator", R"({"type": "indicator", "spec_version": "2.1",
        "id": "indicator--9b32b9a3-be61-47c1-be91-2bbc29508901",
        "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
        "indicator_types": ["malicious-activity"],
        "pattern": "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
        "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00.000Z"})"},
      {"infrastructure", R"({"type": "infrastructure", "spec_version": "2.1",
        "id": "infrastructure--6f7b880d-e432-4659-8cf7-ca1396d3843f",
        "created": "2016-05-07T11:22:30.000Z", "modified": "2016-05-07T11:22:30.000Z",
        "name": "Poison Ivy C2", "infrastructure_types": ["command-and-control"]})"},
      {"intrusion-set", R"({"type": "intrusion-set", "spec_version": "2.1",
        "id": "intrusion-set--6e4534e6-95a7-49b4-a92b-d671a165f735",
        "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
        "name": "Bobcat Breakin"})"},
      {"location", R"({"type": "location", "spec_version": "2.1",
        "id": "location--cf79c473-9c6b-4831-a9f1-73b68b05f180",
        "created": "2016-04-06T20:03:00.000Z", "modified": "2016-04-06T20:03:00.000Z",
        "region": "south-eastern-asia"})"},
      {"malware", R"({"type": "malware", "spec_version": "2.1",
        "id": "malware--c5ee39e1-f6b0-41fe-85f6-934ffeafbc9a",
        "created": "2016-04-06T20:07:09.000Z", "modified": "2016-04-06T20:07:09.000Z",
        "name": "Cryptolocker", "is_family": true, "malware_types": ["ransomware"]})"},
      {"malware-analysis", R"({"type": "malware-analysis", "spec_version": "2.1",
        "id": "malware-analysis--7ef7dae5-3a16-4ae6-9bb5-6ebcaec0e110",
        "created": "2016-11-21T19:00:00.000Z", "modified": "2016-11-21T19:00:00.000Z",
        "product": "microsoft", "result": "malicious"})"},
      {"note", R"({"type": "note", "spec_version": "2.1",
        "id": "note--3b09c963-a7a2-405e-9f43-2535df372a14",
        "created": "2016-05-12T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z",
        "content": "This note indicates the various steps taken by the analyst.",
        "object_refs": ["campaign--6b7fca51-cf7b-4df6-af1c-7cd5bf59589f"]})"},
      {"observed-data", R"({"type": "observed-data", "spec_version": "2.1",
        "id": "observed-data--fc304430-b4ba-4455-93dd-11a326b4186a",
        "created": "2016-04-06T19:58:16.000Z", "modified": "2016-04-06T19:58:16.000Z",
        "first_observed": "2015-12-21T19:00:00.000Z",
        "last_observed": "2015-12-21T19:00:00.000Z", "number_observed": 50,
        "object_refs": ["ipv4-addr--cf0c8661-8a45-44e7-ba72-5099724dda5f"]})"},
      {"opinion", R"({"type": "opinion", "spec_version": "2.1",
        "id": "opinion--8a954b6f-4cc4-4973-9edc-3ae0987160c9",
        "created": "2016-05-12T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z",
        "opinion": "strongly-disagree",
        "object_refs": ["relationship--f2adab5c-4f6c-443e-8d83-61c6982adc0e"]})"},
      {"report", R"({"type": "report", "spec_version": "2.1",
        "id": "report--30f44ca2-5c8a-4c86-8516-3bd1c7fdcda5",
        "created": "2015-12-21T19:59:11.000Z", "modified": "2015-12-21T19:59:11.000Z",
        "name": "The Black Vine Cyberespionage Group", "report_types": ["campaign"],
        "published": "2016-01-20T17:00:00.000Z",
        "object_refs": ["indicator--9b32b9a3-be61-47c1-be91-2bbc29508901"]})"},
      {"threat-actor", R"({"type": "threat-actor", "spec_version": "2.1",
        "id": "threat-actor--6e5ec35b-45b3-45e8-878a-d57622e317e6",
        "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
        "name": "Evil Org", "threat_actor_types": ["crime-syndicate"]})"},
      {"tool", R"({"type": "tool", "spec_version": "2.1",
        "id": "tool--218aceb1-f2da-4d64-9148-a37be6f64022",
        "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
        "name": "VNC", "tool_types": ["remote-access"]})"},
      {"vulnerability", R"({"type": "vulnerability", "spec_version": "2.1",
        "id": "vulnerability--eff79496-08e8-4c10-8cb7-c3dff5e2aece",
        "created": "2016-05-12T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z",
        "name": "CVE-2016-1234"})"},
      {"relationship", R"({"type": "relationship", "spec_version": "2.1",
        "id": "relationship--f2adab5c-4f6c-443e-8d83-61c6982adc0e",
        "created": "2016-04-06T20:06:37.000Z", "modified": "2016-04-06T20:06:37.000Z",
        "relationship_type": "indicates",
        "source_ref": "indicator--9b32b9a3-be61-47c1-be91-2bbc29508901",
        "target_ref": "malware--c5ee39e1-f6b0-41fe-85f6-934ffeafbc9a"})"},
      {"sighting", R"({"type": "sighting", "spec_version": "2.1",
        "id": "sighting--4259fd8a-48d0-4afc-8f75-6b8d3a00d954",
        "created": "2016-04-06T20:08:31.000Z", "modified": "2016-04-06T20:08:31.000Z",
        "sighting_of_ref": "indicator--9b32b9a3-be61-47c1-be91-2bbc29508901"})"},
      {"marking-definition", R"({"type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--23303b1e-07dc-40bd-8770-ebce3cbeaaf4",
        "created": "2016-08-01T00:00:00.000Z", "definition_type": "statement",
        "definition": {"statement": "Copyright 2019, Example Corp"}})"},
      {"language-content", R"({"type": "language-content", "spec_version": "2.1",
        "id": "language-content--740f196b-39cb-4658-8dfd-f197c89a968c",
        "created": "2017-02-08T21:31:22.007Z", "modified": "2017-02-08T21:31:22.007Z",
        "object_ref": "campaign--6b7fca51-cf7b-4df6-af1c-7cd5bf59589f",
        "object_modified": "2016-04-06T20:03:00.000Z",
        "contents": {"de": {"name": "Bank Angriff 1",
                            "description": "Weitere Informationen über Banküberfall"},
                     "fr": {"name": "Attaque Bank 1"}}})"},
      {"extension-definition", R"({"type": "extension-definition", "spec_version": "2.1",
        "id": "extension-definition--24ad6579-0d10-475d-ba4c-3599e5981562",
        "created_by_ref": "identity--97e5a5c3-ec33-44f3-9397-967b3f2c1bbb",
        "created": "2014-02-20T09:16:08.989Z", "modified": "2014-02-20T09:16:08.989Z",
        "name": "New SDO 1", "schema": "https://www.example.com/schema-my-favorite-sdo-1/v1/",
        "version": "1.2.1", "extension_types": ["new-sdo"]})"},
  };
  return *objects;
}

json Minimal(const std::string& type) {
  const auto it = MinimalObjects().find(type);
  EXPECT_NE(it, MinimalObjects().end()) << type;
  return json::parse(it->second);
}

const std::vector<std::string> kSdoTypes = {
    "attack-pattern", "campaign",      "course-of-action", "grouping",
    "identity",       "incident",      "indicator",        "infrastructure",
    "intrusion-set",  "location",      "malware",          "malware-analysis",
    "note",           "observed-data", "opinion",          "report",
    "threat-actor",   "tool",          "vulnerability"};

// --- vocabularies -----------------------------------------------------------------------

TEST(VocabularyTest, ContainsExactValues) {
  EXPECT_EQ(vocab::kIndicatorType.name(), "indicator-type-ov");
  EXPECT_TRUE(vocab::kIndicatorType.Contains("unknown"));
  EXPECT_TRUE(vocab::kIndicatorType.Contains("malicious-activity"));
  EXPECT_FALSE(vocab::kIndicatorType.Contains("Malicious-Activity"));
  EXPECT_FALSE(vocab::kIndicatorType.Contains(""));
  EXPECT_TRUE(vocab::kRegion.Contains("south-eastern-asia"));
  EXPECT_TRUE(vocab::kRegion.Contains("central-america"));
  EXPECT_TRUE(vocab::kRegion.Contains("northern-america"));
  EXPECT_FALSE(vocab::kRegion.Contains("central-america northern-america"));  // schema typo
  EXPECT_TRUE(vocab::kIndustrySector.Contains("government-public-services"));
  EXPECT_TRUE(vocab::kIndustrySector.Contains("defense"));
  EXPECT_FALSE(vocab::kIndustrySector.Contains("defence"));
  EXPECT_TRUE(vocab::kInfrastructureType.Contains("routers-switches"));
  EXPECT_TRUE(vocab::kMalwareCapabilities.Contains("violates-system-operational-integrity"));
  EXPECT_TRUE(vocab::kThreatActorRole.Contains("malware-author"));
  EXPECT_TRUE(vocab::kImplementationLanguage.Contains("c++"));
  EXPECT_TRUE(vocab::kHashAlgorithm.Contains("SHA3-256"));
  EXPECT_FALSE(vocab::kHashAlgorithm.Contains("sha256"));
  EXPECT_TRUE(vocab::kWindowsRegistryDatatype.Contains("REG_QWORD"));
  EXPECT_FALSE(vocab::kWindowsRegistryDatatype.Contains("reg_qword"));
  EXPECT_TRUE(vocab::kExtensionType.Contains("toplevel-property-extension"));
  EXPECT_EQ(vocab::kOpinion.name(), "opinion-enum");
}

// --- registry and minimal objects -------------------------------------------------------

TEST(SpecTablesTest, RegistersEveryTypeInItsCategory) {
  const Registry& registry = Registry::Get();
  for (const std::string& type : kSdoTypes) {
    const TypeSpec* spec = registry.Find(type);
    ASSERT_NE(spec, nullptr) << type;
    EXPECT_EQ(spec->category, Category::kSdo) << type;
  }
  for (const char* type : {"relationship", "sighting"}) {
    ASSERT_NE(registry.Find(type), nullptr) << type;
    EXPECT_EQ(registry.Find(type)->category, Category::kSro) << type;
  }
  for (const char* type : {"marking-definition", "language-content", "extension-definition"}) {
    ASSERT_NE(registry.Find(type), nullptr) << type;
    EXPECT_EQ(registry.Find(type)->category, Category::kMeta) << type;
  }
}

TEST(SpecTablesTest, MinimalObjectOfEveryTypeHasNoFindings) {
  for (const auto& [type, text] : MinimalObjects()) {
    SCOPED_TRACE(type);
    EXPECT_TRUE(NoFindings(Validate(json::parse(text))));
  }
}

TEST(SpecTablesTest, FindingPointersArePrefixedWithTheBase) {
  const json indicator = Without(Minimal("indicator"), "pattern");
  EXPECT_TRUE(
      OnlyError(Validate(indicator, "/objects/4"), "required-property", "/objects/4/pattern"));
  const json late = With(Minimal("indicator"), {{"valid_until", "2015-01-01T00:00:00.000Z"}});
  EXPECT_TRUE(OnlyError(Validate(late, "/objects/4"), "timestamp-order", "/objects/4/valid_until"));
}

TEST(SpecTablesTest, NamedSdosRequireName) {
  for (const char* type :
       {"attack-pattern", "campaign", "course-of-action", "identity", "incident", "infrastructure",
        "intrusion-set", "report", "threat-actor", "tool", "vulnerability"}) {
    SCOPED_TRACE(type);
    EXPECT_TRUE(OnlyError(Validate(Without(Minimal(type), "name")), "required-property", "/name"));
  }
}

TEST(SpecTablesTest, CommonConfidenceIsBounded) {
  EXPECT_TRUE(OnlyError(Validate(With(Minimal("tool"), {{"confidence", 101}})), "value-range",
                        "/confidence"));
}

// --- SDO rules ----------------------------------------------------------------------------

TEST(IndicatorTest, ValidUntilMustBeLaterThanValidFrom) {
  const json indicator = Minimal("indicator");
  const auto findings = Validate(With(indicator, {{"valid_from", "2017-01-01T00:00:00.000Z"},
                                                  {"valid_until", "2016-01-01T00:00:00.000Z"}}));
  ASSERT_TRUE(OnlyError(findings, "timestamp-order", "/valid_until"));
  EXPECT_EQ(findings[0].message,
            "valid_until (2016-01-01T00:00:00.000Z) must be later than valid_from "
            "(2017-01-01T00:00:00.000Z)");
  // Equal is not later.
  EXPECT_TRUE(OnlyError(Validate(With(indicator, {{"valid_until", "2016-01-01T00:00:00.000Z"}})),
                        "timestamp-order", "/valid_until"));
  EXPECT_TRUE(NoFindings(Validate(With(indicator, {{"valid_until", "2016-01-01T00:00:00.001Z"}}))));
}

TEST(IndicatorTest, PatternTypeAndValidFromAreRequired) {
  const json indicator = Minimal("indicator");
  EXPECT_TRUE(OnlyError(Validate(Without(indicator, "pattern_type")), "required-property",
                        "/pattern_type"));
  EXPECT_TRUE(
      OnlyError(Validate(Without(indicator, "valid_from")), "required-property", "/valid_from"));
  EXPECT_TRUE(OnlyError(Validate(With(indicator, {{"valid_from", "yesterday"}})),
                        "timestamp-format", "/valid_from"));
}

TEST(IndicatorTest, OpenVocabularyMissesAreWarnings) {
  const json indicator = Minimal("indicator");
  const auto findings = Validate(With(indicator, {{"pattern_type", "kql"}}));
  EXPECT_TRUE(WarningOnly(findings, "vocabulary", "/pattern_type"));
  EXPECT_TRUE(WarningOnly(Validate(With(indicator, {{"indicator_types", {"benign", "evil"}}})),
                          "vocabulary", "/indicator_types/1"));
  EXPECT_TRUE(OnlyError(Validate(With(indicator, {{"indicator_types", json::array()}})),
                        "empty-list", "/indicator_types"));
}

TEST(SeenWindowTest, LastSeenMustNotBeEarlierThanFirstSeen) {
  for (const char* type :
       {"campaign", "infrastructure", "intrusion-set", "malware", "threat-actor"}) {
    SCOPED_TRACE(type);
    const json object = Minimal(type);
    const auto findings = Validate(With(object, {{"first_seen", "2020-02-01T00:00:00.000Z"},
                                                 {"last_seen", "2020-01-01T00:00:00.000Z"}}));
    ASSERT_TRUE(OnlyError(findings, "timestamp-order", "/last_seen"));
    EXPECT_EQ(findings[0].message,
              "last_seen (2020-01-01T00:00:00.000Z) must not be earlier than first_seen "
              "(2020-02-01T00:00:00.000Z)");
    EXPECT_TRUE(NoFindings(Validate(With(object, {{"first_seen", "2020-01-01T00:00:00.000Z"},
                                                  {"last_seen", "2020-01-01T00:00:00.000Z"}}))));
    EXPECT_TRUE(NoFindings(Validate(With(object, {{"last_seen", "2020-01-01T00:00:00.000Z"}}))));
  }
}

TEST(ObservedDataTest, LastObservedMustNotBeEarlierThanFirstObserved) {
  EXPECT_TRUE(OnlyError(
      Validate(With(Minimal("observed-data"), {{"last_observed", "2015-12-21T18:59:59.999Z"}})),
      "timestamp-order", "/last_observed"));
}

TEST(ObservedDataTest, NumberObservedIsBounded) {
  const json data = Minimal("observed-data");
  EXPECT_TRUE(
      OnlyError(Validate(With(data, {{"number_observed", 0}})), "value-range", "/number_observed"));
  EXPECT_TRUE(OnlyError(Validate(With(data, {{"number_observed", 1000000000}})), "value-range",
                        "/number_observed"));
  EXPECT_TRUE(NoFindings(Validate(With(data, {{"number_observed", 999999999}}))));
  EXPECT_TRUE(OnlyError(Validate(With(data, {{"number_observed", 1.5}})), "property-type",
                        "/number_observed"));
  EXPECT_TRUE(OnlyError(Validate(Without(data, "number_observed")), "required-property",
                        "/number_observed"));
}

TEST(ObservedDataTest, ExactlyOneOfObjectsAndObjectRefs) {
  const json data = Minimal("observed-data");
  const json objects = {{"0", {{"type", "ipv4-addr"}, {"value", "198.51.100.3"}}}};
  EXPECT_TRUE(
      OnlyError(Validate(With(data, {{"objects", objects}})), "mutually-exclusive", "/objects"));
  EXPECT_TRUE(OnlyError(Validate(Without(data, "object_refs")), "at-least-one-of", ""));
  // objects alone is valid but deprecated.
  EXPECT_TRUE(WarningOnly(Validate(With(Without(data, "object_refs"), {{"objects", objects}})),
                          "deprecated-property", "/objects"));
}

TEST(ObservedDataTest, ObjectRefsNeedAnScoAndRefuseSdos) {
  const json data = Minimal("observed-data");
  EXPECT_TRUE(OnlyError(
      Validate(
          With(data, {{"object_refs", {"relationship--f2adab5c-4f6c-443e-8d83-61c6982adc0e"}}})),
      "observed-data-sco", "/object_refs"));
  EXPECT_TRUE(
      OnlyError(Validate(With(data, {{"object_refs",
                                      {"ipv4-addr--cf0c8661-8a45-44e7-ba72-5099724dda5f",
                                       "indicator--9b32b9a3-be61-47c1-be91-2bbc29508901"}}})),
                "reference-type", "/object_refs/1"));
  EXPECT_TRUE(
      NoFindings(Validate(With(data, {{"object_refs",
                                       {"ipv4-addr--cf0c8661-8a45-44e7-ba72-5099724dda5f",
                                        "relationship--f2adab5c-4f6c-443e-8d83-61c6982adc0e"}}}))));
}

TEST(LocationTest, LatitudeAndLongitudeGoTogether) {
  const json location = Minimal("location");
  auto findings = Validate(With(location, {{"latitude", 48.8566}}));
  ASSERT_TRUE(OnlyError(findings, "requires-property", "/latitude"));
  EXPECT_EQ(findings[0].message, "latitude requires longitude, but longitude is missing");
  EXPECT_TRUE(OnlyError(Validate(With(location, {{"longitude", 2.3522}})), "requires-property",
                        "/longitude"));
  findings = Validate(With(location, {{"precision", 10.0}}));
  ASSERT_TRUE(OnlyError(findings, "requires-property", "/precision"));
  EXPECT_EQ(findings[0].message,
            "precision requires latitude and longitude, but latitude and longitude are missing");
  EXPECT_TRUE(NoFindings(
      Validate(With(location, {{"latitude", 48.8566}, {"longitude", 2.3522}, {"precision", 0}}))));
}

TEST(LocationTest, NeedsRegionCountryOrCoordinates) {
  const json bare = Without(Minimal("location"), "region");
  EXPECT_TRUE(OnlyError(Validate(bare), "at-least-one-of", ""));
  EXPECT_TRUE(OnlyError(Validate(With(bare, {{"city", "Paris"}})), "at-least-one-of", ""));
  EXPECT_TRUE(NoFindings(Validate(With(bare, {{"country", "FR"}}))));
  EXPECT_TRUE(NoFindings(Validate(With(bare, {{"latitude", -33.9}, {"longitude", 18.4}}))));
}

TEST(LocationTest, CoordinatesAreBounded) {
  const json location = Minimal("location");
  EXPECT_TRUE(OnlyError(Validate(With(location, {{"latitude", 90.5}, {"longitude", 0}})),
                        "value-range", "/latitude"));
  EXPECT_TRUE(OnlyError(Validate(With(location, {{"latitude", 0}, {"longitude", -180.01}})),
                        "value-range", "/longitude"));
  EXPECT_TRUE(
      OnlyError(Validate(With(location, {{"latitude", 0}, {"longitude", 0}, {"precision", -1}})),
                "value-range", "/precision"));
  EXPECT_TRUE(NoFindings(Validate(With(location, {{"latitude", -90}, {"longitude", 180}}))));
  EXPECT_TRUE(OnlyError(Validate(With(location, {{"latitude", "48.8"}, {"longitude", 2}})),
                        "property-type", "/latitude"));
}

TEST(LocationTest, RegionAndCountryAreShouldLevel) {
  const json location = Minimal("location");
  EXPECT_TRUE(WarningOnly(Validate(With(location, {{"region", "north-america"}})), "vocabulary",
                          "/region"));
  EXPECT_TRUE(
      WarningOnly(Validate(With(location, {{"country", "France"}})), "country-code", "/country"));
  EXPECT_TRUE(NoFindings(Validate(With(location, {{"country", "us"}}))));
}

TEST(MalwareTest, IsFamilyIsRequiredAndFamiliesNeedAName) {
  const json malware = Minimal("malware");
  EXPECT_TRUE(
      OnlyError(Validate(Without(malware, "is_family")), "required-property", "/is_family"));
  EXPECT_TRUE(
      OnlyError(Validate(With(malware, {{"is_family", "true"}})), "property-type", "/is_family"));
  const auto findings = Validate(Without(malware, "name"));
  ASSERT_TRUE(OnlyError(findings, "required-property", "/name"));
  EXPECT_EQ(findings[0].message, "\"name\" is required on malware when is_family is true");
  EXPECT_TRUE(NoFindings(Validate(With(Without(malware, "name"), {{"is_family", false}}))));
}

TEST(MalwareTest, ReferenceTargets) {
  const json malware = Minimal("malware");
  EXPECT_TRUE(OnlyError(
      Validate(
          With(malware, {{"sample_refs", {"indicator--9b32b9a3-be61-47c1-be91-2bbc29508901"}}})),
      "reference-type", "/sample_refs/0"));
  EXPECT_TRUE(OnlyError(Validate(With(malware, {{"operating_system_refs",
                                                 {"software--0600c02c-8f41-4a24-9b7a-a58ec9233b34",
                                                  "tool--218aceb1-f2da-4d64-9148-a37be6f64022"}}})),
                        "reference-type", "/operating_system_refs/1"));
  EXPECT_TRUE(
      NoFindings(Validate(With(malware, {{"sample_refs",
                                          {"file--0600c02c-8f41-4a24-9b7a-a58ec9233b34",
                                           "artifact--b3e180cb-f011-465a-bfeb-1896a7bbfeb3"}}}))));
}

TEST(MalwareTest, VocabularyWarnings) {
  const json malware = Minimal("malware");
  EXPECT_TRUE(WarningOnly(Validate(With(malware, {{"capabilities", {"anti-vm", "flies"}}})),
                          "vocabulary", "/capabilities/1"));
  EXPECT_TRUE(WarningOnly(Validate(With(malware, {{"architecture_execution_envs", {"z80"}}})),
                          "vocabulary", "/architecture_execution_envs/0"));
  EXPECT_TRUE(WarningOnly(Validate(With(malware, {{"implementation_languages", {"cobol"}}})),
                          "vocabulary", "/implementation_languages/0"));
}

TEST(MalwareAnalysisTest, NeedsResultOrAnalysisScoRefs) {
  const json analysis = Minimal("malware-analysis");
  const auto findings = Validate(Without(analysis, "result"));
  ASSERT_TRUE(OnlyError(findings, "at-least-one-of", ""));
  EXPECT_EQ(findings[0].message, "at least one of result or analysis_sco_refs must be present");
  EXPECT_TRUE(NoFindings(
      Validate(With(Without(analysis, "result"),
                    {{"analysis_sco_refs", {"file--0600c02c-8f41-4a24-9b7a-a58ec9233b34"}}}))));
  EXPECT_TRUE(OnlyError(Validate(Without(analysis, "product")), "required-property", "/product"));
}

TEST(MalwareAnalysisTest, ReferenceTargets) {
  const json analysis = Minimal("malware-analysis");
  EXPECT_TRUE(OnlyError(
      Validate(With(analysis, {{"host_vm_ref", "file--0600c02c-8f41-4a24-9b7a-a58ec9233b34"}})),
      "reference-type", "/host_vm_ref"));
  EXPECT_TRUE(OnlyError(
      Validate(With(analysis,
                    {{"operating_system_ref", "malware--c5ee39e1-f6b0-41fe-85f6-934ffeafbc9a"}})),
      "reference-type", "/operating_system_ref"));
  EXPECT_TRUE(OnlyError(
      Validate(With(analysis,
                    {{"analysis_sco_refs", {"malware--c5ee39e1-f6b0-41fe-85f6-934ffeafbc9a"}}})),
      "reference-type", "/analysis_sco_refs/0"));
  EXPECT_TRUE(OnlyError(
      Validate(With(analysis, {{"sample_ref", "indicator--9b32b9a3-be61-47c1-be91-2bbc29508901"}})),
      "reference-type", "/sample_ref"));
  EXPECT_TRUE(NoFindings(Validate(
      With(analysis, {{"sample_ref", "network-traffic--0600c02c-8f41-4a24-9b7a-a58ec9233b34"},
                      {"host_vm_ref", "software--b3e180cb-f011-465a-bfeb-1896a7bbfeb3"}}))));
}

TEST(MalwareAnalysisTest, ShouldLevelWarnings) {
  const json analysis = Minimal("malware-analysis");
  EXPECT_TRUE(
      WarningOnly(Validate(With(analysis, {{"analysis_started", "2020-01-02T00:00:00.000Z"},
                                           {"analysis_ended", "2020-01-01T00:00:00.000Z"}})),
                  "timestamp-order", "/analysis_ended"));
  EXPECT_TRUE(WarningOnly(Validate(With(analysis, {{"product", "Microsoft Defender"}})),
                          "product-name", "/product"));
  EXPECT_TRUE(WarningOnly(Validate(With(analysis, {{"result", "evil"}})), "vocabulary", "/result"));
}

TEST(ReportTest, ObjectRefsAndPublishedAreRequired) {
  const json report = Minimal("report");
  EXPECT_TRUE(OnlyError(Validate(With(report, {{"object_refs", json::array()}})), "empty-list",
                        "/object_refs"));
  EXPECT_TRUE(
      OnlyError(Validate(Without(report, "object_refs")), "required-property", "/object_refs"));
  EXPECT_TRUE(OnlyError(Validate(Without(report, "published")), "required-property", "/published"));
  EXPECT_TRUE(WarningOnly(Validate(With(report, {{"report_types", {"gossip"}}})), "vocabulary",
                          "/report_types/0"));
}

TEST(GroupingTest, ContextAndObjectRefsAreRequired) {
  const json grouping = Minimal("grouping");
  EXPECT_TRUE(OnlyError(Validate(Without(grouping, "context")), "required-property", "/context"));
  EXPECT_TRUE(
      OnlyError(Validate(Without(grouping, "object_refs")), "required-property", "/object_refs"));
  EXPECT_TRUE(
      WarningOnly(Validate(With(grouping, {{"context", "hunch"}})), "vocabulary", "/context"));
}

TEST(NoteTest, ContentAndObjectRefsAreRequired) {
  const json note = Minimal("note");
  EXPECT_TRUE(OnlyError(Validate(Without(note, "content")), "required-property", "/content"));
  EXPECT_TRUE(
      OnlyError(Validate(Without(note, "object_refs")), "required-property", "/object_refs"));
  EXPECT_TRUE(OnlyError(Validate(With(note, {{"object_refs", {"not-an-id"}}})), "identifier",
                        "/object_refs/0"));
}

TEST(OpinionTest, OpinionIsAnEnumeration) {
  const json opinion = Minimal("opinion");
  const auto findings = Validate(With(opinion, {{"opinion", "maybe"}}));
  ASSERT_TRUE(OnlyError(findings, "enum", "/opinion"));
  EXPECT_TRUE(OnlyError(Validate(Without(opinion, "opinion")), "required-property", "/opinion"));
  EXPECT_TRUE(
      OnlyError(Validate(Without(opinion, "object_refs")), "required-property", "/object_refs"));
}

TEST(IdentityTest, VocabularyWarnings) {
  const json identity = Minimal("identity");
  EXPECT_TRUE(WarningOnly(Validate(With(identity, {{"sectors", {"technology", "fishing"}}})),
                          "vocabulary", "/sectors/1"));
  EXPECT_TRUE(WarningOnly(Validate(With(identity, {{"identity_class", "robot"}})), "vocabulary",
                          "/identity_class"));
}

TEST(ThreatActorTest, VocabularyWarnings) {
  const json actor = Minimal("threat-actor");
  EXPECT_TRUE(WarningOnly(Validate(With(actor, {{"roles", {"cook"}}})), "vocabulary", "/roles/0"));
  EXPECT_TRUE(WarningOnly(Validate(With(actor, {{"sophistication", "elite"}})), "vocabulary",
                          "/sophistication"));
  EXPECT_TRUE(WarningOnly(Validate(With(actor, {{"personal_motivations", {"boredom"}}})),
                          "vocabulary", "/personal_motivations/0"));
}

TEST(ToolTest, KillChainPhasesAreChecked) {
  const json tool = Minimal("tool");
  EXPECT_TRUE(
      OnlyError(Validate(With(tool, {{"kill_chain_phases", {{{"kill_chain_name", "lockheed"}}}}})),
                "required-property", "/kill_chain_phases/0/phase_name"));
  EXPECT_TRUE(WarningOnly(Validate(With(tool, {{"tool_types", {"hammer"}}})), "vocabulary",
                          "/tool_types/0"));
}

// --- SRO rules ----------------------------------------------------------------------------

TEST(RelationshipTest, RequiredProperties) {
  const json relationship = Minimal("relationship");
  for (const char* name : {"relationship_type", "source_ref", "target_ref"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(OnlyError(Validate(Without(relationship, name)), "required-property",
                          std::string("/") + name));
  }
}

TEST(RelationshipTest, RelationshipTypeSyntax) {
  const json relationship = Minimal("relationship");
  for (const char* bad : {"Indicates", "indicates_", "indicates to", "", "ïndicates"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(OnlyError(Validate(With(relationship, {{"relationship_type", bad}})),
                          "relationship-type-syntax", "/relationship_type"));
  }
}

TEST(RelationshipTest, UndefinedRelationshipTypesAreWarnings) {
  const json relationship = Minimal("relationship");
  const auto findings = Validate(With(relationship, {{"relationship_type", "uses"}}));
  ASSERT_TRUE(WarningOnly(findings, "relationship-type", "/relationship_type"));
  EXPECT_EQ(findings[0].message,
            "\"uses\" is not a relationship STIX 2.1 defines from indicator to malware");
  // Common relationships apply to every pair; custom objects have no defined relationships.
  EXPECT_TRUE(NoFindings(Validate(With(relationship, {{"relationship_type", "related-to"}}))));
  EXPECT_TRUE(NoFindings(Validate(With(relationship, {{"relationship_type", "derived-from"}}))));
  EXPECT_TRUE(NoFindings(Validate(
      With(relationship,
           {{"relationship_type", "detects"},
            {"source_ref", "x-mitre-data-component--0600c02c-8f41-4a24-9b7a-a58ec9233b34"}}))));
  EXPECT_TRUE(NoFindings(Validate(
      With(relationship, {{"relationship_type", "located-at"},
                          {"source_ref", "identity--97e5a5c3-ec33-44f3-9397-967b3f2c1bbb"},
                          {"target_ref", "location--cf79c473-9c6b-4831-a9f1-73b68b05f180"}}))));
}

TEST(RelationshipTest, EndsMustBeSdosOrScos) {
  const json relationship = Minimal("relationship");
  EXPECT_TRUE(OnlyError(
      Validate(With(relationship,
                    {{"source_ref", "marking-definition--23303b1e-07dc-40bd-8770-ebce3cbeaaf4"}})),
      "reference-type", "/source_ref"));
  EXPECT_TRUE(OnlyError(
      Validate(With(relationship,
                    {{"target_ref", "language-content--740f196b-39cb-4658-8dfd-f197c89a968c"}})),
      "reference-type", "/target_ref"));
  EXPECT_TRUE(OnlyError(
      Validate(With(relationship,
                    {{"target_ref", "relationship--69813c5e-554b-4bba-8268-271243995020"}})),
      "reference-type", "/target_ref"));
  EXPECT_TRUE(
      OnlyError(Validate(With(relationship,
                              {{"source_ref", "bundle--69813c5e-554b-4bba-8268-271243995020"}})),
                "reference-type", "/source_ref"));
  EXPECT_TRUE(NoErrors(Validate(
      With(relationship, {{"target_ref", "ipv4-addr--cf0c8661-8a45-44e7-ba72-5099724dda5f"}}))));
}

TEST(RelationshipTest, StopTimeMustBeLaterThanStartTime) {
  const json relationship = Minimal("relationship");
  EXPECT_TRUE(OnlyError(Validate(With(relationship, {{"start_time", "2020-01-01T00:00:00.000Z"},
                                                     {"stop_time", "2020-01-01T00:00:00.000Z"}})),
                        "timestamp-order", "/stop_time"));
  EXPECT_TRUE(
      NoFindings(Validate(With(relationship, {{"start_time", "2020-01-01T00:00:00.000Z"},
                                              {"stop_time", "2020-01-02T00:00:00.000Z"}}))));
}

TEST(SightingTest, SightingOfRefMustBeAnSdo) {
  const json sighting = Minimal("sighting");
  EXPECT_TRUE(OnlyError(Validate(Without(sighting, "sighting_of_ref")), "required-property",
                        "/sighting_of_ref"));
  EXPECT_TRUE(OnlyError(
      Validate(With(sighting,
                    {{"sighting_of_ref", "relationship--f2adab5c-4f6c-443e-8d83-61c6982adc0e"}})),
      "reference-type", "/sighting_of_ref"));
  EXPECT_TRUE(OnlyError(
      Validate(With(sighting, {{"sighting_of_ref",
                                "marking-definition--23303b1e-07dc-40bd-8770-ebce3cbeaaf4"}})),
      "reference-type", "/sighting_of_ref"));
  // A custom object may be sighted.
  EXPECT_TRUE(NoFindings(Validate(With(
      sighting, {{"sighting_of_ref", "x-acme-widget--0600c02c-8f41-4a24-9b7a-a58ec9233b34"}}))));
}

TEST(SightingTest, ReferenceListTargets) {
  const json sighting = Minimal("sighting");
  EXPECT_TRUE(OnlyError(
      Validate(With(sighting,
                    {{"observed_data_refs", {"indicator--9b32b9a3-be61-47c1-be91-2bbc29508901"}}})),
      "reference-type", "/observed_data_refs/0"));
  EXPECT_TRUE(
      OnlyError(Validate(With(sighting, {{"where_sighted_refs",
                                          {"identity--97e5a5c3-ec33-44f3-9397-967b3f2c1bbb",
                                           "malware--c5ee39e1-f6b0-41fe-85f6-934ffeafbc9a"}}})),
                "reference-type", "/where_sighted_refs/1"));
  EXPECT_TRUE(NoFindings(Validate(With(
      sighting, {{"observed_data_refs", {"observed-data--fc304430-b4ba-4455-93dd-11a326b4186a"}},
                 {"where_sighted_refs", {"location--cf79c473-9c6b-4831-a9f1-73b68b05f180"}}}))));
}

TEST(SightingTest, CountSummaryAndSeenWindow) {
  const json sighting = Minimal("sighting");
  EXPECT_TRUE(OnlyError(Validate(With(sighting, {{"count", -1}})), "value-range", "/count"));
  EXPECT_TRUE(
      OnlyError(Validate(With(sighting, {{"count", 1000000000}})), "value-range", "/count"));
  EXPECT_TRUE(NoFindings(Validate(With(sighting, {{"count", 0}}))));
  EXPECT_TRUE(
      OnlyError(Validate(With(sighting, {{"summary", "yes"}})), "property-type", "/summary"));
  EXPECT_TRUE(OnlyError(Validate(With(sighting, {{"first_seen", "2020-01-02T00:00:00.000Z"},
                                                 {"last_seen", "2020-01-01T00:00:00.000Z"}})),
                        "timestamp-order", "/last_seen"));
}

// --- meta objects -------------------------------------------------------------------------

TEST(MarkingDefinitionTest, PredefinedTlpAndTlp2MarkingsAreValid) {
  const json tlp1 = json::parse(R"({"type": "marking-definition", "spec_version": "2.1",
      "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
      "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:GREEN",
      "definition": {"tlp": "green"}})");
  EXPECT_TRUE(NoFindings(Validate(tlp1)));
  const json tlp2 = json::parse(R"({"type": "marking-definition", "spec_version": "2.1",
      "id": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
      "created": "2022-10-01T00:00:00.000Z", "name": "TLP:GREEN",
      "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                     {"extension_type": "property-extension", "tlp_2_0": "green"}}})");
  EXPECT_TRUE(NoFindings(Validate(tlp2)));
}

TEST(MarkingDefinitionTest, DefinitionIsRequiredWithoutExtensions) {
  const json marking = Minimal("marking-definition");
  EXPECT_TRUE(
      OnlyError(Validate(Without(marking, "definition")), "required-property", "/definition"));
  EXPECT_TRUE(OnlyError(Validate(Without(marking, "definition_type")), "required-property",
                        "/definition_type"));
  const json with_extension = With(Without(marking, "definition"),
                                   {{"extensions",
                                     {{"extension-definition--24ad6579-0d10-475d-ba4c-3599e5981562",
                                       {{"extension_type", "property-extension"}}}}}});
  EXPECT_TRUE(WarningOnly(Validate(with_extension), "requires-property", "/definition_type"));
}

TEST(MarkingDefinitionTest, StatementDefinitionNeedsStatement) {
  const json marking = Minimal("marking-definition");
  EXPECT_TRUE(OnlyError(Validate(With(marking, {{"definition", {{"text", "hello"}}}})),
                        "required-property", "/definition/statement"));
  EXPECT_TRUE(OnlyError(Validate(With(marking, {{"definition", {{"statement", 5}}}})),
                        "property-type", "/definition/statement"));
  EXPECT_TRUE(OnlyError(Validate(With(marking, {{"definition", "Copyright"}})), "property-type",
                        "/definition"));
}

TEST(MarkingDefinitionTest, TlpDefinitionsAreFixed) {
  const json green = json::parse(R"({"type": "marking-definition", "spec_version": "2.1",
      "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
      "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp",
      "definition": {"tlp": "green"}})");
  EXPECT_TRUE(OnlyError(Validate(With(green, {{"definition", {{"tlp", "purple"}}}})), "enum",
                        "/definition/tlp"));
  EXPECT_TRUE(OnlyError(Validate(With(green, {{"definition", {{"level", "green"}}}})),
                        "required-property", "/definition/tlp"));
  // Only the four predefined TLP marking definitions may exist.
  const auto findings =
      Validate(With(green, {{"id", "marking-definition--23303b1e-07dc-40bd-8770-ebce3cbeaaf4"}}));
  EXPECT_TRUE(OnlyError(findings, "tlp-marking-id", "/id"));
  EXPECT_TRUE(OnlyError(Validate(With(green, {{"definition", {{"tlp", "red"}}}})), "tlp-marking-id",
                        "/id"));
}

TEST(MarkingDefinitionTest, CannotBeVersioned) {
  const json marking = Minimal("marking-definition");
  EXPECT_TRUE(OnlyError(Validate(With(marking, {{"modified", "2016-08-01T00:00:00.000Z"}})),
                        "marking-definition-versioned", "/modified"));
  EXPECT_TRUE(OnlyError(Validate(With(marking, {{"revoked", true}})),
                        "marking-definition-versioned", "/revoked"));
  EXPECT_TRUE(OnlyError(Validate(Without(marking, "created")), "required-property", "/created"));
}

TEST(MarkingDefinitionTest, CustomDefinitionTypeIsAWarning) {
  const json marking =
      With(Minimal("marking-definition"),
           {{"definition_type", "acme-handling"}, {"definition", {{"handling", "internal"}}}});
  EXPECT_TRUE(WarningOnly(Validate(marking), "vocabulary", "/definition_type"));
}

TEST(LanguageContentTest, RequiredProperties) {
  const json content = Minimal("language-content");
  EXPECT_TRUE(
      OnlyError(Validate(Without(content, "object_ref")), "required-property", "/object_ref"));
  EXPECT_TRUE(OnlyError(Validate(Without(content, "contents")), "required-property", "/contents"));
  EXPECT_TRUE(OnlyError(Validate(Without(content, "modified")), "required-property", "/modified"));
  EXPECT_TRUE(OnlyError(Validate(With(content, {{"contents", json::object()}})), "empty-dictionary",
                        "/contents"));
}

TEST(LanguageContentTest, KeysAreLanguageTags) {
  const json content = Minimal("language-content");
  const json name = {{"name", "x"}};
  for (const char* good : {"de", "zh-Hant-TW", "de-CH-1901", "x-klingon", "es-419"}) {
    SCOPED_TRACE(good);
    EXPECT_TRUE(NoFindings(Validate(With(content, {{"contents", {{good, name}}}}))));
  }
  for (const char* bad : {"en_US", "e", "de-", "123", "toolonglanguage", "a/b"}) {
    SCOPED_TRACE(bad);
    std::string pointer = std::string("/contents/") + (std::string(bad) == "a/b" ? "a~1b" : bad);
    EXPECT_TRUE(
        OnlyError(Validate(With(content, {{"contents", {{bad, name}}}})), "language-tag", pointer));
  }
}

TEST(LanguageContentTest, TranslationsAreStringsListsOrObjects) {
  const json content = Minimal("language-content");
  EXPECT_TRUE(NoFindings(
      Validate(With(content, {{"contents",
                               {{"de",
                                 {{"aliases", {"", "Bankangriff"}},
                                  {"kill_chain_phases", {{{"phase_name", "Aufklärung"}}}}}}}}}))));
  EXPECT_TRUE(OnlyError(Validate(With(content, {{"contents", {{"de", {{"name", 5}}}}}})),
                        "language-content-value", "/contents/de/name"));
  EXPECT_TRUE(
      OnlyError(Validate(With(content, {{"contents", {{"de", {{"aliases", {"eins", nullptr}}}}}}})),
                "language-content-value", "/contents/de/aliases/1"));
  EXPECT_TRUE(OnlyError(Validate(With(content, {{"contents", {{"de", "Bank Angriff"}}}})),
                        "property-type", "/contents/de"));
}

TEST(LanguageContentTest, HasNoLangProperty) {
  EXPECT_TRUE(WarningOnly(Validate(With(Minimal("language-content"), {{"lang", "en"}})),
                          "custom-property", "/lang"));
}

TEST(ExtensionDefinitionTest, RequiredProperties) {
  const json extension = Minimal("extension-definition");
  for (const char* name :
       {"created_by_ref", "name", "schema", "version", "extension_types", "modified"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(OnlyError(Validate(Without(extension, name)), "required-property",
                          std::string("/") + name));
  }
  EXPECT_TRUE(OnlyError(Validate(With(extension, {{"extension_types", json::array()}})),
                        "empty-list", "/extension_types"));
}

TEST(ExtensionDefinitionTest, ExtensionTypesIsAnEnumeration) {
  EXPECT_TRUE(OnlyError(Validate(With(Minimal("extension-definition"),
                                      {{"extension_types", {"new-sdo", "new-thing"}}})),
                        "enum", "/extension_types/1"));
}

TEST(ExtensionDefinitionTest, ExtensionPropertiesOnlyWithToplevelExtensions) {
  const json extension = Minimal("extension-definition");
  EXPECT_TRUE(OnlyError(Validate(With(extension, {{"extension_properties", {"x_acme_score"}}})),
                        "extension-properties", "/extension_properties"));
  const json toplevel = With(extension, {{"extension_types", {"toplevel-property-extension"}}});
  EXPECT_TRUE(WarningOnly(Validate(toplevel), "extension-properties", "/extension_properties"));
  EXPECT_TRUE(NoFindings(Validate(With(toplevel, {{"extension_properties", {"x_acme_score"}}}))));
}

// --- real data ----------------------------------------------------------------------------

struct DataReport {
  size_t objects = 0;
  std::vector<std::string> errors;         // on objects of registered (STIX 2.1) types
  std::vector<std::string> custom_errors;  // on custom objects (x-mitre-*, ...)
  std::map<std::string, size_t> warnings_by_rule;
};

// Errors a shared example really has: the example contradicts STIX 2.1, not our tables.
// Each entry is "file object pointer rule".
const std::vector<std::string> kKnownExampleErrors = {
    // A STIX 2.0 object (no spec_version) with the 2.1 property is_family, stored in the
    // python-stix2 v21 test store. spec_version is required on every 2.1 SDO.
    "20170531213215263882.json malware--b42378e0-f147-496f-992a-26a49705395b "
    "/objects/0/spec_version required-property",
    // Artifacts whose payload_bin is an abbreviated placeholder ("VBORw0KGgo...ADI== ..."), not
    // base64 as the binary type requires.
    "sco-examples-bundle.json artifact--ca17bcf8-9846-5ab4-8662-75c1bf6e63ee /6/payload_bin binary",
    "sco-examples-bundle.json artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641 /7/payload_bin binary",
    "sco-examples-bundle.json artifact--4cce66f8-6eaa-53cb-85d5-3a85fca3a6c5 /20/payload_bin "
    "binary",
};

// Validates a bundle, a JSON array of objects, or a single object.
void ValidateDocument(const std::filesystem::path& path, DataReport& report) {
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (auto error = parser.load(path.string()).get(document); error != simdjson::SUCCESS) {
    report.errors.push_back(path.string() + ": " + simdjson::error_message(error));
    return;
  }
  const Validator validator;
  std::vector<Finding> findings;
  auto validate = [&](simdjson::dom::element object, const std::string& base, size_t index) {
    std::string_view id;
    const std::string name =
        object["id"].get(id) == simdjson::SUCCESS ? std::string(id) : "#" + std::to_string(index);
    validator.ValidateObject(object, name, base, findings);
    ++report.objects;
  };
  simdjson::dom::array list;
  std::string_view type;
  if (document.get(list) == simdjson::SUCCESS) {
    size_t i = 0;
    for (simdjson::dom::element object : list) {
      validate(object, "/" + std::to_string(i), i);
      ++i;
    }
  } else if (document["type"].get(type) == simdjson::SUCCESS && type == "bundle") {
    validator.ValidateBundleEnvelope(document, findings);
    simdjson::dom::array objects;
    if (document["objects"].get(objects) == simdjson::SUCCESS) {
      size_t i = 0;
      for (simdjson::dom::element object : objects) {
        validate(object, "/objects/" + std::to_string(i), i);
        ++i;
      }
    }
  } else {
    validate(document, "", 0);
  }
  for (const Finding& f : findings) {
    if (f.severity == Severity::kWarning) {
      ++report.warnings_by_rule[f.rule];
      continue;
    }
    const std::string key =
        path.filename().string() + " " + f.object + " " + f.pointer + " " + f.rule;
    const bool custom = f.object[0] != '#' && Registry::Get().Find(IdType(f.object)) == nullptr &&
                        f.object != "bundle";
    (custom ? report.custom_errors : report.errors).push_back(key + ": " + f.message);
  }
}

std::string Summary(const DataReport& report) {
  std::string out = std::to_string(report.objects) + " objects, " +
                    std::to_string(report.errors.size()) + " errors, " +
                    std::to_string(report.custom_errors.size()) +
                    " errors on custom objects; warnings:";
  for (const auto& [rule, count] : report.warnings_by_rule) {
    out += " " + rule + "=" + std::to_string(count);
  }
  for (size_t i = 0; i < report.errors.size() && i < 30; ++i) out += "\n  " + report.errors[i];
  for (size_t i = 0; i < report.custom_errors.size() && i < 10; ++i) {
    out += "\n  (custom) " + report.custom_errors[i];
  }
  return out;
}

// Removes the known example errors from `errors`; returns those that were not found.
std::vector<std::string> TakeKnownErrors(std::vector<std::string>& errors) {
  std::vector<std::string> missing;
  for (const std::string& known : kKnownExampleErrors) {
    auto it = std::find_if(errors.begin(), errors.end(), [&](const std::string& e) {
      return e.compare(0, known.size(), known) == 0;
    });
    if (it == errors.end()) {
      missing.push_back(known);
    } else {
      errors.erase(it);
    }
  }
  return missing;
}

const std::filesystem::path kSharedData = KONGSI_SHARED_DATA_DIR;

// Every OASIS example validates without errors, except the known example mistakes above.
TEST(SharedDataTest, OasisExamplesHaveNoErrors) {
  const std::filesystem::path dir = kSharedData / "stix-examples";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "shared data absent: " << dir;
  DataReport report;
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    ValidateDocument(entry.path(), report);
    ++files;
  }
  EXPECT_GT(files, 40u);
  EXPECT_GT(report.objects, 400u);
  const std::vector<std::string> missing = TakeKnownErrors(report.errors);
  EXPECT_TRUE(missing.empty()) << "known example errors no longer reported: " << missing[0];
  EXPECT_TRUE(report.errors.empty()) << Summary(report);
  EXPECT_TRUE(report.custom_errors.empty()) << Summary(report);
  RecordProperty("summary", Summary(report));
}

// MITRE ATT&CK uses custom x_mitre_* properties and x-mitre-* objects: every object, custom
// ones included, must validate with warnings at most.
void ValidateAttack(const char* file) {
  const std::filesystem::path path = kSharedData / "attack" / file;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data absent: " << path;
  DataReport report;
  ValidateDocument(path, report);
  EXPECT_GT(report.objects, 1000u);
  EXPECT_TRUE(report.errors.empty()) << Summary(report);
  EXPECT_TRUE(report.custom_errors.empty()) << Summary(report);
  ::testing::Test::RecordProperty("summary", Summary(report));
}

TEST(SharedDataTest, EnterpriseAttackStixObjectsHaveNoErrors) {
  ValidateAttack("enterprise-attack-18.1.json");
}

TEST(SharedDataTest, IcsAttackStixObjectsHaveNoErrors) { ValidateAttack("ics-attack-18.1.json"); }

// --- indicator patterns (pattern-syntax) --------------------------------------------------

TEST(IndicatorPatternTest, InvalidStixPatternIsAnError) {
  const json indicator =
      With(Minimal("indicator"), {{"pattern", "[file:name = 'a'] WITHIN 0 SECONDS"}});
  const auto findings = Validate(indicator, "/objects/2");
  ASSERT_TRUE(OnlyError(findings, "pattern-syntax", "/objects/2/pattern"));
  EXPECT_EQ(findings[0].message,
            "line 1, column 26: WITHIN takes a number of seconds greater than 0, found 0");
  EXPECT_TRUE(OnlyError(Validate(With(indicator, {{"pattern", "[file:name = 'a'"}})),
                        "pattern-syntax", "/pattern"));
  EXPECT_TRUE(OnlyError(Validate(With(indicator, {{"pattern", "file:name = 'a'"}})),
                        "pattern-syntax", "/pattern"));
  EXPECT_TRUE(OnlyError(
      Validate(
          With(indicator, {{"pattern", "[domain-name:value = 'a' AND ipv4-addr:value = 'b']"}})),
      "pattern-syntax", "/pattern"));
}

TEST(IndicatorPatternTest, ValidStixPatternsPass) {
  for (const char* pattern :
       {"[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '198.51.100.2']",
        "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY "
        "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS",
        "[url:value = 'http://example.com/'] START t'2016-06-01T00:00:00Z' STOP "
        "t'2016-07-01T00:00:00Z'"}) {
    SCOPED_TRACE(pattern);
    EXPECT_TRUE(NoFindings(Validate(With(Minimal("indicator"), {{"pattern", pattern}}))));
    EXPECT_TRUE(NoFindings(
        Validate(With(Minimal("indicator"), {{"pattern", pattern}, {"pattern_version", "2.1"}}))));
  }
}

TEST(IndicatorPatternTest, OtherPatternLanguagesAreNotChecked) {
  for (const char* type : {"sigma", "snort", "suricata", "yara", "pcre", "spl"}) {
    SCOPED_TRACE(type);
    EXPECT_TRUE(NoErrors(Validate(
        With(Minimal("indicator"),
             {{"pattern_type", type}, {"pattern", "alert tcp any any -> any any (msg:\"x\";)"}}))));
  }
}

TEST(IndicatorPatternTest, PatternsOfAnotherStixPatterningVersionAreNotChecked) {
  // A STIX 2.0 indicator upgraded to 2.1 keeps its 2.0 pattern (START with a plain string).
  const json upgraded =
      With(Minimal("indicator"), {{"pattern",
                                   "[url:value = 'http://a.example/'] START "
                                   "'2018-03-01T00:00:00Z' STOP '2018-04-01T00:00:00Z'"},
                                  {"pattern_version", "2.0"}});
  EXPECT_TRUE(NoFindings(Validate(upgraded)));
  EXPECT_TRUE(OnlyError(Validate(With(upgraded, {{"pattern_version", "2.1"}})), "pattern-syntax",
                        "/pattern"));
  EXPECT_TRUE(
      OnlyError(Validate(Without(upgraded, "pattern_version")), "pattern-syntax", "/pattern"));
}

TEST(IndicatorPatternTest, NonStringPatternIsOnlyATypeError) {
  EXPECT_TRUE(OnlyError(Validate(With(Minimal("indicator"), {{"pattern", 42}})), "property-type",
                        "/pattern"));
}

}  // namespace
}  // namespace kongsi::stix
