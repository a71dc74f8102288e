// The sharing policy on hand-written cases: each TLP row of DESIGN.md section 4, origin
// binding, agreements (expiry, collections, communities, sightings), peers, RED recipients,
// and what `policy check` reports for broken policies.
#include "policy/policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

// Specs below name only the fields a test is about.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::policy {
namespace {

using stix::Tlp;
using ::testing::HasSubstr;

constexpr char kNodeIdentity[] = "identity--11111111-1111-4111-8111-111111111111";
constexpr util::Timestamp kNow = 1'800'000'000'000'000;  // 2027-01-15

PolicySpec FinanceSpec() {
  PolicySpec spec;
  spec.source = "test.toml";
  spec.node_organisation = "my-cert";
  spec.organisations = {
      {.name = "my-cert", .identity = kNodeIdentity},
      {.name = "bank-a"},
      {.name = "bank-b"},
      {.name = "sg-cert", .identity = "identity--22222222-2222-4222-8222-222222222222"},
      {.name = "th-cert"}};
  spec.principals = {{.name = "soc-bank-a", .organisation = "bank-a"},
                     {.name = "sg-node", .organisation = "sg-cert", .kind = PrincipalKind::kPeer}};
  spec.communities = {{.name = "finance", .members = {"bank-a", "bank-b"}},
                      {.name = "asean-cert", .members = {"sg-cert", "th-cert"}}};
  spec.agreements = {
      {.name = "finance-amber",
       .with = {"finance"},
       .collections = {"fin"},
       .max_tlp = Tlp::kAmber},
      {.name = "sg-bilateral",
       .with = {"sg-cert"},
       .collections = {"*"},
       .max_tlp = Tlp::kAmberStrict,
       .sightings = true},
      {.name = "asean-green", .with = {"asean-cert"}, .collections = {"*"}, .max_tlp = Tlp::kGreen},
      {.name = "old-th",
       .with = {"th-cert"},
       .collections = {"*"},
       .max_tlp = Tlp::kAmber,
       .expires = kNow - 1},
  };
  return spec;
}

NodeFacts Facts() {
  return {.identity_id = kNodeIdentity,
          .collections = {{.id = "11111111-0000-4000-8000-000000000001", .alias = "fin"},
                          {.id = "11111111-0000-4000-8000-000000000002", .alias = "gov"}},
          .tokens = {}};
}

constexpr char kFin[] = "11111111-0000-4000-8000-000000000001";
constexpr char kGov[] = "11111111-0000-4000-8000-000000000002";

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto compiled = Policy::Compile(FinanceSpec(), Facts());
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    policy_ = *compiled;
  }

  // Whether principal `p` may receive an object marked `tlp` in `collection`.
  bool Allowed(const Principal& p, Tlp tlp, std::string_view collection = kFin,
               std::string_view origin = "", std::string_view type = "indicator",
               std::string_view body = "{}", std::vector<std::string>* why = nullptr) {
    const Recipient r = policy_->Resolve(p);
    const Grant g = policy_->GrantFor(r, collection, kNow);
    return policy_
        ->Decide(r, g,
                 {.id = "indicator--x", .type = type, .tlp = tlp, .origin = origin, .body = body},
                 why)
        .allowed;
  }

  static Principal Token(std::string name, std::string org = "") {
    return {.name = std::move(name), .organisation = std::move(org), .read = {"*"}};
  }

  std::shared_ptr<const Policy> policy_;
};

TEST_F(PolicyTest, ConstituentInCommunityReceivesUpToTheAgreementsLevel) {
  const Principal bank = Token("soc-bank-a");
  EXPECT_TRUE(Allowed(bank, Tlp::kClear));
  EXPECT_TRUE(Allowed(bank, Tlp::kGreen));
  EXPECT_TRUE(Allowed(bank, Tlp::kAmber));
  EXPECT_FALSE(Allowed(bank, Tlp::kAmberStrict));  // only through a community
  EXPECT_FALSE(Allowed(bank, Tlp::kRed));
  // The agreement covers only the fin collection.
  EXPECT_TRUE(Allowed(bank, Tlp::kClear, kGov));
  EXPECT_FALSE(Allowed(bank, Tlp::kGreen, kGov));
}

TEST_F(PolicyTest, UnmarkedObjectsTakeTheDefaultLevel) {
  const Principal bank = Token("soc-bank-a");
  EXPECT_TRUE(Allowed(bank, Tlp::kNone));  // default AMBER, agreement allows AMBER
  PolicySpec spec = FinanceSpec();
  spec.default_tlp = Tlp::kRed;
  auto strict = Policy::Compile(spec, Facts());
  ASSERT_TRUE(strict.ok());
  policy_ = *strict;
  EXPECT_FALSE(Allowed(bank, Tlp::kNone));
}

TEST_F(PolicyTest, OrganisationWithoutAgreementReceivesOnlyClear) {
  const Principal stranger = Token("someone", "bank-b-unknown");
  EXPECT_TRUE(Allowed(stranger, Tlp::kClear));
  EXPECT_FALSE(Allowed(stranger, Tlp::kGreen));
  std::vector<std::string> why;
  EXPECT_FALSE(Allowed(stranger, Tlp::kAmber, kFin, "", "indicator", "{}", &why));
  EXPECT_THAT(why.back(), HasSubstr("\"bank-b-unknown\" is not declared in the policy"));
}

TEST_F(PolicyTest, OwnOrganisationReceivesAllButUnnamedRed) {
  const Principal analyst = Token("analyst");  // no --org: the node's own organisation
  EXPECT_TRUE(Allowed(analyst, Tlp::kAmberStrict, kGov));
  EXPECT_FALSE(Allowed(analyst, Tlp::kRed, kGov));
  EXPECT_TRUE(
      Allowed(analyst, Tlp::kRed, kGov, "", "indicator", R"({"x_kongsi_recipients":["my-cert"]})"));
  EXPECT_TRUE(Allowed(Token("analyst2", kNodeIdentity), Tlp::kAmberStrict));
}

TEST_F(PolicyTest, LocalOperatorReceivesEverything) {
  EXPECT_TRUE(Allowed(LocalOperator(kNodeIdentity), Tlp::kRed, kGov, "sg-cert"));
}

TEST_F(PolicyTest, RedGoesOnlyToNamedRecipientsAndNeverToPeers) {
  const Principal bank = Token("soc-bank-a");
  EXPECT_TRUE(
      Allowed(bank, Tlp::kRed, kFin, "", "indicator", R"({"x_kongsi_recipients":["bank-a"]})"));
  EXPECT_TRUE(Allowed(bank, Tlp::kRed, kFin, "", "indicator",
                      R"({"x_kongsi_recipients":["soc-bank-a"]})"));  // the principal itself
  EXPECT_FALSE(
      Allowed(bank, Tlp::kRed, kFin, "", "indicator", R"({"x_kongsi_recipients":["bank-b"]})"));
  EXPECT_FALSE(Allowed(Token("sg-node"), Tlp::kRed, kGov, "", "indicator",
                       R"({"x_kongsi_recipients":["sg-cert"]})"));
  // A human of the same partner, named by identity id, may.
  EXPECT_TRUE(
      Allowed(Token("sg-analyst", "sg-cert"), Tlp::kRed, kGov, "", "indicator",
              R"({"x_kongsi_recipients":["identity--22222222-2222-4222-8222-222222222222"]})"));
}

TEST_F(PolicyTest, AmberStrictNeedsABilateralAgreementAndNoPeer) {
  EXPECT_TRUE(Allowed(Token("sg-analyst", "sg-cert"), Tlp::kAmberStrict, kGov));
  std::vector<std::string> why;
  EXPECT_FALSE(Allowed(Token("sg-node"), Tlp::kAmberStrict, kGov, "", "indicator", "{}", &why));
  EXPECT_THAT(why.back(), HasSubstr("no applicable agreement allows this TLP:AMBER+STRICT"));
  EXPECT_TRUE(Allowed(Token("sg-node"), Tlp::kAmber, kGov));
}

TEST_F(PolicyTest, OriginBindsAmberToItsSourceAndGreenToItsCommunities) {
  const Principal bank_a = Token("soc-bank-a");
  const Principal bank_b = Token("b", "bank-b");
  const Principal sg = Token("sg-analyst", "sg-cert");
  const Principal th = Token("th-analyst", "th-cert");
  // AMBER from bank-b: only bank-b, although the finance agreement allows AMBER to bank-a.
  EXPECT_FALSE(Allowed(bank_a, Tlp::kAmber, kFin, "bank-b"));
  EXPECT_TRUE(Allowed(bank_b, Tlp::kAmber, kFin, "bank-b"));
  EXPECT_TRUE(Allowed(Token("analyst"), Tlp::kAmber, kFin, "bank-b"));  // the node itself
  // GREEN from sg-cert stays in asean-cert: th-cert yes (agreement asean-green), bank-a no.
  EXPECT_TRUE(Allowed(th, Tlp::kGreen, kFin, "sg-cert"));
  EXPECT_FALSE(Allowed(bank_a, Tlp::kGreen, kFin, "sg-cert"));
  // Named by identity id, the origin is the same organisation.
  EXPECT_TRUE(Allowed(sg, Tlp::kAmber, kFin, "identity--22222222-2222-4222-8222-222222222222"));
  // From an organisation the policy does not know: only itself, CLEAR to all.
  EXPECT_FALSE(Allowed(bank_a, Tlp::kGreen, kFin, "mystery-org"));
  EXPECT_TRUE(Allowed(bank_a, Tlp::kClear, kFin, "mystery-org"));
}

// A second node of the node's own organisation (a peer node of it) is bound by origin too: it
// would store what it receives as its own, and the binding would be lost one hop further.
TEST_F(PolicyTest, OriginBindsTowardsPeerNodesOfTheOwnOrganisation) {
  PolicySpec spec = FinanceSpec();
  spec.principals.push_back(
      {.name = "my-dr-node", .organisation = "my-cert", .kind = PrincipalKind::kPeer});
  auto compiled = Policy::Compile(spec, Facts());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  policy_ = *compiled;
  const Principal dr_node = Token("my-dr-node");
  std::vector<std::string> why;
  EXPECT_FALSE(Allowed(dr_node, Tlp::kAmber, kFin, "bank-b", "indicator", "{}", &why));
  EXPECT_THAT(why.back(), HasSubstr("origin binding"));
  EXPECT_FALSE(Allowed(dr_node, Tlp::kGreen, kFin, "sg-cert"));         // no shared community
  EXPECT_TRUE(Allowed(dr_node, Tlp::kAmber, kFin));                     // the node's own AMBER
  EXPECT_TRUE(Allowed(Token("analyst"), Tlp::kAmber, kFin, "bank-b"));  // people: not bound
}

TEST_F(PolicyTest, ExpiredAgreementsDoNotApply) {
  std::vector<std::string> why;
  EXPECT_FALSE(Allowed(Token("t", "th-cert"), Tlp::kAmber, kGov, "", "indicator", "{}", &why));
  EXPECT_THAT(why.back(), HasSubstr("no applicable agreement allows this TLP:AMBER"));
  EXPECT_TRUE(Allowed(Token("t", "th-cert"), Tlp::kGreen, kGov));  // asean-green still applies
}

TEST_F(PolicyTest, SightingsFlowOnlyWhereAnAgreementSaysSo) {
  EXPECT_FALSE(Allowed(Token("soc-bank-a"), Tlp::kGreen, kFin, "", "sighting"));
  EXPECT_TRUE(Allowed(Token("sg-analyst", "sg-cert"), Tlp::kGreen, kFin, "", "sighting"));
  EXPECT_TRUE(Allowed(Token("soc-bank-a"), Tlp::kClear, kFin, "", "sighting"));
}

TEST_F(PolicyTest, TlpMarkingDefinitionsArePublic) {
  const Recipient r = policy_->Resolve(Token("stranger", "nobody"));
  const Grant g = policy_->GrantFor(r, kGov, kNow);
  const ObjectFacts green_definition{
      .id = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
      .type = "marking-definition"};
  EXPECT_TRUE(policy_->Decide(r, g, green_definition).allowed);
}

TEST_F(PolicyTest, GrantCollectsTheRedactionRulesOfEveryApplicableAgreement) {
  PolicySpec spec = FinanceSpec();
  spec.drop_properties = {"x_internal_*"};
  spec.agreements[0].drop_properties = {"x_*"};
  spec.agreements[0].replace_created_by = {"bank-b"};
  spec.agreements[0].strip_reference_hosts = {"*.corp.example"};
  auto compiled = Policy::Compile(spec, Facts());
  ASSERT_TRUE(compiled.ok());
  const Recipient r = (*compiled)->Resolve(Token("soc-bank-a"));
  const Grant fin = (*compiled)->GrantFor(r, kFin, kNow);
  EXPECT_THAT(fin.rules.drop_properties, ::testing::ElementsAre("x_internal_*", "x_*"));
  EXPECT_THAT(fin.rules.strip_reference_hosts, ::testing::ElementsAre("*.corp.example"));
  EXPECT_EQ(fin.rules.replacement_identity, kNodeIdentity);
  const Grant gov = (*compiled)->GrantFor(r, kGov, kNow);
  EXPECT_THAT(gov.rules.drop_properties, ::testing::ElementsAre("x_internal_*"));
  // The node's own organisation gets no rules.
  const Recipient own = (*compiled)->Resolve(Token("analyst"));
  EXPECT_TRUE((*compiled)->GrantFor(own, kFin, kNow).rules.empty());
}

std::vector<std::string> Messages(const PolicySpec& spec, PolicyFinding::Severity severity) {
  std::vector<std::string> out;
  for (const PolicyFinding& f : Policy::Check(spec, Facts(), kNow)) {
    if (f.severity == severity) out.push_back(f.ToString());
  }
  return out;
}

TEST(PolicyCheckTest, CleanPolicyHasOnlyTheExpectedWarnings) {
  const auto errors = Messages(FinanceSpec(), PolicyFinding::Severity::kError);
  EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(errors);
  EXPECT_THAT(
      Messages(FinanceSpec(), PolicyFinding::Severity::kWarning),
      ::testing::ElementsAre(HasSubstr("agreement \"old-th\": can never apply: it expired")));
}

TEST(PolicyCheckTest, UnknownReferencesAreErrorsWithTheirPlace) {
  PolicySpec spec = FinanceSpec();
  spec.communities[0].members.push_back("bank-c");
  spec.communities[0].where = {"test.toml", 12, 1};
  spec.agreements[0].with.push_back("nobody");
  spec.agreements[0].collections.push_back("no-such-collection");
  spec.principals.push_back({.name = "x", .organisation = "ghost"});
  spec.node_organisation = "me";
  const auto errors = Messages(spec, PolicyFinding::Severity::kError);
  EXPECT_THAT(errors,
              ::testing::UnorderedElementsAre(
                  "error: test.toml:12:1 community \"finance\": member \"bank-c\" is not a "
                  "declared organisation",
                  HasSubstr("recipient \"nobody\" is neither an organisation nor a community"),
                  HasSubstr("collection \"no-such-collection\" does not exist on this node"),
                  HasSubstr("principal \"x\": organisation \"ghost\" is not declared"),
                  HasSubstr("policy.organisation: \"me\" is not a declared organisation")));
  auto compiled = Policy::Compile(spec, Facts());
  ASSERT_FALSE(compiled.ok());
  EXPECT_THAT(std::string(compiled.status().message()), HasSubstr("has 5 errors"));
}

TEST(PolicyCheckTest, ContradictionsAndRulesThatWithholdEverything) {
  PolicySpec spec = FinanceSpec();
  spec.organisations.push_back({.name = "bank-a"});
  spec.communities.push_back({.name = "sg-cert", .members = {"sg-cert"}});
  spec.agreements[0].drop_properties = {"modif*"};
  spec.agreements[1].strip_reference_hosts = {"http://x.example/"};
  spec.organisations[1].identity = "indicator--22222222-2222-4222-8222-222222222223";
  const auto errors = Messages(spec, PolicyFinding::Severity::kError);
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("organisation \"bank-a\": declared twice")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("has the name of an organisation")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr(
                          "\"modif*\" drops modified, which every disclosed object keeps")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("is not a host name")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("is not a STIX identity id")));
}

TEST(PolicyCheckTest, AgreementsThatCanNeverApplyAreWarnings) {
  PolicySpec spec = FinanceSpec();
  spec.agreements.push_back({.name = "self", .with = {"my-cert"}, .collections = {"*"}});
  spec.agreements.push_back({.name = "strict-community",
                             .with = {"finance"},
                             .collections = {"*"},
                             .max_tlp = Tlp::kAmberStrict});
  spec.agreements.push_back(
      {.name = "clear-only", .with = {"bank-a"}, .collections = {"*"}, .max_tlp = Tlp::kClear});
  const auto warnings = Messages(spec, PolicyFinding::Severity::kWarning);
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("agreement \"self\": can never apply")));
  EXPECT_THAT(warnings, ::testing::Contains(
                            HasSubstr("through communities this agreement allows at most AMBER")));
  EXPECT_THAT(warnings, ::testing::Contains(HasSubstr("max_tlp is CLEAR")));
}

TEST(PolicyCheckTest, TokensOfUndeclaredOrganisationsAreWarnedAbout) {
  NodeFacts facts = Facts();
  facts.tokens = {{.name = "orphan", .organisation = "bank-z"},
                  {.name = "analyst", .organisation = ""},
                  {.name = "soc-bank-a", .organisation = "bank-b"}};
  std::vector<std::string> warnings;
  for (const PolicyFinding& f : Policy::Check(FinanceSpec(), facts, kNow)) {
    if (f.severity == PolicyFinding::Severity::kWarning) warnings.push_back(f.ToString());
  }
  EXPECT_THAT(warnings,
              ::testing::Contains(HasSubstr(
                  "token \"orphan\": belongs to \"bank-z\", which the policy does not declare")));
  EXPECT_THAT(warnings,
              ::testing::Contains(HasSubstr("token \"soc-bank-a\": was issued for \"bank-b\" but "
                                            "the policy places it in \"bank-a\"")));
  EXPECT_THAT(warnings, ::testing::Not(::testing::Contains(HasSubstr("analyst"))));
}

TEST(PolicyBuiltInTest, OnlyTheNodesOwnOrganisationReceivesMoreThanClear) {
  auto policy = Policy::BuiltIn(kNodeIdentity);
  const Principal own{.name = "admin", .organisation = kNodeIdentity, .read = {"*"}};
  const Principal other{.name = "bank", .organisation = "bank-a", .read = {"*"}};
  for (const auto& [p, amber] : {std::pair{own, true}, std::pair{other, false}}) {
    const Recipient r = policy->Resolve(p);
    const Grant g = policy->GrantFor(r, kFin, kNow);
    EXPECT_EQ(policy->Decide(r, g, {.type = "indicator", .tlp = Tlp::kAmber}).allowed, amber)
        << p.name;
    EXPECT_TRUE(policy->Decide(r, g, {.type = "indicator", .tlp = Tlp::kClear}).allowed) << p.name;
  }
}

}  // namespace
}  // namespace kongsi::policy
