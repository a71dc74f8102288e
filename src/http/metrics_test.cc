#include "http/metrics.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kongsi::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, EmptyRegistryRendersTheServerMetrics) {
  Metrics metrics;
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE kongsi_http_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE kongsi_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_connections_open 0\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_connections_total 0\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_rejected_connections_total 0\n"));
}

TEST(MetricsTest, CountsByRouteMethodAndCode) {
  Metrics metrics;
  metrics.ObserveRequest("taxii.objects.get", "GET", 200, 0.002);
  metrics.ObserveRequest("taxii.objects.get", "GET", 200, 0.003);
  metrics.ObserveRequest("taxii.objects.get", "GET", 404, 0.001);
  metrics.ObserveRequest("taxii.objects.post", "POST", 202, 0.2);
  metrics.ObserveRequest("", "BREW", 418, 0.0001);  // unknown method and no route
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("kongsi_http_requests_total{route=\"taxii.objects.get\","
                              "method=\"GET\",code=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_requests_total{route=\"taxii.objects.get\","
                              "method=\"GET\",code=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_requests_total{route=\"taxii.objects.post\","
                              "method=\"POST\",code=\"202\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_requests_total{route=\"other\","
                              "method=\"OTHER\",code=\"418\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("BREW")));
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.ObserveRequest("r", "GET", 200, 0.0004);  // <= 0.0005
  metrics.ObserveRequest("r", "GET", 200, 0.001);   // <= 0.001 (bounds are inclusive)
  metrics.ObserveRequest("r", "GET", 200, 0.3);     // <= 0.5
  metrics.ObserveRequest("r", "GET", 200, 60);      // +Inf only
  std::string text = metrics.Render();
  EXPECT_THAT(
      text,
      HasSubstr("kongsi_http_request_duration_seconds_bucket{route=\"r\",le=\"0.0005\"} 1\n"));
  EXPECT_THAT(
      text, HasSubstr("kongsi_http_request_duration_seconds_bucket{route=\"r\",le=\"0.001\"} 2\n"));
  EXPECT_THAT(
      text, HasSubstr("kongsi_http_request_duration_seconds_bucket{route=\"r\",le=\"0.25\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("kongsi_http_request_duration_seconds_bucket{route=\"r\",le=\"0.5\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("kongsi_http_request_duration_seconds_bucket{route=\"r\",le=\"10\"} 3\n"));
  EXPECT_THAT(
      text, HasSubstr("kongsi_http_request_duration_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_request_duration_seconds_sum{route=\"r\"} 60.3014\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_request_duration_seconds_count{route=\"r\"} 4\n"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics metrics;
  metrics.ObserveRequest("a\"b\\c\nd", "GET", 200, 0.001);
  EXPECT_THAT(metrics.Render(), HasSubstr("{route=\"a\\\"b\\\\c\\nd\",method=\"GET\""));
}

TEST(MetricsTest, RouteLabelsAreBounded) {
  Metrics metrics;
  for (size_t i = 0; i < Metrics::kMaxRoutes + 10; ++i) {
    metrics.ObserveRequest("route" + std::to_string(i), "GET", 200, 0.001);
  }
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("route=\"route0\""));
  EXPECT_THAT(text, Not(HasSubstr("route=\"route" + std::to_string(Metrics::kMaxRoutes + 5))));
  EXPECT_THAT(text, HasSubstr("kongsi_http_request_duration_seconds_count{route=\"other\"} 10\n"));
}

TEST(MetricsTest, ConnectionCounters) {
  Metrics metrics;
  metrics.ConnectionOpened();
  metrics.ConnectionOpened();
  metrics.ConnectionClosed();
  metrics.ConnectionRejected();
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("kongsi_http_connections_open 1\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_connections_total 2\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_rejected_connections_total 1\n"));
}

TEST(MetricsTest, ApplicationGaugesAndCountersAreReadAtScrapeTime) {
  Metrics metrics;
  std::atomic<uint64_t> ingested = 5;
  double stored = 1.5;
  metrics.AddCounter("kongsi_objects_ingested_total", "Objects ingested.", &ingested);
  metrics.AddGauge("kongsi_objects_stored", "Objects in the store.", [&] { return stored; });
  metrics.AddGauge("bad name", "ignored", [] { return 1.0; });
  metrics.AddGauge("kongsi_http_connections_open", "reserved", [] { return 7.0; });
  ingested = 9;
  stored = 2;
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("# HELP kongsi_objects_ingested_total Objects ingested.\n"
                              "# TYPE kongsi_objects_ingested_total counter\n"
                              "kongsi_objects_ingested_total 9\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE kongsi_objects_stored gauge\nkongsi_objects_stored 2\n"));
  EXPECT_THAT(text, Not(HasSubstr("bad name")));
  EXPECT_THAT(text, Not(HasSubstr("kongsi_http_connections_open 7")));

  metrics.AddGauge("kongsi_objects_stored", "Objects in the store.", [] { return 3.0; });
  EXPECT_THAT(metrics.Render(), HasSubstr("kongsi_objects_stored 3\n"));
}

TEST(MetricsTest, ConcurrentObservationsAreAllCounted) {
  Metrics metrics;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kPerThread; ++i) {
        metrics.ObserveRequest(t % 2 == 0 ? "a" : "b", "GET", 200, 0.001);
        if (i % 1000 == 0) metrics.Render();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("kongsi_http_request_duration_seconds_count{route=\"a\"} 10000\n"));
  EXPECT_THAT(text, HasSubstr("kongsi_http_request_duration_seconds_count{route=\"b\"} 10000\n"));
}

}  // namespace
}  // namespace kongsi::http
