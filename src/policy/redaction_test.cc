// Redaction: what a recipient receives of an object when granular markings or an agreement's
// rules remove part of it, and when the object is withheld instead.
#include "policy/redaction.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "simdjson.h"
#include "stix/property_bloom.h"
#include "util/strings.h"

// Rules below name only the fields a test is about.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kRedId = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
constexpr std::string_view kAmberStrictId =
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
constexpr std::string_view kAmberId = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr std::string_view kGreenId = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
constexpr std::string_view kClearId = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
// A marking definition the node does not know (not a TLP level).
constexpr std::string_view kCustomId = "marking-definition--0b1ab1d6-4d5a-4a5c-9a39-1f0e3d8b7a21";

constexpr std::string_view kSource = "identity--2a9a3f7c-5b1e-4a51-8a5e-3c2c7d0f9b11";
constexpr std::string_view kNode = "identity--7d3c1f0e-9b6a-4c2d-8e5f-1a2b3c4d5e6f";
constexpr std::string_view kOther = "identity--c0ffee00-1111-4222-8333-444455556666";

// Test documents name markings and identities as $RED$, $SOURCE$, ...
std::string Json(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"$RED$", kRedId},     {"$AMBER+STRICT$", kAmberStrictId},
      {"$AMBER$", kAmberId}, {"$GREEN$", kGreenId},
      {"$CLEAR$", kClearId}, {"$CUSTOM$", kCustomId},
      {"$SOURCE$", kSource}, {"$NODE$", kNode},
      {"$OTHER$", kOther}};
  std::string out(text);
  for (const auto& [name, value] : kNames) {
    for (size_t at = out.find(name); at != std::string::npos; at = out.find(name, at)) {
      out.replace(at, name.size(), value);
    }
  }
  return out;
}

// A valid indicator with `rest` (properties, comma separated) after its required ones.
std::string Indicator(std::string_view rest) {
  std::string out =
      R"({"type":"indicator","spec_version":"2.1",)"
      R"("id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
      R"("created":"2024-03-01T10:00:00.000Z","modified":"2024-03-01T10:00:00.000Z",)"
      R"("pattern":"[domain-name:value = 'login-bank.example']","pattern_type":"stix",)"
      R"("valid_from":"2024-03-01T10:00:00Z")";
  if (!rest.empty()) out += "," + Json(rest);
  return out + "}";
}

// A recipient who may see markings up to `max` (and no unknown marking definition).
MaySee UpTo(stix::Tlp max) {
  return [max](stix::Tlp tlp) { return tlp != stix::Tlp::kNone && tlp <= max; };
}

std::string CreatedByRefOf(std::string_view body) {
  simdjson::dom::parser parser;
  std::string_view ref;
  if (parser.parse(body.data(), body.size())["created_by_ref"].get(ref) != simdjson::SUCCESS) {
    return "";
  }
  return std::string(ref);
}

class RedactTest : public ::testing::Test {
 protected:
  // Redact, checking on the way what every call must keep: a body only when redacted;
  // MayNeedRedaction never false when something changes; redacting the result again
  // changes nothing.
  RedactionResult Run(std::string_view body, const RedactionRules& rules, const MaySee& may_see) {
    auto result = Redact(body, rules, may_see, validator_);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return {};
    if (result->outcome != RedactionOutcome::kUnchanged) {
      EXPECT_TRUE(MayNeedRedaction(body, CreatedByRefOf(body), rules))
          << "MayNeedRedaction is false, but Redact changes " << body;
      // The same from the stored summary of property names, as the disclosure door asks it.
      simdjson::dom::parser summary_parser;
      const uint64_t bloom =
          stix::PropertyBloom(summary_parser.parse(body.data(), body.size()).get_object().value());
      EXPECT_TRUE(MayNeedRedaction(body, bloom, CreatedByRefOf(body), rules))
          << "MayNeedRedaction (summary) is false, but Redact changes " << body;
    } else {
      EXPECT_TRUE(result->changes.empty());
    }
    if (result->outcome == RedactionOutcome::kRedacted) {
      EXPECT_FALSE(result->changes.empty());
      auto again = Redact(result->body, rules, may_see, validator_);
      EXPECT_TRUE(again.ok() && again->outcome == RedactionOutcome::kUnchanged)
          << "redacting " << result->body << " again changes it";
    } else {
      EXPECT_EQ(result->body, "");
    }
    return *result;
  }

  stix::Validator validator_;
};

TEST_F(RedactTest, RedDescriptionIsRemovedWithItsGranularMarking) {
  const std::string body =
      Indicator(R"("name":"Phishing domain","description":"Seen in the bank-a incident",)"
                R"("granular_markings":[{"marking_ref":"$RED$","selectors":["description"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  EXPECT_EQ(r.body, Indicator(R"("name":"Phishing domain")"));
  EXPECT_THAT(r.changes, ElementsAre(Json("removed description (granular marking $RED$ TLP:RED)")));
}

TEST_F(RedactTest, RecipientWhoMaySeeEveryMarkingGetsTheStoredBytes) {
  const std::string body =
      Indicator(R"("description":"Seen in the bank-a incident","labels":["a","b"],)"
                R"("granular_markings":[{"marking_ref":"$RED$","selectors":["description"]},)"
                R"({"marking_ref":"$AMBER$","selectors":["labels.[1]"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kRed));
  EXPECT_EQ(r.outcome, RedactionOutcome::kUnchanged);
  EXPECT_EQ(r.body, "");
}

TEST_F(RedactTest, RemovedListEntriesShiftTheSelectorsOfTheRemainingMarkings) {
  const std::string body = Indicator(
      R"("labels":["l0","l1","l2","l3"],)"
      R"("granular_markings":[{"marking_ref":"$RED$","selectors":["labels.[0]","labels.[2]"]},)"
      R"({"marking_ref":"$AMBER$","selectors":["labels.[1]","labels.[3]"]},)"
      R"({"marking_ref":"$GREEN$","selectors":["labels"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  const std::string expected = Indicator(
      R"("labels":["l1","l3"],)"
      R"("granular_markings":[{"marking_ref":"$AMBER$","selectors":["labels.[0]","labels.[1]"]},)"
      R"({"marking_ref":"$GREEN$","selectors":["labels"]}])");
  EXPECT_EQ(r.body, expected);
  EXPECT_THAT(r.changes, ElementsAre(Json("removed labels.[0] (granular marking $RED$ TLP:RED)"),
                                     Json("removed labels.[2] (granular marking $RED$ TLP:RED)")));
}

TEST_F(RedactTest, NestedSelectorRemovesOnlyThatPropertyAndLaterEntriesAreReindexed) {
  const std::string body =
      Indicator(R"("external_references":[)"
                R"({"source_name":"cert","url":"https://cert.example/a","external_id":"A-1"},)"
                R"({"source_name":"internal","url":"https://wiki.bank-a.example/case/7"},)"
                R"({"source_name":"vendor","url":"https://vendor.example/r"}],)"
                R"("granular_markings":[)"
                R"({"marking_ref":"$RED$","selectors":["external_references.[0].url"]},)"
                R"({"marking_ref":"$AMBER+STRICT$","selectors":["external_references.[1]"]},)"
                R"({"marking_ref":"$GREEN$","selectors":["external_references.[2].url",)"
                R"("external_references.[0].external_id"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  EXPECT_EQ(r.body,
            Indicator(R"("external_references":[)"
                      R"({"source_name":"cert","external_id":"A-1"},)"
                      R"({"source_name":"vendor","url":"https://vendor.example/r"}],)"
                      R"("granular_markings":[)"
                      R"({"marking_ref":"$GREEN$","selectors":["external_references.[1].url",)"
                      R"("external_references.[0].external_id"]}])"));
  EXPECT_THAT(r.changes,
              ElementsAre(Json("removed external_references.[0].url (granular marking $RED$ "
                               "TLP:RED)"),
                          Json("removed external_references.[1] (granular marking $AMBER+STRICT$ "
                               "TLP:AMBER+STRICT)")));
}

TEST_F(RedactTest, MarkingsOnAListAndOnOneOfItsEntriesRemoveTheList) {
  // The entry's marking comes first; the list's removal covers it, and only the list is named.
  const std::string body = Indicator(
      R"("name":"n","labels":["a","b","c"],)"
      R"("granular_markings":[{"marking_ref":"$AMBER+STRICT$","selectors":["labels.[1]"]},)"
      R"({"marking_ref":"$RED$","selectors":["labels","name"]},)"
      R"({"marking_ref":"$GREEN$","selectors":["labels.[2]","name"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  EXPECT_EQ(r.body, Indicator(""));
  EXPECT_THAT(r.changes, ElementsAre(Json("removed labels (granular marking $RED$ TLP:RED)"),
                                     Json("removed name (granular marking $RED$ TLP:RED)")));
}

TEST_F(RedactTest, ListWhoseEntriesAreAllRemovedIsRemoved) {
  const std::string body = Indicator(R"("labels":["a","b"],"granular_markings":[)"
                                     R"({"marking_ref":"$RED$","selectors":["labels.[0]"]},)"
                                     R"({"marking_ref":"$RED$","selectors":["labels.[1]"]},)"
                                     R"({"marking_ref":"$GREEN$","selectors":["labels"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kGreen));
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  EXPECT_EQ(r.body, Indicator(""));  // [] is not valid STIX: the list and its marking go
}

TEST_F(RedactTest, SameSelectorMarkedTwiceIsReportedOnce) {
  const std::string body = Indicator(R"("description":"d","granular_markings":[)"
                                     R"({"marking_ref":"$RED$","selectors":["description"]},)"
                                     R"({"marking_ref":"$RED$","selectors":["description"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kClear));
  EXPECT_EQ(r.body, Indicator(""));
  EXPECT_EQ(r.changes.size(), 1u);
}

TEST_F(RedactTest, StricterSelectorThatSelectsNothingWithholds) {
  // What a marking protects cannot be known when its selector does not resolve.
  for (const char* selector : {"labels.[7]", "labels..x", "labels.[]", "nothing", "labels.[0].x"}) {
    SCOPED_TRACE(selector);
    const std::string body =
        Indicator(R"("labels":["a"],"granular_markings":[{"marking_ref":"$RED$","selectors":[")" +
                  std::string(selector) + R"("]}])");
    const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
    EXPECT_EQ(r.outcome, RedactionOutcome::kWithheld);
    ASSERT_EQ(r.changes.size(), 1u);
    EXPECT_EQ(r.changes[0],
              util::StrCat("withheld: granular marking ", kRedId, " TLP:RED selects \"", selector,
                           "\", which is not in the object: what it protects cannot "
                           "be known"));
  }
}

TEST_F(RedactTest, VisibleMarkingWithABadSelectorDoesNotWithhold) {
  // Only a stricter marking's selectors decide; a visible one changes nothing.
  const std::string body = Indicator(
      R"("labels":["a"],"granular_markings":[{"marking_ref":"$GREEN$","selectors":["nope"]}])");
  EXPECT_EQ(Run(body, {}, UpTo(stix::Tlp::kAmber)).outcome, RedactionOutcome::kUnchanged);
}

TEST_F(RedactTest, StricterMarkingOnIdentifyingPropertiesWithholds) {
  for (const char* selector : {"id", "type", "spec_version", "created", "modified",
                               "granular_markings", "granular_markings.[0].selectors"}) {
    SCOPED_TRACE(selector);
    const std::string body =
        Indicator(R"("granular_markings":[{"marking_ref":"$RED$","selectors":[")" +
                  std::string(selector) + R"("]}])");
    const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
    EXPECT_EQ(r.outcome, RedactionOutcome::kWithheld);
    ASSERT_FALSE(r.changes.empty());
    EXPECT_THAT(r.changes[0], HasSubstr("cannot be removed"));
  }
}

TEST_F(RedactTest, StricterMarkingWithoutUsableSelectorsWithholds) {
  for (const char* selectors :
       {R"("selectors":[])", R"("selectors":[3])", R"("selectors":"x")", R"("other":1)"}) {
    SCOPED_TRACE(selectors);
    const std::string body = Indicator(R"("granular_markings":[{"marking_ref":"$RED$",)" +
                                       std::string(selectors) + "}]");
    const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
    EXPECT_EQ(r.outcome, RedactionOutcome::kWithheld);
    ASSERT_FALSE(r.changes.empty());
    EXPECT_THAT(r.changes[0], StartsWith(util::StrCat("withheld: granular marking ", kRedId)));
  }
}

TEST_F(RedactTest, RemovingARequiredPropertyWithholdsAndSaysWhy) {
  const std::string body =
      Indicator(R"("granular_markings":[{"marking_ref":"$RED$","selectors":["pattern"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.outcome, RedactionOutcome::kWithheld);
  EXPECT_THAT(r.changes,
              ElementsAre("withheld: the redacted object is not valid STIX: \"pattern\" is "
                          "required on indicator (at /pattern)",
                          Json("removed pattern (granular marking $RED$ TLP:RED)")));
}

TEST_F(RedactTest, RemovingARequiredNestedPropertyWithholds) {
  const std::string body =
      Indicator(R"("kill_chain_phases":[{"kill_chain_name":"lockheed-martin-cyber-kill-chain",)"
                R"("phase_name":"delivery"}],)"
                R"("granular_markings":[{"marking_ref":"$RED$",)"
                R"("selectors":["kill_chain_phases.[0].phase_name"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.outcome, RedactionOutcome::kWithheld);
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_THAT(r.changes[0], HasSubstr("phase_name"));
  EXPECT_EQ(r.changes[1],
            Json("removed kill_chain_phases.[0].phase_name (granular marking $RED$ TLP:RED)"));
}

TEST_F(RedactTest, LangMarkingsRestrictNothingButAreReindexed) {
  const std::string body = Indicator(R"("labels":["x","y","z"],"granular_markings":[)"
                                     R"({"lang":"ms","selectors":["labels.[2]"]},)"
                                     R"({"marking_ref":"$RED$","selectors":["labels.[0]"]},)"
                                     R"({"lang":"en","selectors":["labels.[0]"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kClear));
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  EXPECT_EQ(r.body, Indicator(R"("labels":["y","z"],"granular_markings":[)"
                              R"({"lang":"ms","selectors":["labels.[1]"]}])"));
  // Alone, lang markings change nothing, whoever receives the object.
  const std::string lang_only = Indicator(
      R"("description":"d","granular_markings":[{"lang":"en","selectors":["description"]}])");
  EXPECT_EQ(Run(lang_only, {}, UpTo(stix::Tlp::kClear)).outcome, RedactionOutcome::kUnchanged);
  EXPECT_EQ(Run(lang_only, {}, MaySee()).outcome, RedactionOutcome::kUnchanged);
}

TEST_F(RedactTest, UnknownMarkingDefinitionIsAskedAsNone) {
  const std::string body = Indicator(
      R"("description":"d","granular_markings":[{"marking_ref":"$CUSTOM$","selectors":["description"]}])");
  std::vector<stix::Tlp> asked;
  const RedactionResult hidden = Run(body, {}, [&](stix::Tlp tlp) {
    asked.push_back(tlp);
    return false;
  });
  EXPECT_THAT(asked, ElementsAre(stix::Tlp::kNone));
  EXPECT_EQ(hidden.body, Indicator(""));
  EXPECT_THAT(hidden.changes, ElementsAre(Json("removed description (granular marking $CUSTOM$)")));
  EXPECT_EQ(Run(body, {}, [](stix::Tlp) { return true; }).outcome, RedactionOutcome::kUnchanged);
}

TEST_F(RedactTest, EmptyMaySeeSeesNoGranularMarking) {
  const std::string body = Indicator(
      R"("description":"d","granular_markings":[{"marking_ref":"$GREEN$","selectors":["description"]}])");
  EXPECT_EQ(Run(body, {}, MaySee()).body, Indicator(""));
}

TEST_F(RedactTest, DropPropertiesWildcardRemovesCustomProperties) {
  const std::string body =
      Indicator(R"("name":"n","x_internal_source":"analyst notes","x_acme_score":{"v":[1,2.5]},)"
                R"("labels":["a"],"granular_markings":[{"marking_ref":"$GREEN$",)"
                R"("selectors":["x_acme_score.v.[1]","labels.[0]"]}])");
  const RedactionResult r = Run(body, {.drop_properties = {"x_*"}}, UpTo(stix::Tlp::kGreen));
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  EXPECT_EQ(r.body, Indicator(R"("name":"n","labels":["a"],"granular_markings":[)"
                              R"({"marking_ref":"$GREEN$","selectors":["labels.[0]"]}])"));
  EXPECT_THAT(r.changes, ElementsAre("removed x_internal_source (drop_properties x_*)",
                                     "removed x_acme_score (drop_properties x_*)"));
}

TEST_F(RedactTest, DropPropertiesExactNameAndRequiredOne) {
  const std::string body = Indicator(R"("name":"n","named":"kept","description":"d")");
  const RedactionResult r = Run(body, {.drop_properties = {"name", "description"}}, {});
  EXPECT_EQ(r.body, Indicator(R"("named":"kept")"));
  EXPECT_THAT(r.changes, ElementsAre("removed name (drop_properties name)",
                                     "removed description (drop_properties description)"));
  // A rule that drops what the type requires withholds the object instead.
  const RedactionResult required = Run(body, {.drop_properties = {"pattern*"}}, {});
  EXPECT_EQ(required.outcome, RedactionOutcome::kWithheld);
  EXPECT_THAT(required.changes.at(0), HasSubstr("\"pattern\" is required on indicator"));
  // Nothing matching: the stored bytes.
  EXPECT_EQ(Run(body, {.drop_properties = {"x_*", "nam"}}, {}).outcome,
            RedactionOutcome::kUnchanged);
}

TEST_F(RedactTest, CreatedByRefIsReplacedByTheNodeIdentity) {
  const std::string body = Indicator(R"("created_by_ref":"$SOURCE$","name":"n")");
  const RedactionRules listed{.replace_created_by = {std::string(kSource)},
                              .replacement_identity = std::string(kNode)};
  const RedactionResult r = Run(body, listed, {});
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  EXPECT_EQ(r.body, Indicator(R"("created_by_ref":"$NODE$","name":"n")"));
  EXPECT_THAT(r.changes, ElementsAre(Json("replaced created_by_ref $SOURCE$ with $NODE$")));

  // "*": every source but the node itself.
  const RedactionRules any{.replace_created_by = {"*"}, .replacement_identity = std::string(kNode)};
  EXPECT_EQ(Run(body, any, {}).body, r.body);
  EXPECT_EQ(Run(Indicator(R"("created_by_ref":"$NODE$")"), any, {}).outcome,
            RedactionOutcome::kUnchanged);
  // Another source is left as it is.
  const RedactionRules other{.replace_created_by = {std::string(kOther)},
                             .replacement_identity = std::string(kNode)};
  EXPECT_EQ(Run(body, other, {}).outcome, RedactionOutcome::kUnchanged);
  // No replacement identity: the property is removed.
  const RedactionResult removed = Run(body, {.replace_created_by = {"*"}}, {});
  EXPECT_EQ(removed.body, Indicator(R"("name":"n")"));
  EXPECT_THAT(removed.changes,
              ElementsAre(Json("removed created_by_ref (replace_created_by $SOURCE$ without a "
                               "replacement identity)")));
}

// Found by redaction_fuzz: an empty created_by_ref (invalid STIX, never stored) was "replaced",
// while the summary-based pre-check, which knows no creator, said nothing could change.
TEST_F(RedactTest, EmptyCreatedByRefNamesNoSourceToReplace) {
  const RedactionRules any{.replace_created_by = {"*"}, .replacement_identity = std::string(kNode)};
  EXPECT_EQ(Run(Indicator(R"("created_by_ref":"","name":"n")"), any, {}).outcome,
            RedactionOutcome::kUnchanged);
}

TEST_F(RedactTest, ReplacedCreatorKeepsItsGranularMarking) {
  const std::string body =
      Indicator(R"("created_by_ref":"$SOURCE$","granular_markings":[)"
                R"({"marking_ref":"$AMBER$","selectors":["created_by_ref"]}])");
  const RedactionRules rules{.replace_created_by = {"*"},
                             .replacement_identity = std::string(kNode)};
  EXPECT_EQ(Run(body, rules, UpTo(stix::Tlp::kAmber)).body,
            Indicator(R"("created_by_ref":"$NODE$","granular_markings":[)"
                      R"({"marking_ref":"$AMBER$","selectors":["created_by_ref"]}])"));
  // Marked stricter, it is removed, not replaced.
  const RedactionResult r = Run(body, rules, UpTo(stix::Tlp::kGreen));
  EXPECT_EQ(r.body, Indicator(""));
  EXPECT_THAT(r.changes,
              ElementsAre(Json("removed created_by_ref (granular marking $AMBER$ TLP:AMBER)")));
}

TEST_F(RedactTest, ReferencesToInternalHostsAreStripped) {
  const std::string body = Indicator(
      R"("external_references":[)"
      R"({"source_name":"a","url":"https://intranet.cert.example/case/1"},)"
      R"({"source_name":"b","url":"https://analyst:pw@INTRANET.Cert.Example:8443/x"},)"
      R"({"source_name":"c","url":"https://cert.example/advisory"},)"
      R"({"source_name":"d","url":"http://wiki.soc.bank-a.example./p?q=1"},)"
      R"({"source_name":"e","external_id":"CVE-2024-0001"},)"
      R"({"source_name":"f","url":"https://soc.bank-a.example/"}],)"
      R"("granular_markings":[{"marking_ref":"$GREEN$",)"
      R"("selectors":["external_references.[4].external_id","external_references.[1].url"]}])");
  const RedactionRules rules{
      .strip_reference_hosts = {"intranet.cert.example", "*.soc.bank-a.example"}};
  const RedactionResult r = Run(body, rules, UpTo(stix::Tlp::kGreen));
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  EXPECT_EQ(r.body, Indicator(R"("external_references":[)"
                              R"({"source_name":"c","url":"https://cert.example/advisory"},)"
                              R"({"source_name":"e","external_id":"CVE-2024-0001"},)"
                              R"({"source_name":"f","url":"https://soc.bank-a.example/"}],)"
                              R"("granular_markings":[{"marking_ref":"$GREEN$",)"
                              R"("selectors":["external_references.[1].external_id"]}])"));
  EXPECT_THAT(r.changes,
              ElementsAre("removed external_references.[0] (host intranet.cert.example)",
                          "removed external_references.[1] (host intranet.cert.example)",
                          "removed external_references.[3] (host wiki.soc.bank-a.example)"));
}

TEST_F(RedactTest, ReferencesAllStrippedRemovesTheProperty) {
  const std::string body = Indicator(
      R"("name":"n","external_references":[{"source_name":"a","url":"https://intranet.example/"}])");
  const RedactionResult r = Run(body, {.strip_reference_hosts = {"INTRANET.example"}}, {});
  EXPECT_EQ(r.body, Indicator(R"("name":"n")"));
  EXPECT_EQ(Run(body, {.strip_reference_hosts = {"*.intranet.example"}}, {}).outcome,
            RedactionOutcome::kUnchanged);
}

TEST_F(RedactTest, RulesAndMarkingsTogetherWorkInStoredPositions) {
  // Marking and host rule each remove an entry of the same list; both are named by their
  // position in the stored object, and the remaining marking moves down by two.
  const std::string body = Indicator(
      R"("created_by_ref":"$SOURCE$","x_case":"7",)"
      R"("external_references":[{"source_name":"a","url":"https://intranet.example/1"},)"
      R"({"source_name":"b","url":"https://public.example/1"},)"
      R"({"source_name":"c","url":"https://public.example/2"}],)"
      R"("granular_markings":[{"marking_ref":"$RED$","selectors":["external_references.[1]"]},)"
      R"({"marking_ref":"$CLEAR$","selectors":["external_references.[2].url"]}])");
  const RedactionRules rules{.drop_properties = {"x_*"},
                             .replace_created_by = {"*"},
                             .replacement_identity = std::string(kNode),
                             .strip_reference_hosts = {"intranet.example"}};
  const RedactionResult r = Run(body, rules, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.outcome, RedactionOutcome::kRedacted);
  EXPECT_EQ(
      r.body,
      Indicator(R"("created_by_ref":"$NODE$",)"
                R"("external_references":[{"source_name":"c","url":"https://public.example/2"}],)"
                R"("granular_markings":[{"marking_ref":"$CLEAR$",)"
                R"("selectors":["external_references.[0].url"]}])"));
  EXPECT_THAT(r.changes,
              ElementsAre(Json("removed external_references.[1] (granular marking $RED$ TLP:RED)"),
                          "removed x_case (drop_properties x_*)",
                          "removed external_references.[0] (host intranet.example)",
                          Json("replaced created_by_ref $SOURCE$ with $NODE$")));
}

// Stored objects are validated, but the validator does not look for a key given twice inside
// a granular marking or an external reference, and JSON readers differ on which one wins.
TEST_F(RedactTest, GranularMarkingWithTwoMarkingRefsIsAsStrictAsTheStricter) {
  const std::string body =
      Indicator(R"("description":"d","granular_markings":[)"
                R"({"marking_ref":"$GREEN$","marking_ref":"$RED$","selectors":["description"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.body, Indicator(""));
  EXPECT_THAT(r.changes, ElementsAre(Json("removed description (granular marking $RED$ TLP:RED)")));
  EXPECT_EQ(Run(body, {}, UpTo(stix::Tlp::kRed)).outcome, RedactionOutcome::kUnchanged);
}

TEST_F(RedactTest, StricterGranularMarkingWithTwoSelectorListsWithholds) {
  const std::string body =
      Indicator(R"("name":"n","description":"d","granular_markings":[)"
                R"({"marking_ref":"$RED$","selectors":["name"],"selectors":["description"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.outcome, RedactionOutcome::kWithheld);
  EXPECT_THAT(r.changes, ElementsAre(Json("withheld: granular marking $RED$ TLP:RED has two lists "
                                          "of selectors: what it protects cannot be known")));
}

TEST_F(RedactTest, ReferenceWithTwoUrlsIsStrippedWhenEitherPointsInside) {
  const std::string body =
      Indicator(R"("name":"n","external_references":[{"source_name":"a",)"
                R"("url":"https://public.example/","url":"https://intranet.example/secret"}])");
  const RedactionResult r = Run(body, {.strip_reference_hosts = {"intranet.example"}}, {});
  EXPECT_EQ(r.body, Indicator(R"("name":"n")"));
  EXPECT_THAT(r.changes, ElementsAre("removed external_references.[0] (host intranet.example)"));
}

TEST_F(RedactTest, MarkingThatSelectsIntoGranularMarkingsWithholdsWhenTheyChange) {
  const std::string body =
      Indicator(R"("description":"d","granular_markings":[)"
                R"({"marking_ref":"$RED$","selectors":["description"]},)"
                R"({"marking_ref":"$GREEN$","selectors":["granular_markings.[0]"]}])");
  const RedactionResult r = Run(body, {}, UpTo(stix::Tlp::kAmber));
  EXPECT_EQ(r.outcome, RedactionOutcome::kWithheld);
  EXPECT_THAT(r.changes, ElementsAre("withheld: a granular marking selects into "
                                     "granular_markings, which redaction changes"));
}

TEST_F(RedactTest, ValuesKeepTheirMeaningAndStringsAreEscapedAsJsonStringify) {
  // Escapes as received become what JSON.stringify writes; numbers keep their value.
  const std::string body =
      Indicator(R"("description":"caf\u00e9 \"q\" \/ \u0001\t\u2028","confidence":80,)"
                R"("x_num":[1.5,-0.25,1e2,12345678901234567,-3,true,null,{}],"x_drop":1)");
  const RedactionResult r = Run(body, {.drop_properties = {"x_drop"}}, {});
  EXPECT_EQ(r.body, Indicator("\"description\":\"caf\xc3\xa9 \\\"q\\\" / \\u0001\\t\xe2\x80\xa8\","
                              R"("confidence":80,"x_num":[1.5,-0.25,100.0,12345678901234567,-3,)"
                              R"(true,null,{}])"));
}

TEST_F(RedactTest, BodyThatIsNotAJsonObjectIsAnError) {
  stix::Validator validator;
  for (const char* body : {"", "[1]", "\"x\"", "{\"a\":", "nul"}) {
    auto r = Redact(body, {}, {}, validator);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << body;
  }
}

TEST(RedactMatchers, ReferenceUrlHost) {
  EXPECT_EQ(ReferenceUrlHost("https://intranet.cert.example/case/1"), "intranet.cert.example");
  EXPECT_EQ(ReferenceUrlHost("HTTPS://User:pw@Intranet.Example:8443/x"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("https://a@b@intranet.example/"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("http://intranet.example.?x"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("http://intranet.example#frag"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("  http://intra\tnet.example/ "), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("http://intranet.example\\@public.example/"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("http:intranet.example/x"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("https:///intranet.example"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("http://intr%61net.example/"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("http://[FE80::1]:8080/"), "[fe80::1]");
  EXPECT_EQ(ReferenceUrlHost("ssh://git@intranet.example:22/repo"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("//intranet.example/x"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("intranet.example/wiki"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("intranet.example:8080/wiki"), "intranet.example");
  EXPECT_EQ(ReferenceUrlHost("localhost:8080"), "localhost");
  EXPECT_EQ(ReferenceUrlHost("mailto:soc@intranet.example"), "");
  EXPECT_EQ(ReferenceUrlHost("urn:isbn:123"), "");
  EXPECT_EQ(ReferenceUrlHost(""), "");
  EXPECT_EQ(ReferenceUrlHost("http://"), "");
}

TEST(RedactMatchers, HostMatchesPattern) {
  EXPECT_TRUE(HostMatchesPattern("intranet.example", "intranet.example"));
  EXPECT_TRUE(HostMatchesPattern("intranet.example", "Intranet.Example."));
  EXPECT_FALSE(HostMatchesPattern("www.intranet.example", "intranet.example"));
  EXPECT_FALSE(HostMatchesPattern("intranet.example.com", "intranet.example"));
  // "*.suffix": hosts under suffix at any depth, not suffix itself.
  EXPECT_TRUE(HostMatchesPattern("wiki.soc.example", "*.soc.example"));
  EXPECT_TRUE(HostMatchesPattern("a.b.soc.example", "*.SOC.example"));
  EXPECT_FALSE(HostMatchesPattern("soc.example", "*.soc.example"));
  EXPECT_FALSE(HostMatchesPattern("evilsoc.example", "*.soc.example"));
  EXPECT_FALSE(HostMatchesPattern("", "*.soc.example"));
  EXPECT_TRUE(HostMatchesPattern("anything", "*"));
  EXPECT_TRUE(HostMatchesPattern("", "*"));
  EXPECT_FALSE(HostMatchesPattern("", ""));
  EXPECT_FALSE(HostMatchesPattern("x", ""));
}

TEST(RedactMatchers, PropertyMatchesPattern) {
  EXPECT_TRUE(PropertyMatchesPattern("x_internal", "x_*"));
  EXPECT_TRUE(PropertyMatchesPattern("x_", "x_*"));
  EXPECT_FALSE(PropertyMatchesPattern("ax_internal", "x_*"));
  EXPECT_TRUE(PropertyMatchesPattern("name", "name"));
  EXPECT_FALSE(PropertyMatchesPattern("names", "name"));
  EXPECT_TRUE(PropertyMatchesPattern("anything", "*"));
}

TEST(RedactMayNeedRedaction, FalseOnlyWhenNothingCanApply) {
  const std::string plain = Indicator(R"("name":"n","created_by_ref":"$SOURCE$")");
  EXPECT_FALSE(MayNeedRedaction(plain, kSource, {}));
  EXPECT_FALSE(MayNeedRedaction(plain, kSource, {.drop_properties = {"x_*", "description"}}));
  EXPECT_TRUE(MayNeedRedaction(plain, kSource, {.drop_properties = {"name"}}));
  EXPECT_TRUE(MayNeedRedaction(plain, kSource, {.drop_properties = {"*"}}));
  EXPECT_FALSE(MayNeedRedaction(plain, kSource, {.strip_reference_hosts = {"intranet.example"}}));
  EXPECT_TRUE(MayNeedRedaction(Indicator(R"("x_a":1)"), "", {.drop_properties = {"x_*"}}));
  // From the stored summary: no body scan, the same answers for the plain indicator.
  simdjson::dom::parser parser;
  const std::string plain_body = plain;
  const uint64_t bloom = stix::PropertyBloom(parser.parse(plain_body).get_object().value());
  EXPECT_FALSE(MayNeedRedaction(plain, bloom, kSource, {.drop_properties = {"x_*"}}));
  EXPECT_FALSE(MayNeedRedaction(plain, bloom, kSource, {.strip_reference_hosts = {"a.example"}}));
  EXPECT_TRUE(MayNeedRedaction(plain, bloom, kSource, {.drop_properties = {"name"}}));
  const std::string marked = Indicator(R"("x_a":1)");
  EXPECT_TRUE(MayNeedRedaction(marked,
                               stix::PropertyBloom(parser.parse(marked).get_object().value()), "",
                               {.drop_properties = {"x_*"}}));
  EXPECT_TRUE(MayNeedRedaction(
      Indicator(R"("external_references":[{"source_name":"a","url":"https://x.example"}])"), "",
      {.strip_reference_hosts = {"intranet.example"}}));
  EXPECT_TRUE(MayNeedRedaction(
      Indicator(R"("granular_markings":[{"lang":"en","selectors":["pattern"]}])"), "", {}));

  const std::string node(kNode);
  EXPECT_TRUE(MayNeedRedaction(plain, kSource,
                               {.replace_created_by = {"*"}, .replacement_identity = node}));
  EXPECT_TRUE(MayNeedRedaction(
      plain, kSource,
      {.replace_created_by = {std::string(kSource)}, .replacement_identity = node}));
  EXPECT_FALSE(MayNeedRedaction(
      plain, kSource, {.replace_created_by = {std::string(kOther)}, .replacement_identity = node}));
  EXPECT_FALSE(
      MayNeedRedaction(plain, kNode, {.replace_created_by = {"*"}, .replacement_identity = node}));
  // Not told the creator: the body decides.
  EXPECT_TRUE(
      MayNeedRedaction(plain, "", {.replace_created_by = {"*"}, .replacement_identity = node}));
  EXPECT_FALSE(MayNeedRedaction(Indicator(""), "",
                                {.replace_created_by = {"*"}, .replacement_identity = node}));
}

TEST(RedactMayNeedRedaction, EscapedPropertyNamesAreNotMissed) {
  stix::Validator validator;
  // "granular\u005fmarkings" is granular_markings: a stored body keeps the spelling it arrived in.
  const std::string escaped = Indicator(
      R"("description":"d","granular\u005fmarkings":[{"marking_ref":"$RED$","selectors":["description"]}])");
  EXPECT_TRUE(MayNeedRedaction(escaped, "", {}));
  auto r = Redact(escaped, {}, UpTo(stix::Tlp::kAmber), validator);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, Indicator(""));
  // Escaped names of drop rules.
  EXPECT_TRUE(MayNeedRedaction(Indicator(R"("x\u005fa":1)"), "", {.drop_properties = {"x_*"}}));
  EXPECT_TRUE(
      MayNeedRedaction(Indicator(R"("x_\u00e9":1)"), "", {.drop_properties = {"x_\xc3\xa9"}}));
  EXPECT_TRUE(MayNeedRedaction(Indicator(R"("a\nb":1)"), "", {.drop_properties = {"a\nb"}}));
  // Escapes that cannot spell a name that matters change nothing.
  const std::string accented = Indicator(R"("description":"caf\u00e9 \"q\"")");
  EXPECT_FALSE(MayNeedRedaction(accented, "", {}));
  EXPECT_FALSE(MayNeedRedaction(accented, "", {.drop_properties = {"x_*"}}));
}

}  // namespace
}  // namespace kongsi::policy
