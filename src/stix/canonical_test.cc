// Minified bodies keep input order; content hashes ignore key order and white space.
#include "stix/canonical.h"

#include "gtest/gtest.h"

namespace kongsi::stix {
namespace {

simdjson::dom::element Parse(simdjson::dom::parser& parser, std::string_view text) {
  return parser.parse(text.data(), text.size()).value();
}

TEST(Canonical, MinifyKeepsKeyOrder) {
  simdjson::dom::parser parser;
  EXPECT_EQ(Minify(Parse(parser, R"({ "b" : 1,  "a" : [ true , "x" ] })")),
            R"({"b":1,"a":[true,"x"]})");
}

TEST(Canonical, HashIgnoresKeyOrderAndWhitespace) {
  simdjson::dom::parser p1, p2, p3;
  const std::string h1 = ContentHash(Parse(p1, R"({"a":1,"b":{"y":2,"x":"s"}})"));
  const std::string h2 = ContentHash(Parse(p2, R"({ "b": {"x":"s", "y":2}, "a": 1 })"));
  const std::string h3 = ContentHash(Parse(p3, R"({"a":1,"b":{"y":2,"x":"t"}})"));
  EXPECT_EQ(h1.size(), 32u);
  EXPECT_EQ(h1, h2);
  EXPECT_NE(h1, h3);
}

TEST(Canonical, EscapesKeys) {
  simdjson::dom::parser parser;
  // Quotes and backslashes are escaped with a backslash, control characters as \u00XX.
  EXPECT_EQ(CanonicalJson(Parse(parser, R"({"q\"k":"v\n\\"})")), R"({"q\"k":"v\u000a\\"})");
}

TEST(Canonical, MinifyTextKeepsTheReceivedSpelling) {
  EXPECT_EQ(MinifyText("{ \"a\" : \"caf\\u00e9 x\" ,\n \"n\": 1.50E+2 }"),
            R"({"a":"caf\u00e9 x","n":1.50E+2})");
}

}  // namespace
}  // namespace kongsi::stix
