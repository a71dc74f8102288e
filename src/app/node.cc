// Resolution of the data directory and opening of the node's store.
#include "app/node.h"

#include <cstdlib>
#include <filesystem>

#include "util/status.h"
#include "util/strings.h"

namespace kongsi::app {

std::string ResolveDataDir(const GlobalOptions& options) {
  if (!options.data_dir.empty()) return options.data_dir;
  const char* env = std::getenv("KONGSI_DATA_DIR");
  if (env != nullptr && *env != '\0') return env;
  return "kongsi-data";
}

std::string StorePath(const std::string& data_dir) { return data_dir + "/store.db"; }
std::string NodeKeyPath(const std::string& data_dir) { return data_dir + "/node.key"; }
std::string WarninglistsPath(const std::string& data_dir) { return data_dir + "/warninglists"; }

absl::StatusOr<Node> OpenNode(const GlobalOptions& options, size_t scan_cache_bytes) {
  Node node;
  node.data_dir = ResolveDataDir(options);
  if (!std::filesystem::exists(StorePath(node.data_dir))) {
    return absl::FailedPreconditionError(util::StrCat(
        "no kongsi node in ", node.data_dir, " (run `kongsi init` first, or pass --data-dir)"));
  }
  store::StoreConfig config;
  config.scan_cache_bytes = scan_cache_bytes;
  config.path = StorePath(node.data_dir);
  KONGSI_ASSIGN_OR_RETURN(node.store, store::Store::Open(config));
  KONGSI_ASSIGN_OR_RETURN(auto identity, node.store->GetMeta(kMetaNodeIdentity));
  KONGSI_ASSIGN_OR_RETURN(auto name, node.store->GetMeta(kMetaNodeName));
  node.identity_id = identity.value_or("");
  node.name = name.value_or("");
  return node;
}

absl::StatusOr<store::Collection> FindCollection(store::Store& store,
                                                 std::string_view id_or_alias) {
  auto by_id = store.GetCollection(id_or_alias);
  if (by_id.ok() || !absl::IsNotFound(by_id.status())) return by_id;
  KONGSI_ASSIGN_OR_RETURN(const std::vector<store::Collection> all, store.ListCollections());
  for (const store::Collection& c : all) {
    if (!c.alias.empty() && c.alias == id_or_alias) return c;
  }
  return by_id.status();
}

}  // namespace kongsi::app
