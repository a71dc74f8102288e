// The notification endpoint: authenticate, parse a tiny JSON body, wake the pulls.
#include "app/notify_endpoint.h"

#include <nlohmann/json.hpp>

#include "taxii/error.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

constexpr size_t kMaxNotifyBody = 4096;

http::Response Error(int status, std::string_view title, std::string_view description) {
  taxii::Response t = taxii::ErrorResponse(status, title, description);
  http::Response r;
  r.status = t.status;
  r.content_type = std::move(t.content_type);
  r.body = std::move(t.body);
  r.headers = std::move(t.headers);
  r.route = "kongsi.notify";
  return r;
}

}  // namespace

http::Response HandleNotify(const http::Request& request, policy::TokenAuthenticator& tokens,
                            federation::Federation& federation) {
  if (request.method != "POST") {
    http::Response r = Error(405, "Method Not Allowed", "notifications are POSTed");
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  absl::StatusOr<policy::Principal> principal =
      tokens.Authenticate(request.Header("Authorization"));
  if (!principal.ok()) {
    http::Response r = Error(401, "Unauthorized", util::AsStd(principal.status().message()));
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (request.body.size() > kMaxNotifyBody) {
    return Error(413, "Payload Too Large",
                 util::StrCat("a notification has at most ", kMaxNotifyBody, " bytes"));
  }
  const nlohmann::json body =
      nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("collection") || !body["collection"].is_string()) {
    return Error(400, "Bad Request",
                 "the body must be a JSON object {\"collection\": \"<collection id>\"}");
  }
  const absl::Status heard = federation.Notified(*principal, body["collection"].get<std::string>());
  http::Response r;
  r.route = "kongsi.notify";
  r.principal = principal->name;
  if (absl::IsPermissionDenied(heard)) {
    r = Error(403, "Forbidden", util::AsStd(heard.message()));
  } else if (absl::IsNotFound(heard)) {
    r = Error(404, "Not Found", util::AsStd(heard.message()));
  } else {
    r.status = 202;
    r.content_type = "application/json";
    r.body = "{\"accepted\":true}";
  }
  r.principal = principal->name;
  return r;
}

}  // namespace kongsi::app
