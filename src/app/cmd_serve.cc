// `kongsi serve`: the node's TAXII 2.1 server. Wires the store, the disclosure door, token
// authentication and the TAXII service into the HTTP server, then runs until SIGINT or
// SIGTERM, when it shuts down gracefully (in-flight requests finish; every acknowledged write
// is already durable). SIGHUP (sent by `kongsi policy reload`) reloads the sharing policy
// from the configuration without touching connections; a policy with errors is refused and
// the one in force stays.

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "app/commands.h"
#include "app/config.h"
#include "app/lookup_endpoint.h"
#include "app/node_policy.h"
#include "app/notify_endpoint.h"
#include "federation/federation.h"
#include "http/metrics.h"
#include "http/server.h"
#include "policy/disclosure.h"
#include "policy/tokens.h"
#include "store/scan_cache.h"
#include "taxii/error.h"
#include "taxii/service.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct ServeOptions {
  std::string config_path;  // empty: <data dir>/kongsi.toml when it exists
  std::string listen;       // overrides server.listen
};

// Creates the configured collections that the store does not have yet.
absl::Status CreateConfiguredCollections(store::Store& store, const ServeConfig& config) {
  for (const store::Collection& wanted : config.collections) {
    auto found = store.GetCollection(wanted.id);
    if (found.ok()) continue;
    if (!absl::IsNotFound(found.status())) return found.status();
    store::Collection c = wanted;
    c.created = util::SystemClock::Get().Now();
    KONGSI_RETURN_IF_ERROR(store.CreateCollection(c));
  }
  return absl::OkStatus();
}

// The gauge of stored objects reads the store's statistics at most every 30 seconds: counting
// is a scan, and scrapes must stay cheap.
class StoredObjectsGauge {
 public:
  explicit StoredObjectsGauge(store::Store& store) : store_(store) {}
  double Read() {
    std::lock_guard lock(mu_);
    const util::Timestamp now = util::SystemClock::Get().Now();
    if (now - read_at_ >= 30'000'000 || read_at_ == 0) {
      if (auto stats = store_.GetStats(); stats.ok()) value_ = static_cast<double>(stats->versions);
      read_at_ = now;
    }
    return value_;
  }

 private:
  store::Store& store_;
  std::mutex mu_;
  util::Timestamp read_at_ = 0;
  double value_ = 0;
};

taxii::Request ToTaxii(const http::Request& r) {
  taxii::Request t;
  t.method = r.method;
  t.path = r.path;
  t.query = r.query;
  t.body = r.body;
  t.accept = r.Header("Accept");
  t.content_type = r.Header("Content-Type");
  t.authorization = r.Header("Authorization");
  t.host = r.Header("Host");
  return t;
}

http::Response ToHttp(taxii::Response t) {
  http::Response r;
  r.status = t.status;
  r.content_type = std::move(t.content_type);
  r.body = std::move(t.body);
  r.headers = std::move(t.headers);
  r.route = std::move(t.route);
  r.principal = std::move(t.principal);
  return r;
}

// Counts of withheld objects per principal and reason, for /metrics.
std::vector<http::Metrics::LabelledSample> DenialSamples(const policy::Disclosure& disclosure) {
  std::vector<http::Metrics::LabelledSample> samples;
  for (const auto& [principal, counts] : disclosure.Denials()) {
    for (int reason = 1; reason < policy::kDenialCount; ++reason) {
      if (counts[reason] == 0) continue;
      samples.push_back({.labels = {{"principal", principal},
                                    {"reason", std::string(policy::DenialName(
                                                   static_cast<policy::Denial>(reason)))}},
                         .value = counts[reason]});
    }
  }
  return samples;
}

// Re-reads the configuration's policy and puts it in force if it compiles. The path is found
// again each time: a kongsi.toml written into the data directory after the start counts.
void ReloadPolicy(Node& node, const ServeOptions& options, policy::Disclosure& disclosure) {
  const std::string config_path = ConfigPath(node.data_dir, options.config_path);
  absl::StatusOr<ServeConfig> config = LoadConfigAt(config_path);
  absl::StatusOr<std::shared_ptr<const policy::Policy>> compiled =
      config.ok() ? CompileNodePolicy(node, *config)
                  : absl::StatusOr<std::shared_ptr<const policy::Policy>>(config.status());
  if (!compiled.ok()) {
    std::fprintf(stderr, "kongsi: policy reload refused, the policy in force stays: %s\n",
                 std::string(compiled.status().message()).c_str());
    return;
  }
  disclosure.SetPolicy(*std::move(compiled));
  std::fprintf(stderr, "kongsi: policy reloaded from %s\n",
               config_path.empty() ? "(built-in)" : config_path.c_str());
}

int RunServe(const GlobalOptions& global, const ServeOptions& options) {
  // SIGINT and SIGTERM are blocked before any thread starts (threads inherit the mask) and
  // taken with sigwait() once the server runs: a signal that arrives at any moment, even
  // right after the "serving" line, stops the server gracefully instead of killing it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const std::string data_dir = ResolveDataDir(global);
  const std::string config_path = ConfigPath(data_dir, options.config_path);
  absl::StatusOr<ServeConfig> config = LoadConfigAt(config_path);
  if (!config.ok()) {
    PrintError(config.status());
    return kExitUnusable;
  }
  auto node = OpenNode(global, config->page_cache_bytes);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  if (!options.listen.empty()) {
    if (absl::Status s = ParseListen(options.listen, config->server); !s.ok()) {
      PrintError(util::StrCat("--listen: ", s.message()));
      return kExitUnusable;
    }
  }
  if (absl::Status s = CreateConfiguredCollections(*node->store, *config); !s.ok()) {
    PrintError(s);
    return kExitUnusable;
  }

  // First start: without any token nobody could use the server, so one admin token is made
  // and shown once.
  auto tokens = node->store->ListTokens();
  if (!tokens.ok()) {
    PrintError(tokens.status());
    return kExitUnusable;
  }
  std::string admin_token;
  if (tokens->empty()) {
    auto issued = policy::IssueToken(*node->store,
                                     {.name = "admin",
                                      .organisation = node->identity_id,
                                      .read = {std::string(policy::kAllCollections)},
                                      .write = {std::string(policy::kAllCollections)}},
                                     util::SystemClock::Get());
    if (!issued.ok()) {
      PrintError(issued.status());
      return kExitUnusable;
    }
    admin_token = issued->token;
  }

  auto sharing_policy = CompileNodePolicy(*node, *config);
  if (!sharing_policy.ok()) {
    PrintError(sharing_policy.status());
    return kExitUnusable;
  }
  const util::Clock& clock = util::SystemClock::Get();
  policy::Disclosure disclosure(*node->store, clock, *std::move(sharing_policy));
  policy::TokenAuthenticator authenticator(*node->store);
  taxii::Service service(config->taxii, *node->store, disclosure, authenticator, clock);
  auto federation_options = FederationOptionsFor(*node, *config);
  if (!federation_options.ok()) {
    PrintError(federation_options.status());
    return kExitUnusable;
  }
  federation::Federation federation(*node->store, disclosure, clock,
                                    *std::move(federation_options));

  http::Metrics metrics;
  StoredObjectsGauge stored(*node->store);
  metrics.AddGauge("kongsi_objects_stored", "Object versions in the store (refreshed every 30 s)",
                   [&stored] { return stored.Read(); });
  metrics.AddCounter("kongsi_taxii_objects_added_total",
                     "Object versions newly stored through TAXII add-objects",
                     &service.objects_added());
  metrics.AddLabelledCounter("kongsi_policy_withheld_total",
                             "Objects withheld from a principal by the sharing policy, by reason",
                             [&disclosure] { return DenialSamples(disclosure); });
  if (const store::ScanCache* cache = node->store->page_cache()) {
    metrics.AddCounter("kongsi_page_cache_hits_total", "Collection pages answered from memory",
                       &cache->hits_counter());
    metrics.AddCounter("kongsi_page_cache_misses_total", "Collection pages read from the store",
                       &cache->misses_counter());
    metrics.AddGauge("kongsi_page_cache_bytes", "Bytes of collection pages kept in memory",
                     [cache] { return static_cast<double>(cache->bytes()); });
  }

  metrics.AddCounter("kongsi_federation_objects_in_total",
                     "Object versions newly stored from partner nodes", &federation.objects_in());
  metrics.AddCounter("kongsi_federation_objects_out_total",
                     "Object versions partner nodes accepted from this node",
                     &federation.objects_out());

  auto server = http::Server::Start(
      config->server,
      [&service, &authenticator, &federation, &node, &disclosure](const http::Request& request) {
        if (request.path == kNotifyPath) return HandleNotify(request, authenticator, federation);
        if (request.path == kLookupPath) {
          return HandleLookup(request, authenticator, *node->store, disclosure);
        }
        http::Response response = ToHttp(service.Handle(ToTaxii(request)));
        // Objects added (202): peers hear of it at once, not at the watcher's next look.
        if (request.method == "POST" && response.status == 202) federation.LocalChange();
        return response;
      },
      [](int status, std::string_view title, std::string_view description) {
        return ToHttp(taxii::ErrorResponse(status, title, description));
      },
      &metrics);
  if (!server.ok()) {
    PrintError(server.status());
    return kExitUnusable;
  }
  // For `kongsi policy reload`: which process to signal, and which configuration it reads.
  const std::string pid_path = ServePidPath(data_dir);
  std::ofstream(pid_path) << getpid() << "\n"
                          << (options.config_path.empty()
                                  ? std::string()
                                  : std::filesystem::absolute(options.config_path).string())
                          << "\n";
  // Peers start once the server answers: a notification from a peer finds it listening.
  if (absl::Status s = federation.Start(); !s.ok()) {
    PrintError(s);
    (*server)->Shutdown();
    return kExitUnusable;
  }
  const std::string root_url = util::StrCat((*server)->url(), "/taxii2/");
  std::printf("kongsi: serving TAXII 2.1 at %s\n", root_url.c_str());
  if (!admin_token.empty()) {
    std::printf("kongsi: admin token (shown once): %s\n", admin_token.c_str());
    std::printf(
        "kongsi: try: curl -H 'Accept: application/taxii+json;version=2.1' "
        "-H 'Authorization: Bearer %s' %s\n",
        admin_token.c_str(), root_url.c_str());
  }
  std::fflush(stdout);
  int signal = 0;
  while (sigwait(&stop_signals, &signal) == 0 && signal == SIGHUP) {
    ReloadPolicy(*node, options, disclosure);
  }
  std::error_code ignored;
  std::filesystem::remove(pid_path, ignored);
  if (!global.quiet) {
    std::fprintf(stderr, "kongsi: %s received, finishing requests in progress\n",
                 signal == SIGINT ? "SIGINT" : "SIGTERM");
  }
  federation.Stop();  // runs in progress end between pages; cursors are already stored
  (*server)->Shutdown();
  if (!global.quiet) std::fprintf(stderr, "kongsi: stopped\n");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("serve", "run the TAXII 2.1 server");
  auto opts = std::make_shared<ServeOptions>();
  cmd->add_option("--config", opts->config_path,
                  "configuration file (default: kongsi.toml in the data directory, if present)");
  cmd->add_option("--listen", opts->listen, "ADDRESS:PORT to listen on (default 127.0.0.1:9440)");
  cmd->callback([&options, &exit_code, opts] { exit_code = RunServe(options, *opts); });
}

}  // namespace kongsi::app
