// Pull links over real HTTP on 127.0.0.1 (pull.h). From a kongsi node running in-process with
// a small page size: a fresh pull copies a whole collection page by page, each version
// remembering the peer as its provenance; the cursor advances to the last date_added and the
// next pull asks only from there; new versions arrive as new versions; a node that fails after
// the first page keeps page one and its cursor, and the next pull stores the rest exactly once;
// stopping between pages. From a misbehaving server (test_servers.h): invalid objects are
// rejected by id and reason and never stored; servers that ignore `limit`, repeat objects, cap
// pages, say `more` without `next`, say `more` with nothing to follow, keep one `next` for a
// whole session, or send pages that would be followed forever.
#include "federation/pull.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "federation/sync_state.h"
#include "federation/test_servers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "stix/validate.h"
#include "taxii/add_objects.h"
#include "taxii/error.h"
#include "util/time.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::federation {
namespace {

using taxii::Client;
using taxii::ClientOptions;
using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using namespace std::chrono_literals;
using namespace test_servers;

constexpr char kV1[] = "2026-01-01T00:00:00.000Z";
constexpr char kV2[] = "2026-02-01T00:00:00.000Z";
// date_added values a misbehaving server claims for its pages.
constexpr char kT1[] = "2026-03-01T10:00:00.000001Z";
constexpr char kT2[] = "2026-03-01T10:00:00.000002Z";
constexpr char kT3[] = "2026-03-01T10:00:00.000003Z";

util::Timestamp Time(const std::string& text) { return util::ParseRfc3339(text)->micros; }

// A timestamp as the client puts it in a query (curl escapes the colons).
std::string QueryTime(util::Timestamp t) {
  std::string out;
  for (char c : util::FormatRfc3339(t, 6)) out += c == ':' ? std::string("%3A") : std::string(1, c);
  return out;
}

class PullTest : public ::testing::Test {
 protected:
  // The node pulled from: a kongsi node whose pages hold at most `page_size` objects.
  void ServeSource(
      size_t page_size,
      std::function<std::optional<http::Response>(const http::Request&)> intercept = nullptr) {
    source_ = std::make_unique<KongsiNode>();
    source_->Serve({.max_page_size = page_size, .intercept = std::move(intercept)});
    client_ = Connect(source_->api_root(), source_->reader_token());
    remote_ = kCollection;
  }

  // Pulls from a misbehaving server's collection "c1".
  void UseFake(const FakeServer& server) {
    client_ = Connect(server.url() + "/api1/", "secret-token");
    remote_ = "c1";
  }

  std::unique_ptr<Client> Connect(const std::string& api_root, const std::string& token) {
    ClientOptions options;
    options.api_root = api_root;
    options.bearer_token = token;
    options.connect_timeout = 5s;
    options.request_timeout = 20s;
    options.max_attempts = 2;
    options.first_backoff = 1ms;
    options.wait = waits_.Hook();  // retries do not sleep
    auto client = Client::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  // Stores `objects` in the source node's collection, as if its users had added them.
  void AddToSource(const std::vector<std::string>& objects) {
    auto parsed = taxii::ParseAddObjects(Envelope(objects), validator_, {});
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_EQ(parsed->records.size(), objects.size());
    ASSERT_TRUE(source_->store().Put(kCollection, parsed->records).ok());
  }

  // Adds `count` new indicators to the source; returns their ids in order.
  std::vector<std::string> AddIndicatorsToSource(int count) {
    std::vector<std::string> ids;
    std::vector<std::string> objects;
    for (int i = 0; i < count; ++i) {
      ids.push_back(NewIndicatorId());
      objects.push_back(Indicator(ids.back(), kV1));
    }
    AddToSource(objects);
    return ids;
  }

  absl::Status Pull(PullOutcome& out, const std::function<bool()>& stopping = nullptr) {
    if (client_ == nullptr) return absl::FailedPreconditionError("no client");
    out = PullOutcome{};
    return PullLink(local_.store(), *client_, peer_, {.remote = remote_, .into = kCollection},
                    kCollection, validator_, stopping, out);
  }

  // Every version stored in `node`'s collection, in date_added order.
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

  static std::vector<std::string> Ids(const std::vector<store::StoredObject>& versions) {
    std::vector<std::string> ids;
    for (const store::StoredObject& o : versions) ids.push_back(o.record.id);
    return ids;
  }

  std::vector<std::string> LocalIds() { return Ids(Versions(local_)); }

  std::optional<util::Timestamp> Cursor() {
    auto cursor = ReadCursor(local_.store(), PullCursorKey(peer_.name, remote_, kCollection));
    EXPECT_TRUE(cursor.ok()) << cursor.status();
    return cursor.ok() ? *cursor : std::nullopt;
  }

  const stix::Validator validator_;
  const PeerSpec peer_{.name = "peer-a", .organisation = "org-a"};
  KongsiNode local_;  // the node that pulls (not serving)
  std::unique_ptr<KongsiNode> source_;
  std::unique_ptr<Client> client_;
  std::string remote_;
  WaitLog waits_;
};

TEST_F(PullTest, FreshPullCopiesEveryObjectPageByPageWithThePeerAsProvenance) {
  ServeSource(/*page_size=*/2);
  const std::vector<std::string> ids = AddIndicatorsToSource(5);

  PullOutcome out;
  const absl::Status s = Pull(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.pages, 3);  // 2 + 2 + 1: the source caps every page at 2
  EXPECT_EQ(out.received, 5);
  EXPECT_EQ(out.stored, 5);
  EXPECT_EQ(out.unchanged, 0);
  EXPECT_EQ(out.rejected, 0);
  EXPECT_THAT(out.problems, IsEmpty());

  const std::vector<store::StoredObject> local = Versions(local_);
  EXPECT_EQ(Ids(local), ids);
  for (const store::StoredObject& o : local) {
    EXPECT_EQ(o.record.provenance.kind, store::Provenance::Kind::kPeer) << o.record.id;
    EXPECT_EQ(o.record.provenance.source, "peer-a") << o.record.id;
    EXPECT_EQ(o.record.provenance.organisation, "org-a") << o.record.id;
  }
  // The cursor is the date_added of the last object on the source.
  EXPECT_EQ(Cursor(), Versions(*source_).back().date_added);

  const std::vector<KongsiNode::Seen> gets = source_->ObjectRequests("GET");
  ASSERT_THAT(gets, SizeIs(3));
  EXPECT_THAT(gets[0].query, AllOf(HasSubstr("limit=1000"), Not(HasSubstr("added_after"))));
  EXPECT_THAT(gets[1].query, HasSubstr("next="));
  EXPECT_THAT(gets[2].query, HasSubstr("next="));
}

TEST_F(PullTest, SecondPullStoresNothingNewAndAsksOnlyFromTheCursor) {
  ServeSource(/*page_size=*/2);
  AddIndicatorsToSource(5);
  PullOutcome first;
  ASSERT_TRUE(Pull(first).ok());
  ASSERT_EQ(first.stored, 5);
  const std::optional<util::Timestamp> cursor = Cursor();
  ASSERT_TRUE(cursor.has_value());

  PullOutcome again;
  const absl::Status s = Pull(again);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(again.stored, 0);
  // Only the object at the cursor's own instant comes back (see pull.h), and it is unchanged.
  EXPECT_EQ(again.received, 1);
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(again.pages, 1);
  EXPECT_EQ(Cursor(), cursor);
  EXPECT_THAT(LocalIds(), SizeIs(5));
  const std::vector<KongsiNode::Seen> gets = source_->ObjectRequests("GET");
  ASSERT_THAT(gets, SizeIs(4));
  EXPECT_THAT(gets[3].query, HasSubstr("added_after=" + QueryTime(*cursor - 1)));
  EXPECT_THAT(gets[3].query, Not(HasSubstr("next=")));

  // Objects added later arrive, and the cursor follows them.
  const std::vector<std::string> later = AddIndicatorsToSource(2);
  PullOutcome third;
  ASSERT_TRUE(Pull(third).ok());
  EXPECT_EQ(third.stored, 2);
  EXPECT_EQ(third.unchanged, 1);
  EXPECT_EQ(Cursor(), Versions(*source_).back().date_added);
  const std::vector<std::string> local = LocalIds();
  ASSERT_THAT(local, SizeIs(7));
  EXPECT_EQ(local[5], later[0]);
  EXPECT_EQ(local[6], later[1]);
}

TEST_F(PullTest, NewVersionOnTheSourceArrivesAsANewVersion) {
  ServeSource(/*page_size=*/2);
  const std::string id = NewIndicatorId();
  AddToSource({Indicator(id, kV1)});
  PullOutcome first;
  ASSERT_TRUE(Pull(first).ok());
  ASSERT_EQ(first.stored, 1);

  AddToSource({Indicator(id, kV2, R"(,"description":"revised")")});
  PullOutcome second;
  const absl::Status s = Pull(second);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(second.stored, 1);
  const std::vector<store::StoredObject> local = Versions(local_);
  ASSERT_THAT(local, SizeIs(2));
  EXPECT_EQ(local[0].record.id, id);
  EXPECT_EQ(local[1].record.id, id);
  EXPECT_EQ(local[0].record.version, Time(kV1));
  EXPECT_EQ(local[1].record.version, Time(kV2));
  EXPECT_THAT(local[1].record.body, HasSubstr("revised"));
}

TEST_F(PullTest, InvalidObjectsAreRejectedByIdAndReasonAndNeverStored) {
  const std::string good1 = NewIndicatorId(), bad = NewIndicatorId(), good2 = NewIndicatorId();
  const std::string no_pattern = R"({"type":"indicator","spec_version":"2.1","id":")" + bad +
                                 R"(","created":"2026-01-01T00:00:00.000Z",)"
                                 R"("modified":"2026-01-01T00:00:00.000Z"})";
  FakeServer server(
      {Answer(200, Envelope({Indicator(good1, kV1), no_pattern, Indicator(good2, kV1)}, false),
              DateAddedHeaders(kT1, kT3))});
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.received, 3);
  EXPECT_EQ(out.stored, 2);
  EXPECT_EQ(out.rejected, 1);
  ASSERT_THAT(out.problems, SizeIs(1));
  EXPECT_THAT(out.problems[0], HasSubstr("peer peer-a collection c1"));
  EXPECT_THAT(out.problems[0], HasSubstr("rejected " + bad));
  EXPECT_THAT(out.problems[0], HasSubstr("pattern"));
  EXPECT_THAT(LocalIds(), ElementsAre(good1, good2));
  EXPECT_EQ(Cursor(), Time(kT3));
}

// Each run reads the cursor's own instant again: an invalid object there is reported once, not
// by every run until the peer adds something newer.
TEST_F(PullTest, InvalidObjectAtTheCursorIsReportedOnce) {
  const std::string good = NewIndicatorId(), bad = NewIndicatorId();
  const std::string no_pattern = R"({"type":"indicator","spec_version":"2.1","id":")" + bad +
                                 R"(","created":"2026-01-01T00:00:00.000Z",)"
                                 R"("modified":"2026-01-01T00:00:00.000Z"})";
  FakeServer server({Answer(200, Envelope({Indicator(good, kV1), no_pattern}, false),
                            DateAddedHeaders(kT1, kT3))});
  UseFake(server);
  PullOutcome first;
  ASSERT_TRUE(Pull(first).ok());
  EXPECT_EQ(first.rejected, 1);
  for (int run = 0; run < 2; ++run) {
    PullOutcome again;
    ASSERT_TRUE(Pull(again).ok());
    EXPECT_EQ(again.received, 2);
    EXPECT_EQ(again.rejected, 0) << "run " << run;
    EXPECT_THAT(again.problems, IsEmpty());
  }
  EXPECT_THAT(LocalIds(), ElementsAre(good));
}

TEST_F(PullTest, ServerIgnoringLimitIsReadInOnePage) {
  std::vector<std::string> objects;
  std::set<std::string> ids;
  for (size_t i = 0; i < kPullPageLimit + 5; ++i) {
    ids.insert(NewIndicatorId());
  }
  for (const std::string& id : ids) objects.push_back(Indicator(id, kV1));
  FakeServer server({Answer(200, Envelope(objects, false), DateAddedHeaders(kT1, kT3))});
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.pages, 1);
  EXPECT_EQ(out.stored, static_cast<int64_t>(ids.size()));
  const std::vector<std::string> local = LocalIds();
  EXPECT_EQ(std::set<std::string>(local.begin(), local.end()), ids);
  ASSERT_THAT(server.request_lines(), SizeIs(1));
  EXPECT_THAT(server.request_lines()[0], HasSubstr("limit=1000"));
}

TEST_F(PullTest, ObjectsRepeatedAcrossPagesAreStoredOnce) {
  const std::string a = NewIndicatorId(), b = NewIndicatorId(), c = NewIndicatorId();
  FakeServer server({
      Answer(200, Envelope({Indicator(a, kV1), Indicator(b, kV1)}, true, "p2"),
             DateAddedHeaders(kT1, kT2)),
      Answer(200, Envelope({Indicator(b, kV1), Indicator(c, kV1)}, false),
             DateAddedHeaders(kT2, kT3)),
  });
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.pages, 2);
  EXPECT_EQ(out.received, 4);
  EXPECT_EQ(out.stored, 3);
  EXPECT_EQ(out.unchanged, 1);
  EXPECT_EQ(out.conflicts, 0);
  EXPECT_THAT(LocalIds(), ElementsAre(a, b, c));
  ASSERT_THAT(server.request_lines(), SizeIs(2));
  EXPECT_THAT(server.request_lines()[1], HasSubstr("next=p2"));
  EXPECT_EQ(Cursor(), Time(kT3));
}

TEST_F(PullTest, ServerCappingPagesIsFollowedByNext) {
  const std::string a = NewIndicatorId(), b = NewIndicatorId(), c = NewIndicatorId();
  FakeServer server({
      Answer(200, Envelope({Indicator(a, kV1)}, true, "p2"), DateAddedHeaders(kT1, kT1)),
      Answer(200, Envelope({Indicator(b, kV1)}, true, "p3"), DateAddedHeaders(kT2, kT2)),
      Answer(200, Envelope({Indicator(c, kV1)}, false), DateAddedHeaders(kT3, kT3)),
  });
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.pages, 3);
  EXPECT_EQ(out.stored, 3);
  EXPECT_THAT(LocalIds(), ElementsAre(a, b, c));
  const std::vector<std::string> lines = server.request_lines();
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_THAT(lines, Each(HasSubstr("limit=1000")));  // asked for 1000 every time, got 1
  EXPECT_THAT(lines[1], HasSubstr("next=p2"));
  EXPECT_THAT(lines[2], HasSubstr("next=p3"));
  EXPECT_EQ(Cursor(), Time(kT3));
}

TEST_F(PullTest, MoreWithoutNextIsFollowedByDateAdded) {
  const std::string a = NewIndicatorId(), b = NewIndicatorId(), c = NewIndicatorId();
  FakeServer server({
      Answer(200, Envelope({Indicator(a, kV1), Indicator(b, kV1)}, true),
             DateAddedHeaders(kT1, kT2)),
      Answer(200, Envelope({Indicator(c, kV1)}, false), DateAddedHeaders(kT3, kT3)),
  });
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.pages, 2);
  EXPECT_EQ(out.stored, 3);
  EXPECT_THAT(LocalIds(), ElementsAre(a, b, c));
  const std::vector<std::string> lines = server.request_lines();
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_THAT(lines[1], HasSubstr("added_after=" + QueryTime(Time(kT2))));
  EXPECT_THAT(lines[1], Not(HasSubstr("next=")));
  EXPECT_EQ(Cursor(), Time(kT3));
}

TEST_F(PullTest, MoreWithNothingToFollowIsAnErrorAndKeepsWhatWasStored) {
  const std::string a = NewIndicatorId();
  // No `next`, no X-TAXII-Date-Added-Last; a further request would get a 400.
  FakeServer server({Answer(200, Envelope({Indicator(a, kV1)}, true)),
                     Answer(400, ErrorBody("Bad Request", "asked again"))});
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(s.message(), HasSubstr("peer peer-a collection c1"));
  EXPECT_THAT(s.message(), HasSubstr("more objects follow but gives neither `next`"));
  EXPECT_EQ(out.stored, 1);
  EXPECT_THAT(LocalIds(), ElementsAre(a));
  EXPECT_THAT(server.requests(), SizeIs(1));
}

TEST_F(PullTest, MoreWithAnOldDateAddedAndNoNextIsAnError) {
  const std::string a = NewIndicatorId(), b = NewIndicatorId();
  FakeServer server({
      Answer(200, Envelope({Indicator(a, kV1)}, true), DateAddedHeaders(kT2, kT2)),
      Answer(200, Envelope({Indicator(b, kV1)}, true), DateAddedHeaders(kT1, kT2)),
      Answer(400, ErrorBody("Bad Request", "asked again")),
  });
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(s.message(), HasSubstr("later X-TAXII-Date-Added-Last"));
  EXPECT_THAT(LocalIds(), ElementsAre(a, b));
  EXPECT_THAT(server.requests(), SizeIs(2));
}

// Some servers keep one `next` token for a whole paging session, each request with it bringing
// the following page (the OASIS reference server does): followed while the pages are new.
TEST_F(PullTest, OneNextTokenForTheWholeSessionIsFollowed) {
  const std::string a = NewIndicatorId(), b = NewIndicatorId(), c = NewIndicatorId();
  FakeServer server({
      Answer(200, Envelope({Indicator(a, kV1)}, true, "s1"), DateAddedHeaders(kT1, kT1)),
      Answer(200, Envelope({Indicator(b, kV1)}, true, "s1"), DateAddedHeaders(kT2, kT2)),
      Answer(200, Envelope({Indicator(c, kV1)}, false), DateAddedHeaders(kT3, kT3)),
  });
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.pages, 3);
  EXPECT_THAT(LocalIds(), ElementsAre(a, b, c));
  const std::vector<std::string> lines = server.request_lines();
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_THAT(lines[1], HasSubstr("next=s1"));
  EXPECT_THAT(lines[2], HasSubstr("next=s1"));
}

// The same `next` bringing the same page again would be followed forever.
TEST_F(PullTest, SameNextWithTheSamePageAgainIsAnErrorNotAnEndlessLoop) {
  const std::string a = NewIndicatorId();
  const Canned page =
      Answer(200, Envelope({Indicator(a, kV1)}, true, "n1"), DateAddedHeaders(kT1, kT1));
  FakeServer server({page, page, Answer(400, ErrorBody("Bad Request", "asked again"))});
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(s.message(), HasSubstr("the same `next` twice (n1)"));
  EXPECT_EQ(out.stored, 1);
  EXPECT_EQ(out.unchanged, 1);
  EXPECT_THAT(LocalIds(), ElementsAre(a));
  EXPECT_THAT(server.requests(), SizeIs(2));
}

// A server whose `next` tokens go round in a circle (n1, n2, n1, ...) would be followed
// forever if only the previous token were compared.
TEST_F(PullTest, NextTokensGoingRoundInACircleAreAnError) {
  const std::string a = NewIndicatorId(), b = NewIndicatorId(), c = NewIndicatorId();
  FakeServer server({
      Answer(200, Envelope({Indicator(a, kV1)}, true, "n1"), DateAddedHeaders(kT1, kT1)),
      Answer(200, Envelope({Indicator(b, kV1)}, true, "n2"), DateAddedHeaders(kT2, kT2)),
      Answer(200, Envelope({Indicator(c, kV1)}, true, "n1"), DateAddedHeaders(kT3, kT3)),
      Answer(400, ErrorBody("Bad Request", "asked again")),
  });
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_THAT(s.message(), HasSubstr("the same `next` twice (n1)"));
  EXPECT_THAT(LocalIds(), ElementsAre(a, b, c));
  EXPECT_THAT(server.requests(), SizeIs(3));
}

TEST_F(PullTest, SameVersionWithOtherContentKeepsOursAndSaysSo) {
  const std::string a = NewIndicatorId();
  auto ours = taxii::ParseAddObjects(Envelope({Indicator(a, kV1)}), validator_, {});
  ASSERT_TRUE(ours.ok());
  ASSERT_TRUE(local_.store().Put(kCollection, ours->records).ok());
  FakeServer server({Answer(200, Envelope({Indicator(a, kV1, R"(,"description":"theirs")")}, false),
                            DateAddedHeaders(kT1, kT1))});
  UseFake(server);

  PullOutcome out;
  const absl::Status s = Pull(out);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(out.conflicts, 1);
  EXPECT_EQ(out.stored, 0);
  ASSERT_THAT(out.problems, SizeIs(1));
  EXPECT_THAT(out.problems[0], HasSubstr(a + " has a version already stored with other content"));
  const std::vector<store::StoredObject> local = Versions(local_);
  ASSERT_THAT(local, SizeIs(1));
  EXPECT_THAT(local[0].record.body, Not(HasSubstr("theirs")));
}

// A node that fails after the first page (HTTP 500 on every later request, as if it crashed)
// stands for a crash between pages: what page one brought is stored with its cursor, and the
// next pull resumes there and stores the rest exactly once.
TEST_F(PullTest, FailureBetweenPagesKeepsPageOneAndResumesWithoutDoubles) {
  std::atomic<bool> failing{true};
  std::atomic<int> object_gets{0};
  ServeSource(/*page_size=*/2, [&](const http::Request& r) -> std::optional<http::Response> {
    if (r.method != "GET" || !r.path.ends_with("/objects/")) return std::nullopt;
    if (++object_gets > 1 && failing) {
      return ToHttp(taxii::ErrorResponse(500, "Internal Server Error", "node down"));
    }
    return std::nullopt;
  });
  const std::vector<std::string> ids = AddIndicatorsToSource(5);
  const std::vector<store::StoredObject> source = Versions(*source_);

  PullOutcome first;
  const absl::Status s = Pull(first);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_THAT(s.message(), HasSubstr("HTTP 500"));
  EXPECT_EQ(first.pages, 1);
  EXPECT_EQ(first.stored, 2);
  EXPECT_THAT(LocalIds(), ElementsAre(ids[0], ids[1]));
  EXPECT_EQ(Cursor(), source[1].date_added);

  failing = false;
  PullOutcome second;
  const absl::Status resumed = Pull(second);
  ASSERT_TRUE(resumed.ok()) << resumed;
  EXPECT_EQ(second.stored, 3);
  EXPECT_EQ(second.unchanged, 1);  // the object at the cursor's instant, asked again
  EXPECT_EQ(LocalIds(), ids);      // every object once, in order
  EXPECT_EQ(Cursor(), source.back().date_added);
}

TEST_F(PullTest, StoppingReturnsCancelledAndKeepsWhatWasStored) {
  ServeSource(/*page_size=*/2);
  const std::vector<std::string> ids = AddIndicatorsToSource(5);

  PullOutcome before;
  EXPECT_TRUE(absl::IsCancelled(Pull(before, [] { return true; })));
  EXPECT_EQ(before.pages, 0);
  EXPECT_THAT(source_->ObjectRequests("GET"), IsEmpty());

  int asked = 0;
  PullOutcome between;
  const absl::Status s = Pull(between, [&asked] { return ++asked > 1; });  // after page one
  EXPECT_TRUE(absl::IsCancelled(s)) << s;
  EXPECT_EQ(between.pages, 1);
  EXPECT_EQ(between.stored, 2);
  EXPECT_THAT(LocalIds(), ElementsAre(ids[0], ids[1]));
  EXPECT_EQ(Cursor(), Versions(*source_)[1].date_added);
  EXPECT_THAT(source_->ObjectRequests("GET"), SizeIs(1));

  PullOutcome rest;
  ASSERT_TRUE(Pull(rest).ok());
  EXPECT_EQ(rest.stored, 3);
  EXPECT_EQ(LocalIds(), ids);
}

}  // namespace
}  // namespace kongsi::federation
