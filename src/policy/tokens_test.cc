// API tokens: issued once, stored hashed, checked for Bearer and Basic, revocation immediate.
#include "policy/tokens.h"

#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/uuid.h"

// Records and queries below name only the fields a test is about.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::policy {
namespace {

class TokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kongsi-tokens-test-" + util::NewUuidV4());
    std::filesystem::create_directories(dir_);
    store_ = std::move(store::Store::Open({.path = (dir_ / "store.db").string()}).value());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  IssuedToken Issue(const std::string& name) {
    auto issued = IssueToken(
        *store_, {.name = name, .organisation = "bank-a", .read = {"c1"}, .write = {"*"}},
        util::SystemClock::Get());
    EXPECT_TRUE(issued.ok()) << issued.status();
    return *issued;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(TokensTest, IssuedTokenAuthenticatesAsBearerWithItsRights) {
  IssuedToken issued = Issue("soc-bank-a");
  EXPECT_THAT(issued.token, ::testing::StartsWith("kongsi_"));
  // Only the argon2id hash is stored, never the secret.
  EXPECT_THAT(issued.record.secret_hash, ::testing::StartsWith("$argon2id$"));
  const std::string secret = issued.token.substr(issued.token.rfind('_') + 1);
  auto stored = store_->ListTokens();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->at(0).secret_hash.find(secret), std::string::npos);

  TokenAuthenticator auth(*store_);
  for (int i = 0; i < 2; ++i) {  // the second check is served from the remembered digest
    auto principal = auth.Authenticate("Bearer " + issued.token);
    ASSERT_TRUE(principal.ok()) << principal.status();
    EXPECT_EQ(principal->name, "soc-bank-a");
    EXPECT_EQ(principal->organisation, "bank-a");
    EXPECT_TRUE(principal->CanRead("c1"));
    EXPECT_FALSE(principal->CanRead("c2"));
    EXPECT_TRUE(principal->CanWrite("c2"));
    EXPECT_FALSE(principal->local_operator);
  }
}

TEST_F(TokensTest, TokenSchemeOfTaxiiClientsIsBearer) {
  IssuedToken issued = Issue("soc-bank-a");
  TokenAuthenticator auth(*store_);
  EXPECT_TRUE(auth.Authenticate("Token " + issued.token).ok());
  EXPECT_TRUE(auth.Authenticate("bearer " + issued.token).ok());
}

TEST_F(TokensTest, BasicNeedsTheTokenNameAsUser) {
  IssuedToken issued = Issue("soc-bank-a");
  TokenAuthenticator auth(*store_);
  auto basic = [](const std::string& user_pass) {
    return "Basic " + absl::Base64Escape(user_pass);
  };
  EXPECT_TRUE(auth.Authenticate(basic("soc-bank-a:" + issued.token)).ok());
  EXPECT_TRUE(
      absl::IsUnauthenticated(auth.Authenticate(basic("someone-else:" + issued.token)).status()));
  EXPECT_TRUE(absl::IsUnauthenticated(auth.Authenticate("Basic !!!").status()));
}

TEST_F(TokensTest, WrongMalformedAndMissingCredentialsAreUnauthenticated) {
  IssuedToken issued = Issue("soc-bank-a");
  TokenAuthenticator auth(*store_);
  ASSERT_TRUE(auth.Authenticate("Bearer " + issued.token).ok());
  std::string wrong = issued.token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  for (const std::string& header :
       {std::string(), std::string("Bearer"), "Bearer " + wrong, std::string("Bearer kongsi_x"),
        std::string("Bearer kongsi_0123456789abcdef_secret"), std::string("Digest abc"),
        std::string("Bearer ") + issued.token.substr(0, 20)}) {
    EXPECT_TRUE(absl::IsUnauthenticated(auth.Authenticate(header).status())) << header;
  }
}

TEST_F(TokensTest, ConcurrentChecksOfTheSameTokenAllSucceedAndWrongOnesAllFail) {
  IssuedToken issued = Issue("soc-bank-a");
  std::string wrong = issued.token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  TokenAuthenticator auth(*store_);
  std::atomic<int> good{0}, bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        if (auth.Authenticate("Bearer " + issued.token).ok()) ++good;
        if (!auth.Authenticate("Bearer " + wrong).ok()) ++bad;
      }
      (void)t;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 24);
  EXPECT_EQ(bad.load(), 24);
}

TEST_F(TokensTest, RevocationAppliesAtOnceEvenToRememberedTokens) {
  IssuedToken issued = Issue("soc-bank-a");
  TokenAuthenticator auth(*store_);
  ASSERT_TRUE(auth.Authenticate("Bearer " + issued.token).ok());
  ASSERT_TRUE(store_->RevokeToken("soc-bank-a").ok());
  EXPECT_TRUE(absl::IsUnauthenticated(auth.Authenticate("Bearer " + issued.token).status()));
  // The name can be issued again; the old token stays dead.
  IssuedToken again = Issue("soc-bank-a");
  EXPECT_TRUE(auth.Authenticate("Bearer " + again.token).ok());
  EXPECT_FALSE(auth.Authenticate("Bearer " + issued.token).ok());
}

TEST_F(TokensTest, BadNamesAndDuplicatesAreRefused) {
  Issue("soc-bank-a");
  EXPECT_TRUE(absl::IsAlreadyExists(
      IssueToken(*store_, {.name = "soc-bank-a"}, util::SystemClock::Get()).status()));
  for (const char* name : {"", "has space", "semi;colon", "ünïcode"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(
        IssueToken(*store_, {.name = name}, util::SystemClock::Get()).status()))
        << name;
  }
}

}  // namespace
}  // namespace kongsi::policy
