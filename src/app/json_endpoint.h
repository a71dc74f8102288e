// What the node's small JSON endpoints beside TAXII (/kongsi/notify, /api/v1/lookup) share:
// TAXII-style error answers, and the checks every request passes first (POST only, a valid
// Bearer or Basic token, a body size limit).
#pragma once

#include <cstddef>
#include <string_view>
#include <variant>

#include "http/request.h"
#include "policy/tokens.h"

namespace kongsi::app {

// A TAXII error resource as an HTTP response, labelled with `route` for the access log.
http::Response EndpointError(std::string_view route, int status, std::string_view title,
                             std::string_view description);

// The caller's principal, or the answer to send instead: 405 (with Allow) for a method other
// than POST, 401 (with WWW-Authenticate) without a valid token, 413 for a body over
// `max_body` bytes. `what` names the requests in messages ("lookups", "a lookup").
std::variant<policy::Principal, http::Response> AcceptPost(const http::Request& request,
                                                           policy::TokenAuthenticator& tokens,
                                                           std::string_view route, size_t max_body);

}  // namespace kongsi::app
