// What `kongsi export` and `kongsi bundle export` share: turning their options into the query
// an export runs, the principal it is disclosed to and the sharing policy that decides
// (kongsi.toml, with --for), and the loop that hands every object through policy::Disclosure
// (DESIGN.md invariant 1: audited, redacted for the recipient) into a STIX bundle.
// Not thread-safe; used by one command at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "app/node.h"
#include "federation/peer.h"
#include "policy/policy.h"
#include "policy/principal.h"
#include "store/store.h"

namespace kongsi::app {

// The options of an export, as typed.
struct ExportSelection {
  std::string collection;  // id or alias; empty: every object of the node
  std::vector<std::string> types;
  std::vector<std::string> ids;
  std::string since;              // RFC 3339; empty: from the beginning
  std::string versions = "last";  // last, first or all
  // The recipient: a token or [[principal]] name (or, with `peers`, a [[peer]] name, meaning
  // that peer's principal); empty: the local operator, who receives everything.
  std::string for_name;
  std::string config_path;  // --config; empty: kongsi.toml in the data directory, if present
  bool peers = false;       // for_name may name a [[peer]]
};

// An export ready to run.
struct ExportPlan {
  store::ObjectQuery query;
  std::string collection_id;  // resolved; empty without a collection
  policy::Principal recipient;
  std::shared_ptr<const policy::Policy> policy;
  std::optional<federation::PeerSpec> peer;  // when for_name named a [[peer]]
};

// Resolves `selection` for `node`. InvalidArgument for a bad --since, --for without
// --collection, or a configuration or policy with errors; NotFound for an unknown collection or
// principal; store errors.
absl::StatusOr<ExportPlan> PlanExport(Node& node, const ExportSelection& selection);

// Writes a STIX 2.1 bundle piece by piece to `out`: the opening with a new bundle id, each
// object on its own line, the closing.
class StixBundleWriter {
 public:
  explicit StixBundleWriter(std::function<void(std::string_view)> out);
  void Begin();
  void Add(std::string_view object);
  void End();

 private:
  std::function<void(std::string_view)> out_;
  int64_t count_ = 0;
};

// Hands every object `plan` selects that its recipient may receive, as the bytes to send, to
// `sink` (in order), through policy::Disclosure on `channel` ("export", "bundle"): each is
// recorded in the audit log before it reaches the sink. Returns how many were disclosed.
// Errors: those of policy::Disclosure::Disclose.
absl::StatusOr<int64_t> DiscloseObjects(Node& node, const ExportPlan& plan,
                                        std::string_view channel,
                                        const std::function<void(std::string_view)>& sink);

}  // namespace kongsi::app
