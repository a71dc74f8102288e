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

std::vector<policy::PolicyFinding> CheckPeers(const ServeConfig& config,
                                              const policy::NodeFacts& facts) {
  std::vector<policy::PolicyFinding> out;
  auto add = [&out](policy::PolicyFinding::Severity severity, const federation::PeerSpec& peer,
                    std::string message) {
    out.push_back({.severity = severity,
                   .where = util::StrCat(peer.where, " peer \"", peer.name, "\""),
                   .message = std::move(message)});
  };
  auto has_collection = [&facts](const std::string& id_or_alias) {
    return std::any_of(facts.collections.begin(), facts.collections.end(),
                       [&](const store::Collection& c) {
                         return c.id == id_or_alias || (!c.alias.empty() && c.alias == id_or_alias);
                       });
  };
  using Severity = policy::PolicyFinding::Severity;
  for (const federation::PeerSpec& peer : config.peers) {
    for (const federation::PullSpec& link : peer.pull) {
      if (!has_collection(link.into)) {
        add(Severity::kError, peer,
            util::StrCat("pulls into collection \"", link.into,
                         "\", which this node does not have"));
      }
    }
    for (const federation::PushSpec& link : peer.push) {
      if (!has_collection(link.local)) {
        add(Severity::kError, peer,
            util::StrCat("pushes collection \"", link.local, "\", which this node does not have"));
      }
    }
    const auto principal =
        std::find_if(config.policy.principals.begin(), config.policy.principals.end(),
                     [&](const policy::PrincipalSpec& p) { return p.name == peer.principal; });
    const bool is_peer = principal != config.policy.principals.end() &&
                         principal->kind == policy::PrincipalKind::kPeer;
    if (!peer.push.empty() && !is_peer) {
      add(Severity::kError, peer,
          util::StrCat("pushes, but no [[principal]] name = \"", peer.principal,
                       "\" with kind = \"peer\" is declared: the policy must know what it may "
                       "receive"));
    }
    const bool org_declared =
        std::any_of(config.policy.organisations.begin(), config.policy.organisations.end(),
                    [&](const policy::OrganisationSpec& o) {
                      return o.name == peer.organisation || o.identity == peer.organisation;
                    });
    if (config.has_policy && !org_declared) {
      add(Severity::kWarning, peer,
          util::StrCat("its organisation \"", peer.organisation,
                       "\" is not declared: what it sends reaches nobody else beyond TLP:CLEAR"));
    }
    const bool has_token = std::any_of(
        facts.tokens.begin(), facts.tokens.end(),
        [&](const store::TokenRecord& t) { return t.name == peer.principal && !t.revoked; });
    if (is_peer && !has_token) {
      add(Severity::kWarning, peer,
          util::StrCat("no live token is named \"", peer.principal,
                       "\": the peer can neither read from this node nor notify it (kongsi "
                       "token create --name ",
                       peer.principal, ")"));
    }
  }
  return out;
}

std::string ServePidPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "serve.pid").string();
}

}  // namespace kongsi::app
