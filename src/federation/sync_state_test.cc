// Tests of the federation state kept in store metadata: what `kongsi sync status` reads back,
// and how text a peer had a say in is made fit for logs and the status record.
#include "federation/sync_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "util/uuid.h"

namespace kongsi::federation {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

TEST(SyncStateTest, PeerTextIsOneLineAndBounded) {
  EXPECT_EQ(Printable("HTTP 400: bad\r\nX-Injected: yes\tend"),
            "HTTP 400: bad  X-Injected: yes end");
  const std::string huge(5000, 'a');
  const std::string cut = Printable(huge);
  EXPECT_EQ(cut.size(), kMaxProblemBytes + 6);
  EXPECT_EQ(cut.substr(kMaxProblemBytes), " [...]");
}

TEST(SyncStateTest, OnlyTheLastProblemsAreKept) {
  PeerStatus status;
  for (int i = 0; i < 25; ++i) AddProblem(status, "problem " + std::to_string(i) + "\n");
  ASSERT_THAT(status.recent_problems, SizeIs(kMaxRecentProblems));
  EXPECT_EQ(status.recent_problems.front(), "problem 5 ");
  EXPECT_EQ(status.recent_problems.back(), "problem 24 ");
}

TEST(SyncStateTest, StatusAndCursorsReadBackFromTheStore) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("kongsi-sync-state-" + util::NewUuidV4());
  std::filesystem::create_directories(dir);
  {
    auto store = store::Store::Open({.path = (dir / "store.db").string()});
    ASSERT_TRUE(store.ok()) << store.status();
    auto empty = ReadPeerStatus(**store, "sg-cert");
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->runs, 0);
    EXPECT_FALSE(empty->last_success.has_value());

    PeerStatus s;
    s.runs = 3;
    s.objects_in = 10;
    s.objects_out = 4;
    s.last_success = 1'700'000'000'123'456;
    s.last_error = "HTTP 503";
    AddProblem(s, "rejected indicator--x");
    ASSERT_TRUE(WritePeerStatus(**store, "sg-cert", s).ok());
    auto back = ReadPeerStatus(**store, "sg-cert");
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->runs, 3);
    EXPECT_EQ(back->objects_in, 10);
    EXPECT_EQ(back->objects_out, 4);
    EXPECT_EQ(back->last_success, 1'700'000'000'123'456);  // microseconds survive
    EXPECT_EQ(back->last_error, "HTTP 503");
    EXPECT_THAT(back->recent_problems, ElementsAre("rejected indicator--x"));

    const std::string key = PullCursorKey("sg-cert", "remote", "local");
    ASSERT_TRUE((*store)->SetMeta(key, CursorText(1'700'000'000'000'001)).ok());
    auto cursor = ReadCursor(**store, key);
    ASSERT_TRUE(cursor.ok());
    EXPECT_EQ(*cursor, 1'700'000'000'000'001);
    ASSERT_TRUE((*store)->SetMeta(key, "not a time").ok());
    EXPECT_EQ(ReadCursor(**store, key).status().code(), absl::StatusCode::kInvalidArgument);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kongsi::federation
