// Who receives or sends objects: a principal (the local operator, an API token's holder, later
// a peer node) with the organisation it belongs to and the collections it may read and write.
// Sharing agreements (organisations, communities, TLP) deepen this with the sharing-policy work.
//
// Plain value type; thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kongsi::policy {

// A right on every collection.
inline constexpr std::string_view kAllCollections = "*";

struct Principal {
  std::string name;          // "operator:alice", a token name, a peer name
  std::string organisation;  // identity id or name of the principal's organisation
  bool local_operator = false;
  std::vector<std::string> read;   // collection ids, or "*"
  std::vector<std::string> write;  // collection ids, or "*"

  // The local operator may do anything; others what their rights list.
  bool CanRead(std::string_view collection_id) const;
  bool CanWrite(std::string_view collection_id) const;
};

// The principal of whoever runs the CLI on this node (user name from the environment).
Principal LocalOperator(std::string_view node_organisation);

}  // namespace kongsi::policy
