// What federation remembers per peer, in the store's metadata: the cursor of each pull link
// (written in the transaction of the objects it covers), the cursor and retry list of each
// push link, and the peer's status (last success, last error, objects in and out) that
// `kongsi sync status` prints. Kept in the store so that restarts resume where they stopped
// and another process (the CLI) can read it.
//
// Keys: federation.<peer>.pull.<remote collection>.<local collection id> (RFC 3339 date_added
// of the peer's last object stored) and federation.<peer>.rejected.<remote>.<local id> (JSON
// list of the invalid versions at that cursor), federation.<peer>.push.<local id>.<remote> (local
// date_added of the last object sent), federation.<peer>.retry.<local id>.<remote> (JSON list
// of versions to send again), federation.<peer>.status (JSON).
//
// Pure functions over a Store; thread-safe if the store is.
// Errors: those of the store; InvalidArgument for a stored value that does not parse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "store/store.h"
#include "util/time.h"

namespace kongsi::federation {

std::string PullCursorKey(std::string_view peer, std::string_view remote,
                          std::string_view local_collection_id);
// The invalid versions ("id@version") of the page that last moved a pull cursor: a run reads
// the cursor's own instant again, and what was rejected then is not reported twice.
std::string PullRejectedKey(std::string_view peer, std::string_view remote,
                            std::string_view local_collection_id);
std::string PushCursorKey(std::string_view peer, std::string_view local_collection_id,
                          std::string_view remote);
std::string PushRetryKey(std::string_view peer, std::string_view local_collection_id,
                         std::string_view remote);

// A cursor as stored (RFC 3339, microseconds); nullopt when none is stored yet.
absl::StatusOr<std::optional<util::Timestamp>> ReadCursor(store::Store& store,
                                                          std::string_view key);
std::string CursorText(util::Timestamp t);

// A version a push must send again, and how often it was tried.
struct RetryEntry {
  std::string id;
  util::Timestamp version = 0;
  int attempts = 0;
  std::string error;  // what the peer said last time
};
absl::StatusOr<std::vector<RetryEntry>> ReadRetries(store::Store& store, std::string_view key);
std::string RetriesText(const std::vector<RetryEntry>& retries);

// One peer's synchronisation as `kongsi sync status` shows it.
struct PeerStatus {
  std::optional<util::Timestamp> last_attempt;
  std::optional<util::Timestamp> last_success;  // a run in which every link succeeded
  std::optional<util::Timestamp> last_error_at;
  std::string last_error;
  int64_t runs = 0;
  int64_t objects_in = 0;                    // versions newly stored from the peer
  int64_t objects_out = 0;                   // versions the peer accepted from us
  int64_t rejected = 0;                      // invalid objects the peer sent (never stored)
  int64_t push_failures = 0;                 // versions the peer refused (retried, then given up)
  int64_t given_up = 0;                      // versions no longer retried
  std::vector<std::string> recent_problems;  // the last few rejections and refusals
};

std::string PeerStatusKey(std::string_view peer);
absl::StatusOr<PeerStatus> ReadPeerStatus(store::Store& store, std::string_view peer);
absl::Status WritePeerStatus(store::Store& store, std::string_view peer, const PeerStatus& status);

// Keeps `recent_problems` to its last kMaxRecentProblems entries, each made Printable.
void AddProblem(PeerStatus& status, std::string problem);
inline constexpr size_t kMaxRecentProblems = 20;

// Text a peer had a say in (its error titles, status messages), fit for one log line and the
// status record: control characters become spaces, and it is cut to kMaxProblemBytes.
std::string Printable(std::string_view text);
inline constexpr size_t kMaxProblemBytes = 1000;

}  // namespace kongsi::federation
