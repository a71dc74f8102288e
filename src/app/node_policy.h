// The node's configuration and sharing policy as the commands load them: kongsi.toml from
// --config or the data directory, and the policy compiled against what the node holds
// (collections, tokens, identity). Used by `serve` (at start and on SIGHUP), `policy check`,
// `policy explain`, `policy reload` and `export --for`.
// Not thread-safe; call from one thread.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "app/config.h"
#include "app/node.h"
#include "federation/federation.h"
#include "policy/policy.h"

namespace kongsi::app {

// `explicit_path` when set, else <data dir>/kongsi.toml when it exists, else "" (defaults).
std::string ConfigPath(const std::string& data_dir, const std::string& explicit_path);

// The configuration at `path` ("" = defaults).
absl::StatusOr<ServeConfig> LoadConfigAt(const std::string& path);

// What the policy may refer to: the node's identity, its collections (stored and configured),
// its live tokens.
absl::StatusOr<policy::NodeFacts> GatherNodeFacts(Node& node, const ServeConfig& config);

// The policy of `config` compiled for `node` (the built-in policy when none is written).
// InvalidArgument listing the policy's errors.
absl::StatusOr<std::shared_ptr<const policy::Policy>> CompileNodePolicy(Node& node,
                                                                        const ServeConfig& config);

// The principal named `name`, as the server would see it: a live token of that name (its
// organisation and collection rights), else a principal the policy declares (every collection:
// the policy alone decides). NotFound otherwise.
absl::StatusOr<policy::Principal> FindPrincipal(Node& node, const ServeConfig& config,
                                                std::string_view name);

// The federation of `config` for `node`: its peers and each peer's principal as FindPrincipal
// finds it (a peer whose principal is not declared is neither pushed to nor notified).
absl::StatusOr<federation::FederationOptions> FederationOptionsFor(Node& node,
                                                                   const ServeConfig& config);

// What `kongsi policy check` says about the [[peer]] tables next to the policy: errors for a
// link naming a collection the node does not have and for a pushing peer whose principal is not
// declared with kind = "peer" (the server would refuse to start); warnings for a peer whose
// organisation the policy does not declare (what it sends then reaches nobody else beyond
// TLP:CLEAR) and for a peer principal without a live token of that name (it cannot pull or
// notify).
std::vector<policy::PolicyFinding> CheckPeers(const ServeConfig& config,
                                              const policy::NodeFacts& facts);

// Path of the file in which `kongsi serve` records its process id (for `policy reload`).
std::string ServePidPath(const std::string& data_dir);

}  // namespace kongsi::app
