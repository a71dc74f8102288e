// Federation workers and the change watcher. Waiting is on one condition variable (mu_,
// wake_): workers sleep until their interval is due or a flag is raised; retries and status
// polls wait on it too, so Stop() ends every wait at once.
#include "federation/federation.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::federation {

struct Federation::Worker {
  PeerSpec spec;
  const policy::Principal* principal = nullptr;  // null: neither pushed to nor notified
  std::vector<std::string> pull_ids;             // local collection id of each pull link
  std::vector<std::string> push_ids;             // local collection id of each push link
  std::unique_ptr<taxii::Client> client;         // null: a bundle-only peer
  std::unique_ptr<taxii::Client> notifier;       // null: not notified
  std::string notify_url;
  std::mutex run_mu;  // one run at a time (the worker, `sync run` in tests)
  // Guarded by Federation::mu_.
  bool pull_now = false;
  bool push_now = false;
  std::set<std::string> notify;  // local collections to tell the peer about
};

namespace {

absl::StatusOr<std::string> ReadFirstLine(const std::string& path, std::string_view what) {
  // A credential others on the machine can read is one they can use: said, not refused (the
  // operator may have reasons, such as a group of service accounts).
  std::error_code ec;
  const auto perms = std::filesystem::status(path, ec).permissions();
  if (!ec && (perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) !=
                 std::filesystem::perms::none) {
    spdlog::warn("{} {} can be read by other users: chmod 600 it", what, path);
  }
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(util::StrCat(what, " ", path, " cannot be read"));
  std::string line;
  std::getline(in, line);
  line = std::string(absl::StripAsciiWhitespace(line));
  if (line.empty()) return absl::InvalidArgumentError(util::StrCat(what, " ", path, " is empty"));
  return line;
}

std::string Describe(const PullOutcome& o) {
  return util::StrCat(o.stored, " new, ", o.unchanged, " already here, ", o.rejected, " rejected, ",
                      o.conflicts, " conflicts");
}

}  // namespace

std::string NotifyUrl(const PeerSpec& peer) {
  if (peer.notify_url == "none") return "";
  if (!peer.notify_url.empty()) return peer.notify_url;
  if (peer.url.empty()) return "";
  const size_t scheme = peer.url.find("://");
  if (scheme == std::string::npos) return "";
  const size_t path = peer.url.find('/', scheme + 3);
  return util::StrCat(peer.url.substr(0, path), "/kongsi/notify");
}

Federation::Federation(store::Store& store, policy::Disclosure& disclosure,
                       const util::Clock& clock, FederationOptions options)
    : store_(store), disclosure_(disclosure), clock_(clock), options_(std::move(options)) {}

Federation::~Federation() { Stop(); }

bool Federation::Wait(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, delay, [this] { return stop_; });
}

absl::StatusOr<std::string> Federation::LocalCollectionId(std::string_view id_or_alias) {
  KONGSI_ASSIGN_OR_RETURN(const std::vector<store::Collection> collections,
                          store_.ListCollections());
  for (const store::Collection& c : collections) {
    if (c.id == id_or_alias || (!c.alias.empty() && c.alias == id_or_alias)) return c.id;
  }
  return absl::InvalidArgumentError(
      util::StrCat("collection ", id_or_alias, " does not exist on this node"));
}

absl::StatusOr<std::unique_ptr<Federation::Worker>> Federation::MakeWorker(const PeerSpec& spec) {
  auto w = std::make_unique<Worker>();
  w->spec = spec;
  const std::string where = util::StrCat(spec.where, ": peer ", spec.name, ": ");
  if (auto it = options_.principals.find(spec.name); it != options_.principals.end()) {
    w->principal = &it->second;
  }
  for (const PullSpec& link : spec.pull) {
    auto id = LocalCollectionId(link.into);
    if (!id.ok())
      return absl::InvalidArgumentError(util::StrCat(where, "pull into: ", id.status().message()));
    w->pull_ids.push_back(*id);
  }
  for (const PushSpec& link : spec.push) {
    auto id = LocalCollectionId(link.local);
    if (!id.ok())
      return absl::InvalidArgumentError(util::StrCat(where, "push local: ", id.status().message()));
    w->push_ids.push_back(*id);
  }
  if (!spec.push.empty() && w->principal == nullptr) {
    return absl::InvalidArgumentError(util::StrCat(
        where, "pushes, but its principal \"", spec.principal,
        "\" is not declared: add [[principal]] name = \"", spec.principal,
        "\" kind = \"peer\" with its organisation, so the policy decides what it receives"));
  }
  if (spec.url.empty()) return w;
  taxii::ClientOptions client;
  client.api_root = spec.url;
  if (!spec.token_file.empty()) {
    KONGSI_ASSIGN_OR_RETURN(client.bearer_token, ReadFirstLine(spec.token_file, "token file"));
  }
  if (!spec.username.empty()) {
    client.username = spec.username;
    KONGSI_ASSIGN_OR_RETURN(client.password, ReadFirstLine(spec.password_file, "password file"));
  }
  client.client_cert = spec.client_cert;
  client.client_key = spec.client_key;
  client.ca_file = spec.ca_file;
  client.request_timeout = options_.request_timeout;
  client.wait = [this](std::chrono::milliseconds delay) { return Wait(delay); };
  w->notify_url = NotifyUrl(spec);
  if (!w->notify_url.empty() && w->principal != nullptr) {
    taxii::ClientOptions notifier = client;
    notifier.max_attempts = 1;  // a lost notification only delays until the interval
    notifier.request_timeout = options_.notify_timeout;
    notifier.connect_timeout = options_.notify_timeout;
    KONGSI_ASSIGN_OR_RETURN(w->notifier, taxii::Client::Create(std::move(notifier)));
  }
  KONGSI_ASSIGN_OR_RETURN(w->client, taxii::Client::Create(std::move(client)));
  return w;
}

absl::Status Federation::Start() {
  std::vector<std::unique_ptr<Worker>> workers;
  for (const PeerSpec& spec : options_.peers) {
    KONGSI_ASSIGN_OR_RETURN(std::unique_ptr<Worker> w, MakeWorker(spec));
    w->pull_now = !w->spec.pull.empty();
    w->push_now = !w->spec.push.empty();
    workers.push_back(std::move(w));
  }
  {
    // The HTTP server already answers: a notification may be looking at workers_.
    std::lock_guard lock(mu_);
    workers_ = std::move(workers);
  }
  for (auto& w : workers_) {
    if (w->client == nullptr) continue;  // bundle-only peer
    threads_.emplace_back([this, worker = w.get()] { WorkerLoop(*worker); });
  }
  if (!workers_.empty()) threads_.emplace_back([this] { WatchLoop(); });
  return absl::OkStatus();
}

void Federation::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stopping_ = true;
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void Federation::LocalChange() {
  {
    std::lock_guard lock(mu_);
    look_now_ = true;
  }
  wake_.notify_all();
}

absl::Status Federation::Notified(const policy::Principal& from, std::string_view collection) {
  bool peer_known = false, followed = false;
  {
    std::lock_guard lock(mu_);
    for (auto& w : workers_) {
      if (w->spec.principal != from.name) continue;
      peer_known = true;
      for (const PullSpec& link : w->spec.pull) {
        if (link.remote != collection) continue;
        w->pull_now = true;
        followed = true;
      }
    }
  }
  if (!peer_known) {
    return absl::PermissionDeniedError(
        util::StrCat("principal ", from.name, " is not a configured peer of this node"));
  }
  if (!followed) {
    return absl::NotFoundError(
        util::StrCat("this node pulls no collection ", collection, " from ", from.name));
  }
  wake_.notify_all();
  return absl::OkStatus();
}

absl::StatusOr<PeerRun> Federation::RunOnce(std::string_view peer, bool pull, bool push) {
  for (auto& w : workers_) {
    if (w->spec.name == peer) return Run(*w, pull, push);
  }
  for (const PeerSpec& spec : options_.peers) {
    if (spec.name != peer) continue;
    KONGSI_ASSIGN_OR_RETURN(std::unique_ptr<Worker> w, MakeWorker(spec));
    if (w->client == nullptr) {
      return absl::FailedPreconditionError(
          util::StrCat("peer ", peer, " has no url: it only exchanges bundles"));
    }
    Worker& worker = *w;
    {
      std::lock_guard lock(mu_);
      workers_.push_back(std::move(w));
    }
    return Run(worker, pull, push);
  }
  return absl::NotFoundError(util::StrCat("no peer named ", peer, " in the configuration"));
}

absl::StatusOr<PeerRun> Federation::Run(Worker& w, bool pull, bool push) {
  std::lock_guard run_lock(w.run_mu);
  const std::function<bool()> stopping = [this] { return stopping_.load(); };
  PeerRun run;
  auto note_failure = [&run](const absl::Status& s) {
    if (run.status.ok() && !s.ok()) run.status = s;
  };
  if (pull) {
    for (size_t i = 0; i < w.spec.pull.size(); ++i) {
      PeerRun::PullResult r;
      r.link = w.spec.pull[i];
      r.status = PullLink(store_, *w.client, w.spec, r.link, w.pull_ids[i], validator_, stopping,
                          r.outcome, options_.on_pull_page);
      objects_in_ += static_cast<uint64_t>(r.outcome.stored);
      if (r.outcome.stored > 0) LocalChange();  // pushes and notifications onward, at once
      note_failure(r.status);
      run.pulls.push_back(std::move(r));
    }
  }
  if (push && !w.spec.push.empty() && w.principal != nullptr) {
    absl::StatusOr<taxii::ApiRootInfo> root = w.client->GetApiRoot();
    for (size_t i = 0; i < w.spec.push.size(); ++i) {
      PeerRun::PushResult r;
      r.link = w.spec.push[i];
      if (!root.ok()) {
        r.status = root.status();
      } else {
        const PushContext context{.store = store_,
                                  .disclosure = disclosure_,
                                  .client = *w.client,
                                  .peer = w.spec,
                                  .principal = *w.principal,
                                  .max_content_length = root->max_content_length,
                                  .stopping = stopping,
                                  .wait = [this](std::chrono::milliseconds d) { return Wait(d); }};
        r.status = PushLink(context, r.link, w.push_ids[i], r.outcome);
      }
      objects_out_ += static_cast<uint64_t>(r.outcome.accepted);
      note_failure(r.status);
      run.pushes.push_back(std::move(r));
    }
  }
  RecordRun(w, run);
  return run;
}

void Federation::RecordRun(Worker& w, const PeerRun& run) {
  const util::Timestamp now = clock_.Now();
  absl::StatusOr<PeerStatus> read = ReadPeerStatus(store_, w.spec.name);
  PeerStatus status = read.ok() ? *std::move(read) : PeerStatus{};
  status.last_attempt = now;
  ++status.runs;
  for (const auto& p : run.pulls) {
    status.objects_in += p.outcome.stored;
    status.rejected += p.outcome.rejected;
    for (const std::string& problem : p.outcome.problems) AddProblem(status, problem);
    if (p.outcome.stored > 0 || p.outcome.rejected > 0 || p.outcome.conflicts > 0) {
      spdlog::info("peer {}: pulled collection {}: {}", w.spec.name, p.link.remote,
                   Describe(p.outcome));
    }
  }
  for (const auto& p : run.pushes) {
    status.objects_out += p.outcome.accepted;
    status.push_failures += p.outcome.failed;
    status.given_up += p.outcome.given_up;
    for (const std::string& problem : p.outcome.problems) AddProblem(status, problem);
    if (p.outcome.sent > 0) {
      spdlog::info("peer {}: pushed to collection {}: {} sent, {} accepted, {} refused",
                   w.spec.name, p.link.to, p.outcome.sent, p.outcome.accepted, p.outcome.failed);
    }
  }
  if (run.status.ok()) {
    status.last_success = now;
  } else if (!absl::IsCancelled(run.status) && !stopping_) {  // a stop is not the peer's fault
    status.last_error_at = now;
    status.last_error = Printable(util::AsStd(run.status.message()));
    spdlog::warn("peer {}: {}", w.spec.name, status.last_error);
  }
  if (absl::Status s = WritePeerStatus(store_, w.spec.name, status); !s.ok()) {
    spdlog::warn("peer {}: recording the sync status failed: {}", w.spec.name,
                 util::AsStd(s.message()));
  }
}

void Federation::SendNotifications(Worker& w, const std::set<std::string>& collections) {
  for (const std::string& id : collections) {
    const std::string body = util::StrCat("{\"collection\":\"", id, "\"}");
    if (absl::Status s = w.notifier->PostJson(w.notify_url, body); !s.ok()) {
      spdlog::debug("peer {}: notification about {} not delivered: {}", w.spec.name, id,
                    util::AsStd(s.message()));
    }
  }
}

void Federation::WorkerLoop(Worker& w) {
  using SteadyClock = std::chrono::steady_clock;
  SteadyClock::time_point due = SteadyClock::now();  // run once at start
  while (true) {
    bool pull = false, push = false;
    std::set<std::string> notify;
    {
      std::unique_lock lock(mu_);
      wake_.wait_until(lock, due,
                       [&] { return stop_ || w.pull_now || w.push_now || !w.notify.empty(); });
      if (stop_) return;
      const bool is_due = SteadyClock::now() >= due;
      pull = is_due || w.pull_now;
      push = is_due || w.push_now;
      w.pull_now = w.push_now = false;
      notify.swap(w.notify);
      if (is_due) due = SteadyClock::now() + w.spec.interval;
    }
    if (!notify.empty() && w.notifier != nullptr) SendNotifications(w, notify);
    if (pull || push) {
      if (absl::StatusOr<PeerRun> run = Run(w, pull, push); !run.ok()) {
        spdlog::warn("peer {}: {}", w.spec.name, util::AsStd(run.status().message()));
      }
    }
  }
}

void Federation::WatchLoop() {
  std::map<std::string, std::pair<util::Timestamp, int64_t>> seen;
  bool first = true;
  do {
    absl::StatusOr<std::vector<store::Collection>> collections = store_.ListCollections();
    if (!collections.ok()) continue;
    std::vector<std::string> changed;
    for (const store::Collection& c : *collections) {
      const std::pair<util::Timestamp, int64_t> state{c.last_date_added, c.removals};
      auto [it, inserted] = seen.emplace(c.id, state);
      if (!inserted && it->second == state) continue;
      it->second = state;
      if (!first) changed.push_back(c.id);
    }
    first = false;
    if (changed.empty()) continue;
    {
      std::lock_guard lock(mu_);
      for (auto& w : workers_) {
        for (const std::string& id : changed) {
          if (std::find(w->push_ids.begin(), w->push_ids.end(), id) != w->push_ids.end()) {
            w->push_now = true;
          }
          if (w->notifier != nullptr && w->principal != nullptr && w->principal->CanRead(id)) {
            w->notify.insert(id);
          }
        }
      }
    }
    wake_.notify_all();
  } while (WaitToLook());
}

bool Federation::WaitToLook() {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, options_.watch_interval, [this] { return stop_ || look_now_; });
  look_now_ = false;
  return !stop_;
}

}  // namespace kongsi::federation
