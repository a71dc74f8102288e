// The notification endpoint: authenticate, parse a tiny JSON body, wake the pulls.
#include "app/notify_endpoint.h"

#include <nlohmann/json.hpp>

#include "app/json_endpoint.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

constexpr size_t kMaxNotifyBody = 4096;

}  // namespace

http::Response HandleNotify(const http::Request& request, policy::TokenAuthenticator& tokens,
                            federation::Federation& federation) {
  auto accepted = AcceptPost(request, tokens, "kongsi.notify", kMaxNotifyBody);
  if (auto* refusal = std::get_if<http::Response>(&accepted)) return std::move(*refusal);
  const policy::Principal* principal = &std::get<policy::Principal>(accepted);
  const nlohmann::json body =
      nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("collection") || !body["collection"].is_string()) {
    return EndpointError("kongsi.notify", 400, "Bad Request",
                         "the body must be a JSON object {\"collection\": \"<collection id>\"}");
  }
  const absl::Status heard = federation.Notified(*principal, body["collection"].get<std::string>());
  http::Response r;
  r.route = "kongsi.notify";
  r.principal = principal->name;
  if (absl::IsPermissionDenied(heard)) {
    r = EndpointError("kongsi.notify", 403, "Forbidden", util::AsStd(heard.message()));
  } else if (absl::IsNotFound(heard)) {
    r = EndpointError("kongsi.notify", 404, "Not Found", util::AsStd(heard.message()));
  } else {
    r.status = 202;
    r.content_type = "application/json";
    r.body = "{\"accepted\":true}";
  }
  r.principal = principal->name;
  return r;
}

}  // namespace kongsi::app
