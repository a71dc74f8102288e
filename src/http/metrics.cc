#include "http/metrics.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spdlog/spdlog.h"
#include "util/strings.h"

namespace kongsi::http {
namespace {

// Methods get their own label value; anything else a client sends is "OTHER", so a client
// cannot grow the label set.
constexpr std::array<std::string_view, 10> kMethods = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "OTHER"};

uint32_t MethodIndex(std::string_view method) {
  for (uint32_t i = 0; i + 1 < kMethods.size(); ++i) {
    if (kMethods[i] == method) return i;
  }
  return kMethods.size() - 1;
}

constexpr size_t kBuckets = Metrics::kDurationBuckets.size() + 1;  // the last one is +Inf

struct RouteStats {
  std::array<uint64_t, kBuckets> buckets{};  // per bucket, not cumulative
  double sum = 0;
  uint64_t count = 0;
  absl::flat_hash_map<uint32_t, uint64_t> by_method_code;  // (method index << 16) | code
};

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void AppendEscaped(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return absl::StrFormat("%.15g", v);
}

void AppendHeader(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  AppendEscaped(out, help, /*quotes=*/false);
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

}  // namespace

struct Metrics::Requests {
  std::mutex mu;
  absl::flat_hash_map<std::string, RouteStats> routes;  // guarded by mu
};

Metrics::Metrics() : requests_(std::make_unique<Requests>()) {}
Metrics::~Metrics() = default;

void Metrics::ObserveRequest(std::string_view route, std::string_view method, int status,
                             double seconds) {
  if (route.empty()) route = "other";
  status = std::clamp(status, 0, 999);
  if (!(seconds >= 0)) seconds = 0;  // NaN or negative (a clock step) count as 0
  size_t bucket = std::lower_bound(kDurationBuckets.begin(), kDurationBuckets.end(), seconds) -
                  kDurationBuckets.begin();
  uint32_t key = (MethodIndex(method) << 16) | static_cast<uint32_t>(status);

  std::lock_guard lock(requests_->mu);
  auto& routes = requests_->routes;
  auto it = routes.find(util::AsAbsl(route));
  if (it == routes.end()) {
    if (routes.size() >= kMaxRoutes) route = "other";
    it = routes.try_emplace(std::string(route)).first;
  }
  RouteStats& stats = it->second;
  ++stats.buckets[bucket];
  stats.sum += seconds;
  ++stats.count;
  ++stats.by_method_code[key];
}

void Metrics::ConnectionOpened() {
  connections_open_.fetch_add(1, std::memory_order_relaxed);
  connections_total_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::ConnectionClosed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }

void Metrics::ConnectionRejected() {
  connections_rejected_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  AddCustom({std::move(name), std::move(help), std::move(read), nullptr, nullptr});
}

void Metrics::AddCounter(std::string name, std::string help, const std::atomic<uint64_t>* value) {
  AddCustom({std::move(name), std::move(help), nullptr, value, nullptr});
}

void Metrics::AddLabelledCounter(std::string name, std::string help,
                                 std::function<std::vector<LabelledSample>()> read) {
  AddCustom({std::move(name), std::move(help), nullptr, nullptr, std::move(read)});
}

void Metrics::AddCustom(Custom custom) {
  if (!IsValidName(custom.name) || custom.name.starts_with("kongsi_http_") ||
      (!custom.gauge && custom.counter == nullptr && !custom.labelled)) {
    spdlog::error("metrics: ignoring invalid metric registration '{}'", custom.name);
    return;
  }
  std::lock_guard lock(custom_mu_);
  for (Custom& existing : custom_) {
    if (existing.name == custom.name) {
      existing = std::move(custom);
      return;
    }
  }
  custom_.push_back(std::move(custom));
}

std::string Metrics::Render() const {
  // Copy under the lock, format without it: a scrape must not stall requests.
  std::vector<std::pair<std::string, RouteStats>> routes;
  {
    std::lock_guard lock(requests_->mu);
    routes.assign(requests_->routes.begin(), requests_->routes.end());
  }
  std::sort(routes.begin(), routes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  std::string out;
  out.reserve(4096 + routes.size() * 2048);

  AppendHeader(out, "kongsi_http_requests_total", "HTTP responses sent, by route, method and code.",
               "counter");
  for (const auto& [route, stats] : routes) {
    std::vector<std::pair<uint32_t, uint64_t>> counts(stats.by_method_code.begin(),
                                                      stats.by_method_code.end());
    std::sort(counts.begin(), counts.end());
    for (const auto& [key, count] : counts) {
      out += "kongsi_http_requests_total{route=\"";
      AppendEscaped(out, route, /*quotes=*/true);
      absl::StrAppend(&out, "\",method=\"", util::AsAbsl(kMethods[key >> 16]), "\",code=\"",
                      key & 0xffff, "\"} ", count, "\n");
    }
  }

  AppendHeader(out, "kongsi_http_request_duration_seconds",
               "Time from the first byte of a request to its response written, by route.",
               "histogram");
  for (const auto& [route, stats] : routes) {
    std::string label;
    AppendEscaped(label, route, /*quotes=*/true);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      cumulative += stats.buckets[i];
      std::string le =
          i < kDurationBuckets.size() ? absl::StrFormat("%g", kDurationBuckets[i]) : "+Inf";
      absl::StrAppend(&out, "kongsi_http_request_duration_seconds_bucket{route=\"", label,
                      "\",le=\"", le, "\"} ", cumulative, "\n");
    }
    absl::StrAppend(&out, "kongsi_http_request_duration_seconds_sum{route=\"", label, "\"} ",
                    FormatValue(stats.sum), "\n");
    absl::StrAppend(&out, "kongsi_http_request_duration_seconds_count{route=\"", label, "\"} ",
                    stats.count, "\n");
  }

  AppendHeader(out, "kongsi_http_connections_open", "HTTP connections open now.", "gauge");
  absl::StrAppend(&out, "kongsi_http_connections_open ",
                  connections_open_.load(std::memory_order_relaxed), "\n");
  AppendHeader(out, "kongsi_http_connections_total", "HTTP connections accepted and served.",
               "counter");
  absl::StrAppend(&out, "kongsi_http_connections_total ",
                  connections_total_.load(std::memory_order_relaxed), "\n");
  AppendHeader(out, "kongsi_http_rejected_connections_total",
               "HTTP connections refused with 503 because max_connections were open.", "counter");
  absl::StrAppend(&out, "kongsi_http_rejected_connections_total ",
                  connections_rejected_.load(std::memory_order_relaxed), "\n");

  std::lock_guard lock(custom_mu_);
  for (const Custom& custom : custom_) {
    if (custom.gauge) {
      AppendHeader(out, custom.name, custom.help, "gauge");
      absl::StrAppend(&out, custom.name, " ", FormatValue(custom.gauge()), "\n");
    } else if (custom.labelled) {
      AppendHeader(out, custom.name, custom.help, "counter");
      for (const LabelledSample& sample : custom.labelled()) {
        out += custom.name;
        char separator = '{';
        for (const auto& [label, value] : sample.labels) {
          if (!IsValidName(label)) continue;
          absl::StrAppend(&out, std::string(1, separator), label, "=\"");
          AppendEscaped(out, value, /*quotes=*/true);
          out += '"';
          separator = ',';
        }
        if (separator == ',') out += '}';
        absl::StrAppend(&out, " ", sample.value, "\n");
      }
    } else {
      AppendHeader(out, custom.name, custom.help, "counter");
      absl::StrAppend(&out, custom.name, " ", custom.counter->load(std::memory_order_relaxed),
                      "\n");
    }
  }
  return out;
}

}  // namespace kongsi::http
