// Pull links: page, validate, store with the cursor in one transaction.
#include "federation/pull.h"

#include <algorithm>
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

}  // namespace

absl::Status PullLink(store::Store& store, taxii::Client& client, const PeerSpec& peer,
                      const PullSpec& link, std::string_view local_collection_id,
                      const stix::Validator& validator, const std::function<bool()>& stopping,
                      PullOutcome& out, const std::function<void(const PullOutcome&)>& on_page) {
  const std::string cursor_key = PullCursorKey(peer.name, link.remote, local_collection_id);
  KONGSI_ASSIGN_OR_RETURN(std::optional<util::Timestamp> cursor, ReadCursor(store, cursor_key));
  const store::Provenance provenance{.kind = store::Provenance::Kind::kPeer,
                                     .source = peer.name,
                                     .organisation = peer.organisation};
  taxii::ObjectsRequest request;
  request.limit = kPullPageLimit;
  if (cursor) request.added_after = *cursor - 1;  // the cursor's own instant again (see header)
  const std::string where = util::StrCat("peer ", peer.name, " collection ", link.remote);
  // Every `next` followed in this run: a server whose tokens go round in a circle (n1, n2, n1)
  // would otherwise be followed forever, not only one that repeats the previous token.
  std::set<std::string> nexts_followed;
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
    for (const taxii::AddItem& item : parsed.items) {
      if (item.error.empty()) continue;
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
      if (new_cursor) KONGSI_RETURN_IF_ERROR(txn->SetMeta(cursor_key, CursorText(*new_cursor)));
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
      if (!nexts_followed.insert(page.next).second) {
        return absl::InvalidArgumentError(
            util::StrCat(where, ": the server returned the same `next` twice (", page.next, ")"));
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
