#include "http/tls.h"

#include <openssl/ssl.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::http::detail {
namespace {

const std::string kTlsDir = std::string(KONGSI_TEST_DATA_DIR) + "/tls";

TEST(TlsTest, LoadsTheFixtureWithTls12Minimum) {
  auto ctx = MakeTlsServerContext(kTlsDir + "/server.crt", kTlsDir + "/server.key");
  ASSERT_TRUE(ctx.ok()) << ctx.status();
  EXPECT_EQ(SSL_CTX_get_min_proto_version((*ctx)->native_handle()), TLS1_2_VERSION);
  EXPECT_NE(SSL_CTX_get_options((*ctx)->native_handle()) & SSL_OP_NO_RENEGOTIATION, 0u);
}

TEST(TlsTest, UnloadableFilesAreInvalidArgumentNamingTheFile) {
  auto no_cert = MakeTlsServerContext(kTlsDir + "/absent.crt", kTlsDir + "/server.key");
  ASSERT_FALSE(no_cert.ok());
  EXPECT_EQ(no_cert.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_cert.status().message()), ::testing::HasSubstr("absent.crt"));

  auto key_is_cert = MakeTlsServerContext(kTlsDir + "/server.crt", kTlsDir + "/server.crt");
  ASSERT_FALSE(key_is_cert.ok());
  EXPECT_EQ(key_is_cert.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(key_is_cert.status().message()), ::testing::HasSubstr("private key"));
}

}  // namespace
}  // namespace kongsi::http::detail
