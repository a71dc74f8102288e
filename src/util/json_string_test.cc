// JSON string literals: JSON.stringify's escaping, UTF-8 kept, invalid UTF-8 replaced.
#include "util/json_string.h"

#include <nlohmann/json.hpp>

#include "gtest/gtest.h"

namespace kongsi::util {
namespace {

std::string Json(std::string_view s) {
  std::string out;
  AppendJsonString(s, out);
  return out;
}

TEST(JsonStringTest, EscapesAsJsonStringifyDoes) {
  EXPECT_EQ(Json("plain"), "\"plain\"");
  EXPECT_EQ(Json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Json("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(Json(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(Json("/ \x7f"), "\"/ \x7f\"");  // neither '/' nor DEL is escaped
  EXPECT_EQ(Json("\xc3\xa9 \xf0\x9f\x94\x92"), "\"\xc3\xa9 \xf0\x9f\x94\x92\"");
}

TEST(JsonStringTest, InvalidUtf8BecomesReplacementCharacters) {
  // A lone continuation byte, an overlong form, a surrogate, a truncated sequence.
  for (std::string_view bad : {"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82"}) {
    const std::string out = Json(bad);
    EXPECT_TRUE(nlohmann::json::accept(out)) << out;
    EXPECT_NE(out.find("\xef\xbf\xbd"), std::string::npos) << out;
  }
  EXPECT_EQ(Utf8SequenceLength("\xf4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\xf4\x8f\xbf\xbf", 0), 4u);
}

}  // namespace
}  // namespace kongsi::util
