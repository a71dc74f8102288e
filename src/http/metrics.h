// Metrics: a small Prometheus registry (text exposition format 0.0.4) for the HTTP server and
// the application.
//
// The server reports every response (built-in routes and server-produced errors included) and
// every connection; the application adds its own gauges and counters. `Render` produces the
// body of `GET /metrics`.
//
// Ownership: the caller owns the Metrics and must keep it alive while a Server that uses it
// runs. `AddCounter` keeps the pointer it is given: the counter must outlive the Metrics (or
// at least every Render call). Gauge callbacks are called from Render.
// Thread-safety: every method may be called from any thread. ObserveRequest and the connection
// calls are on the request path: a short critical section, no allocation once a route, method
// and status have been seen. A gauge callback must not call back into the same Metrics.
// Errors: none. Label values are bounded: methods outside the standard set are counted as
// "OTHER", routes beyond kMaxRoutes distinct labels as "other".
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kongsi::http {

class Metrics {
 public:
  // Upper bounds (seconds) of kongsi_http_request_duration_seconds; +Inf is implied.
  static constexpr std::array<double, 14> kDurationBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  static constexpr size_t kMaxRoutes = 512;

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One response: counts kongsi_http_requests_total{route,method,code} and observes
  // kongsi_http_request_duration_seconds{route}. `route` "" is counted as "other".
  void ObserveRequest(std::string_view route, std::string_view method, int status, double seconds);

  // Connection accounting: kongsi_http_connections_open (gauge), kongsi_http_connections_total
  // and kongsi_http_rejected_connections_total (over the connection limit).
  void ConnectionOpened();
  void ConnectionClosed();
  void ConnectionRejected();

  // Application metrics. `name` must match [a-zA-Z_:][a-zA-Z0-9_:]* and differ from the
  // server's own names; an invalid name is logged and ignored, a name registered again
  // replaces the earlier registration. `read` is called at scrape time.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  void AddCounter(std::string name, std::string help, const std::atomic<uint64_t>* value);
  // A counter family with labels, read at scrape time: one sample per entry.
  struct LabelledSample {
    std::vector<std::pair<std::string, std::string>> labels;  // name (valid), value (escaped)
    uint64_t value = 0;
  };
  void AddLabelledCounter(std::string name, std::string help,
                          std::function<std::vector<LabelledSample>()> read);

  // The whole registry in the Prometheus text format 0.0.4.
  std::string Render() const;

 private:
  struct Requests;  // route -> histogram and per-(method, code) counters (metrics.cc)
  struct Custom {
    std::string name;
    std::string help;
    std::function<double()> gauge;                          // set for gauges
    const std::atomic<uint64_t>* counter;                   // set for counters
    std::function<std::vector<LabelledSample>()> labelled;  // set for labelled counters
  };
  void AddCustom(Custom custom);

  std::unique_ptr<Requests> requests_;  // has its own mutex
  std::atomic<int64_t> connections_open_{0};
  std::atomic<uint64_t> connections_total_{0};
  std::atomic<uint64_t> connections_rejected_{0};

  mutable std::mutex custom_mu_;
  std::vector<Custom> custom_;  // guarded by custom_mu_, in registration order
};

}  // namespace kongsi::http
