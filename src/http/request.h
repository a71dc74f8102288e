// What an HTTP handler sees and returns: the request (`Request`), the response (`Response`),
// the handler type and the renderer for errors the server produces itself.
//
// Ownership: a Request's string_views point into the server's parse buffers and are valid only
// during the handler call; copy what must outlive it. A Response owns all its strings.
// Thread-safety: plain values; the server calls a Handler concurrently from its io threads, so
// a Handler (and an ErrorRenderer) must be safe to call from several threads at once.
// Errors: none of these calls fail. A Handler must not throw; if it does anyway, the server
// logs the exception and answers 500 through the ErrorRenderer.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kongsi::http {

// One request as the handler sees it. Views are valid only during the handler call.
struct Request {
  std::string_view method;  // "GET", "POST", ... (as sent; methods are case-sensitive)
  std::string_view target;  // raw request-target, e.g. "/api1/collections/x/objects/?limit=5"
  std::string_view path;    // target before '?', NOT percent-decoded
  std::string_view query;   // after '?', without it; "" when absent
  std::string_view body;
  std::string remote;  // "127.0.0.1:53412" ("[::1]:53412" for IPv6)

  // Every header field in the order received, names as sent. The server fills it; tests of
  // handlers may fill it by hand.
  std::vector<std::pair<std::string_view, std::string_view>> headers;

  // Case-insensitive header lookup; "" when absent. For repeated headers, the first.
  std::string_view Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // "" -> no Content-Type header
  std::string body;
  // Extra headers. Content-Length, Transfer-Encoding and Connection are managed by the server
  // and ignored here; a field whose name or value contains CR, LF or NUL is dropped.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route;      // label for metrics and the access log, e.g. "taxii.objects.get";
                          // "" -> "other"
  std::string principal;  // who made the request, for the access log; "" -> "-"
};

using Handler = std::function<Response(const Request&)>;

// Renders an error the server produces itself (400 unparsable request, 408 timeout,
// 413 body too large, 431 headers too large, 500 handler threw, 503 too many connections) so
// the application can use its own error format (TAXII error resources). `title` is the
// reason phrase ("Payload Too Large"), `description` one sentence for a human.
using ErrorRenderer =
    std::function<Response(int status, std::string_view title, std::string_view description)>;

}  // namespace kongsi::http
