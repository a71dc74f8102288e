#include "http/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "util/strings.h"

namespace kongsi::http::detail {
namespace {

// OpenSSL's queued reason, or Asio's message when the queue is empty.
std::string Reason(const error_code& ec) {
  unsigned long err = ERR_get_error();  // NOLINT(runtime/int): OpenSSL's type
  ERR_clear_error();
  if (err == 0) return ec.message();
  char buf[256];
  ERR_error_string_n(err, buf, sizeof(buf));
  return buf;
}

}  // namespace

absl::StatusOr<std::unique_ptr<net::ssl::context>> MakeTlsServerContext(
    const std::string& cert_chain_file, const std::string& private_key_file) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  error_code ec;
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression |
                       net::ssl::context::single_dh_use,
                   ec);
  SSL_CTX* native = ctx->native_handle();
  if (ec || SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return absl::InvalidArgumentError(util::StrCat("cannot configure TLS: ", Reason(ec)));
  }
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);

  ctx->use_certificate_chain_file(cert_chain_file, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        util::StrCat("cannot load TLS certificate chain ", cert_chain_file, ": ", Reason(ec)));
  }
  ctx->use_private_key_file(private_key_file, net::ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        util::StrCat("cannot load TLS private key ", private_key_file, ": ", Reason(ec)));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return absl::InvalidArgumentError(util::StrCat("TLS private key ", private_key_file,
                                                   " does not match the certificate in ",
                                                   cert_chain_file, ": ", Reason(ec)));
  }
  return ctx;
}

}  // namespace kongsi::http::detail
