// Planning an export and running it through the disclosure door.
#include "app/disclosed_export.h"

#include "app/node_policy.h"
#include "policy/disclosure.h"
#include "util/status.h"
#include "util/strings.h"
#include "util/uuid.h"

namespace kongsi::app {

absl::StatusOr<ExportPlan> PlanExport(Node& node, const ExportSelection& selection) {
  ExportPlan plan;
  store::ObjectQuery& query = plan.query;
  query.types = selection.types;
  query.ids = selection.ids;
  if (!selection.since.empty()) {
    auto since = util::ParseRfc3339(selection.since);
    if (!since.ok()) {
      return absl::InvalidArgumentError(util::StrCat("--since: ", since.status().message()));
    }
    query.added_since = since->micros;
  }
  if (selection.versions == "last") {
    query.versions = store::VersionSelect::kLast;
  } else if (selection.versions == "first") {
    query.versions = store::VersionSelect::kFirst;
  } else {
    query.versions = store::VersionSelect::kAll;
  }
  if (!selection.collection.empty()) {
    KONGSI_ASSIGN_OR_RETURN(const store::Collection c,
                            FindCollection(*node.store, selection.collection));
    plan.collection_id = c.id;
    query.collection_id = c.id;
  }
  // The operator receives everything whatever the policy says; the built-in policy names the
  // node's organisation in the audit log.
  plan.recipient = policy::LocalOperator(node.identity_id);
  plan.policy = policy::Policy::BuiltIn(node.identity_id);
  if (selection.for_name.empty()) return plan;

  if (selection.collection.empty()) {
    return absl::InvalidArgumentError(
        "--for needs --collection: principals receive objects through collections");
  }
  const std::string config_path = ConfigPath(node.data_dir, selection.config_path);
  KONGSI_ASSIGN_OR_RETURN(const ServeConfig config, LoadConfigAt(config_path));
  KONGSI_ASSIGN_OR_RETURN(plan.policy, CompileNodePolicy(node, config));
  std::string principal_name = selection.for_name;
  if (selection.peers) {
    if (const federation::PeerSpec* peer = FindPeer(config, selection.for_name)) {
      plan.peer = *peer;
      principal_name = peer->principal;
      // Federation never sends an object back to the peer it came from.
      query.not_from_peer = peer->PrincipalName();
    }
  }
  auto principal = FindPrincipal(node, config, principal_name);
  if (!principal.ok()) {
    if (plan.peer && absl::IsNotFound(principal.status())) {
      return absl::NotFoundError(
          util::StrCat("peer \"", plan.peer->name, "\" (", plan.peer->where,
                       ") receives objects as principal \"", principal_name,
                       "\", which the sharing policy does not declare: add a [[principal]] of that "
                       "name with kind = \"peer\" and the peer's organisation"));
    }
    return principal.status();
  }
  plan.recipient = *std::move(principal);
  return plan;
}

StixBundleWriter::StixBundleWriter(std::function<void(std::string_view)> out)
    : out_(std::move(out)) {}

void StixBundleWriter::Begin() {
  out_(util::StrCat("{\"type\":\"bundle\",\"id\":\"bundle--", util::NewUuidV4(),
                    "\",\"objects\":["));
}

void StixBundleWriter::Add(std::string_view object) {
  out_(count_ > 0 ? ",\n" : "\n");
  out_(object);
  ++count_;
}

void StixBundleWriter::End() { out_(count_ > 0 ? "\n]}\n" : "]}\n"); }

absl::StatusOr<int64_t> DiscloseObjects(Node& node, const ExportPlan& plan,
                                        std::string_view channel,
                                        const std::function<void(std::string_view)>& sink) {
  int64_t count = 0;
  policy::Disclosure door(*node.store, util::SystemClock::Get(), plan.policy);
  absl::Status status = door.Disclose(plan.recipient, channel, plan.query,
                                      [&](std::string_view body, const store::StoredObject&) {
                                        sink(body);
                                        ++count;
                                        return true;
                                      })
                            .status();
  if (!status.ok()) return status;
  return count;
}

}  // namespace kongsi::app
