// Pulling one collection of a peer into a local collection (DESIGN.md section 5): pages of
// GET objects (every version) after the persisted `added_after` cursor, following `next` and
// `more`. Each page is validated object by object and stored in one transaction together with
// the cursor that covers it, so a crash at any instant leaves the store and the cursor
// consistent: what was stored is never fetched as new, what was not is fetched again.
//
// The cursor is the peer's X-TAXII-Date-Added-Last of the last stored page. A run resumes one
// microsecond before it: servers may give one date_added to many objects (a whole bundle), and
// versions already stored come back as unchanged, never doubled. Servers that ignore `limit`,
// cap pages or repeat objects are handled the same way; a server that says `more` without a
// `next` is followed by date_added; one that says `more` but neither moves on is an error.
//
// Invalid objects are counted and described (once: those at the cursor's instant, read again
// by the next run, are not reported again), never stored; each stored version records the
// peer as its provenance (kind peer, the peer's name, the peer's organisation) for origin
// binding and loop prevention.
//
// Not thread-safe: one run per link at a time (the peer's worker).
// Errors: those of the client (taxii/client.h) and the store; Cancelled when `stopping` says so
// between pages (what was stored stays, with its cursor). `on_page`, when set, is called after
// each stored page (progress display).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "federation/peer.h"
#include "stix/validate.h"
#include "store/store.h"
#include "taxii/client.h"

namespace kongsi::federation {

struct PullOutcome {
  int64_t pages = 0;
  int64_t received = 0;               // objects in the pages
  int64_t bytes = 0;                  // of the pages
  int64_t stored = 0;                 // new versions
  int64_t unchanged = 0;              // versions already here (repeats, overlaps)
  int64_t conflicts = 0;              // same version, different content: ours kept
  int64_t rejected = 0;               // invalid objects
  std::vector<std::string> problems;  // one line per rejection or conflict (at most a few)
};

// Objects asked for per page.
inline constexpr size_t kPullPageLimit = 1000;
// Pages one run reads at most (a server handing out `next` tokens without end is left there;
// what was stored stays, and the next run goes on from the cursor).
inline constexpr int64_t kMaxPagesPerRun = 100'000;

absl::Status PullLink(store::Store& store, taxii::Client& client, const PeerSpec& peer,
                      const PullSpec& link, std::string_view local_collection_id,
                      const stix::Validator& validator, const std::function<bool()>& stopping,
                      PullOutcome& out,
                      const std::function<void(const PullOutcome&)>& on_page = nullptr);

}  // namespace kongsi::federation
