#include "http/request.h"

#include "gtest/gtest.h"

namespace kongsi::http {
namespace {

TEST(RequestTest, HeaderLookupIsCaseInsensitiveAndReturnsTheFirst) {
  Request request;
  request.headers = {{"Accept", "application/taxii+json"},
                     {"X-Dup", "first"},
                     {"x-dup", "second"},
                     {"Authorization", "Bearer t"}};
  EXPECT_EQ(request.Header("accept"), "application/taxii+json");
  EXPECT_EQ(request.Header("ACCEPT"), "application/taxii+json");
  EXPECT_EQ(request.Header("X-DUP"), "first");
  EXPECT_EQ(request.Header("authorization"), "Bearer t");
  EXPECT_EQ(request.Header("missing"), "");
  EXPECT_EQ(request.Header("accep"), "");
}

}  // namespace
}  // namespace kongsi::http
