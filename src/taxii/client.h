// A TAXII 2.1 client (libcurl) for federation: reads a partner's API root, pages through a
// collection's objects, adds objects and polls their status resource, and posts change
// notifications to kongsi peers. Works against any TAXII 2.1 server, not only kongsi.
//
// Requests carry the TAXII media type and the configured credentials (Bearer token, HTTP Basic,
// client certificate); connections are reused between requests. Transport failures, 429 and
// 5xx answers are retried with exponential backoff (honouring Retry-After) up to
// `max_attempts`; waiting goes through `ClientOptions::wait`, so a stopping server is not held
// up by a sleeping retry. Failures that would only recur (certificate problems, 4xx) are not
// retried. Redirects are never followed. Responses larger than `max_response_bytes` are refused.
//
// Not thread-safe: one Client per thread (one per peer worker).
// Errors: Unauthenticated (401), PermissionDenied (403), NotFound (404), InvalidArgument (other
// 4xx, redirects, and answers that are not TAXII JSON: the message says what and where),
// Unavailable (transport errors, 429 and 5xx after the last attempt, refused by `wait`),
// DeadlineExceeded (a request slower than `request_timeout`), ResourceExhausted (answer over the
// size limit).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "util/time.h"

namespace kongsi::taxii {

struct ClientOptions {
  std::string api_root;  // "https://host/api1/" (a missing trailing slash is added)
  std::string bearer_token;
  std::string username;  // HTTP Basic when set (and no bearer token)
  std::string password;
  std::string client_cert;  // PEM files for mutual TLS, optional
  std::string client_key;
  std::string ca_file;  // PEM CA bundle; empty: the system's
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{60'000};
  int max_attempts = 4;  // per request, for retryable failures
  std::chrono::milliseconds first_backoff{250};
  std::chrono::milliseconds max_backoff{30'000};
  size_t max_response_bytes = 256 << 20;
  // Waits `delay` before a retry; returns false to give up at once (the caller is stopping).
  // Null: sleeps.
  std::function<bool(std::chrono::milliseconds delay)> wait;
};

// GET {api_root} (section 4.2).
struct ApiRootInfo {
  std::string title;
  std::vector<std::string> versions;
  size_t max_content_length = 0;  // 0: not stated
};

// One GET {api_root}/collections/{id}/objects/ request (section 5.3).
struct ObjectsRequest {
  std::optional<util::Timestamp> added_after;
  std::string next;          // the `next` of the previous page, empty for the first
  size_t limit = 1000;       // 0: no limit parameter
  bool all_versions = true;  // match[version]=all (otherwise the server's default, last)
};

// What a page of objects brought.
struct ObjectsPage {
  std::string body;  // the envelope as received ({"more":..,"next":..,"objects":[..]}), or "{}"
  bool more = false;
  std::string next;
  size_t object_count = 0;
  // X-TAXII-Date-Added-First/Last (section 3.4.2); absent when the server does not send them.
  std::optional<util::Timestamp> date_added_first;
  std::optional<util::Timestamp> date_added_last;
};

// A status resource (section 4.3.1) as read back.
struct StatusInfo {
  struct Item {
    std::string id;
    std::string version;  // as given, may be empty
    std::string message;  // failures only
  };
  std::string id;
  std::string status;  // "complete" or "pending"
  int64_t total_count = 0;
  int64_t success_count = 0;
  int64_t failure_count = 0;
  int64_t pending_count = 0;
  std::vector<Item> successes;
  std::vector<Item> failures;
  std::vector<Item> pendings;
};

class Client {
 public:
  // InvalidArgument for an API root that is not an http(s) URL or unreadable credential files.
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  absl::StatusOr<ApiRootInfo> GetApiRoot();
  absl::StatusOr<ObjectsPage> GetObjects(std::string_view collection_id,
                                         const ObjectsRequest& request);
  // POSTs `envelope` ({"objects": [...]}) to the collection; returns the status resource.
  absl::StatusOr<StatusInfo> AddObjects(std::string_view collection_id, std::string_view envelope);
  absl::StatusOr<StatusInfo> GetStatus(std::string_view status_id);
  // POSTs `json_body` (application/json) to an absolute URL with the same credentials (the
  // kongsi notification endpoint); OK for any 2xx answer.
  absl::Status PostJson(std::string_view url, std::string_view json_body);

  const std::string& api_root() const { return options_.api_root; }

 private:
  explicit Client(ClientOptions options);
  struct Impl;  // client.cc: the curl handle and header list
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kongsi::taxii
