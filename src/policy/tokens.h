// API tokens: issuing them and authenticating requests that carry them (HTTP Bearer, the
// "Token" scheme some TAXII clients send, or HTTP Basic with the token name as user and the
// token as password).
//
// A token reads `kongsi_<key id>_<secret>`: the key id (16 hex digits) finds the stored
// record; the secret (32 random bytes, base64url) is checked against its libsodium argon2id
// hash in constant time. Only the hash is stored; the token is shown once, when issued.
// Because argon2id is deliberately slow, a successful check is remembered (SHA-256 of the
// secret per key id, in memory), so later requests with the same token cost a hash and one
// indexed read; the stored record is read on every request, so revocation and changed
// rights apply at once. A wrong secret is remembered too (a bounded set of digests), and
// only one slow check runs at a time, so repeated guesses cannot make the server spend
// more than one argon2id computation (64 MiB, tens of milliseconds) at once.
//
// Thread-safe; the store must outlive the authenticator.
// Errors: Unauthenticated (missing, malformed, unknown, wrong or revoked credentials; the
// message says which, for the server's log, but clients see one generic answer);
// AlreadyExists / InvalidArgument from IssueToken; storage errors as they come.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "policy/principal.h"
#include "store/store.h"
#include "util/time.h"

namespace kongsi::policy {

struct TokenRequest {
  std::string name;                // 1-64 of [A-Za-z0-9._-]
  std::string organisation;        // who holds it (policy); may be empty
  std::vector<std::string> read;   // collection ids or "*"
  std::vector<std::string> write;  // collection ids or "*"
};

struct IssuedToken {
  std::string token;  // the only time the secret exists outside the caller's memory
  store::TokenRecord record;
};

// Creates a token and stores its record. InvalidArgument for a bad name; AlreadyExists when a
// live token has that name.
absl::StatusOr<IssuedToken> IssueToken(store::Store& store, const TokenRequest& request,
                                       const util::Clock& clock);

class TokenAuthenticator {
 public:
  explicit TokenAuthenticator(store::Store& store) : store_(store) {}

  // Authenticates the value of an HTTP Authorization header ("Bearer <token>",
  // "Token <token>" or "Basic <base64 name:token>"). An empty header is Unauthenticated too.
  absl::StatusOr<Principal> Authenticate(std::string_view authorization);

 private:
  absl::StatusOr<Principal> Check(std::string_view token, std::string_view basic_user);

  store::Store& store_;
  std::mutex mu_;
  // key id -> (stored hash it was checked against, SHA-256 of the secret that passed).
  absl::flat_hash_map<std::string, std::pair<std::string, std::string>> verified_;
  // key id + SHA-256 of secrets that failed the check.
  absl::flat_hash_set<std::string> refused_;
  std::mutex slow_mu_;  // serialises argon2id checks
};

}  // namespace kongsi::policy
