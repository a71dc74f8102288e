// `kongsi.toml`: the node's server configuration (listen address, limits, TLS, access log),
// its TAXII API roots, the collections to create at start, and its sharing policy ([policy],
// [[organisation]], [[principal]], [[community]], [[agreement]], inline or in the file named by
// [policy] include; docs/policy.md) and its federation peers ([[peer]]; docs/federation.md). Every
// key is checked: an unknown key or a value of the wrong type is an error naming the file, line and
// column, so a typo never silently falls back to a default.
//
// Pure function of the file; thread-compatible.
// Errors: InvalidArgument ("kongsi.toml:12:3: server.listen: ..."); NotFound when the file is
// missing.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "federation/peer.h"
#include "http/server.h"
#include "policy/policy_spec.h"
#include "store/store.h"
#include "taxii/service.h"

namespace kongsi::app {

struct ServeConfig {
  http::ServerOptions server;
  size_t page_cache_bytes = 64 << 20;  // [server] page_cache_mb: recent collection pages
  taxii::ServiceConfig taxii;
  std::vector<store::Collection> collections;  // [[collection]], created at start if missing
  policy::PolicySpec policy;  // empty (no organisations, no agreements) when none is written
  bool has_policy = false;    // a [policy] table or any policy table was written
  // [[peer]]: partner nodes (federation/peer.h); file paths in them are made absolute
  // (relative ones are read from the configuration file's folder).
  std::vector<federation::PeerSpec> peers;
};

// The peer named `name`, or nullptr.
const federation::PeerSpec* FindPeer(const ServeConfig& config, std::string_view name);

// The configuration with every default: 127.0.0.1:9440, one API root "api1" exposing every
// collection, 10 MiB bodies, pages of at most 1000 objects.
ServeConfig DefaultServeConfig();

// Reads a configuration file over the defaults.
absl::StatusOr<ServeConfig> LoadServeConfig(const std::string& path);

// Parses the TOML text of a configuration (`name` is used in error messages).
absl::StatusOr<ServeConfig> ParseServeConfig(std::string_view text, std::string_view name);

// "127.0.0.1:9440", "[::1]:9440", "0.0.0.0:0" into address and port. InvalidArgument.
absl::Status ParseListen(std::string_view listen, http::ServerOptions& out);

// "30s", "500ms", "2m", "1h" into milliseconds. InvalidArgument.
absl::StatusOr<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace kongsi::app
