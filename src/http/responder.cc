#include "http/responder.h"

#include <time.h>

#include <array>
#include <exception>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "http/access_log.h"
#include "http/metrics.h"
#include "spdlog/spdlog.h"
#include "util/strings.h"

namespace kongsi::http::detail {
namespace {

struct ErrorText {
  int status;
  std::string_view title;
};

constexpr std::array<ErrorText, 6> kErrorTitles = {{
    {400, "Bad Request"},
    {408, "Request Timeout"},
    {413, "Payload Too Large"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {503, "Service Unavailable"},
}};

std::string_view ErrorTitle(int status) {
  for (const ErrorText& e : kErrorTitles) {
    if (e.status == status) return e.title;
  }
  return "Error";
}

std::string ErrorDescription(int status, const ServerOptions& options) {
  switch (status) {
    case 400:
      return "The request is not valid HTTP/1.1.";
    case 408:
      return absl::StrCat("The request did not arrive within ", options.request_timeout.count(),
                          " ms.");
    case 413:
      return absl::StrCat("The request body is larger than the ", options.max_body_bytes,
                          " bytes this server accepts.");
    case 431:
      return absl::StrCat("The request header is larger than the ", options.max_header_bytes,
                          " bytes this server accepts.");
    case 503:
      return "The server has too many open connections; try again later.";
    default:
      return "The server could not handle the request.";
  }
}

Response PlainError(int status, std::string_view title, std::string_view description) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = util::StrCat(status, " ", title, ": ", description, "\n");
  return r;
}

bool IsBodylessStatus(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

bool IEquals(std::string_view a, std::string_view b) {
  return beast::iequals(AsBeast(a), AsBeast(b));
}

// RFC 9110 token characters.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsSafeValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool IsServerManaged(std::string_view name) {
  return IEquals(name, "Content-Length") || IEquals(name, "Transfer-Encoding") ||
         IEquals(name, "Connection");
}

// IMF-fixdate for the Date header, formatted once per second per thread.
std::string_view HttpDate() {
  thread_local time_t cached_second = -1;
  thread_local char cached[40];
  thread_local size_t cached_len = 0;
  time_t now = ::time(nullptr);
  if (now != cached_second) {
    struct tm tm;
    gmtime_r(&now, &tm);
    cached_len = strftime(cached, sizeof(cached), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return {cached, cached_len};
}

}  // namespace

Responder::Responder(const ServerOptions& options, Handler handler, ErrorRenderer error_renderer,
                     Metrics* metrics, AccessLog* access_log)
    : options_(options),
      handler_(std::move(handler)),
      error_renderer_(std::move(error_renderer)),
      metrics_(metrics),
      access_log_(access_log) {}

Response Responder::Answer(const BeastRequest& message, Request& view) const {
  view.method = AsStd(message.method_string());
  view.target = AsStd(message.target());
  size_t q = view.target.find('?');
  view.path = view.target.substr(0, q);
  view.query = q == std::string_view::npos ? std::string_view() : view.target.substr(q + 1);
  view.body = message.body();
  view.headers.clear();
  for (const auto& field : message) {
    view.headers.emplace_back(AsStd(field.name_string()), AsStd(field.value()));
  }

  bool get = message.method() == bhttp::verb::get || message.method() == bhttp::verb::head;
  if (get && view.path == "/healthz") {
    Response r;
    r.content_type = "text/plain";
    r.body = "ok\n";
    r.route = "healthz";
    return r;
  }
  if (get && view.path == "/metrics" && metrics_ != nullptr) {
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics_->Render();
    r.route = "metrics";
    return r;
  }
  try {
    return handler_(view);
  } catch (const std::exception& e) {
    spdlog::error("http: handler threw on {} {}: {}", view.method, view.path, e.what());
  } catch (...) {
    spdlog::error("http: handler threw a non-exception on {} {}", view.method, view.path);
  }
  return Error(500);
}

Response Responder::Error(int status) const {
  std::string_view title = ErrorTitle(status);
  std::string description = ErrorDescription(status, options_);
  Response r;
  if (error_renderer_) {
    try {
      r = error_renderer_(status, title, description);
    } catch (const std::exception& e) {
      spdlog::error("http: error renderer threw for {}: {}", status, e.what());
      r = PlainError(status, title, description);
    } catch (...) {
      spdlog::error("http: error renderer threw a non-exception for {}", status);
      r = PlainError(status, title, description);
    }
  } else {
    r = PlainError(status, title, description);
  }
  r.status = status;  // the renderer formats the error; it does not choose another status
  if (r.route.empty()) r.route = kErrorRoute;
  return r;
}

size_t Responder::Encode(Response& response, unsigned version, bool keep_alive, bool head,
                         BeastResponse& out) const {
  if (response.status < 100 || response.status > 599) {
    spdlog::error("http: handler returned invalid status {} (route '{}'); answering 500",
                  response.status, response.route);
    std::string route = std::move(response.route);
    response = Error(500);
    response.route = std::move(route);
  }
  out = BeastResponse();
  out.result(static_cast<unsigned>(response.status));
  out.version(version);
  out.set(bhttp::field::server, AsBeast(options_.server_header));
  out.set(bhttp::field::date, AsBeast(HttpDate()));
  if (!response.content_type.empty()) {
    out.set(bhttp::field::content_type, AsBeast(response.content_type));
  }
  for (const auto& [name, value] : response.headers) {
    if (!IsToken(name) || !IsSafeValue(value)) {
      spdlog::warn("http: dropping invalid response header '{}' (route '{}')", name,
                   response.route);
      continue;
    }
    if (IsServerManaged(name)) continue;
    out.insert(AsBeast(name), AsBeast(value));
  }
  size_t sent = 0;
  if (IsBodylessStatus(response.status)) {
    response.body.clear();
  } else {
    out.content_length(response.body.size());
    if (head) {
      response.body.clear();
    } else {
      sent = response.body.size();
    }
  }
  out.body() = std::move(response.body);
  out.keep_alive(keep_alive);
  return sent;
}

void Responder::Record(const Exchange& exchange) const {
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - exchange.start).count();
  std::string_view route = exchange.route.empty() ? std::string_view("other") : exchange.route;
  if (metrics_ != nullptr)
    metrics_->ObserveRequest(route, exchange.method, exchange.status, seconds);
  if (access_log_ != nullptr) {
    AccessLogEntry entry;
    entry.time = exchange.start_time;
    entry.remote = exchange.remote;
    entry.method = exchange.method;
    entry.target = exchange.target;
    entry.status = exchange.status;
    entry.bytes = exchange.bytes;
    entry.duration_ms = seconds * 1000;
    entry.route = route;
    entry.principal = exchange.principal;
    entry.user_agent = exchange.user_agent;
    access_log_->Write(entry);
  }
}

}  // namespace kongsi::http::detail
