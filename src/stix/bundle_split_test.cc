// The bundle splitter must cut exactly where a JSON parser would, or decline.
#include "stix/bundle_split.h"

#include "gtest/gtest.h"

namespace kongsi::stix {
namespace {

TEST(BundleSplit, CutsObjectsAndKeepsTheEnvelope) {
  BundleSplit s;
  ASSERT_TRUE(SplitBundle(
      R"( { "type" : "bundle", "objects" : [ {"a":"x,]}"} , {"b":[1,{"c":"\"]"}]} ], "id":"bundle--1" } )",
      s));
  ASSERT_EQ(s.objects.size(), 2u);
  EXPECT_EQ(s.objects[0], R"({"a":"x,]}"})");
  EXPECT_EQ(s.objects[1], R"({"b":[1,{"c":"\"]"}]})");
  EXPECT_EQ(s.envelope, R"({"type":"bundle","id":"bundle--1"})");
}

TEST(BundleSplit, HandlesEscapedBackslashesBeforeQuotes) {
  BundleSplit s;
  ASSERT_TRUE(SplitBundle(R"({"objects":[{"p":"C:\\"},{"q":"a\\\"b"}]})", s));
  ASSERT_EQ(s.objects.size(), 2u);
  EXPECT_EQ(s.objects[0], R"({"p":"C:\\"})");
  EXPECT_EQ(s.objects[1], R"({"q":"a\\\"b"})");
}

TEST(BundleSplit, EmptyObjectsAndScalarsAreCut) {
  BundleSplit s;
  ASSERT_TRUE(SplitBundle(R"({"type":"bundle","objects":[]})", s));
  EXPECT_TRUE(s.objects.empty());
  ASSERT_TRUE(SplitBundle(R"({"objects":[42, "x", null]})", s));
  ASSERT_EQ(s.objects.size(), 3u);
  EXPECT_EQ(s.objects[0], "42");
}

TEST(BundleSplit, DeclinesWhatItCannotSplit) {
  BundleSplit s;
  for (const char* text : {
           "", "[]", "{}",
           R"({"type":"bundle"})",                     // no objects array
           R"({"objects":{"0":{}}})",                  // objects is not an array
           R"({"objects":[{"a":1}]} {"objects":[]})",  // JSON lines
           R"({"objects":[{"a":1}])",                  // unterminated
           R"({"objects":[{"a":"1}]})",                // unterminated string
           R"({"objects":[{"a":1},]})",                // trailing comma
           R"({"objects":[{"a":1}] "x":1})",           // missing comma
       }) {
    EXPECT_FALSE(SplitBundle(text, s)) << text;
  }
}

}  // namespace
}  // namespace kongsi::stix
