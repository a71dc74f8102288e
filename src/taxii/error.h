// TAXII error message resources (TAXII 2.1 section 3.6.1): every error the service answers is
// one, with the HTTP status it travels with. Each absl::StatusCode maps to one HTTP status.
//
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "taxii/message.h"

namespace kongsi::taxii {

// The HTTP status for a status code: InvalidArgument 400, Unauthenticated 401,
// PermissionDenied 403, NotFound 404, AlreadyExists 409, FailedPrecondition 412,
// ResourceExhausted 413, Unavailable 503, anything else 500.
int HttpStatusOf(absl::StatusCode code);

// An error resource {title, description, error_code, http_status} with the TAXII media type.
Response ErrorResponse(int http_status, std::string_view title, std::string_view description);

// The error resource for `status`. Internal errors do not reveal their message to clients
// (it goes to the server log instead).
Response ErrorFromStatus(const absl::Status& status);

}  // namespace kongsi::taxii
