// policy::Disclosure: the one exit door (DESIGN.md section 3, invariant 1). Every object that
// leaves the node (export file, TAXII response, federation push, ...) is read through
// Disclose() for the receiving principal, and each disclosed version is appended to the
// audit log.
//
// Today the door knows one kind of principal, the local operator (a person running the
// kongsi command on the node, with access to its data directory), who may receive every
// stored object. Sharing agreements, TLP enforcement and redaction for other principals are
// added here by the sharing-policy work, without changing callers.
//
// Thread-safe if the store is. Errors: those of the store (Scan, AppendAudit).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "store/store.h"
#include "util/time.h"

namespace kongsi::policy {

struct Principal {
  std::string name;          // "operator:alice", a token name, a peer name
  std::string organisation;  // identity id of the principal's organisation
  bool local_operator = false;
};

// The principal of whoever runs the CLI on this node (user name from the environment).
Principal LocalOperator(std::string_view node_organisation);

class Disclosure {
 public:
  Disclosure(store::Store& store, const util::Clock& clock) : store_(store), clock_(clock) {}

  // Calls `sink` with every object matching `query` that `principal` may receive, as the
  // exact bytes to send, and records each one in the audit log under `channel` ("export",
  // "taxii", ...). Audit records are written in batches and always before Disclose returns;
  // `sink` returns false to stop early.
  absl::Status Disclose(
      const Principal& principal, std::string_view channel, const store::ObjectQuery& query,
      const std::function<bool(std::string_view body, const store::StoredObject& object)>& sink);

 private:
  store::Store& store_;
  const util::Clock& clock_;
};

}  // namespace kongsi::policy
