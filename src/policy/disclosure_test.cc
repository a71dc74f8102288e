// The disclosure door: what the operator receives is what is stored, every disclosure is
// audited, and principals without an agreement receive nothing.
#include "policy/disclosure.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "util/uuid.h"

// Records and queries below name only the fields a test is about.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::policy {
namespace {

class FixedClock : public util::Clock {
 public:
  util::Timestamp Now() const override { return 1700000000000000; }
};

class DisclosureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kongsi-policy-test-" + util::NewUuidV4());
    std::filesystem::create_directories(dir_);
    store::StoreConfig config;
    config.path = (dir_ / "store.db").string();
    config.clock = &clock_;
    store_ = std::move(store::Store::Open(config).value());
    std::vector<store::ObjectRecord> records;
    for (int i = 0; i < 3; ++i) {
      store::ObjectRecord r;
      r.id = "ipv4-addr--" + util::NewUuidV4();
      r.type = "ipv4-addr";
      r.spec_version = "2.1";
      r.body = R"({"type":"ipv4-addr","id":")" + r.id + R"(","value":"198.51.100.)" +
               std::to_string(i) + "\"}";
      r.content_hash = std::string(32, static_cast<char>('a' + i));
      records.push_back(r);
    }
    ASSERT_TRUE(store_->Put("", records).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  FixedClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(DisclosureTest, OperatorReceivesEverythingAndEachDisclosureIsAudited) {
  Disclosure door(*store_, clock_);
  std::vector<std::string> bodies;
  auto page = door.Disclose(LocalOperator("identity--x"), "export", {},
                            [&](std::string_view body, const store::StoredObject&) {
                              bodies.emplace_back(body);
                              return true;
                            });
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->count, 3u);
  EXPECT_FALSE(page->more);
  EXPECT_EQ(bodies.size(), 3u);
  auto audit = store_->ReadAudit({});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[0].channel, "export");
  EXPECT_EQ((*audit)[0].time, clock_.Now());
  EXPECT_EQ((*audit)[0].principal.rfind("operator:", 0), 0u);
}

TEST_F(DisclosureTest, OthersReceiveNothingUntilAgreementsExist) {
  Disclosure door(*store_, clock_);
  Principal stranger{.name = "partner-x", .organisation = "identity--y", .read = {"*"}};
  int received = 0;
  absl::Status s = door.Disclose(stranger, "export", {},
                                 [&](std::string_view, const store::StoredObject&) {
                                   ++received;
                                   return true;
                                 })
                       .status();
  EXPECT_TRUE(absl::IsPermissionDenied(s));
  EXPECT_EQ(received, 0);
  EXPECT_TRUE(store_->ReadAudit({})->empty());
}

constexpr char kCollection[] = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
constexpr char kOtherCollection[] = "52892447-4d7e-4f70-b94d-d7f22742ff63";

// A token holder reads only collections listed in its rights; others do not exist for it.
TEST_F(DisclosureTest, CollectionRightsDecideWhatExists) {
  ASSERT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
  ASSERT_TRUE(store_->CreateCollection({.id = kOtherCollection, .title = "internal"}).ok());
  Disclosure door(*store_, clock_);
  Principal reader{.name = "soc-bank-a", .organisation = "bank-a", .read = {kCollection}};
  auto sink = [](std::string_view, const store::StoredObject&) { return true; };
  EXPECT_TRUE(door.Disclose(reader, "taxii", {.collection_id = kCollection}, sink).ok());
  auto hidden = door.Disclose(reader, "taxii", {.collection_id = kOtherCollection}, sink);
  auto unknown = door.Disclose(reader, "taxii",
                               {.collection_id = "0d5a1e57-5b5a-4b83-8d8f-6b0a6c1e2f00"}, sink);
  EXPECT_TRUE(absl::IsNotFound(hidden.status()));
  EXPECT_TRUE(absl::IsNotFound(unknown.status()));
  // Same wording, with only the id differing: nothing tells "hidden" from "absent".
  EXPECT_EQ(std::string(hidden.status().message()).find(kOtherCollection), 11u);
  EXPECT_EQ(std::string(unknown.status().message()).find("0d5a1e57"), 11u);
  EXPECT_TRUE(absl::IsNotFound(door.CheckCollectionVisible(reader, kOtherCollection)));
  EXPECT_TRUE(door.CheckCollectionVisible(reader, kCollection).ok());
}

// A page stops at the limit; `more` is known without disclosing (or auditing) the next object.
TEST_F(DisclosureTest, PageLooksAheadWithoutDisclosing) {
  ASSERT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
  std::vector<store::ObjectRecord> records;
  for (int i = 0; i < 5; ++i) {
    store::ObjectRecord r;
    r.id = "ipv4-addr--" + util::NewUuidV4();
    r.type = "ipv4-addr";
    r.spec_version = "2.1";
    r.body = R"({"type":"ipv4-addr","id":")" + r.id + "\"}";
    r.content_hash = r.id;
    records.push_back(r);
  }
  ASSERT_TRUE(store_->Put(kCollection, records).ok());
  Disclosure door(*store_, clock_);
  Principal reader{.name = "soc-bank-a", .read = {"*"}};
  for (const Delivery delivery : {Delivery::kStreamed, Delivery::kBuffered}) {
    const size_t audited_before = store_->ReadAudit({})->size();
    std::vector<std::string> ids;
    auto sink = [&](std::string_view, const store::StoredObject& o) {
      ids.push_back(o.record.id);
      return true;
    };
    auto page =
        door.Disclose(reader, "taxii", {.collection_id = kCollection, .limit = 3}, sink, delivery);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->count, 3u);
    EXPECT_TRUE(page->more);
    auto audit = store_->ReadAudit({});
    ASSERT_EQ(audit->size(), audited_before + 3);
    // Exactly the three disclosed objects are in the log, by id and principal.
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ((*audit)[audited_before + i].object_id, ids[i]);
      EXPECT_EQ((*audit)[audited_before + i].principal, "soc-bank-a");
    }
    ids.clear();
    page =
        door.Disclose(reader, "taxii", {.collection_id = kCollection, .limit = 5}, sink, delivery);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->count, 5u);
    EXPECT_FALSE(page->more);
  }
}

constexpr char kGreen[] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
constexpr char kAmberStrict[] = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
constexpr char kRed[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

// An indicator marked `marking` (TLP level `tlp`), with `extra` properties appended.
store::ObjectRecord Indicator(const std::string& marking, stix::Tlp tlp, int n,
                              const std::string& extra = "") {
  store::ObjectRecord r;
  r.id = "indicator--" + util::NewUuidV4();
  r.type = "indicator";
  r.spec_version = "2.1";
  r.version = 1600000000000000 + n * 1000;
  r.tlp = tlp;
  r.body =
      R"({"type":"indicator","spec_version":"2.1","id":")" + r.id +
      R"(","created":"2020-09-13T12:26:40.000Z","modified":"2020-09-13T12:26:40.000Z",)"
      R"("pattern":"[ipv4-addr:value = '198.51.100.)" +
      std::to_string(n % 250) +
      R"(']","pattern_type":"stix","valid_from":"2020-09-13T12:26:40Z","object_marking_refs":[")" +
      marking + "\"]" + extra + "}";
  r.content_hash = r.id;
  return r;
}

// A policy in which bank-a, a member of the finance community, receives up to AMBER.
std::shared_ptr<const Policy> FinancePolicy() {
  PolicySpec spec;
  spec.organisations = {{.name = "bank-a"}};
  spec.communities = {{.name = "finance", .members = {"bank-a"}}};
  spec.agreements = {{.name = "fin",
                      .with = {"finance"},
                      .collections = {"*"},
                      .max_tlp = stix::Tlp::kAmber,
                      .drop_properties = {"x_*"}}};
  return Policy::Compile(spec, {.identity_id = "identity--11111111-1111-4111-8111-111111111111"})
      .value();
}

// Withheld objects neither take places in a page nor make `more` true: pages hold `limit`
// disclosable objects however many withheld ones lie between them.
TEST_F(DisclosureTest, WithheldObjectsLeaveNoTraceInPaging) {
  ASSERT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
  std::vector<store::ObjectRecord> records;
  std::vector<std::string> visible;
  // 2 visible, then 40 withheld (more than a look-ahead chunk), then 3 visible, then 5 withheld.
  int n = 0;
  for (int group = 0; group < 4; ++group) {
    const bool shown = group % 2 == 0;
    const int size = group == 0 ? 2 : group == 1 ? 40 : group == 2 ? 3 : 5;
    for (int i = 0; i < size; ++i) {
      records.push_back(shown ? Indicator(kGreen, stix::Tlp::kGreen, n++)
                              : Indicator(kAmberStrict, stix::Tlp::kAmberStrict, n++));
      if (shown) visible.push_back(records.back().id);
    }
  }
  for (const auto& r : records) ASSERT_TRUE(store_->Put(kCollection, {&r, 1}).ok());
  Disclosure door(*store_, clock_, FinancePolicy());
  const Principal bank{.name = "soc-bank-a", .organisation = "bank-a", .read = {"*"}};
  for (const Delivery delivery : {Delivery::kStreamed, Delivery::kBuffered}) {
    std::vector<std::string> seen;
    std::vector<bool> mores;
    store::ObjectQuery query{.collection_id = kCollection, .limit = 2};
    while (true) {
      util::Timestamp last = 0;
      auto page = door.Disclose(
          bank, "taxii.objects", query,
          [&](std::string_view, const store::StoredObject& o) {
            seen.push_back(o.record.id);
            last = o.date_added;
            return true;
          },
          delivery);
      ASSERT_TRUE(page.ok()) << page.status();
      mores.push_back(page->more);
      if (!page->more) break;
      query.added_after = last;
    }
    EXPECT_EQ(seen, visible);
    // Pages of 2, 2 and 1: `more` is false on the last although withheld objects follow it.
    EXPECT_EQ(mores, (std::vector<bool>{true, true, false}));
  }
  // Read to its end, a query says how far it read, past the withheld tail; a full page does
  // not (what follows its last object is still to be read).
  util::Timestamp last_added = 0;
  ASSERT_TRUE(store_
                  ->Scan({.collection_id = kCollection},
                         [&](const store::StoredObject& o) {
                           last_added = o.date_added;
                           return true;
                         })
                  .ok());
  auto to_end = door.Disclose(bank, "export", {.collection_id = kCollection, .limit = 100},
                              [](std::string_view, const store::StoredObject&) { return true; });
  ASSERT_TRUE(to_end.ok());
  EXPECT_FALSE(to_end->more);
  EXPECT_EQ(to_end->read_through, last_added);
  auto full = door.Disclose(bank, "export", {.collection_id = kCollection, .limit = 2},
                            [](std::string_view, const store::StoredObject&) { return true; });
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE(full->more);
  EXPECT_EQ(full->read_through, 0);
  const auto denials = door.Denials();
  ASSERT_EQ(denials.count("soc-bank-a"), 1u);
  // Each page read on past withheld objects; every withheld one was counted at least once.
  EXPECT_GE(denials.at("soc-bank-a")[static_cast<size_t>(Denial::kTlpAboveAgreement)], 45u);
}

TEST_F(DisclosureTest, RedactedDisclosuresCarryTheNewBodyAndAreAuditedAsRedacted) {
  ASSERT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
  const store::ObjectRecord plain = Indicator(kGreen, stix::Tlp::kGreen, 1);
  const store::ObjectRecord marked = Indicator(
      kGreen, stix::Tlp::kGreen, 2,
      std::string(R"(,"description":"seen at the ministry","x_source_note":"internal",)") +
          R"("granular_markings":[{"marking_ref":")" + kRed + R"(","selectors":["description"]}])");
  ASSERT_TRUE(store_->Put(kCollection, std::vector{plain, marked}).ok());
  Disclosure door(*store_, clock_, FinancePolicy());
  const Principal bank{.name = "soc-bank-a", .organisation = "bank-a", .read = {"*"}};
  std::vector<std::string> bodies;
  auto page = door.Disclose(bank, "taxii.objects", {.collection_id = kCollection},
                            [&](std::string_view body, const store::StoredObject&) {
                              bodies.emplace_back(body);
                              return true;
                            });
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], plain.body);  // as stored
  EXPECT_EQ(bodies[1].find("ministry"), std::string::npos) << bodies[1];
  EXPECT_EQ(bodies[1].find("x_source_note"), std::string::npos) << bodies[1];
  EXPECT_NE(bodies[1].find(marked.id), std::string::npos);
  auto audit = store_->ReadAudit({.principal = "soc-bank-a"});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_FALSE((*audit)[0].redacted);
  EXPECT_TRUE((*audit)[1].redacted);
  EXPECT_EQ((*audit)[1].object_id, marked.id);
  // The operator receives the stored bytes.
  bodies.clear();
  ASSERT_TRUE(door.Disclose(LocalOperator("identity--x"), "export", {.collection_id = kCollection},
                            [&](std::string_view body, const store::StoredObject&) {
                              bodies.emplace_back(body);
                              return true;
                            })
                  .ok());
  EXPECT_EQ(bodies, (std::vector<std::string>{plain.body, marked.body}));
}

// Redaction results are remembered per recipient view: one recipient's redacted copy is never
// what another receives, and a new policy starts afresh.
TEST_F(DisclosureTest, RememberedRedactionsStayWithTheirRecipient) {
  ASSERT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
  constexpr char kAmber[] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
  store::ObjectRecord marked = Indicator(
      kGreen, stix::Tlp::kGreen, 1,
      std::string(R"(,"description":"amber detail","granular_markings":[{"marking_ref":")") +
          kAmber + R"(","selectors":["description"]}])");
  ASSERT_TRUE(store_->Put(kCollection, std::vector{marked}).ok());
  PolicySpec spec;
  spec.organisations = {{.name = "bank-a"}, {.name = "bank-b"}};
  spec.agreements = {
      {.name = "a", .with = {"bank-a"}, .collections = {"*"}, .max_tlp = stix::Tlp::kAmber},
      {.name = "b", .with = {"bank-b"}, .collections = {"*"}, .max_tlp = stix::Tlp::kGreen}};
  const NodeFacts facts{.identity_id = "identity--11111111-1111-4111-8111-111111111111"};
  Disclosure door(*store_, clock_, Policy::Compile(spec, facts).value());
  auto body_for = [&](const Principal& p) {
    std::string body;
    EXPECT_TRUE(door.Disclose(p, "taxii.objects", {.collection_id = kCollection},
                              [&](std::string_view b, const store::StoredObject&) {
                                body = b;
                                return true;
                              })
                    .ok());
    return body;
  };
  const Principal a{.name = "a", .organisation = "bank-a", .read = {"*"}};
  const Principal b{.name = "b", .organisation = "bank-b", .read = {"*"}};
  for (int round = 0; round < 2; ++round) {  // the second round is answered from memory
    EXPECT_EQ(body_for(b).find("amber detail"), std::string::npos);
    EXPECT_EQ(body_for(a), marked.body);
  }
  // bank-b gets AMBER now: its remembered redaction must not outlive the policy.
  spec.agreements[1].max_tlp = stix::Tlp::kAmber;
  door.SetPolicy(Policy::Compile(spec, facts).value());
  EXPECT_EQ(body_for(b), marked.body);
}

TEST_F(DisclosureTest, ANewPolicyAppliesToTheNextCall) {
  ASSERT_TRUE(store_->CreateCollection({.id = kCollection, .title = "shared"}).ok());
  ASSERT_TRUE(store_->Put(kCollection, std::vector{Indicator(kGreen, stix::Tlp::kGreen, 1)}).ok());
  Disclosure door(*store_, clock_);  // built-in: bank-a is nobody
  const Principal bank{.name = "soc-bank-a", .organisation = "bank-a", .read = {"*"}};
  auto count = [&] {
    return door
        .Disclose(bank, "taxii.objects", {.collection_id = kCollection},
                  [](std::string_view, const store::StoredObject&) { return true; })
        .value()
        .count;
  };
  EXPECT_EQ(count(), 0u);
  door.SetPolicy(FinancePolicy());
  EXPECT_EQ(count(), 1u);
}

// What a principal posts is recorded with the origin the policy gives it: a partner node's
// objects as from that peer (so they are never pushed back to it), anyone else's as local,
// with their organisation (origin binding); the node's own organisation is "".
TEST_F(DisclosureTest, ProvenanceOfPostersFollowsThePolicy) {
  PolicySpec spec;
  spec.node_organisation = "my-cert";
  spec.organisations = {{.name = "my-cert"}, {.name = "sg-cert"}, {.name = "bank-a"}};
  spec.principals = {{.name = "sg-node", .organisation = "sg-cert", .kind = PrincipalKind::kPeer},
                     {.name = "analyst", .organisation = "my-cert"}};
  Disclosure door(
      *store_, clock_,
      Policy::Compile(spec, {.identity_id = "identity--11111111-1111-4111-8111-111111111111"})
          .value());
  const store::Provenance peer = door.ProvenanceOf({.name = "sg-node", .organisation = "x"});
  EXPECT_EQ(peer.kind, store::Provenance::Kind::kPeer);
  EXPECT_EQ(peer.source, "sg-node");
  EXPECT_EQ(peer.organisation, "sg-cert");  // the [[principal]] entry wins over the token
  const store::Provenance bank = door.ProvenanceOf({.name = "soc", .organisation = "bank-a"});
  EXPECT_EQ(bank.kind, store::Provenance::Kind::kLocal);
  EXPECT_EQ(bank.source, "taxii:soc");
  EXPECT_EQ(bank.organisation, "bank-a");
  const store::Provenance own = door.ProvenanceOf({.name = "analyst"});
  EXPECT_EQ(own.kind, store::Provenance::Kind::kLocal);
  EXPECT_EQ(own.organisation, "");
}

}  // namespace
}  // namespace kongsi::policy
