// Pull links: page, validate, store with the cursor in one transaction.
#include "federation/pull.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "federation/sync_state.h"
#include "taxii/add_objects.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::federation {
namespace {

constexpr size_t kMaxProblemsPerRun = 20;

void Note(PullOutcome& out, std::string problem) {
  if (out.problems.size() < kMaxProblemsPerRun) out.problems.push_back(std::move(problem));
}

absl::StatusOr<std::set<std::string>> ReadRejected(store::Store& store, std::string_view key) {
  KONGSI_ASSIGN_OR_RETURN(const std::optional<std::string> text, store.GetMeta(key));
  std::set<std::string> out;
  if (!text) return out;
  const nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;  // unreadable: at worst a rejection is reported again
  for (const nlohmann::json& v : j) {
    if (v.is_string()) out.insert(v.get<std::string>());
  }
  return out;
}

std::string RejectedText(const std::set<std::string>& rejected) {
  return nlohmann::json(rejected).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

absl::Status PullLink(store::Store& store, taxii::Client& client, const PeerSpec& peer,
                      const PullSpec& link, std::string_view local_collection_id,
                      const stix::Validator& validator, const std::function<bool()>& stopping,
                      PullOutcome& out, const std::function<void(const PullOutcome&)>& on_page) {
  const std::string cursor_key = PullCursorKey(peer.name, link.remote, local_collection_id);
  const std::string rejected_key = PullRejectedKey(peer.name, link.remote, local_collection_id);
  KONGSI_ASSIGN_OR_RETURN(std::optional<util::Timestamp> cursor, ReadCursor(store, cursor_key));
  KONGSI_ASSIGN_OR_RETURN(std::set<std::string> reported, ReadRejected(store, rejected_key));
  const store::Provenance provenance{.kind = store::Provenance::Kind::kPeer,
                                     .source = peer.PrincipalName(),
                                     .organisation = peer.organisation};
  taxii::ObjectsRequest request;
  request.limit = kPullPageLimit;
  if (cursor) request.added_after = *cursor - 1;  // the cursor's own instant again (see header)
  const std::string where = util::StrCat("peer ", peer.name, " collection ", link.remote);
  // Every `next` followed in this run: a server whose tokens go round in a circle (n1, n2, n1)
  // would otherwise be followed forever. Servers hand out `next` in two ways: a new token per
  // page (kongsi), or one token for the whole paging session, each request with it giving the
  // following page (the OASIS reference server, medallion 3.0.0). So the token just used may
  // come back, as long as the page it brought is one not received before in this run (hashes of
  // the page bodies); an earlier token, or the same page again, is a circle.
  std::set<std::string> nexts_followed;
  std::set<size_t> pages_received;
  while (true) {
    if (stopping && stopping()) return absl::CancelledError("stopping");
    KONGSI_ASSIGN_OR_RETURN(taxii::ObjectsPage page, client.GetObjects(link.remote, request));
    ++out.pages;
    out.received += static_cast<int64_t>(page.object_count);
    out.bytes += static_cast<int64_t>(page.body.size());
    taxii::AddRequest parsed;
    if (page.object_count > 0) {
      auto p = taxii::ParseAddObjects(page.body, validator, provenance);
      if (!p.ok()) {
        return absl::InvalidArgumentError(
            util::StrCat(where, ": the page is not a TAXII envelope: ", p.status().message()));
      }
      parsed = *std::move(p);
    }
    if (out.pages > kMaxPagesPerRun) {
      return absl::ResourceExhaustedError(util::StrCat(where, ": stopped after ", kMaxPagesPerRun,
                                                       " pages; the next run goes on from there"));
    }
    std::set<std::string> page_rejected;
    for (const taxii::AddItem& item : parsed.items) {
      if (item.error.empty()) continue;
      // Rejected when the cursor last moved, and read again at the cursor's instant: not new.
      if (!page_rejected.insert(util::StrCat(item.id, "@", item.version)).second ||
          reported.count(util::StrCat(item.id, "@", item.version)) > 0) {
        continue;
      }
      ++out.rejected;
      Note(out, util::StrCat(where, ": rejected ", item.id.empty() ? "an object" : item.id,
                             item.version.empty() ? "" : util::StrCat(" (", item.version, ")"),
                             ": ", item.error));
    }
    // The newest date_added the page covers; a page without the header moves nothing.
    std::optional<util::Timestamp> new_cursor;
    if (page.date_added_last && (!cursor || *page.date_added_last > *cursor)) {
      new_cursor = page.date_added_last;
    }
    if (!parsed.records.empty() || new_cursor) {
      KONGSI_ASSIGN_OR_RETURN(auto txn, store.BeginWrite(local_collection_id));
      KONGSI_ASSIGN_OR_RETURN(const std::vector<store::PutOutcome> outcomes,
                              txn->Add(parsed.records));
      if (new_cursor) {
        KONGSI_RETURN_IF_ERROR(txn->SetMeta(cursor_key, CursorText(*new_cursor)));
        KONGSI_RETURN_IF_ERROR(txn->SetMeta(rejected_key, RejectedText(page_rejected)));
        reported = std::move(page_rejected);
      }
      KONGSI_RETURN_IF_ERROR(txn->Commit());
      for (size_t i = 0; i < outcomes.size(); ++i) {
        switch (outcomes[i]) {
          case store::PutOutcome::kAdded:
            ++out.stored;
            break;
          case store::PutOutcome::kUnchanged:
            ++out.unchanged;
            break;
          case store::PutOutcome::kConflict:
            ++out.conflicts;
            Note(out, util::StrCat(where, ": ", parsed.records[i].id,
                                   " has a version already stored with other content: ours kept"));
            break;
        }
      }
      if (new_cursor) cursor = new_cursor;
    }
    if (on_page) on_page(out);
    if (!page.more) return absl::OkStatus();
    if (!page.next.empty()) {
      const bool new_page = pages_received.insert(std::hash<std::string>{}(page.body)).second;
      const bool session_token = page.next == request.next;  // one token per paging session
      if (session_token ? !new_page : !nexts_followed.insert(page.next).second) {
        return absl::InvalidArgumentError(
            util::StrCat(where, ": the server returned the same `next` twice (", page.next, ")",
                         session_token ? " with a page it had already sent" : ""));
      }
      request.next = page.next;
    } else if (page.date_added_last &&
               (!request.added_after || *page.date_added_last > *request.added_after)) {
      request.next.clear();
      request.added_after = page.date_added_last;
    } else {
      return absl::InvalidArgumentError(
          util::StrCat(where,
                       ": the server says more objects follow but gives neither `next` nor a later "
                       "X-TAXII-Date-Added-Last to ask for them"));
    }
  }
}

}  // namespace kongsi::federation
