// Token issue and check with libsodium: randombytes for key ids and secrets, crypto_pwhash_str
// (argon2id, interactive limits) for the stored hash, sodium_memcmp for constant-time
// comparison of remembered digests.
#include "policy/tokens.h"

#include <openssl/sha.h>
#include <sodium.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::policy {
namespace {

constexpr std::string_view kPrefix = "kongsi_";
constexpr size_t kKeyIdBytes = 8;
constexpr size_t kSecretBytes = 32;
constexpr size_t kMaxRemembered = 10000;

absl::Status InitSodium() {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  return absl::OkStatus();
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string Sha256(std::string_view text) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

absl::Status Unauthenticated(std::string_view why) {
  return absl::UnauthenticatedError(std::string(why));
}

}  // namespace

absl::StatusOr<IssuedToken> IssueToken(store::Store& store, const TokenRequest& request,
                                       const util::Clock& clock) {
  KONGSI_RETURN_IF_ERROR(InitSodium());
  if (!ValidName(request.name)) {
    return absl::InvalidArgumentError(util::StrCat(
        "token name \"", request.name, "\" must be 1-64 characters of A-Z a-z 0-9 . _ -"));
  }
  const std::string key_id = absl::BytesToHexString(RandomBytes(kKeyIdBytes));
  const std::string secret = absl::WebSafeBase64Escape(RandomBytes(kSecretBytes));
  std::string hash(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str(hash.data(), secret.data(), secret.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return absl::ResourceExhaustedError("not enough memory to hash the token (argon2id)");
  }
  hash.resize(hash.find('\0'));
  IssuedToken issued;
  issued.token = util::StrCat(kPrefix, key_id, "_", secret);
  issued.record = store::TokenRecord{.name = request.name,
                                     .key_id = key_id,
                                     .secret_hash = hash,
                                     .organisation = request.organisation,
                                     .read = request.read,
                                     .write = request.write,
                                     .created = clock.Now(),
                                     .revoked = std::nullopt};
  KONGSI_RETURN_IF_ERROR(store.CreateToken(issued.record));
  return issued;
}

absl::StatusOr<Principal> TokenAuthenticator::Authenticate(std::string_view authorization) {
  authorization = util::AsStd(absl::StripAsciiWhitespace(util::AsAbsl(authorization)));
  if (authorization.empty()) return Unauthenticated("no credentials");
  const size_t space = authorization.find(' ');
  if (space == std::string_view::npos) return Unauthenticated("malformed Authorization header");
  const std::string scheme = absl::AsciiStrToLower(util::AsAbsl(authorization.substr(0, space)));
  const std::string_view value =
      util::AsStd(absl::StripLeadingAsciiWhitespace(util::AsAbsl(authorization.substr(space + 1))));
  // "Token" is what the OASIS TAXII client library sends (its TokenAuth); same meaning.
  if (scheme == "bearer" || scheme == "token") return Check(value, {});
  if (scheme == "basic") {
    std::string decoded;
    if (!absl::Base64Unescape(util::AsAbsl(value), &decoded)) {
      return Unauthenticated("Basic credentials are not base64");
    }
    const size_t colon = decoded.find(':');
    if (colon == std::string::npos) return Unauthenticated("Basic credentials without ':'");
    return Check(std::string_view(decoded).substr(colon + 1),
                 std::string_view(decoded).substr(0, colon));
  }
  return Unauthenticated(util::StrCat("unsupported authentication scheme ", scheme));
}

absl::StatusOr<Principal> TokenAuthenticator::Check(std::string_view token,
                                                    std::string_view basic_user) {
  // kongsi_<16 hex>_<secret>
  if (!token.starts_with(kPrefix)) return Unauthenticated("not a kongsi token");
  token.remove_prefix(kPrefix.size());
  const size_t sep = token.find('_');
  if (sep != kKeyIdBytes * 2) return Unauthenticated("malformed token");
  const std::string key_id(token.substr(0, sep));
  const std::string_view secret = token.substr(sep + 1);
  if (secret.empty() || secret.size() > 128) return Unauthenticated("malformed token");

  KONGSI_ASSIGN_OR_RETURN(std::optional<store::TokenRecord> record, store_.FindToken(key_id));
  if (!record) return Unauthenticated("unknown token");
  if (record->revoked) return Unauthenticated(util::StrCat("token ", record->name, " is revoked"));
  if (!basic_user.empty() && basic_user != record->name) {
    return Unauthenticated("Basic user name is not the token's name");
  }

  const std::string digest = Sha256(secret);
  const std::string refused_key = util::StrCat(key_id, digest);
  auto remembered = [&] {
    std::lock_guard lock(mu_);
    auto it = verified_.find(key_id);
    return it != verified_.end() && it->second.first == record->secret_hash &&
           sodium_memcmp(it->second.second.data(), digest.data(), digest.size()) == 0;
  };
  auto refused = [&] {
    std::lock_guard lock(mu_);
    return refused_.contains(refused_key);
  };
  if (!remembered()) {
    if (refused()) return Unauthenticated(util::StrCat("wrong secret for token ", record->name));
    std::lock_guard slow(slow_mu_);
    // Another request may have checked the same secret while this one waited.
    if (!remembered()) {
      if (refused()) return Unauthenticated(util::StrCat("wrong secret for token ", record->name));
      KONGSI_RETURN_IF_ERROR(InitSodium());
      const std::string secret_copy(secret);
      const bool ok = crypto_pwhash_str_verify(record->secret_hash.c_str(), secret_copy.data(),
                                               secret_copy.size()) == 0;
      std::lock_guard lock(mu_);
      if (!ok) {
        if (refused_.size() >= kMaxRemembered) refused_.clear();
        refused_.insert(refused_key);
        return Unauthenticated(util::StrCat("wrong secret for token ", record->name));
      }
      if (verified_.size() >= kMaxRemembered) verified_.clear();
      verified_[key_id] = {record->secret_hash, digest};
    }
  }
  Principal principal;
  principal.name = record->name;
  principal.organisation = record->organisation;
  principal.read = std::move(record->read);
  principal.write = std::move(record->write);
  return principal;
}

}  // namespace kongsi::policy
