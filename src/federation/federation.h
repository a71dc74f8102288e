// The node's federation: one worker thread per configured peer that pulls the peer's
// collections and pushes local ones (pull.h, push.h), on the peer's interval and at once when
// woken, and a watcher that notices local collections changing (at once after LocalChange(),
// at its interval for writes by other processes). A change wakes the workers of
// peers that push that collection, and each peer that may read it is told through its
// notification endpoint ("new data in collection X", POST /kongsi/notify), so it pulls at once
// instead of waiting for its interval. A notification received from a peer wakes that peer's
// pulls the same way.
//
// Runs inside `kongsi serve` (no second daemon). A slow or failing peer only delays its own
// worker; every run records its outcome in the peer's status (sync_state.h). Everything that
// leaves goes through the disclosure door for the peer's principal.
//
// Thread-safe: Notified() and LocalChange() may be called from any thread; Start and Stop
// from the owner. RunOnce is for the CLI (`kongsi sync run`), on the calling thread, without
// Start.
// Errors: Start: InvalidArgument for a link naming a collection the store does not have, a
// pushing peer without a principal, unreadable credential files.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "federation/peer.h"
#include "federation/pull.h"
#include "federation/push.h"
#include "federation/sync_state.h"
#include "policy/disclosure.h"
#include "policy/principal.h"
#include "store/store.h"
#include "util/time.h"

namespace kongsi::federation {

struct FederationOptions {
  std::vector<PeerSpec> peers;
  // The principal of each peer (by peer name) as the policy sees it: what pushes disclose to
  // and which collections the peer is told about. A peer without one is neither pushed to nor
  // notified.
  std::map<std::string, policy::Principal> principals;
  // How often local collections are looked at for writes by other processes.
  std::chrono::milliseconds watch_interval{200};
  // Credentials are read from files at Start; tests may shorten the client's timeouts.
  std::chrono::milliseconds request_timeout{60'000};
  std::chrono::milliseconds notify_timeout{2'000};
  // Called after each page a pull link stored (on the worker's thread): progress display.
  std::function<void(const PullOutcome&)> on_pull_page;
};

// What one run with one peer did.
struct PeerRun {
  struct PullResult {
    PullSpec link;
    PullOutcome outcome;
    absl::Status status;
  };
  struct PushResult {
    PushSpec link;
    PushOutcome outcome;
    absl::Status status;
  };
  std::vector<PullResult> pulls;
  std::vector<PushResult> pushes;
  absl::Status status;  // the first failure (OK when every link succeeded)
};

// The URL notifications for `peer` go to: notify_url, else /kongsi/notify on the host of its
// API root; "" when the peer is not to be notified.
std::string NotifyUrl(const PeerSpec& peer);

class Federation {
 public:
  Federation(store::Store& store, policy::Disclosure& disclosure, const util::Clock& clock,
             FederationOptions options);
  ~Federation();  // stops
  Federation(const Federation&) = delete;
  Federation& operator=(const Federation&) = delete;

  // Checks every link and starts the workers and the watcher. Each peer runs once at start.
  absl::Status Start();
  // Wakes everything, waits for runs in progress to end (between pages), joins the threads.
  void Stop();

  // `from` says its collection `collection` has new objects. OK when a pull link of that peer
  // follows it (the worker pulls at once); PermissionDenied when `from` is no configured peer;
  // NotFound when none of its pull links reads that collection.
  absl::Status Notified(const policy::Principal& from, std::string_view collection);

  // Objects were just committed to a local collection by this process (a TAXII add, a pull):
  // the watcher looks at once instead of at its next interval, so pushes and notifications
  // leave without waiting. Writes by other processes (`kongsi ingest`) are seen at the
  // interval.
  void LocalChange();

  // One run with `peer` now, on this thread: pulls, then pushes (`pull`/`push` false skip
  // them). NotFound for an unknown peer; the run's own failures are in PeerRun::status.
  absl::StatusOr<PeerRun> RunOnce(std::string_view peer, bool pull = true, bool push = true);

  // Objects newly stored from peers and accepted by peers since Start (for /metrics).
  const std::atomic<uint64_t>& objects_in() const { return objects_in_; }
  const std::atomic<uint64_t>& objects_out() const { return objects_out_; }

 private:
  struct Worker;  // federation.cc

  absl::StatusOr<std::string> LocalCollectionId(std::string_view id_or_alias);
  absl::StatusOr<PeerRun> Run(Worker& worker, bool pull, bool push);
  void RecordRun(Worker& worker, const PeerRun& run);
  void WorkerLoop(Worker& worker);
  void WatchLoop();
  void SendNotifications(Worker& worker, const std::set<std::string>& collections);
  bool Wait(std::chrono::milliseconds delay);  // false when stopping
  bool WaitToLook();                           // the watcher's pause; false when stopping
  absl::StatusOr<std::unique_ptr<Worker>> MakeWorker(const PeerSpec& spec);

  store::Store& store_;
  policy::Disclosure& disclosure_;
  const util::Clock& clock_;
  FederationOptions options_;
  stix::Validator validator_;

  std::mutex mu_;  // guards every Worker's wake flags and stop_
  std::condition_variable wake_;
  bool stop_ = false;
  bool look_now_ = false;  // LocalChange() since the watcher last looked
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> objects_in_{0};
  std::atomic<uint64_t> objects_out_{0};
};

}  // namespace kongsi::federation
