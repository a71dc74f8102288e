// The node's signing key as commands use it (`kongsi node key`, `kongsi bundle export --sign`):
// the secret key file `kongsi init` wrote to the data directory, checked against the public key
// init recorded in the store, so that a replaced or damaged key file is noticed before anything
// is signed with it.
// Not thread-safe; used by one command at a time.
#pragma once

#include "absl/status/statusor.h"
#include "app/node.h"
#include "federation/signed_bundle.h"

namespace kongsi::app {

// The key in NodeKeyPath(node.data_dir). Errors of federation::NodeKey::Load (NotFound,
// PermissionDenied, InvalidArgument, naming the file); FailedPrecondition when its public key
// is not the one `kongsi init` recorded; store errors.
absl::StatusOr<federation::NodeKey> LoadNodeKey(Node& node);

}  // namespace kongsi::app
