// Routing, authentication and negotiation, and the resources that are not object lists:
// discovery, API root, collections, collection, status. Checks run in an order that reveals
// nothing to whoever is not authenticated: credentials first (401), then the path (404), the
// method (405), the Accept header (406).
#include "taxii/service.h"

#include <algorithm>

#include "absl/strings/str_split.h"
#include "spdlog/spdlog.h"
#include "taxii/error.h"
#include "taxii/media_type.h"
#include "taxii/query.h"
#include "taxii/service_internal.h"
#include "util/strings.h"

namespace kongsi::taxii {

Response JsonResponse(const nlohmann::json& body, int status) {
  Response r;
  r.status = status;
  r.content_type = std::string(kTaxiiMediaType);
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

namespace {

Response MethodNotAllowed(std::string_view allow) {
  Response r = ErrorResponse(405, {}, util::StrCat("this resource supports ", allow));
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

Response Unauthorized(std::string_view why) {
  spdlog::debug("authentication failed: {}", std::string(why));
  Response r = ErrorResponse(401, {},
                             "valid credentials are required (Bearer token, or Basic "
                             "with the token's name and the token)");
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"kongsi\", Basic realm=\"kongsi\"");
  return r;
}

bool InRoot(const ApiRootConfig& root, std::string_view collection_id, std::string_view alias) {
  return std::any_of(root.collections.begin(), root.collections.end(), [&](const std::string& c) {
    return c == "*" || c == collection_id || (!alias.empty() && c == alias);
  });
}

}  // namespace

Service::Service(ServiceConfig config, store::Store& store, policy::Disclosure& disclosure,
                 policy::TokenAuthenticator& authenticator, const util::Clock& clock)
    : config_(std::move(config)),
      store_(store),
      disclosure_(disclosure),
      authenticator_(authenticator),
      clock_(clock) {}

std::string Service::BaseUrl(const Request& request) const {
  if (!config_.public_url.empty()) {
    std::string base = config_.public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
  }
  if (request.host.empty()) return "";
  return util::StrCat(config_.tls ? "https://" : "http://", request.host);
}

Response Service::Handle(const Request& request) {
  // Route first, to name the route in metrics; answer 404 only after authentication.
  std::vector<std::string> segments;
  bool bad_path = false;
  for (absl::string_view part : absl::StrSplit(util::AsAbsl(request.path), '/')) {
    if (part.empty()) continue;
    auto decoded = PercentDecode(util::AsStd(part));
    if (!decoded.ok()) {
      bad_path = true;
      break;
    }
    segments.push_back(*std::move(decoded));
  }
  const size_t n = segments.size();
  const ApiRootConfig* root = nullptr;
  if (n >= 1 && !bad_path) {
    for (const ApiRootConfig& r : config_.api_roots) {
      if (r.name == segments[0]) root = &r;
    }
  }
  enum class Route {
    kUnknown,
    kDiscovery,
    kApiRoot,
    kStatus,
    kCollections,
    kCollection,
    kManifest,
    kObjects,
    kObject,
    kVersions
  };
  Route route = Route::kUnknown;
  if (bad_path) {
    route = Route::kUnknown;
  } else if (n == 1 && segments[0] == "taxii2") {
    route = Route::kDiscovery;
  } else if (root != nullptr) {
    if (n == 1) route = Route::kApiRoot;
    if (n == 3 && segments[1] == "status") route = Route::kStatus;
    if (n >= 2 && segments[1] == "collections") {
      if (n == 2) route = Route::kCollections;
      if (n == 3) route = Route::kCollection;
      if (n == 4 && segments[3] == "manifest") route = Route::kManifest;
      if (n == 4 && segments[3] == "objects") route = Route::kObjects;
      if (n == 5 && segments[3] == "objects") route = Route::kObject;
      if (n == 6 && segments[3] == "objects" && segments[5] == "versions") route = Route::kVersions;
    }
  }
  const bool get = request.method == "GET" || request.method == "HEAD";
  std::string route_name;
  switch (route) {
    case Route::kUnknown:
      route_name = "taxii.unknown";
      break;
    case Route::kDiscovery:
      route_name = "taxii.discovery";
      break;
    case Route::kApiRoot:
      route_name = "taxii.api_root";
      break;
    case Route::kStatus:
      route_name = "taxii.status";
      break;
    case Route::kCollections:
      route_name = "taxii.collections";
      break;
    case Route::kCollection:
      route_name = "taxii.collection";
      break;
    case Route::kManifest:
      route_name = "taxii.manifest";
      break;
    case Route::kObjects:
      route_name = request.method == "POST" ? "taxii.objects.add" : "taxii.objects.get";
      break;
    case Route::kObject:
      route_name = request.method == "DELETE" ? "taxii.object.delete" : "taxii.object.get";
      break;
    case Route::kVersions:
      route_name = "taxii.versions";
      break;
  }

  auto finish = [&](Response r, std::string_view principal) {
    r.route = route_name;
    r.principal = std::string(principal);
    return r;
  };

  auto principal = authenticator_.Authenticate(request.authorization);
  if (!principal.ok()) {
    if (absl::IsUnauthenticated(principal.status())) {
      return finish(Unauthorized(util::AsStd(principal.status().message())), "");
    }
    return finish(ErrorFromStatus(principal.status()), "");
  }
  const std::string& who = principal->name;
  if (route == Route::kUnknown) {
    return finish(ErrorResponse(404, {}, util::StrCat("no TAXII resource at ", request.path)), who);
  }
  const char* allow = route == Route::kObjects  ? "GET, HEAD, POST"
                      : route == Route::kObject ? "GET, HEAD, DELETE"
                                                : "GET, HEAD";
  const bool method_ok = get || (route == Route::kObjects && request.method == "POST") ||
                         (route == Route::kObject && request.method == "DELETE");
  if (!method_ok) return finish(MethodNotAllowed(allow), who);
  if (!AcceptsTaxii(request.accept)) {
    return finish(ErrorResponse(406, {},
                                util::StrCat("this server answers with ", kTaxiiMediaType,
                                             "; the Accept header does not allow it")),
                  who);
  }
  static const ApiRootConfig kNoRoot;
  const Call call{request, *principal, root != nullptr ? *root : kNoRoot};
  Response response;
  switch (route) {
    case Route::kDiscovery:
      response = Discovery(call);
      break;
    case Route::kApiRoot:
      response = ApiRoot(call);
      break;
    case Route::kStatus:
      response = Status(call, segments[2]);
      break;
    case Route::kCollections:
      response = Collections(call);
      break;
    case Route::kCollection:
      response = CollectionInfo(call, segments[2]);
      break;
    case Route::kManifest:
      response = GetObjects(call, segments[2], {}, true);
      break;
    case Route::kObjects:
      response = request.method == "POST" ? AddObjects(call, segments[2])
                                          : GetObjects(call, segments[2], {}, false);
      break;
    case Route::kObject:
      response = request.method == "DELETE" ? DeleteObject(call, segments[2], segments[4])
                                            : GetObjects(call, segments[2], segments[4], false);
      break;
    case Route::kVersions:
      response = Versions(call, segments[2], segments[4]);
      break;
    case Route::kUnknown:
      break;
  }
  return finish(std::move(response), who);
}

Response Service::Discovery(const Call& call) {
  const std::string base = BaseUrl(call.request);
  nlohmann::json roots = nlohmann::json::array();
  for (const ApiRootConfig& r : config_.api_roots)
    roots.push_back(util::StrCat(base, "/", r.name, "/"));
  nlohmann::json body = {{"title", config_.title}};
  if (!config_.description.empty()) body["description"] = config_.description;
  if (!config_.contact.empty()) body["contact"] = config_.contact;
  if (!roots.empty()) {
    body["default"] = roots.front();
    body["api_roots"] = std::move(roots);
  }
  return JsonResponse(body);
}

Response Service::ApiRoot(const Call& call) {
  nlohmann::json body = {{"title", call.root.title.empty() ? call.root.name : call.root.title},
                         {"versions", {kTaxiiMediaType}},
                         {"max_content_length", call.root.max_content_length}};
  if (!call.root.description.empty()) body["description"] = call.root.description;
  return JsonResponse(body);
}

Response Service::Status(const Call& call, std::string_view status_id) {
  auto status = store_.GetStatus(status_id);
  if (!status.ok()) return ErrorFromStatus(status.status());
  // A status resource exists only for whoever created it.
  if (!status->has_value() || (*status)->owner != call.principal.name) {
    return ErrorResponse(404, {}, util::StrCat("status ", status_id, " not found"));
  }
  Response r;
  r.content_type = std::string(kTaxiiMediaType);
  r.body = std::move((*status)->body);
  return r;
}

namespace {

nlohmann::json CollectionJson(const store::Collection& c, const policy::Principal& principal) {
  nlohmann::json body = {{"id", c.id},
                         {"title", c.title},
                         {"can_read", principal.CanRead(c.id)},
                         {"can_write", principal.CanWrite(c.id)},
                         {"media_types", {kStixMediaType}}};
  if (!c.description.empty()) body["description"] = c.description;
  if (!c.alias.empty()) body["alias"] = c.alias;
  return body;
}

}  // namespace

absl::StatusOr<store::Collection> Service::VisibleCollection(const Call& call,
                                                             std::string_view collection_id,
                                                             Access access) {
  auto not_found = [&] {
    return absl::NotFoundError(util::StrCat("collection ", collection_id, " not found"));
  };
  if (!call.principal.CanRead(collection_id) && !call.principal.CanWrite(collection_id)) {
    return not_found();
  }
  auto collection = store_.GetCollection(collection_id);
  if (absl::IsNotFound(collection.status()) || absl::IsInvalidArgument(collection.status())) {
    return not_found();
  }
  if (!collection.ok()) return collection.status();
  if (!InRoot(call.root, collection->id, collection->alias)) return not_found();
  if (access == Access::kRead && !call.principal.CanRead(collection->id)) {
    return absl::PermissionDeniedError(
        "this token may add objects to the collection but not read it");
  }
  if (access == Access::kWrite && !call.principal.CanWrite(collection->id)) {
    return absl::PermissionDeniedError("this token may read the collection but not change it");
  }
  return collection;
}

Response Service::Collections(const Call& call) {
  auto collections = store_.ListCollections();
  if (!collections.ok()) return ErrorFromStatus(collections.status());
  nlohmann::json list = nlohmann::json::array();
  for (const store::Collection& c : *collections) {
    if (!InRoot(call.root, c.id, c.alias)) continue;
    if (!call.principal.CanRead(c.id) && !call.principal.CanWrite(c.id)) continue;
    list.push_back(CollectionJson(c, call.principal));
  }
  nlohmann::json body = nlohmann::json::object();
  if (!list.empty()) body["collections"] = std::move(list);
  return JsonResponse(body);
}

Response Service::CollectionInfo(const Call& call, std::string_view collection_id) {
  auto collection = VisibleCollection(call, collection_id, Access::kSee);
  if (!collection.ok()) return ErrorFromStatus(collection.status());
  return JsonResponse(CollectionJson(*collection, call.principal));
}

}  // namespace kongsi::taxii
