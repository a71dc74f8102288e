// `kongsi node key [--fingerprint]`: prints the node's Ed25519 public key (base64, one line and
// nothing else), the key partners configure as `public_key` of this node's [[peer]] table to
// accept its signed bundles; with --fingerprint, the key's SHA-256 fingerprint in groups of four
// hex digits, for comparing the key over another channel (docs/federation.md, "Offline
// bundles"). Exit 2 when there is no node or its key file is missing, open to other users or
// damaged.
#include <cstdio>

#include "app/commands.h"
#include "app/node_key.h"

namespace kongsi::app {
namespace {

struct NodeKeyOptions {
  bool fingerprint = false;
};

int RunNodeKey(const GlobalOptions& global, const NodeKeyOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto key = LoadNodeKey(*node);
  if (!key.ok()) {
    PrintError(key.status());
    return kExitUnusable;
  }
  const std::string public_key = key->PublicKeyBase64();
  if (!options.fingerprint) {
    std::printf("%s\n", public_key.c_str());
    return kExitOk;
  }
  auto fingerprint = federation::PublicKeyFingerprint(public_key);
  if (!fingerprint.ok()) {
    PrintError(fingerprint.status());
    return kExitUnusable;
  }
  std::printf("%s\n", fingerprint->c_str());
  return kExitOk;
}

}  // namespace

void AddNodeCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("node", "this node's own credentials");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<NodeKeyOptions>();
  CLI::App* key = cmd->add_subcommand(
      "key", "print this node's public key (base64), for partners' [[peer]] public_key");
  key->add_flag("--fingerprint", opts->fingerprint,
                "print the key's SHA-256 fingerprint instead, to compare it by eye or by voice");
  key->callback([&options, &exit_code, opts] { exit_code = RunNodeKey(options, *opts); });
}

}  // namespace kongsi::app
