// The TAXII 2.1 server's endpoints (OASIS TAXII 2.1, 2021): discovery, API roots, status,
// collections, objects (get, add, get one, delete), versions and manifest, with their
// filters, paging, content negotiation and error resources. The service authenticates each
// request (policy::TokenAuthenticator) and reads every object through policy::Disclosure,
// the one exit door; it never serializes stored objects by itself.
//
// Knows nothing of sockets: src/http/ turns HTTP requests into taxii::Request and sends the
// Response. Thread-safe: Handle may run on several threads at once (the store, disclosure
// and authenticator are thread-safe); the referenced objects must outlive the service.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "policy/disclosure.h"
#include "policy/tokens.h"
#include "stix/validate.h"
#include "store/store.h"
#include "taxii/message.h"
#include "util/time.h"

namespace kongsi::taxii {

struct ApiRootConfig {
  std::string name;  // path segment: served at /<name>/
  std::string title;
  std::string description;
  std::vector<std::string> collections = {"*"};  // collection ids, or "*" for every one
  size_t max_content_length = 10 * 1024 * 1024;  // largest add-objects body, bytes
};

struct ServiceConfig {
  std::string title = "kongsi";
  std::string description;
  std::string contact;
  // Base of the absolute URLs in discovery ("https://taxii.cert.example"); empty: from the
  // request's Host header and `tls`.
  std::string public_url;
  bool tls = false;
  std::vector<ApiRootConfig> api_roots;  // the first is the default
  size_t max_page_size = 1000;           // the default and the greatest `limit`
};

class Service {
 public:
  Service(ServiceConfig config, store::Store& store, policy::Disclosure& disclosure,
          policy::TokenAuthenticator& authenticator, const util::Clock& clock);

  Response Handle(const Request& request);

  // Objects newly stored through add-objects since start (for /metrics).
  const std::atomic<uint64_t>& objects_added() const { return objects_added_; }

 private:
  struct Call;  // one request being handled (service.cc)

  Response Discovery(const Call& call);
  Response ApiRoot(const Call& call);
  Response Status(const Call& call, std::string_view status_id);
  Response Collections(const Call& call);
  Response CollectionInfo(const Call& call, std::string_view collection_id);
  Response GetObjects(const Call& call, std::string_view collection_id, std::string_view object_id,
                      bool manifest);
  Response Versions(const Call& call, std::string_view collection_id, std::string_view object_id);
  Response AddObjects(const Call& call, std::string_view collection_id);
  Response DeleteObject(const Call& call, std::string_view collection_id,
                        std::string_view object_id);

  // What a request does with a collection.
  enum class Access { kSee, kRead, kWrite };

  // The collection, if it exists, belongs to the call's API root and the principal may read
  // or write it (NotFound otherwise, worded as for an unknown collection); PermissionDenied
  // (403) when the principal sees it but lacks the right `access` needs.
  absl::StatusOr<store::Collection> VisibleCollection(const Call& call,
                                                      std::string_view collection_id,
                                                      Access access);
  std::string BaseUrl(const Request& request) const;

  const ServiceConfig config_;
  store::Store& store_;
  policy::Disclosure& disclosure_;
  policy::TokenAuthenticator& authenticator_;
  const util::Clock& clock_;
  const stix::Validator validator_;
  std::atomic<uint64_t> objects_added_{0};
};

}  // namespace kongsi::taxii
