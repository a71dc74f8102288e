// TLS for the HTTP server: builds the server-side OpenSSL context from PEM files.
//
// Policy: TLS 1.2 minimum, no compression, no renegotiation, server cipher preference;
// OpenSSL's default cipher list (system-wide crypto policy) otherwise.
// Ownership: the caller owns the returned context and keeps it alive while any connection
// uses it. Thread-safety: building is not shared state; a built context may be used by many
// connections on several threads at once (OpenSSL SSL_CTX semantics).
// Errors: InvalidArgument naming the file and OpenSSL's reason when the certificate chain or
// the private key cannot be loaded or do not match.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "http/asio.h"

namespace kongsi::http::detail {

absl::StatusOr<std::unique_ptr<net::ssl::context>> MakeTlsServerContext(
    const std::string& cert_chain_file, const std::string& private_key_file);

}  // namespace kongsi::http::detail
