// UUID generation and parsing, including the STIX SCO namespace for UUIDv5 ids.
#include "util/uuid.h"

#include <set>

#include "gtest/gtest.h"

namespace kongsi::util {
namespace {

TEST(Uuid, V4IsRandomVersion4Rfc4122) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = NewUuidV4();
    auto bytes = ParseUuid(u);
    ASSERT_TRUE(bytes.has_value()) << u;
    EXPECT_EQ(UuidVersion(*bytes), 4);
    EXPECT_TRUE(IsRfc4122Variant(*bytes));
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Uuid, V5MatchesAnIndependentComputation) {
  // Python: uuid.uuid5(uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"),
  //                    '{"value":"198.51.100.3"}')
  EXPECT_EQ(UuidV5(kStixScoNamespace, R"({"value":"198.51.100.3"})"),
            "28bb3599-77cd-5a82-a950-b5bc3caf07c4");
}

TEST(Uuid, ParseRejectsMalformed) {
  EXPECT_FALSE(ParseUuid("").has_value());
  EXPECT_FALSE(ParseUuid("not-a-uuid").has_value());
  EXPECT_FALSE(ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430cg").has_value());
  EXPECT_FALSE(ParseUuid("6ba7b8109dad-11d1-80b4-00c04fd430c8-").has_value());
  auto ok = ParseUuid("6BA7B810-9DAD-11D1-80B4-00C04FD430C8");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(FormatUuid(*ok), "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
}

}  // namespace
}  // namespace kongsi::util
