// Push links over real HTTP on 127.0.0.1 (push.h): a local node (store and disclosure door with
// a compiled sharing policy) pushes its collection to a kongsi node running in-process. New
// versions arrive and the cursor advances, so the next push sends nothing; what the peer's
// organisation may not receive (AMBER without an agreement, RED) and what came from the peer
// itself are never sent; requests are cut to the receiver's max_content_length, and a version
// larger than a whole request is given up; a version the receiver refuses (a conflict) is
// retried on the following pushes and given up after kMaxPushAttempts; every version sent is in
// the sender's audit log under "federation.push" for the peer. Against a misbehaving receiver
// (test_servers.h): a pending status resource is polled until complete, and a version left
// pending is retried.
#include "federation/push.h"

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "federation/sync_state.h"
#include "federation/test_servers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"
#include "policy/policy_spec.h"
#include "stix/validate.h"
#include "taxii/add_objects.h"
#include "util/time.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::federation {
namespace {

using taxii::Client;
using taxii::ClientOptions;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;
using namespace test_servers;

constexpr char kNodeIdentity[] = "identity--11111111-1111-4111-8111-111111111111";
constexpr char kV1[] = "2026-01-01T00:00:00.000Z";
constexpr char kV2[] = "2026-02-01T00:00:00.000Z";

constexpr char kClear[] = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
constexpr char kGreen[] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
constexpr char kAmber[] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr char kRed[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

std::string Marked(const char* marking) {
  return std::string(R"(,"object_marking_refs":[")") + marking + "\"]";
}

util::Timestamp Time(const std::string& text) { return util::ParseRfc3339(text)->micros; }

// The sender's policy: its own organisation cert-my; bank-b, whose node peer-b is pushed to
// under an agreement up to GREEN; bank-c, whose node peer-c sends objects too.
std::shared_ptr<const policy::Policy> SenderPolicy() {
  policy::PolicySpec spec;
  spec.node_organisation = "cert-my";
  spec.organisations = {
      {.name = "cert-my", .identity = kNodeIdentity}, {.name = "bank-b"}, {.name = "bank-c"}};
  spec.principals = {
      {.name = "peer-b", .organisation = "bank-b", .kind = policy::PrincipalKind::kPeer},
      {.name = "peer-c", .organisation = "bank-c", .kind = policy::PrincipalKind::kPeer}};
  spec.agreements = {
      {.name = "with-b", .with = {"bank-b"}, .collections = {"*"}, .max_tlp = stix::Tlp::kGreen}};
  auto compiled = policy::Policy::Compile(
      spec,
      {.identity_id = kNodeIdentity, .collections = {{.id = kCollection, .title = "shared"}}});
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? *compiled : nullptr;
}

class PushTest : public ::testing::Test {
 protected:
  void SetUp() override { sender_.disclosure().SetPolicy(SenderPolicy()); }

  // The receiving kongsi node; its API root takes requests of at most `max_content_length`.
  void ServeReceiver(size_t max_content_length = 10 << 20) {
    receiver_ = std::make_unique<KongsiNode>();
    receiver_->Serve({.max_content_length = max_content_length});
    client_ = Connect(receiver_->api_root(), receiver_->admin_token());
  }

  std::unique_ptr<Client> Connect(const std::string& api_root, const std::string& token) {
    ClientOptions options;
    options.api_root = api_root;
    options.bearer_token = token;
    options.connect_timeout = 5s;
    options.request_timeout = 20s;
    options.max_attempts = 2;
    options.first_backoff = 1ms;
    options.wait = waits_.Hook();
    auto client = Client::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  // Stores `objects` in the sender's collection as received from `provenance`.
  void AddToSender(const std::vector<std::string>& objects,
                   const store::Provenance& provenance = {}) {
    auto parsed = taxii::ParseAddObjects(Envelope(objects), validator_, provenance);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_EQ(parsed->records.size(), objects.size()) << parsed->items[0].error;
    ASSERT_TRUE(sender_.store().Put(kCollection, parsed->records).ok());
  }

  // One push run, with the receiver's max_content_length as its API root states it (or
  // `max_content_length` when given).
  absl::Status Push(PushOutcome& out, size_t max_content_length = 0) {
    if (client_ == nullptr) return absl::FailedPreconditionError("no client");
    if (max_content_length == 0) {
      absl::StatusOr<taxii::ApiRootInfo> root = client_->GetApiRoot();
      if (!root.ok()) return root.status();
      max_content_length = root->max_content_length;
    }
    out = PushOutcome{};
    const PushContext context{.store = sender_.store(),
                              .disclosure = sender_.disclosure(),
                              .client = *client_,
                              .peer = peer_,
                              .principal = principal_,
                              .max_content_length = max_content_length,
                              .stopping = nullptr,
                              .wait = waits_.Hook()};
    return PushLink(context, {.local = kCollection, .to = kCollection}, kCollection, out);
  }

  static std::vector<store::StoredObject> Versions(KongsiNode& node) {
    std::vector<store::StoredObject> out;
    const absl::Status s =
        node.store().Scan({.collection_id = kCollection, .versions = store::VersionSelect::kAll},
                          [&out](const store::StoredObject& o) {
                            out.push_back(o);
                            return true;
                          });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  std::vector<std::string> ReceivedIds() {
    std::vector<std::string> ids;
    for (const store::StoredObject& o : Versions(*receiver_)) ids.push_back(o.record.id);
    return ids;
  }

  std::optional<util::Timestamp> Cursor() {
    auto cursor = ReadCursor(sender_.store(), PushCursorKey(peer_.name, kCollection, kCollection));
    EXPECT_TRUE(cursor.ok()) << cursor.status();
    return cursor.ok() ? *cursor : std::nullopt;
  }

  std::vector<RetryEntry> Retries() {
    auto retries = ReadRetries(sender_.store(), PushRetryKey(peer_.name, kCollection, kCollection));
    EXPECT_TRUE(retries.ok()) << retries.status();
    return retries.ok() ? *retries : std::vector<RetryEntry>{};
  }

  // The sender's audit records for the peer's principal.
  std::vector<store::AuditRecord> Audited() {
    auto audit = sender_.store().ReadAudit({.principal = "peer-b"});
    EXPECT_TRUE(audit.ok()) << audit.status();
    return audit.ok() ? *audit : std::vector<store::AuditRecord>{};
  }

  const stix::Validator validator_;
  // Named apart from its principal, as kongsi.toml allows: what the peer sent is known by the
  // principal (the provenance its pushes and pulls are recorded with) and is never sent back.
  const PeerSpec peer_{.name = "b-link", .organisation = "bank-b", .principal = "peer-b"};
  const policy::Principal principal_{.name = "peer-b", .organisation = "bank-b", .read = {"*"}};
  KongsiNode sender_;  // the node that pushes (not serving)
  std::unique_ptr<KongsiNode> receiver_;
  std::unique_ptr<Client> client_;
  WaitLog waits_;
};

TEST_F(PushTest, NewVersionsArriveTheCursorAdvancesAndTheNextPushSendsNothing) {
  ServeReceiver();
  const std::string a = NewIndicatorId(), b = NewIndicatorId(), c = NewIndicatorId();
  AddToSender({Indicator(a, kV1, Marked(kClear)), Indicator(b, kV1, Marked(kGreen)),
               Indicator(c, kV1, Marked(kGreen))});

  PushOutcome out;
  absl::Status s = Push(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.batches, 1);
  EXPECT_EQ(out.sent, 3);
  EXPECT_EQ(out.accepted, 3);
  EXPECT_EQ(out.failed, 0);
  EXPECT_THAT(out.problems, IsEmpty());
  EXPECT_THAT(ReceivedIds(), ElementsAre(a, b, c));
  EXPECT_EQ(Cursor(), Versions(sender_).back().date_added);
  EXPECT_THAT(Retries(), IsEmpty());

  PushOutcome again;
  s = Push(again);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(again.batches, 0);
  EXPECT_EQ(again.sent, 0);
  EXPECT_THAT(receiver_->ObjectRequests("POST"), SizeIs(1));

  // A new version of `a` is sent, and only it.
  AddToSender({Indicator(a, kV2, Marked(kClear) + R"(,"description":"revised")")});
  PushOutcome revised;
  s = Push(revised);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(revised.sent, 1);
  EXPECT_EQ(revised.accepted, 1);
  const std::vector<store::StoredObject> received = Versions(*receiver_);
  ASSERT_THAT(received, SizeIs(4));
  EXPECT_EQ(received[3].record.id, a);
  EXPECT_EQ(received[3].record.version, Time(kV2));
  EXPECT_EQ(Cursor(), Versions(sender_).back().date_added);
}

TEST_F(PushTest, WhatThePeerMayNotReceiveOrSentItselfIsNotSent) {
  ServeReceiver();
  const std::string clear = NewIndicatorId(), green = NewIndicatorId(), amber = NewIndicatorId(),
                    red = NewIndicatorId(), unmarked = NewIndicatorId(), from_b = NewIndicatorId(),
                    from_c = NewIndicatorId();
  AddToSender({Indicator(clear, kV1, Marked(kClear)), Indicator(green, kV1, Marked(kGreen)),
               Indicator(amber, kV1, Marked(kAmber)),  // the agreement stops at GREEN
               Indicator(red, kV1, Marked(kRed)),      // never to a peer node
               Indicator(unmarked, kV1)});             // the default, AMBER
  AddToSender(
      {Indicator(from_b, kV1, Marked(kClear))},
      {.kind = store::Provenance::Kind::kPeer, .source = "peer-b", .organisation = "bank-b"});
  AddToSender(
      {Indicator(from_c, kV1, Marked(kClear))},
      {.kind = store::Provenance::Kind::kPeer, .source = "peer-c", .organisation = "bank-c"});

  PushOutcome out;
  const absl::Status s = Push(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.sent, 3);
  EXPECT_EQ(out.accepted, 3);
  EXPECT_THAT(ReceivedIds(), ElementsAre(clear, green, from_c));
  std::set<std::string> audited;
  for (const store::AuditRecord& r : Audited()) audited.insert(r.object_id);
  EXPECT_EQ(audited, (std::set<std::string>{clear, green, from_c}));
  // The cursor moved past every version read, withheld ones included.
  EXPECT_EQ(Cursor(), Versions(sender_).back().date_added);
}

TEST_F(PushTest, RequestsAreCutToTheReceiversMaxContentLength) {
  constexpr size_t kLimit = 2000;
  ServeReceiver(kLimit);
  std::vector<std::string> ids, objects;
  for (int i = 0; i < 12; ++i) {
    ids.push_back(NewIndicatorId());
    objects.push_back(Indicator(ids.back(), kV1, Marked(kGreen)));
  }
  AddToSender(objects);

  PushOutcome out;
  const absl::Status s = Push(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.sent, 12);
  EXPECT_EQ(out.accepted, 12);
  EXPECT_THAT(out.batches, Ge(3));  // 12 objects of some 400 bytes in requests of 2000
  const std::vector<KongsiNode::Seen> posts = receiver_->ObjectRequests("POST");
  EXPECT_EQ(static_cast<int64_t>(posts.size()), out.batches);
  for (const KongsiNode::Seen& post : posts) EXPECT_LE(post.body_bytes, kLimit);
  EXPECT_EQ(ReceivedIds(), ids);
}

TEST_F(PushTest, VersionLargerThanAWholeRequestIsGivenUpWithAClearProblem) {
  constexpr size_t kLimit = 2000;
  ServeReceiver(kLimit);
  const std::string small1 = NewIndicatorId(), big = NewIndicatorId(), small2 = NewIndicatorId();
  AddToSender(
      {Indicator(small1, kV1, Marked(kGreen)),
       Indicator(big, kV1, Marked(kGreen) + R"(,"description":")" + std::string(3000, 'x') + "\""),
       Indicator(small2, kV1, Marked(kGreen))});

  PushOutcome out;
  const absl::Status s = Push(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.given_up, 1);
  EXPECT_EQ(out.accepted, 2);
  ASSERT_THAT(out.problems, SizeIs(1));
  EXPECT_THAT(out.problems[0], HasSubstr("peer b-link collection"));
  EXPECT_THAT(out.problems[0], HasSubstr(big));
  EXPECT_THAT(out.problems[0], HasSubstr("is larger than the peer accepts (2000 bytes)"));
  EXPECT_THAT(ReceivedIds(), ElementsAre(small1, small2));
  EXPECT_THAT(Retries(), IsEmpty());  // not retried: it would never fit

  PushOutcome again;
  ASSERT_TRUE(Push(again).ok());
  EXPECT_EQ(again.sent, 0);
  EXPECT_EQ(again.given_up, 0);
}

TEST_F(PushTest, RefusedVersionIsRetriedThenGivenUpAfterMaxAttempts) {
  ServeReceiver();
  const std::string clash = NewIndicatorId(), fine = NewIndicatorId();
  // The receiver holds the same id and version with other content: it refuses ours.
  auto theirs = taxii::ParseAddObjects(
      Envelope({Indicator(clash, kV1, Marked(kGreen) + R"(,"description":"theirs")")}), validator_,
      {});
  ASSERT_TRUE(theirs.ok());
  ASSERT_TRUE(receiver_->store().Put(kCollection, theirs->records).ok());
  AddToSender({Indicator(clash, kV1, Marked(kGreen)), Indicator(fine, kV1, Marked(kGreen))});

  PushOutcome first;
  absl::Status s = Push(first);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(first.sent, 2);
  EXPECT_EQ(first.accepted, 1);
  EXPECT_EQ(first.failed, 1);
  EXPECT_EQ(first.given_up, 0);
  ASSERT_THAT(first.problems, SizeIs(1));
  EXPECT_THAT(first.problems[0], HasSubstr(clash + " refused ("));
  EXPECT_THAT(first.problems[0], HasSubstr("will retry"));
  std::vector<RetryEntry> retries = Retries();
  ASSERT_THAT(retries, SizeIs(1));
  EXPECT_EQ(retries[0].id, clash);
  EXPECT_EQ(retries[0].version, Time(kV1));
  EXPECT_EQ(retries[0].attempts, 1);
  EXPECT_THAT(retries[0].error, HasSubstr("same id and version"));

  for (int attempt = 2; attempt < kMaxPushAttempts; ++attempt) {
    PushOutcome again;
    s = Push(again);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(again.sent, 1) << "attempt " << attempt;  // the refused version only
    EXPECT_EQ(again.failed, 1) << "attempt " << attempt;
    EXPECT_EQ(again.given_up, 0) << "attempt " << attempt;
    retries = Retries();
    ASSERT_THAT(retries, SizeIs(1));
    EXPECT_EQ(retries[0].attempts, attempt);
  }

  PushOutcome last;
  s = Push(last);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(last.sent, 1);
  EXPECT_EQ(last.given_up, 1);
  ASSERT_THAT(last.problems, SizeIs(1));
  EXPECT_THAT(last.problems[0], HasSubstr("gave up on " + clash + " after " +
                                          std::to_string(kMaxPushAttempts) + " attempts"));
  EXPECT_THAT(Retries(), IsEmpty());

  PushOutcome after;
  ASSERT_TRUE(Push(after).ok());
  EXPECT_EQ(after.sent, 0);
  EXPECT_THAT(receiver_->ObjectRequests("POST"), SizeIs(kMaxPushAttempts));
  // The receiver kept its own version.
  const std::vector<store::StoredObject> received = Versions(*receiver_);
  ASSERT_THAT(received, SizeIs(2));
  EXPECT_THAT(received[0].record.body, HasSubstr("theirs"));
}

TEST_F(PushTest, AuditLogRecordsEachVersionSentForThePeer) {
  ServeReceiver();
  const std::string a = NewIndicatorId(), b = NewIndicatorId(), withheld = NewIndicatorId();
  AddToSender({Indicator(a, kV1, Marked(kGreen)), Indicator(withheld, kV1, Marked(kRed)),
               Indicator(b, kV1, Marked(kClear))});
  AddToSender({Indicator(a, kV2, Marked(kGreen))});

  PushOutcome out;
  ASSERT_TRUE(Push(out).ok());
  ASSERT_EQ(out.accepted, 3);
  std::vector<std::string> disclosed;
  for (const store::AuditRecord& r : Audited()) {
    EXPECT_EQ(r.channel, "federation.push");
    EXPECT_EQ(r.principal, "peer-b");
    EXPECT_EQ(r.organisation, "bank-b");
    disclosed.push_back(r.object_id + "@" + util::FormatRfc3339(r.version));
  }
  EXPECT_THAT(disclosed, UnorderedElementsAre(a + "@" + kV1, b + "@" + kV1, a + "@" + kV2));
}

// --- against a misbehaving receiver ---------------------------------------------------------

// A status resource for the one version `id` (kV1), with `field` holding it.
std::string StatusBody(const std::string& state, const std::string& id, const std::string& field) {
  nlohmann::json status = {{"id", "s1"},         {"status", state},
                           {"total_count", 1},   {"success_count", field == "successes" ? 1 : 0},
                           {"failure_count", 0}, {"pending_count", field == "pendings" ? 1 : 0}};
  status[field] = nlohmann::json::array({{{"id", id}, {"version", kV1}}});
  return status.dump();
}

// TAXII makes the failure list optional: a status that counts a failure without listing it
// must not make the version count as delivered.
TEST_F(PushTest, FailureCountedButNotListedIsRetried) {
  const std::string id = NewIndicatorId();
  AddToSender({Indicator(id, kV1, Marked(kGreen))});
  const std::string unlisted = nlohmann::json({{"id", "s1"},
                                               {"status", "complete"},
                                               {"total_count", 1},
                                               {"success_count", 0},
                                               {"failure_count", 1},
                                               {"pending_count", 0}})
                                   .dump();
  FakeServer server({Answer(202, unlisted)});
  client_ = Connect(server.url() + "/api1/", "secret-token");

  PushOutcome out;
  ASSERT_TRUE(Push(out, /*max_content_length=*/4096).ok());
  EXPECT_EQ(out.accepted, 0);
  EXPECT_EQ(out.failed, 1);
  const std::vector<RetryEntry> retries = Retries();
  ASSERT_THAT(retries, SizeIs(1));
  EXPECT_EQ(retries[0].id, id);
  EXPECT_EQ(retries[0].error, "not listed as a success");
}

TEST_F(PushTest, PendingStatusIsPolledUntilComplete) {
  const std::string id = NewIndicatorId();
  AddToSender({Indicator(id, kV1, Marked(kGreen))});
  FakeServer server({Answer(202, StatusBody("pending", id, "pendings")),
                     Answer(200, StatusBody("pending", id, "pendings")),
                     Answer(200, StatusBody("complete", id, "successes"))});
  client_ = Connect(server.url() + "/api1/", "secret-token");

  PushOutcome out;
  const absl::Status s = Push(out, /*max_content_length=*/4096);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.accepted, 1);
  EXPECT_EQ(out.failed, 0);
  EXPECT_THAT(Retries(), IsEmpty());
  const std::vector<std::string> lines = server.request_lines();
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_THAT(lines[0], HasSubstr("POST /api1/collections/"));
  EXPECT_THAT(lines[1], HasSubstr("GET /api1/status/s1/"));
  EXPECT_THAT(lines[2], HasSubstr("GET /api1/status/s1/"));
  EXPECT_THAT(waits_.delays, ElementsAre(50ms, 100ms));  // backing off between polls
}

TEST_F(PushTest, VersionLeftPendingIsRetriedOnTheNextPush) {
  const std::string id = NewIndicatorId();
  AddToSender({Indicator(id, kV1, Marked(kGreen))});
  {
    FakeServer never_done({Answer(202, StatusBody("pending", id, "pendings"))});
    client_ = Connect(never_done.url() + "/api1/", "secret-token");
    PushOutcome out;
    const absl::Status s = Push(out, /*max_content_length=*/4096);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(out.accepted, 0);
    EXPECT_EQ(out.failed, 1);
    const std::vector<RetryEntry> retries = Retries();
    ASSERT_THAT(retries, SizeIs(1));
    EXPECT_EQ(retries[0].id, id);
    EXPECT_THAT(retries[0].error, HasSubstr("still pending"));
    // Polling is bounded: the run does not wait forever for the peer.
    EXPECT_LT(never_done.requests().size(), 100u);
  }
  FakeServer done({Answer(202, StatusBody("complete", id, "successes"))});
  client_ = Connect(done.url() + "/api1/", "secret-token");
  PushOutcome retried;
  const absl::Status s = Push(retried, /*max_content_length=*/4096);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(retried.sent, 1);
  EXPECT_EQ(retried.accepted, 1);
  EXPECT_THAT(Retries(), IsEmpty());
}

}  // namespace
}  // namespace kongsi::federation
