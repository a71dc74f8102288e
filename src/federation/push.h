// Pushing one local collection to a peer's collection (DESIGN.md section 5): new versions,
// after the persisted local date_added cursor, read through the policy door
// (policy::Disclosure) for the peer's principal, so the peer receives exactly what its
// organisation may receive (TLP, origin binding, agreements, redaction) and every version sent
// is audited (channel "federation.push"). Versions that came from this very peer are never
// sent back (loop prevention: ObjectQuery::not_from_peer).
//
// Batches are cut to the peer's max_content_length; after each POST the status resource is
// polled until complete. Versions the peer refused or left pending are kept in a retry list
// and sent again on the following runs (at most kMaxPushAttempts times, then reported as given
// up). The cursor and the retry list move together, in one store transaction, only after the
// peer answered: a crash or an outage re-sends a batch (at least once; a kongsi receiver takes
// a version it has as unchanged), never skips one.
//
// Not thread-safe: one run per link at a time (the peer's worker).
// Errors: those of the client, the store and the disclosure door; Cancelled when `stopping`
// says so between batches.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "federation/peer.h"
#include "policy/disclosure.h"
#include "policy/principal.h"
#include "store/store.h"
#include "taxii/client.h"

namespace kongsi::federation {

struct PushOutcome {
  int64_t batches = 0;
  int64_t sent = 0;      // versions sent (retries included)
  int64_t accepted = 0;  // versions the peer reported as successes
  int64_t failed = 0;    // refused or left pending this run (kept for retry)
  int64_t given_up = 0;  // refused kMaxPushAttempts times, or larger than a whole request
  std::vector<std::string> problems;
};

inline constexpr int kMaxPushAttempts = 5;
// Versions read per disclosure page (then cut into requests by size).
inline constexpr size_t kPushPageLimit = 1000;

struct PushContext {
  store::Store& store;
  policy::Disclosure& disclosure;
  taxii::Client& client;
  const PeerSpec& peer;
  const policy::Principal& principal;  // the peer's principal, for the policy door
  size_t max_content_length = 0;       // the peer's API root limit; 0: 10 MiB
  std::function<bool()> stopping;
  // Waits between status polls; false: stop waiting (the poll gives up, versions are retried).
  std::function<bool(std::chrono::milliseconds)> wait;
};

absl::Status PushLink(const PushContext& context, const PushSpec& link,
                      std::string_view local_collection_id, PushOutcome& out);

}  // namespace kongsi::federation
