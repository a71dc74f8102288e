// Tests of the STIX 2.0 -> 2.1 upgrade (upgrade.h, docs/stix20.md): which objects count as
// 2.0, each transformation, what is left alone, what is refused and why, and a realistic 2.0
// bundle whose upgraded objects validate as STIX 2.1.
#include "stix/upgrade.h"

#include <deque>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stix/finding.h"
#include "stix/validate.h"

namespace kongsi::stix {
namespace {

using Json = nlohmann::ordered_json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class UpgradeTest : public ::testing::Test {
 protected:
  // Parses `json`; the element stays valid for the whole test.
  simdjson::dom::element Parse(std::string_view json) {
    simdjson::dom::element element;
    simdjson::error_code error =
        parsers_.emplace_back().parse(json.data(), json.size()).get(element);
    EXPECT_EQ(error, simdjson::SUCCESS) << json;
    return element;
  }

  bool Is20(std::string_view json) { return IsStix20Object(Parse(json)); }

  // The upgraded object, parsed back (null on failure, which is reported).
  Json Upgraded(std::string_view json) {
    absl::StatusOr<std::string> upgraded = UpgradeObjectTo21(Parse(json));
    EXPECT_TRUE(upgraded.ok()) << upgraded.status() << "\n" << json;
    if (!upgraded.ok()) return Json();
    return Json::parse(*upgraded);
  }

  // The refusal message (empty, and a test failure, when the upgrade succeeds).
  std::string Refusal(std::string_view json) {
    absl::StatusOr<std::string> upgraded = UpgradeObjectTo21(Parse(json));
    EXPECT_FALSE(upgraded.ok()) << *upgraded;
    if (upgraded.ok()) return "";
    EXPECT_EQ(upgraded.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(upgraded.status().message());
  }

  static std::vector<std::string> Keys(const Json& object) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : object.items()) keys.push_back(key);
    return keys;
  }

 private:
  std::deque<simdjson::dom::parser> parsers_;
};

constexpr std::string_view kIndicator20 = R"({
  "type": "indicator",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2016-04-06T20:03:48.000Z",
  "modified": "2016-04-06T20:03:48.000Z",
  "labels": ["malicious-activity"],
  "name": "Poison Ivy Malware",
  "pattern": "[file:hashes.MD5 = '3773a88f65a5e780c8dff9cdc3a056f3']",
  "valid_from": "2016-01-01T00:00:00Z"
})";

// --- Which objects are STIX 2.0 ---------------------------------------------------------

TEST_F(UpgradeTest, ObjectWithoutSpecVersionIsStix20) {
  EXPECT_TRUE(Is20(kIndicator20));
  EXPECT_TRUE(Is20(R"({"type": "relationship", "id": "relationship--1", "created": "x"})"));
  EXPECT_TRUE(Is20(R"({"type": "marking-definition", "definition_type": "tlp"})"));
}

TEST_F(UpgradeTest, SpecVersionDecides) {
  EXPECT_TRUE(Is20(R"({"type": "indicator", "spec_version": "2.0"})"));
  EXPECT_TRUE(Is20(R"({"type": "file", "spec_version": "2.0"})"));
  EXPECT_FALSE(Is20(R"({"type": "indicator", "spec_version": "2.1"})"));
  EXPECT_FALSE(Is20(R"({"type": "indicator", "spec_version": "2.2"})"));
  EXPECT_FALSE(Is20(R"({"type": "indicator", "spec_version": 2.0})"));
}

TEST_F(UpgradeTest, ScoWithoutSpecVersionIsStix21) {
  for (std::string_view type :
       {"artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
        "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process",
        "software", "url", "user-account", "windows-registry-key", "x509-certificate"}) {
    const std::string json = std::string(R"({"type": ")") + std::string(type) + R"(", "id": ")" +
                             std::string(type) + R"(--2f4c3ea4-2b3b-5a8f-8d64-3a2e6c8a2a11"})";
    EXPECT_FALSE(Is20(json)) << type;
  }
}

TEST_F(UpgradeTest, CustomObjectIsStix20OnlyWithCreated) {
  // A 2.0 custom object has the common properties of every 2.0 object, created among them.
  EXPECT_TRUE(Is20(R"({"type": "x-acme-ticket", "id": "x-acme-ticket--1",
                       "created": "2018-01-01T00:00:00.000Z",
                       "modified": "2018-01-01T00:00:00.000Z"})"));
  // A 2.1 custom SCO has no created and may omit spec_version.
  EXPECT_FALSE(Is20(R"({"type": "x-acme-beacon", "id": "x-acme-beacon--1", "value": "b"})"));
  // MITRE ATT&CK's custom objects carry spec_version "2.1".
  EXPECT_FALSE(Is20(R"({"type": "x-mitre-tactic", "spec_version": "2.1",
                        "id": "x-mitre-tactic--1", "created": "2018-10-17T00:14:20.652Z"})"));
}

TEST_F(UpgradeTest, BundlesAndNonObjects) {
  EXPECT_TRUE(Is20(R"({"type": "bundle", "id": "bundle--1", "spec_version": "2.0"})"));
  EXPECT_FALSE(Is20(R"({"type": "bundle", "id": "bundle--1", "objects": []})"));
  EXPECT_FALSE(Is20(R"([{"type": "indicator"}])"));
  EXPECT_FALSE(Is20(R"("indicator")"));
  EXPECT_FALSE(Is20(R"({"id": "indicator--1", "created": "2018-01-01T00:00:00.000Z"})"));
}

TEST_F(UpgradeTest, AttackDataIsNeverTakenForStix20) {
  const std::string path = std::string(KONGSI_SHARED_DATA_DIR) + "/attack/ics-attack-18.1.json";
  const std::string text = ReadFile(path);
  if (text.empty()) GTEST_SKIP() << path << " is not available";
  simdjson::dom::element bundle = Parse(text);
  simdjson::dom::array objects;
  ASSERT_EQ(bundle["objects"].get(objects), simdjson::SUCCESS);
  size_t count = 0;
  for (simdjson::dom::element object : objects) {
    EXPECT_FALSE(IsStix20Object(object)) << simdjson::minify(object);
    ++count;
  }
  EXPECT_GT(count, 1000u);
}

// --- Transformations ----------------------------------------------------------------------

TEST_F(UpgradeTest, SpecVersionIsAddedAfterType) {
  Json out = Upgraded(kIndicator20);
  EXPECT_EQ(out["spec_version"], "2.1");
  EXPECT_THAT(Keys(out),
              ElementsAre("type", "spec_version", "id", "created", "modified", "indicator_types",
                          "name", "pattern", "pattern_type", "pattern_version", "valid_from"));
}

TEST_F(UpgradeTest, SpecVersion20IsReplacedInPlace) {
  Json out = Upgraded(R"({"id": "campaign--0e1c1f80-8a54-4d3a-a6a9-8a9c3d3a7b11",
                          "spec_version": "2.0", "type": "campaign",
                          "created": "2018-01-01T00:00:00.000Z",
                          "modified": "2018-01-01T00:00:00.000Z", "name": "C"})");
  EXPECT_THAT(Keys(out), ElementsAre("id", "spec_version", "type", "created", "modified", "name"));
  EXPECT_EQ(out["spec_version"], "2.1");
}

TEST_F(UpgradeTest, IndicatorGetsTypesAndStixPatternVersion20) {
  Json out = Upgraded(kIndicator20);
  EXPECT_EQ(out["indicator_types"], Json::parse(R"(["malicious-activity"])"));
  EXPECT_FALSE(out.contains("labels"));
  EXPECT_EQ(out["pattern_type"], "stix");
  // The pattern is STIX patterning 2.0 (e.g. START/STOP take plain strings there): without
  // pattern_version, a 2.1 indicator's pattern would be read as 2.1.
  EXPECT_EQ(out["pattern_version"], "2.0");
  EXPECT_EQ(out["pattern"], "[file:hashes.MD5 = '3773a88f65a5e780c8dff9cdc3a056f3']");
  EXPECT_EQ(out["valid_from"], "2016-01-01T00:00:00Z");
}

TEST_F(UpgradeTest, IndicatorKeepsItsOwnPatternTypeAndVersion) {
  Json out = Upgraded(R"({"type": "indicator", "id": "indicator--1", "labels": ["benign"],
                          "pattern": "alert tcp any any -> any 80", "pattern_type": "snort",
                          "pattern_version": "2.9"})");
  EXPECT_EQ(out["pattern_type"], "snort");
  EXPECT_EQ(out["pattern_version"], "2.9");
  EXPECT_THAT(Keys(out), ElementsAre("type", "spec_version", "id", "indicator_types", "pattern",
                                     "pattern_type", "pattern_version"));
}

TEST_F(UpgradeTest, PatternVersionIsOnlyAddedToStixPatterns) {
  Json out = Upgraded(R"({"type": "indicator", "id": "indicator--1", "labels": ["benign"],
                          "pattern": "rule a { condition: true }", "pattern_type": "yara"})");
  EXPECT_EQ(out["pattern_type"], "yara");
  EXPECT_FALSE(out.contains("pattern_version"));
}

TEST_F(UpgradeTest, LabelsOutsideTheTypeVocabularyStayLabels) {
  Json out = Upgraded(R"({"type": "indicator", "id": "indicator--1",
                          "labels": ["phishing", "malicious-activity", "compromised", "tlp-ish"],
                          "pattern": "[url:value = 'http://a.example/']",
                          "valid_from": "2018-01-01T00:00:00Z"})");
  EXPECT_EQ(out["indicator_types"], Json::parse(R"(["malicious-activity", "compromised"])"));
  EXPECT_EQ(out["labels"], Json::parse(R"(["phishing", "tlp-ish"])"));
  EXPECT_THAT(Keys(out), ElementsAre("type", "spec_version", "id", "indicator_types", "labels",
                                     "pattern", "pattern_type", "pattern_version", "valid_from"));
}

TEST_F(UpgradeTest, NoTypesPropertyWhenNoLabelIsAType) {
  Json out = Upgraded(R"({"type": "tool", "id": "tool--1", "name": "T", "labels": ["tool"]})");
  EXPECT_FALSE(out.contains("tool_types"));
  EXPECT_EQ(out["labels"], Json::parse(R"(["tool"])"));
}

// Every label of the 2.0 suggested vocabularies (STIX 2.0 Part 2, section 6) becomes a
// <type>_types value.
TEST_F(UpgradeTest, EveryStix20SuggestedLabelBecomesAType) {
  struct Case {
    std::string type;
    std::string property;
    std::vector<std::string> labels;
  };
  const std::vector<Case> cases = {
      {"indicator",
       "indicator_types",
       {"anomalous-activity", "anonymization", "benign", "compromised", "malicious-activity",
        "attribution"}},
      {"malware",
       "malware_types",
       {"adware", "backdoor", "bot", "ddos", "dropper", "exploit-kit", "keylogger", "ransomware",
        "remote-access-trojan", "resource-exploitation", "rogue-security-software", "rootkit",
        "screen-capture", "spyware", "trojan", "virus", "worm"}},
      {"report",
       "report_types",
       {"threat-report", "attack-pattern", "campaign", "identity", "indicator", "malware",
        "observed-data", "threat-actor", "tool", "vulnerability"}},
      {"threat-actor",
       "threat_actor_types",
       {"activist", "competitor", "crime-syndicate", "criminal", "hacker", "insider-accidental",
        "insider-disgruntled", "nation-state", "sensationalist", "spy", "terrorist"}},
      {"tool",
       "tool_types",
       {"denial-of-service", "exploitation", "information-gathering", "network-capture",
        "credential-exploitation", "remote-access", "vulnerability-scanning"}},
  };
  for (const Case& c : cases) {
    Json in = {{"type", c.type}, {"id", c.type + "--1"}, {"name", "N"}, {"labels", c.labels}};
    Json out = Upgraded(in.dump());
    EXPECT_EQ(out[c.property], Json(c.labels)) << c.type;
    EXPECT_FALSE(out.contains("labels")) << c.type;
  }
}

TEST_F(UpgradeTest, MalwareBecomesAFamily) {
  Json out =
      Upgraded(R"({"type": "malware", "id": "malware--1", "created": "2016-05-12T08:17:27.000Z",
                          "modified": "2016-05-12T08:17:27.000Z", "name": "Cryptolocker",
                          "labels": ["ransomware"], "description": "d"})");
  EXPECT_EQ(out["malware_types"], Json::parse(R"(["ransomware"])"));
  EXPECT_EQ(out["is_family"], true);
  EXPECT_THAT(Keys(out), ElementsAre("type", "spec_version", "id", "created", "modified", "name",
                                     "malware_types", "is_family", "description"));
}

TEST_F(UpgradeTest, MalwareWithoutTypeLabelsStillBecomesAFamily) {
  // MITRE ATT&CK's 2.0 data labels malware ["malware"], which is not a malware type.
  Json out = Upgraded(R"({"type": "malware", "id": "malware--1", "name": "PlugX",
                          "labels": ["malware"]})");
  EXPECT_FALSE(out.contains("malware_types"));
  EXPECT_THAT(Keys(out), ElementsAre("type", "spec_version", "id", "name", "labels", "is_family"));
  // Without labels (invalid 2.0), is_family follows the name.
  out = Upgraded(R"({"type": "malware", "id": "malware--1", "name": "PlugX", "x_a": 1})");
  EXPECT_THAT(Keys(out), ElementsAre("type", "spec_version", "id", "name", "is_family", "x_a"));
}

TEST_F(UpgradeTest, Stix21OnlyTypeValuesAreTypesToo) {
  // "wiper" and "unknown" were custom labels in 2.0 and are suggested malware types in 2.1.
  Json out = Upgraded(R"({"type": "malware", "id": "malware--1", "name": "NotPetya",
                          "labels": ["wiper", "ransomware", "unknown"]})");
  EXPECT_EQ(out["malware_types"], Json::parse(R"(["wiper", "ransomware", "unknown"])"));
  EXPECT_FALSE(out.contains("labels"));
}

TEST_F(UpgradeTest, MalwareKeepsItsOwnIsFamily) {
  Json out = Upgraded(R"({"type": "malware", "id": "malware--1", "name": "sample",
                          "labels": ["trojan"], "is_family": false})");
  EXPECT_EQ(out["is_family"], false);
}

TEST_F(UpgradeTest, ThreatActorReportAndToolGetTypes) {
  Json actor = Upgraded(R"({"type": "threat-actor", "id": "threat-actor--1", "name": "E",
                            "labels": ["nation-state", "spy"]})");
  EXPECT_EQ(actor["threat_actor_types"], Json::parse(R"(["nation-state", "spy"])"));
  Json report = Upgraded(R"({"type": "report", "id": "report--1", "name": "R",
                             "labels": ["threat-report"], "published": "2018-01-01T00:00:00Z",
                             "object_refs": ["indicator--1"]})");
  EXPECT_EQ(report["report_types"], Json::parse(R"(["threat-report"])"));
  Json tool = Upgraded(R"({"type": "tool", "id": "tool--1", "name": "VNC",
                           "labels": ["remote-access"]})");
  EXPECT_EQ(tool["tool_types"], Json::parse(R"(["remote-access"])"));
}

TEST_F(UpgradeTest, LabelsOfOtherTypesAreLeftAlone) {
  Json out = Upgraded(R"({"type": "course-of-action", "id": "course-of-action--1",
                          "name": "Patch", "labels": ["mitigation", "malicious-activity"]})");
  EXPECT_EQ(out["labels"], Json::parse(R"(["mitigation", "malicious-activity"])"));
  EXPECT_THAT(Keys(out), ElementsAre("type", "spec_version", "id", "name", "labels"));
}

TEST_F(UpgradeTest, OnlySpecVersionIsAddedToIdentity) {
  absl::StatusOr<std::string> out = UpgradeObjectTo21(Parse(R"({
    "type": "identity",
    "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
    "created": "2015-12-21T19:59:11Z",
    "modified": "2015-12-21T19:59:11Z",
    "name": "Cole Powers",
    "identity_class": "individual"
  })"));
  ASSERT_TRUE(out.ok()) << out.status();
  // identity_class (required in 2.0, optional in 2.1) and whole-second timestamps are kept.
  EXPECT_EQ(*out, R"({"type":"identity","spec_version":"2.1",)"
                  R"("id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c",)"
                  R"("created":"2015-12-21T19:59:11Z","modified":"2015-12-21T19:59:11Z",)"
                  R"("name":"Cole Powers","identity_class":"individual"})");
}

TEST_F(UpgradeTest, TlpMarkingDefinitionIsTheSameIn21) {
  absl::StatusOr<std::string> out = UpgradeObjectTo21(Parse(R"({
    "type": "marking-definition",
    "id": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "created": "2017-01-20T00:00:00.000Z",
    "definition_type": "tlp",
    "definition": {"tlp": "amber"}
  })"));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, R"({"type":"marking-definition","spec_version":"2.1",)"
                  R"("id":"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",)"
                  R"("created":"2017-01-20T00:00:00.000Z","definition_type":"tlp",)"
                  R"("definition":{"tlp":"amber"}})");
}

TEST_F(UpgradeTest, ValuesAndOrderArePreserved) {
  Json out = Upgraded(R"({"type": "x-acme-ticket", "id": "x-acme-ticket--1",
                          "created": "2018-03-05T17:05:00.123456Z",
                          "modified": "2018-03-05T17:05:00.1Z",
                          "x_zeta": "caf\u00e9 \ud83d\ude00", "x_alpha": 4711,
                          "x_ratio": 0.25, "x_big": 18446744073709551615,
                          "x_nested": {"b": [1, {"z": null, "a": true}], "a": "\u0001"}})");
  EXPECT_THAT(Keys(out), ElementsAre("type", "spec_version", "id", "created", "modified", "x_zeta",
                                     "x_alpha", "x_ratio", "x_big", "x_nested"));
  EXPECT_EQ(out["created"], "2018-03-05T17:05:00.123456Z");
  EXPECT_EQ(out["modified"], "2018-03-05T17:05:00.1Z");
  EXPECT_EQ(out["x_zeta"], "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(out["x_alpha"], 4711);
  EXPECT_EQ(out["x_ratio"], 0.25);
  EXPECT_EQ(out["x_big"].get<uint64_t>(), 18446744073709551615u);
  EXPECT_EQ(out["x_nested"].dump(), R"({"b":[1,{"z":null,"a":true}],"a":"\u0001"})");
}

TEST_F(UpgradeTest, ObservedDataKeepsItsObjectsWith21PropertyNames) {
  Json out = Upgraded(R"({
    "type": "observed-data", "id": "observed-data--1",
    "created": "2017-01-01T00:00:00.000Z", "modified": "2017-01-01T00:00:00.000Z",
    "first_observed": "2017-01-01T00:00:00Z", "last_observed": "2017-01-01T00:00:00Z",
    "number_observed": 1,
    "objects": {
      "0": {"type": "file", "name": "a.exe", "created": "2016-12-31T23:00:00Z",
            "modified": "2016-12-31T23:10:00Z", "accessed": "2016-12-31T23:20:00Z",
            "is_encrypted": false, "hashes": {"MD5": "3773a88f65a5e780c8dff9cdc3a056f3"}},
      "1": {"type": "process", "pid": 4242, "name": "a.exe", "created": "2017-01-01T00:00:00Z",
            "binary_ref": "0", "arguments": ["-q"]},
      "2": {"type": "user-account", "user_id": "1001",
            "password_last_changed": "2016-01-01T00:00:00Z"},
      "3": {"type": "windows-registry-key", "key": "HKEY_LOCAL_MACHINE\\Software\\A",
            "modified": "2016-02-01T00:00:00Z"},
      "4": {"type": "directory", "path": "C:\\Temp", "created": "2016-01-01T00:00:00Z"},
      "5": {"type": "ipv4-addr", "value": "198.51.100.3"},
      "6": {"type": "x-acme-sensor", "created": "custom observables are left alone"}
    }
  })");
  const Json& objects = out["objects"];
  EXPECT_THAT(Keys(objects), ElementsAre("0", "1", "2", "3", "4", "5", "6"));
  EXPECT_THAT(Keys(objects["0"]),
              ElementsAre("type", "name", "ctime", "mtime", "atime", "is_encrypted", "hashes"));
  EXPECT_EQ(objects["0"]["ctime"], "2016-12-31T23:00:00Z");
  // process.name and arguments have no 2.1 successor: kept (2.1 reads them as custom).
  EXPECT_THAT(Keys(objects["1"]),
              ElementsAre("type", "pid", "name", "created_time", "image_ref", "arguments"));
  EXPECT_EQ(objects["1"]["image_ref"], "0");
  EXPECT_THAT(Keys(objects["2"]), ElementsAre("type", "user_id", "credential_last_changed"));
  EXPECT_THAT(Keys(objects["3"]), ElementsAre("type", "key", "modified_time"));
  EXPECT_THAT(Keys(objects["4"]), ElementsAre("type", "path", "ctime"));
  EXPECT_EQ(objects["5"].dump(), R"({"type":"ipv4-addr","value":"198.51.100.3"})");
  EXPECT_THAT(Keys(objects["6"]), ElementsAre("type", "created"));
}

TEST_F(UpgradeTest, TopLevelStix20ObservableIsRenamedToo) {
  Json out = Upgraded(R"({"type": "file", "spec_version": "2.0",
                          "id": "file--5b1a1b3c-1c8c-5b43-a3d8-5a3e6b8c2d11", "name": "a",
                          "modified": "2016-01-01T00:00:00Z"})");
  EXPECT_THAT(Keys(out), ElementsAre("type", "spec_version", "id", "name", "mtime"));
  EXPECT_EQ(out["spec_version"], "2.1");
}

// --- Idempotence --------------------------------------------------------------------------

TEST_F(UpgradeTest, Stix21ObjectsAreLeftAsTheyAre) {
  constexpr std::string_view kIndicator21 = R"({"type": "indicator", "spec_version": "2.1",
      "id": "indicator--1", "labels": ["malicious-activity"], "pattern": "[url:value = 'x']",
      "pattern_type": "stix", "valid_from": "2018-01-01T00:00:00Z"})";
  EXPECT_FALSE(Is20(kIndicator21));
  absl::StatusOr<std::string> out = UpgradeObjectTo21(Parse(kIndicator21));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, simdjson::minify(Parse(kIndicator21)));
}

TEST_F(UpgradeTest, UpgradingTwiceChangesNothing) {
  absl::StatusOr<std::string> once = UpgradeObjectTo21(Parse(kIndicator20));
  ASSERT_TRUE(once.ok()) << once.status();
  EXPECT_FALSE(Is20(*once));
  absl::StatusOr<std::string> twice = UpgradeObjectTo21(Parse(*once));
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_EQ(*once, *twice);
}

// --- Refusals -----------------------------------------------------------------------------

TEST_F(UpgradeTest, RefusesWhatIsNotAnObject) {
  EXPECT_EQ(Refusal(R"([{"type": "indicator"}])"),
            "a STIX object must be a JSON object, not a list");
  EXPECT_EQ(Refusal(R"({"id": "indicator--1", "type": 7})"),
            "the object has no \"type\" (a string)");
}

TEST_F(UpgradeTest, RefusesOtherSpecVersions) {
  EXPECT_EQ(Refusal(R"({"type": "indicator", "spec_version": "1.0"})"),
            "spec_version \"1.0\" is not a STIX version kongsi reads (2.1 as is, 2.0 upgraded "
            "to 2.1)");
  EXPECT_THAT(Refusal(R"({"type": "indicator", "spec_version": "2.2"})"),
              HasSubstr("spec_version \"2.2\" is not a STIX version kongsi reads"));
  EXPECT_EQ(Refusal(R"({"type": "indicator", "spec_version": 2.0})"),
            "spec_version must be a string, not a number");
}

TEST_F(UpgradeTest, RefusesTypesThatStix20DidNotHave) {
  for (std::string_view type :
       {"grouping", "incident", "infrastructure", "location", "malware-analysis", "note", "opinion",
        "language-content", "extension-definition"}) {
    const std::string json = std::string(R"({"type": ")") + std::string(type) +
                             R"(", "created": "2018-01-01T00:00:00.000Z"})";
    EXPECT_TRUE(Is20(json)) << type;
    EXPECT_EQ(Refusal(json), std::string("\"") + std::string(type) +
                                 "\" is not a STIX 2.0 type (it was introduced in STIX 2.1); a "
                                 "STIX 2.1 object must have \"spec_version\": \"2.1\"");
  }
}

TEST_F(UpgradeTest, RefusesABundle) {
  EXPECT_EQ(Refusal(R"({"type": "bundle", "id": "bundle--1", "spec_version": "2.0"})"),
            "a bundle is not upgraded as an object: each object in it is upgraded on its own");
}

TEST_F(UpgradeTest, RefusesDuplicateProperties) {
  EXPECT_EQ(Refusal(R"({"type": "tool", "name": "a", "labels": ["x"], "name": "b"})"),
            "property \"name\" appears more than once in the object");
  EXPECT_EQ(Refusal(R"({"type": "observed-data",
                        "objects": {"0": {"type": "file", "name": "a"}, "a/b": {
                          "type": "file", "hashes": {"MD5": "1", "MD5": "2"}}}})"),
            "property \"MD5\" appears more than once in /objects/a~1b/hashes");
  EXPECT_EQ(Refusal(R"({"type": "report", "external_references": [{"source_name": "a"},
                        {"url": "u", "url": "v"}]})"),
            "property \"url\" appears more than once in /external_references/1");
}

TEST_F(UpgradeTest, RefusesLabelsNextToTheirTypesProperty) {
  EXPECT_EQ(Refusal(R"({"type": "indicator", "labels": ["benign"],
                        "indicator_types": ["malicious-activity"]})"),
            "the indicator has both \"labels\" and \"indicator_types\"; the STIX 2.0 labels "
            "would become indicator_types, so the two cannot be merged mechanically");
}

TEST_F(UpgradeTest, RefusesAnObservableWithBothNames) {
  EXPECT_EQ(Refusal(R"({"type": "observed-data", "objects": {"0": {"type": "file",
                        "created": "2016-01-01T00:00:00Z", "ctime": "2016-01-01T00:00:00Z"}}})"),
            "/objects/0 (file) has both \"created\" (its STIX 2.0 name) and \"ctime\" (its "
            "STIX 2.1 name); only one value can be kept");
}

// --- A realistic STIX 2.0 bundle -------------------------------------------------------------

TEST_F(UpgradeTest, Stix20BundleUpgradesToValidStix21) {
  const std::string path =
      std::string(KONGSI_TEST_DATA_DIR) + "/stix20/phishing-campaign-bundle.json";
  const std::string text = ReadFile(path);
  ASSERT_FALSE(text.empty()) << path;
  simdjson::dom::element bundle = Parse(text);
  EXPECT_TRUE(IsStix20Object(bundle));
  simdjson::dom::array objects;
  ASSERT_EQ(bundle["objects"].get(objects), simdjson::SUCCESS);

  Validator validator;
  size_t count = 0;
  for (simdjson::dom::element object : objects) {
    std::string_view id;
    ASSERT_EQ(object["id"].get(id), simdjson::SUCCESS);
    EXPECT_TRUE(IsStix20Object(object)) << id;
    absl::StatusOr<std::string> upgraded = UpgradeObjectTo21(object);
    ASSERT_TRUE(upgraded.ok()) << id << ": " << upgraded.status();
    simdjson::dom::element result = Parse(*upgraded);
    EXPECT_FALSE(IsStix20Object(result)) << id;

    std::vector<Finding> findings;
    validator.ValidateObject(result, id, "", findings);
    for (const Finding& f : findings) {
      EXPECT_NE(f.severity, Severity::kError)
          << id << " " << f.pointer << " [" << f.rule << "] " << f.message << "\n"
          << *upgraded;
    }
    // Identity and version are untouched.
    Json original = Json::parse(simdjson::minify(object));
    Json json = Json::parse(*upgraded);
    EXPECT_EQ(json["id"], original["id"]);
    if (original.contains("modified")) {
      EXPECT_EQ(json["modified"], original["modified"]);
    }
    EXPECT_EQ(json["created"], original["created"]);
    ++count;
  }
  EXPECT_EQ(count, 21u);
}

}  // namespace
}  // namespace kongsi::stix
