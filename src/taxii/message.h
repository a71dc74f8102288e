// The TAXII service's view of an HTTP exchange, free of any HTTP library: the server layer
// (src/http/) fills a Request and sends back the Response.
//
// Plain value types. Request views are valid for the duration of one Service::Handle call.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kongsi::taxii {

// The media type of every TAXII 2.1 response.
inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";
inline constexpr std::string_view kStixMediaType = "application/stix+json;version=2.1";

struct Request {
  std::string_view method;  // "GET", "POST", "DELETE", "HEAD", ...
  std::string_view path;    // before '?', still percent-encoded
  std::string_view query;   // after '?'
  std::string_view body;
  // Headers the service looks at; empty when absent.
  std::string_view accept;
  std::string_view content_type;
  std::string_view authorization;
  std::string_view host;  // for absolute URLs in discovery when no public URL is configured
};

struct Response {
  int status = 200;
  std::string content_type;  // kTaxiiMediaType, or empty for a response without a body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route;      // "taxii.objects.get", ... for metrics and the access log
  std::string principal;  // the authenticated principal's name, "" when none
};

}  // namespace kongsi::taxii
