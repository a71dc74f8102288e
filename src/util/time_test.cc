// RFC 3339 parsing and formatting, as STIX timestamps use them.
#include "util/time.h"

#include "gtest/gtest.h"

namespace kongsi::util {
namespace {

TEST(Rfc3339, ParsesUtcWithMilliseconds) {
  auto t = ParseRfc3339("2016-05-12T08:17:27.123Z");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->micros, 1463041047123000);
  EXPECT_EQ(t->fraction_digits, 3);
  EXPECT_TRUE(t->utc_z);
}

TEST(Rfc3339, ParsesWholeSecondsAndLongFractions) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z")->micros, 0);
  auto nanos = ParseRfc3339("1970-01-01T00:00:01.123456789Z");
  ASSERT_TRUE(nanos.ok());
  EXPECT_EQ(nanos->micros, 1123456);  // digits beyond microseconds are truncated
  EXPECT_EQ(nanos->fraction_digits, 9);
}

TEST(Rfc3339, AppliesOffsets) {
  auto t = ParseRfc3339("2016-05-12T10:17:27+02:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->micros, ParseRfc3339("2016-05-12T08:17:27Z")->micros);
  EXPECT_FALSE(t->utc_z);
}

TEST(Rfc3339, HandlesDatesBeforeTheEpochAndLeapDays) {
  EXPECT_EQ(ParseRfc3339("1969-12-31T23:59:59Z")->micros, -1000000);
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("2023-02-29T00:00:00Z").ok());
}

TEST(Rfc3339, RejectsMalformedInputWithAReason) {
  for (const char* bad : {"", "2016-05-12", "2016-05-12 08:17:27Z", "2016-13-01T00:00:00Z",
                          "2016-05-12T24:00:00Z", "2016-05-12T08:17:27", "2016-05-12T08:17:27.Z",
                          "2016-05-12T08:17:27Zjunk", "2016-05-32T08:17:27Z"}) {
    auto t = ParseRfc3339(bad);
    EXPECT_FALSE(t.ok()) << bad;
    if (!t.ok()) {
      EXPECT_NE(std::string(t.status().message()).find("invalid RFC 3339"), std::string::npos);
    }
  }
}

TEST(Rfc3339, FormatRoundTrips) {
  for (const char* text :
       {"2016-05-12T08:17:27.123Z", "1969-07-20T20:17:40.000Z", "2038-01-19T03:14:08.999Z"}) {
    auto t = ParseRfc3339(text);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(FormatRfc3339(t->micros, 3), text);
  }
  EXPECT_EQ(FormatRfc3339(1, 6), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(FormatRfc3339(0, 0), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace kongsi::util
