// Loading the node key and checking it against the public key recorded at init.
#include "app/node_key.h"

#include "util/status.h"
#include "util/strings.h"

namespace kongsi::app {

absl::StatusOr<federation::NodeKey> LoadNodeKey(Node& node) {
  const std::string path = NodeKeyPath(node.data_dir);
  KONGSI_ASSIGN_OR_RETURN(federation::NodeKey key, federation::NodeKey::Load(path));
  KONGSI_ASSIGN_OR_RETURN(const std::optional<std::string> recorded,
                          node.store->GetMeta(kMetaNodePublicKey));
  if (recorded.has_value() && *recorded != key.PublicKeyBase64()) {
    return absl::FailedPreconditionError(util::StrCat(
        path, " is not the key `kongsi init` made for this node (its public key was ", *recorded,
        ", the file's is ", key.PublicKeyBase64(), "): restore the node's own key file"));
  }
  return key;
}

}  // namespace kongsi::app
