// Event timestamps as Suricata and Zeek write them.
#include "match/event_time.h"

#include "gtest/gtest.h"

namespace kongsi::match {
namespace {

TEST(EventTimeTest, SuricataOffsetsWithAndWithoutColon) {
  // 2017-03-24T15:28:33.123456Z = 1490369313.123456
  EXPECT_EQ(ParseEventTime("2017-03-24T15:28:33.123456+0000"), 1490369313123456);
  EXPECT_EQ(ParseEventTime("2017-03-24T15:28:33.123456Z"), 1490369313123456);
  EXPECT_EQ(ParseEventTime("2017-03-24T17:28:33.123456+02:00"), 1490369313123456);
  EXPECT_EQ(ParseEventTime("2017-03-24T10:58:33.123456-0430"), 1490369313123456);
  EXPECT_EQ(ParseEventTime("2017-03-24T15:28:33+0000"), 1490369313000000);
}

TEST(EventTimeTest, ZeekEpochSeconds) {
  EXPECT_EQ(ParseEventTime("1320279566.452687"), 1320279566452687);
  EXPECT_EQ(ParseEventTime("1320279566"), 1320279566000000);
  EXPECT_EQ(ParseEventTime("0.5"), 500000);
}

TEST(EventTimeTest, RejectsWhatIsNotATime) {
  EXPECT_FALSE(ParseEventTime(""));
  EXPECT_FALSE(ParseEventTime("-"));
  EXPECT_FALSE(ParseEventTime("12a"));
  EXPECT_FALSE(ParseEventTime("2017-13-24T15:28:33Z"));
  EXPECT_FALSE(ParseEventTime("2017-03-24T15:28:33.Z"));
  EXPECT_FALSE(ParseEventTime("2017-03-24T15:28:33+00"));
  EXPECT_FALSE(ParseEventTime("2017-03-24T15:28:33Zjunk"));
}

}  // namespace
}  // namespace kongsi::match
