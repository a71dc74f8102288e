// Loading the configuration and compiling the sharing policy for a node.
#include "app/node_policy.h"

#include <algorithm>
#include <filesystem>

#include "util/status.h"
#include "util/strings.h"

namespace kongsi::app {

std::string ConfigPath(const std::string& data_dir, const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  const std::string in_data_dir = (std::filesystem::path(data_dir) / "kongsi.toml").string();
  return std::filesystem::exists(in_data_dir) ? in_data_dir : std::string();
}

absl::StatusOr<ServeConfig> LoadConfigAt(const std::string& path) {
  return path.empty() ? DefaultServeConfig() : LoadServeConfig(path);
}

absl::StatusOr<policy::NodeFacts> GatherNodeFacts(Node& node, const ServeConfig& config) {
  policy::NodeFacts facts;
  facts.identity_id = node.identity_id;
  KONGSI_ASSIGN_OR_RETURN(facts.collections, node.store->ListCollections());
  for (const store::Collection& c : config.collections) {
    const bool stored =
        std::any_of(facts.collections.begin(), facts.collections.end(),
                    [&](const store::Collection& known) { return known.id == c.id; });
    if (!stored) facts.collections.push_back(c);  // created when the server starts
  }
  KONGSI_ASSIGN_OR_RETURN(facts.tokens, node.store->ListTokens());
  return facts;
}

absl::StatusOr<std::shared_ptr<const policy::Policy>> CompileNodePolicy(Node& node,
                                                                        const ServeConfig& config) {
  KONGSI_ASSIGN_OR_RETURN(const policy::NodeFacts facts, GatherNodeFacts(node, config));
  return policy::Policy::Compile(config.policy, facts);
}

absl::StatusOr<policy::Principal> FindPrincipal(Node& node, const ServeConfig& config,
                                                std::string_view name) {
  KONGSI_ASSIGN_OR_RETURN(const std::vector<store::TokenRecord> tokens, node.store->ListTokens());
  for (const store::TokenRecord& t : tokens) {
    if (t.name == name && !t.revoked) {
      return policy::Principal{.name = t.name,
                               .organisation = t.organisation,
                               .local_operator = false,
                               .read = t.read,
                               .write = t.write};
    }
  }
  for (const policy::PrincipalSpec& p : config.policy.principals) {
    if (p.name == name) {
      return policy::Principal{.name = p.name,
                               .organisation = p.organisation,
                               .local_operator = false,
                               .read = {std::string(policy::kAllCollections)},
                               .write = {}};
    }
  }
  return absl::NotFoundError(
      util::StrCat("no live token and no [[principal]] is named \"", name, "\""));
}

absl::StatusOr<federation::FederationOptions> FederationOptionsFor(Node& node,
                                                                   const ServeConfig& config) {
  federation::FederationOptions options;
  options.peers = config.peers;
  for (const federation::PeerSpec& peer : config.peers) {
    const auto declared =
        std::find_if(config.policy.principals.begin(), config.policy.principals.end(),
                     [&](const policy::PrincipalSpec& p) { return p.name == peer.principal; });
    const bool is_peer = declared != config.policy.principals.end() &&
                         declared->kind == policy::PrincipalKind::kPeer;
    if (!peer.push.empty() && !is_peer) {
      // Pushes are disclosed to the peer's principal: the policy must know it is a node (which
      // never receives AMBER+STRICT or RED) and of which organisation.
      return absl::InvalidArgumentError(
          util::StrCat(peer.where, ": peer ", peer.name, " pushes, but no [[principal]] name = \"",
                       peer.principal, "\" with kind = \"peer\" is declared"));
    }
    absl::StatusOr<policy::Principal> principal = FindPrincipal(node, config, peer.principal);
    if (principal.ok()) {
      if (is_peer && !declared->organisation.empty()) {
        principal->organisation = declared->organisation;
      }
      options.principals.emplace(peer.name, *std::move(principal));
    }
  }
  return options;
}

std::string ServePidPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "serve.pid").string();
}

}  // namespace kongsi::app
