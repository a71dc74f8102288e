// Content negotiation: the Accept and Content-Type variants clients send.
#include "taxii/media_type.h"

#include "gtest/gtest.h"

namespace kongsi::taxii {
namespace {

TEST(MediaTypeTest, AcceptVariantsClientsSend) {
  for (const char* accept :
       {"", "application/taxii+json;version=2.1", "application/taxii+json; version=2.1",
        "application/taxii+json", "APPLICATION/TAXII+JSON;VERSION=2.1",
        "application/taxii+json;version=\"2.1\"", "*/*", "application/*",
        "text/html, application/taxii+json;version=2.1;q=0.9",
        "application/json;q=0.5, application/taxii+json;version=2.1"}) {
    EXPECT_TRUE(AcceptsTaxii(accept)) << accept;
  }
}

TEST(MediaTypeTest, AcceptRefusals) {
  for (const char* accept :
       {"application/json", "application/taxii+json;version=2.0", "text/html",
        "application/stix+json;version=2.1", "application/taxii+json;version=2.1;q=0",
        "application/taxii+json;q=abc"}) {
    EXPECT_FALSE(AcceptsTaxii(accept)) << accept;
  }
}

TEST(MediaTypeTest, ContentType) {
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json;version=2.1"));
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json; version=2.1; charset=utf-8"));
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json"));
  EXPECT_FALSE(IsTaxiiContentType(""));
  EXPECT_FALSE(IsTaxiiContentType("application/json"));
  EXPECT_FALSE(IsTaxiiContentType("application/taxii+json;version=2.0"));
  EXPECT_FALSE(IsTaxiiContentType("application/stix+json;version=2.1"));
}

}  // namespace
}  // namespace kongsi::taxii
