// Ingest throughput: parse + validate + store (SQLite, durable commits) of generated indicator
// bundles (100k and 1M objects), the same again (the "unchanged" path), validation alone, and
// the MITRE ATT&CK enterprise bundle when ../shared/data is present. Prints figures; never
// pass/fail. Usage: ingest_bench [--sizes 100000,1000000] [--attack PATH]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "ingest/ingester.h"
#include "ingest/input.h"
#include "stix/reader.h"
#include "stix/validate.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

long PeakRssMb() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// A bundle of `n` indicators shaped like real feed content: TLP marking, producer identity,
// a description, kill chain phase, one IPv4 / domain / URL / SHA-256 pattern each.
std::string MakeIndicatorBundle(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  auto hex = [&](int digits) {
    static const char* kHex = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < digits; ++i) s.push_back(kHex[rng() % 16]);
    return s;
  };
  auto uuid = [&] {
    return absl::StrFormat("%s-%s-4%s-a%s-%s", hex(8), hex(4), hex(3), hex(3), hex(12));
  };
  std::string out =
      absl::StrFormat("{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[", uuid());
  out.reserve(n * 700);
  const std::string producer = "identity--" + uuid();
  for (size_t i = 0; i < n; ++i) {
    std::string pattern;
    switch (i % 4) {
      case 0:
        pattern = absl::StrFormat("[ipv4-addr:value = '%d.%d.%d.%d']", 1 + rng() % 223, rng() % 256,
                                  rng() % 256, rng() % 256);
        break;
      case 1:
        pattern = absl::StrFormat("[domain-name:value = 'c2-%s.example.net']", hex(10));
        break;
      case 2:
        pattern = absl::StrFormat("[url:value = 'http://%s.example.org/gate.php']", hex(8));
        break;
      default:
        pattern = absl::StrFormat("[file:hashes.'SHA-256' = '%s']", hex(64));
        break;
    }
    if (i > 0) out.push_back(',');
    absl::StrAppendFormat(
        &out,
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--%s\","
        "\"created_by_ref\":\"%s\",\"created\":\"2026-03-%02dT10:%02d:%02d.000Z\","
        "\"modified\":\"2026-03-%02dT10:%02d:%02d.000Z\",\"name\":\"Malicious infrastructure %zu\","
        "\"description\":\"Observed in phishing campaign targeting the finance sector.\","
        "\"indicator_types\":[\"malicious-activity\"],\"pattern\":\"%s\",\"pattern_type\":\"stix\","
        "\"valid_from\":\"2026-03-01T00:00:00Z\",\"kill_chain_phases\":[{\"kill_chain_name\":"
        "\"lockheed-martin-cyber-kill-chain\",\"phase_name\":\"command-and-control\"}],"
        "\"labels\":[\"phishing\"],\"confidence\":80,\"object_marking_refs\":"
        "[\"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb\"]}",
        uuid(), producer, 1 + i % 28, i % 60, i % 60, 1 + i % 28, i % 60, i % 60, i, pattern);
  }
  out += "]}";
  return out;
}

struct Run {
  double seconds = 0;
  kongsi::ingest::IngestReport report;
};

Run Ingest(kongsi::store::Store& store, const std::string& text) {
  kongsi::ingest::Ingester ingester(store, kongsi::ingest::IngestOptions{});
  Run run;
  const auto start = Clock::now();
  kongsi::store::Provenance provenance{
      .kind = kongsi::store::Provenance::Kind::kFile, .source = "bench", .organisation = ""};
  absl::Status status = ingester.IngestDocument(text, provenance, run.report);
  if (status.ok()) status = ingester.Finish(run.report);
  run.seconds = Seconds(start);
  if (!status.ok())
    std::fprintf(stderr, "ingest failed: %s\n", std::string(status.message()).c_str());
  return run;
}

double ValidateOnly(const std::string& text, size_t& objects, size_t& errors) {
  kongsi::stix::DocumentReader reader;
  kongsi::stix::Validator validator;
  std::vector<kongsi::stix::Finding> findings;
  kongsi::stix::ReadSummary summary;
  errors = 0;
  const auto start = Clock::now();
  absl::Status status = reader.Read(
      text,
      [&](const kongsi::stix::InputObject& input) {
        findings.clear();
        validator.ValidateObject(input.element, input.name, input.pointer, findings);
        for (const auto& f : findings) errors += f.severity == kongsi::stix::Severity::kError;
        return true;
      },
      summary);
  objects = summary.objects;
  return Seconds(start);
}

void Report(const char* what, size_t objects, size_t bytes, double seconds) {
  std::printf("%-44s %9zu objects %8.1f MB %7.3f s %10.0f objects/s %7.1f MB/s  peak RSS %ld MB\n",
              what, objects, static_cast<double>(bytes) / 1e6, seconds,
              static_cast<double>(objects) / seconds, static_cast<double>(bytes) / 1e6 / seconds,
              PeakRssMb());
}

void BenchBundle(const std::string& label, const std::string& text, const std::string& dir) {
  size_t objects = 0, errors = 0;
  const double validate_s = ValidateOnly(text, objects, errors);
  Report((label + ": parse + validate").c_str(), objects, text.size(), validate_s);
  if (errors > 0) std::printf("  (%zu validation errors)\n", errors);

  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  kongsi::store::StoreConfig config;
  config.path = dir + "/store.db";
  auto store = kongsi::store::Store::Open(config);
  if (!store.ok()) {
    std::fprintf(stderr, "open failed: %s\n", std::string(store.status().message()).c_str());
    return;
  }
  Run first = Ingest(**store, text);
  Report((label + ": ingest into empty SQLite store").c_str(),
         static_cast<size_t>(first.report.objects), text.size(), first.seconds);
  std::printf("  accepted %lld, rejected %lld, warnings %lld\n",
              static_cast<long long>(first.report.accepted),
              static_cast<long long>(first.report.rejected),
              static_cast<long long>(first.report.warnings));
  Run again = Ingest(**store, text);
  Report((label + ": same again (all unchanged)").c_str(),
         static_cast<size_t>(again.report.objects), text.size(), again.seconds);
  store->reset();
  std::printf("  store file: %.1f MB\n",
              static_cast<double>(std::filesystem::file_size(config.path)) / 1e6);
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes = {100000, 1000000};
  std::string attack =
      std::string(KONGSI_SOURCE_DIR) + "/../shared/data/attack/enterprise-attack-18.1.json";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--sizes") {
      sizes.clear();
      for (auto part : absl::StrSplit(argv[i + 1], ','))
        sizes.push_back(std::stoul(std::string(part)));
    } else if (flag == "--attack") {
      attack = argv[i + 1];
    }
  }
  const std::string dir = std::filesystem::temp_directory_path() / "kongsi-ingest-bench";
  std::printf("kongsi ingest benchmark (release build recommended)\n");
  for (size_t n : sizes) {
    const auto gen_start = Clock::now();
    const std::string text = MakeIndicatorBundle(n, 42);
    std::printf("generated %zu indicators (%.1f MB) in %.2f s\n", n,
                static_cast<double>(text.size()) / 1e6, Seconds(gen_start));
    BenchBundle(absl::StrFormat("indicators %zu", n), text, dir);
  }
  if (std::filesystem::exists(attack)) {
    auto text = kongsi::ingest::ReadSource({attack});
    if (text.ok()) BenchBundle("ATT&CK enterprise 18.1", *text, dir);
  } else {
    std::printf("ATT&CK bundle absent (%s): skipped\n", attack.c_str());
  }
  return 0;
}
