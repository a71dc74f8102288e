// The lookup endpoint: authenticate, find the values in the value index, disclose what was
// found through the policy door, group the objects by value.
#include "app/lookup_endpoint.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/json_endpoint.h"
#include "stix/observable.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

constexpr size_t kMaxLookupBody = 64 * 1024;
constexpr size_t kMaxValues = 1000;
constexpr size_t kMaxObjects = 10000;  // objects considered per request

}  // namespace

http::Response HandleLookup(const http::Request& request, policy::TokenAuthenticator& tokens,
                            store::Store& store, policy::Disclosure& disclosure) {
  auto accepted = AcceptPost(request, tokens, "kongsi.lookup", kMaxLookupBody);
  if (auto* refusal = std::get_if<http::Response>(&accepted)) return std::move(*refusal);
  const policy::Principal* principal = &std::get<policy::Principal>(accepted);
  const nlohmann::json body =
      nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  const char* shape = "the body must be a JSON object {\"values\": [\"<value>\", ...]}";
  if (!body.is_object() || !body.contains("values") || !body["values"].is_array()) {
    return EndpointError("kongsi.lookup", 400, "Bad Request", shape);
  }
  const nlohmann::json& values = body["values"];
  if (values.empty() || values.size() > kMaxValues) {
    return EndpointError("kongsi.lookup", 400, "Bad Request",
                         util::StrCat("between 1 and ", kMaxValues, " values"));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i].is_string()) {
      return EndpointError("kongsi.lookup", 400, "Bad Request",
                           util::StrCat("/values/", i, " is not a string"));
    }
  }

  // Value index: which object ids mention each value.
  std::vector<std::set<std::string>> ids_of(values.size());
  std::set<std::string> all_ids;
  bool truncated = false;  // more objects mention the values than one answer holds
  for (size_t i = 0; i < values.size(); ++i) {
    for (const std::string& form : stix::LookupForms(values[i].get<std::string>())) {
      auto hits = store.LookupValue(form);
      if (!hits.ok())
        return EndpointError("kongsi.lookup", 500, "Internal Server Error",
                             "the value index cannot be read");
      for (const store::ValueHit& hit : *hits) {
        if (all_ids.size() >= kMaxObjects && !all_ids.count(hit.id)) {
          truncated = true;
          continue;
        }
        ids_of[i].insert(hit.id);
        all_ids.insert(hit.id);
      }
    }
  }

  // The policy door, one readable collection at a time; each object once.
  std::map<std::string, nlohmann::json> disclosed;
  if (!all_ids.empty()) {
    auto collections = store.ListCollections();
    if (!collections.ok())
      return EndpointError("kongsi.lookup", 500, "Internal Server Error", "collections unreadable");
    for (const store::Collection& c : *collections) {
      if (!principal->CanRead(c.id)) continue;
      store::ObjectQuery query;
      query.collection_id = c.id;
      for (const std::string& id : all_ids) {
        if (!disclosed.count(id)) query.ids.push_back(id);
      }
      if (query.ids.empty()) break;
      auto page = disclosure.Disclose(
          *principal, "api.lookup", query,
          [&](std::string_view text, const store::StoredObject& object) {
            disclosed.emplace(object.record.id, nlohmann::json::parse(text, nullptr, false));
            return true;
          },
          policy::Delivery::kBuffered);
      if (!page.ok() && !absl::IsNotFound(page.status())) {
        return EndpointError("kongsi.lookup", 500, "Internal Server Error",
                             "objects could not be read");
      }
    }
  }

  nlohmann::json results = nlohmann::json::array();
  for (size_t i = 0; i < values.size(); ++i) {
    nlohmann::json objects = nlohmann::json::array();
    for (const std::string& id : ids_of[i]) {
      if (auto it = disclosed.find(id); it != disclosed.end()) objects.push_back(it->second);
    }
    results.push_back({{"value", values[i]}, {"objects", std::move(objects)}});
  }
  http::Response r;
  r.route = "kongsi.lookup";
  r.principal = principal->name;
  r.status = 200;
  r.content_type = "application/json";
  nlohmann::json answer{{"results", std::move(results)}};
  if (truncated) answer["truncated"] = true;
  r.body = answer.dump();
  return r;
}

}  // namespace kongsi::app
