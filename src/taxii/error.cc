// Error resources. The title is the HTTP reason phrase, the description says what was wrong
// and where; error_code is a stable short word clients can switch on.
#include "taxii/error.h"

#include <nlohmann/json.hpp>

#include "spdlog/spdlog.h"

namespace kongsi::taxii {
namespace {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

const char* ErrorCode(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 406:
      return "not_acceptable";
    case 408:
      return "request_timeout";
    case 409:
      return "conflict";
    case 412:
      return "precondition_failed";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    case 431:
      return "header_too_large";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal_error" : "error";
  }
}

}  // namespace

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kFailedPrecondition:
      return 412;
    case absl::StatusCode::kResourceExhausted:
      return 413;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

Response ErrorResponse(int http_status, std::string_view title, std::string_view description) {
  nlohmann::json body = {{"title", title.empty() ? ReasonPhrase(http_status) : title},
                         {"error_code", ErrorCode(http_status)},
                         {"http_status", std::to_string(http_status)}};
  if (!description.empty()) body["description"] = description;
  Response r;
  r.status = http_status;
  r.content_type = std::string(kTaxiiMediaType);
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response ErrorFromStatus(const absl::Status& status) {
  const int http = HttpStatusOf(status.code());
  if (http == 500) {
    spdlog::error("internal error: {}", std::string(status.message()));
    return ErrorResponse(500, {}, "the server failed to process the request; see its log");
  }
  if (http == 503) spdlog::warn("unavailable: {}", std::string(status.message()));
  return ErrorResponse(http, {},
                       std::string_view(status.message().data(), status.message().size()));
}

}  // namespace kongsi::taxii
