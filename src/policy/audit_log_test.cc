// Group commit of audit records: every record of every concurrent caller is stored once.
#include "policy/audit_log.h"

#include <filesystem>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "util/uuid.h"

// Records and queries below name only the fields a test is about.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::policy {
namespace {

TEST(AuditLogTest, ConcurrentAppendsAreAllDurableExactlyOnce) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kongsi-audit-test-" + util::NewUuidV4());
  std::filesystem::create_directories(dir);
  {
    auto store = std::move(store::Store::Open({.path = (dir / "store.db").string()}).value());
    AuditLog log(*store);
    constexpr int kThreads = 8, kAppends = 50, kPerAppend = 3;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int a = 0; a < kAppends; ++a) {
          store::AuditEvent event{
              .time = 1, .principal = "p" + std::to_string(t), .channel = "taxii"};
          for (int r = 0; r < kPerAppend; ++r) {
            event.objects.push_back(
                {.id = std::to_string(t) + "/" + std::to_string(a) + "/" + std::to_string(r)});
          }
          EXPECT_TRUE(log.Append({&event, 1}).ok());
        }
      });
    }
    for (auto& th : threads) th.join();
    auto stored = store->ReadAudit({});
    ASSERT_TRUE(stored.ok());
    std::set<std::string> ids;
    for (const auto& r : *stored) ids.insert(r.object_id);
    EXPECT_EQ(stored->size(), size_t{kThreads * kAppends * kPerAppend});
    EXPECT_EQ(ids.size(), stored->size());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kongsi::policy
