// The TAXII 2.1 client on libcurl's easy interface. One easy handle per Client: before each
// request curl_easy_reset clears the options but keeps the handle's connection cache, so
// consecutive requests to a peer reuse one keep-alive connection (and its TLS session).
// Answers are read by client_parse.h (pure functions, fuzzed); this file is the transport.
//
// Retrying a POST is safe here: adding objects is idempotent in TAXII (a version that is
// stored already is a success again, not a duplicate), and a notification says only "look".
#include "taxii/client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

#include "taxii/client_parse.h"
#include "taxii/message.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::taxii {
namespace {

using std::chrono::milliseconds;

// curl_global_init is not thread-safe and must run once per process before any handle.
CURLcode GlobalInit() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool HasControlCharacter(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// InvalidArgument unless `url` is an absolute http(s) URL with a host.
absl::Status CheckHttpUrl(std::string_view name, const std::string& url) {
  if (HasControlCharacter(url)) {
    return absl::InvalidArgumentError(util::StrCat(name, ": control characters in \"", url, "\""));
  }
  CURLU* parsed = curl_url();
  if (parsed == nullptr) return absl::ResourceExhaustedError("out of memory parsing a URL");
  std::string scheme;
  std::string host;
  const CURLUcode code = curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0);
  if (code == CURLUE_OK) {
    char* part = nullptr;
    if (curl_url_get(parsed, CURLUPART_SCHEME, &part, 0) == CURLUE_OK) scheme = Lower(part);
    curl_free(part);
    part = nullptr;
    if (curl_url_get(parsed, CURLUPART_HOST, &part, 0) == CURLUE_OK) host = part;
    curl_free(part);
  }
  curl_url_cleanup(parsed);
  if (code != CURLUE_OK) {
    return absl::InvalidArgumentError(
        util::StrCat(name, ": \"", url, "\" is not a URL: ", curl_url_strerror(code)));
  }
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(
        util::StrCat(name, ": \"", url, "\" must be an http:// or https:// URL"));
  }
  if (host.empty()) {
    return absl::InvalidArgumentError(util::StrCat(name, ": \"", url, "\" names no host"));
  }
  return absl::OkStatus();
}

absl::Status CheckReadable(std::string_view name, const std::string& path) {
  if (path.empty() || ::access(path.c_str(), R_OK) == 0) return absl::OkStatus();
  const int error = errno;
  return absl::InvalidArgumentError(
      util::StrCat(name, ": cannot read ", path, ": ", std::strerror(error)));
}

// What one attempt brought back: the final response's status, headers and body.
struct Exchange {
  long status = 0;
  size_t limit = 0;  // of the body, bytes
  bool too_large = false;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

  std::string_view Header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return {};
  }
};

// libcurl callbacks: they run inside curl_easy_perform, so nothing may be thrown out of them.
size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  if (bytes > exchange->limit - exchange->body.size()) {
    exchange->too_large = true;
    return 0;  // anything but `bytes` aborts the transfer (CURLE_WRITE_ERROR)
  }
  try {
    exchange->body.append(data, bytes);
  } catch (...) {
    exchange->too_large = true;
    return 0;
  }
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  const std::string_view line(data, bytes);
  try {
    if (line.starts_with("HTTP/")) {
      exchange->headers.clear();  // a new response (after an interim 1xx one)
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      exchange->headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                                     std::string(Trim(line.substr(colon + 1))));
    }
  } catch (...) {
    return 0;
  }
  return bytes;
}

// Transport failures worth another attempt: the peer or the path to it may come back.
// Configuration errors (bad certificates, unsupported URLs) would fail the same way again.
bool RetryableTransportError(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_LOGIN_DENIED:
    case CURLE_UNKNOWN_OPTION:
      return false;
    default:
      return true;
  }
}

bool RetryableHttpStatus(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

// Retry-After (RFC 9110 section 10.2.3): delay seconds or an HTTP-date; nullopt when absent
// or unreadable.
std::optional<milliseconds> ParseRetryAfter(std::string_view value) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    int64_t seconds = 0;
    for (char c : value) {
      seconds = std::min<int64_t>(seconds * 10 + (c - '0'), int64_t{1} << 32);
    }
    return milliseconds(seconds * 1000);
  }
  const std::string date(value);
  const time_t at = curl_getdate(date.c_str(), nullptr);
  if (at == -1) return std::nullopt;
  const time_t now = std::time(nullptr);
  return milliseconds(at > now ? static_cast<int64_t>(at - now) * 1000 : 0);
}

}  // namespace

struct Client::Impl {
  CURL* curl = nullptr;

  ~Impl() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }

  struct Call {
    const char* method = "GET";  // "GET" or "POST"
    std::string url;
    std::string_view body;  // POST only
    const char* content_type = nullptr;
    const char* accept = nullptr;
  };
  static Call Get(std::string url) {
    Call call;
    call.url = std::move(url);
    call.accept = kTaxiiMediaType.data();
    return call;
  }
  static Call Post(std::string url, std::string_view body, const char* content_type,
                   const char* accept) {
    Call call;
    call.method = "POST";
    call.url = std::move(url);
    call.body = body;
    call.content_type = content_type;
    call.accept = accept;
    return call;
  }

  CURLcode PerformOnce(const ClientOptions& options, const Call& call, Exchange& exchange,
                       char* error_buffer);
  // The 2xx answer to `call`, after retries.
  absl::StatusOr<Exchange> Send(const ClientOptions& options, const Call& call);
  absl::Status HttpError(const std::string& what, const Exchange& exchange);
  std::string Escape(std::string_view text) const {
    char* escaped = curl_easy_escape(curl, text.data(), static_cast<int>(text.size()));
    if (escaped == nullptr) return {};
    std::string out(escaped);
    curl_free(escaped);
    return out;
  }
};

CURLcode Client::Impl::PerformOnce(const ClientOptions& options, const Call& call,
                                   Exchange& exchange, char* error_buffer) {
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  // Redirects are not followed: credentials must not travel to another host, and a TAXII
  // server has no reason to move its API root under a running federation.
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(options.connect_timeout.count(), 1)));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(options.request_timeout.count(), 1)));
  // Refused before reading when Content-Length says too much; OnBody enforces it otherwise.
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(std::min<size_t>(
                       options.max_response_bytes,
                       static_cast<size_t>(std::numeric_limits<curl_off_t>::max()))));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "kongsi");

  struct SlistFree {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };
  std::unique_ptr<curl_slist, SlistFree> headers;
  auto add = [&headers](const std::string& line) {
    curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
    if (grown != nullptr) {
      (void)headers.release();
      headers.reset(grown);
    }
  };
  if (call.accept != nullptr) add(util::StrCat("Accept: ", call.accept));
  if (call.content_type != nullptr) add(util::StrCat("Content-Type: ", call.content_type));
  add("Expect:");  // no "100-continue" round trip before large bodies
  if (!options.bearer_token.empty()) {
    add(util::StrCat("Authorization: Bearer ", options.bearer_token));
  } else if (!options.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(curl, CURLOPT_USERNAME, options.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  if (!options.client_cert.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, options.client_cert.c_str());
  }
  if (!options.client_key.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLKEY, options.client_key.c_str());
  }
  if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  if (std::string_view(call.method) == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.data());
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &exchange.status);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);  // `headers` goes away now
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  return code;
}

absl::StatusOr<Exchange> Client::Impl::Send(const ClientOptions& options, const Call& call) {
  const std::string what = util::StrCat(call.method, " ", call.url);
  const int attempts = std::max(options.max_attempts, 1);
  const milliseconds max_backoff = std::max(options.max_backoff, milliseconds(0));
  milliseconds backoff = std::clamp(options.first_backoff, milliseconds(0), max_backoff);
  for (int attempt = 1;; ++attempt) {
    Exchange exchange;
    exchange.limit = options.max_response_bytes;
    char error_buffer[CURL_ERROR_SIZE] = {};
    const CURLcode code = PerformOnce(options, call, exchange, error_buffer);
    const long status = exchange.status;
    absl::Status failure;
    bool retryable = false;
    std::optional<milliseconds> retry_after;
    if (code != CURLE_OK) {
      if (exchange.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        return absl::ResourceExhaustedError(
            util::StrCat(what, ": the answer is larger than the limit of ",
                         options.max_response_bytes, " bytes"));
      }
      const std::string detail =
          error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(code);
      retryable = RetryableTransportError(code);
      if (code == CURLE_OPERATION_TIMEDOUT) {
        failure = absl::DeadlineExceededError(util::StrCat(what, ": ", detail));
      } else if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
        failure = absl::InvalidArgumentError(util::StrCat(what, ": ", detail));
      } else {
        failure = absl::UnavailableError(util::StrCat(what, ": ", detail));
      }
    } else if (status >= 200 && status < 300) {
      return exchange;
    } else {
      failure = HttpError(what, exchange);
      retryable = RetryableHttpStatus(status);
      if (retryable) retry_after = ParseRetryAfter(exchange.Header("retry-after"));
    }
    if (!retryable) return failure;
    if (attempt >= attempts) {
      if (attempts == 1) return failure;
      return absl::Status(failure.code(),
                          util::StrCat(failure.message(), " (after ", attempts, " attempts)"));
    }
    const milliseconds delay = retry_after ? std::min(*retry_after, max_backoff) : backoff;
    backoff = backoff > max_backoff / 2 ? max_backoff : std::max(backoff * 2, milliseconds(1));
    bool go_on = true;
    if (options.wait) {
      go_on = options.wait(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
    if (!go_on) {
      return absl::UnavailableError(
          util::StrCat(failure.message(), " (stopping: not retried after attempt ", attempt, ")"));
    }
  }
}

absl::Status Client::Impl::HttpError(const std::string& what, const Exchange& exchange) {
  const long status = exchange.status;
  const std::string detail = DescribeErrorAnswer(exchange.body);
  std::string message = util::StrCat(what, ": HTTP ", status);
  if (status >= 300 && status < 400) {
    const std::string_view location = exchange.Header("location");
    absl::StrAppend(&message, ": redirected",
                    location.empty() ? "" : util::StrCat(" to ", location),
                    "; redirects are not followed, configure the final URL");
    return absl::InvalidArgumentError(message);
  }
  if (!detail.empty()) absl::StrAppend(&message, ": ", detail);
  switch (status) {
    case 401:
      return absl::UnauthenticatedError(message);
    case 403:
      return absl::PermissionDeniedError(message);
    case 404:
      return absl::NotFoundError(message);
    default:
      break;
  }
  if (status == 429 || status >= 500) return absl::UnavailableError(message);
  return absl::InvalidArgumentError(message);
}

Client::Client(ClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

Client::~Client() = default;

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  KONGSI_RETURN_IF_ERROR(CheckHttpUrl("API root", options.api_root));
  if (!options.api_root.ends_with('/')) options.api_root.push_back('/');
  if (HasControlCharacter(options.bearer_token) || HasControlCharacter(options.username) ||
      HasControlCharacter(options.password)) {
    return absl::InvalidArgumentError("credentials must not contain control characters");
  }
  KONGSI_RETURN_IF_ERROR(CheckReadable("client certificate", options.client_cert));
  KONGSI_RETURN_IF_ERROR(CheckReadable("client key", options.client_key));
  KONGSI_RETURN_IF_ERROR(CheckReadable("CA file", options.ca_file));
  if (const CURLcode code = GlobalInit(); code != CURLE_OK) {
    return absl::InternalError(
        util::StrCat("cannot initialise libcurl: ", curl_easy_strerror(code)));
  }
  std::unique_ptr<Client> client(new Client(std::move(options)));
  client->impl_->curl = curl_easy_init();
  if (client->impl_->curl == nullptr) {
    return absl::InternalError("cannot create a libcurl handle");
  }
  return client;
}

absl::StatusOr<ApiRootInfo> Client::GetApiRoot() {
  const Impl::Call call = Impl::Get(options_.api_root);
  KONGSI_ASSIGN_OR_RETURN(Exchange answer, impl_->Send(options_, call));
  return ParseApiRootAnswer(util::StrCat(call.method, " ", call.url), answer.body);
}

absl::StatusOr<ObjectsPage> Client::GetObjects(std::string_view collection_id,
                                               const ObjectsRequest& request) {
  Impl::Call call = Impl::Get(
      util::StrCat(options_.api_root, "collections/", impl_->Escape(collection_id), "/objects/"));
  std::string query;
  auto param = [&query](std::string_view name, const std::string& value) {
    absl::StrAppend(&query, query.empty() ? "?" : "&", util::AsAbsl(name), "=", value);
  };
  if (request.added_after) {
    param("added_after", impl_->Escape(util::FormatRfc3339(*request.added_after, 6)));
  }
  if (request.limit > 0) param("limit", std::to_string(request.limit));
  if (!request.next.empty()) param("next", impl_->Escape(request.next));
  if (request.all_versions) param("match%5Bversion%5D", "all");
  call.url += query;
  KONGSI_ASSIGN_OR_RETURN(Exchange answer, impl_->Send(options_, call));
  const std::string first(answer.Header("x-taxii-date-added-first"));
  const std::string last(answer.Header("x-taxii-date-added-last"));
  return ParseObjectsAnswer(util::StrCat(call.method, " ", call.url), std::move(answer.body), first,
                            last);
}

absl::StatusOr<StatusInfo> Client::AddObjects(std::string_view collection_id,
                                              std::string_view envelope) {
  const Impl::Call call = Impl::Post(
      util::StrCat(options_.api_root, "collections/", impl_->Escape(collection_id), "/objects/"),
      envelope, kTaxiiMediaType.data(), kTaxiiMediaType.data());
  KONGSI_ASSIGN_OR_RETURN(Exchange answer, impl_->Send(options_, call));
  return ParseStatusAnswer(util::StrCat(call.method, " ", call.url), answer.body);
}

absl::StatusOr<StatusInfo> Client::GetStatus(std::string_view status_id) {
  const Impl::Call call =
      Impl::Get(util::StrCat(options_.api_root, "status/", impl_->Escape(status_id), "/"));
  KONGSI_ASSIGN_OR_RETURN(Exchange answer, impl_->Send(options_, call));
  return ParseStatusAnswer(util::StrCat(call.method, " ", call.url), answer.body);
}

absl::Status Client::PostJson(std::string_view url, std::string_view json_body) {
  const Impl::Call call = Impl::Post(std::string(url), json_body, "application/json",
                                     "application/json, application/taxii+json;version=2.1");
  KONGSI_RETURN_IF_ERROR(CheckHttpUrl("notification URL", call.url));
  return impl_->Send(options_, call).status();
}

}  // namespace kongsi::taxii
