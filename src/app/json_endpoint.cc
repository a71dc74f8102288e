// Shared checks and error answers of the JSON endpoints (see json_endpoint.h).
#include "app/json_endpoint.h"

#include <utility>

#include "taxii/error.h"
#include "util/strings.h"

namespace kongsi::app {

http::Response EndpointError(std::string_view route, int status, std::string_view title,
                             std::string_view description) {
  taxii::Response t = taxii::ErrorResponse(status, title, description);
  http::Response r;
  r.status = t.status;
  r.content_type = std::move(t.content_type);
  r.body = std::move(t.body);
  r.headers = std::move(t.headers);
  r.route = std::string(route);
  return r;
}

std::variant<policy::Principal, http::Response> AcceptPost(const http::Request& request,
                                                           policy::TokenAuthenticator& tokens,
                                                           std::string_view route,
                                                           size_t max_body) {
  if (request.method != "POST") {
    http::Response r = EndpointError(route, 405, "Method Not Allowed", "this endpoint takes POST");
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  absl::StatusOr<policy::Principal> principal =
      tokens.Authenticate(request.Header("Authorization"));
  if (!principal.ok()) {
    http::Response r =
        EndpointError(route, 401, "Unauthorized", util::AsStd(principal.status().message()));
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (request.body.size() > max_body) {
    return EndpointError(route, 413, "Payload Too Large",
                         util::StrCat("the body has at most ", max_body, " bytes"));
  }
  return *std::move(principal);
}

}  // namespace kongsi::app
