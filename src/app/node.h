// The node's data directory: where it is (--data-dir, $KONGSI_DATA_DIR, ./kongsi-data), what
// it holds (store.db, node.key) and how commands open it.
// Not thread-safe; used by one command at a time.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace kongsi::app {

struct GlobalOptions {
  std::string data_dir;  // from --data-dir; empty: $KONGSI_DATA_DIR, else ./kongsi-data
  bool quiet = false;
  bool verbose = false;
};

// The data directory the options name.
std::string ResolveDataDir(const GlobalOptions& options);

// Path of the store database inside a data directory.
std::string StorePath(const std::string& data_dir);
// Path of the node's Ed25519 secret key (mode 0600).
std::string NodeKeyPath(const std::string& data_dir);
// Folder of the node's MISP warninglists (kongsi warninglists import), one list.json each.
std::string WarninglistsPath(const std::string& data_dir);

// An initialised node: its store and identity.
struct Node {
  std::string data_dir;
  std::unique_ptr<store::Store> store;
  std::string identity_id;  // "identity--..." of the node's organisation
  std::string name;
};

// Opens an initialised node, with a page cache of `scan_cache_bytes` (store/scan_cache.h; the
// server uses one). FailedPrecondition ("run kongsi init") when the data directory has no
// store; store errors otherwise.
absl::StatusOr<Node> OpenNode(const GlobalOptions& options, size_t scan_cache_bytes = 0);

// The collection named by `id_or_alias` (its id, or its alias): what every command's
// --collection accepts. NotFound (the store's wording) when neither names one.
absl::StatusOr<store::Collection> FindCollection(store::Store& store, std::string_view id_or_alias);

// Meta keys under which init records the node.
inline constexpr char kMetaNodeIdentity[] = "node.identity_id";
inline constexpr char kMetaNodeName[] = "node.name";
inline constexpr char kMetaNodePublicKey[] = "node.public_key";

}  // namespace kongsi::app
