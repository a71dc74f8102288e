// Push links: disclose, cut into requests, post, poll, remember failures.
#include "federation/push.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "federation/sync_state.h"
#include "util/status.h"
#include "util/strings.h"

namespace kongsi::federation {
namespace {

constexpr size_t kDefaultMaxContentLength = 10 << 20;
constexpr size_t kEnvelopeOverhead = 32;  // {"objects":[ ... ]} and separators
constexpr size_t kMaxProblemsPerRun = 20;
constexpr size_t kRetryIdsPerQuery = 100;
constexpr int kMaxStatusPolls = 40;
constexpr std::chrono::milliseconds kFirstPoll{50};
constexpr std::chrono::milliseconds kMaxPoll{2000};

struct Outgoing {
  std::string body;  // as disclosed (redacted when the policy says so)
  std::string id;
  util::Timestamp version = store::kNoVersion;
  util::Timestamp date_added = 0;
};

using VersionKey = std::pair<std::string, util::Timestamp>;

void Note(PushOutcome& out, std::string problem) {
  if (out.problems.size() < kMaxProblemsPerRun) out.problems.push_back(std::move(problem));
}

// A status item's version ("" for objects without one) as the store keys it.
util::Timestamp ItemVersion(const std::string& version) {
  if (version.empty()) return store::kNoVersion;
  auto parsed = util::ParseRfc3339(version);
  return parsed.ok() ? parsed->micros : store::kNoVersion;
}

class LinkPusher {
 public:
  LinkPusher(const PushContext& c, const PushSpec& link, std::string_view local_id,
             PushOutcome& out)
      : c_(c),
        link_(link),
        local_id_(local_id),
        out_(out),
        where_(util::StrCat("peer ", c.peer.name, " collection ", link.to)),
        max_bytes_(c.max_content_length > 0 ? c.max_content_length : kDefaultMaxContentLength) {}

  absl::Status Run() {
    const std::string cursor_key = PushCursorKey(c_.peer.name, local_id_, link_.to);
    const std::string retry_key = PushRetryKey(c_.peer.name, local_id_, link_.to);
    KONGSI_ASSIGN_OR_RETURN(std::optional<util::Timestamp> cursor,
                            ReadCursor(c_.store, cursor_key));
    KONGSI_ASSIGN_OR_RETURN(std::vector<RetryEntry> retries, ReadRetries(c_.store, retry_key));
    // Versions refused before go first; the list shrinks as they are accepted.
    if (!retries.empty()) {
      KONGSI_ASSIGN_OR_RETURN(std::vector<Outgoing> again, DiscloseRetries(retries));
      std::vector<RetryEntry> still;
      KONGSI_RETURN_IF_ERROR(Send(again, retries, still));
      retries = std::move(still);
      KONGSI_RETURN_IF_ERROR(Save(cursor_key, cursor, retry_key, retries));
    }
    while (true) {
      if (c_.stopping && c_.stopping()) return absl::CancelledError("stopping");
      store::ObjectQuery query;
      query.collection_id = std::string(local_id_);
      query.versions = store::VersionSelect::kAll;
      query.added_after = cursor;
      query.limit = kPushPageLimit;
      query.not_from_peer = c_.peer.PrincipalName();  // as ProvenanceOf records what it posts
      std::vector<Outgoing> page;
      KONGSI_ASSIGN_OR_RETURN(const policy::DisclosedPage disclosed, Disclose(query, page));
      KONGSI_RETURN_IF_ERROR(Send(page, {}, retries));
      // Past the last version sent, or past every version read when the collection was read
      // to its end: versions the peer may not receive are not read again on every run.
      util::Timestamp through = page.empty() ? 0 : page.back().date_added;
      through = std::max(through, disclosed.read_through);
      if (through > 0 && (!cursor || through > *cursor)) {
        cursor = through;
        KONGSI_RETURN_IF_ERROR(Save(cursor_key, cursor, retry_key, retries));
      }
      if (!disclosed.more) return absl::OkStatus();
    }
  }

 private:
  absl::StatusOr<policy::DisclosedPage> Disclose(const store::ObjectQuery& query,
                                                 std::vector<Outgoing>& out) {
    return c_.disclosure.Disclose(
        c_.principal, "federation.push", query,
        [&out](std::string_view body, const store::StoredObject& o) {
          out.push_back({std::string(body), o.record.id, o.record.version, o.date_added});
          return true;
        },
        policy::Delivery::kBuffered);
  }

  // The versions of `retries` the peer may still receive (a policy change or a removal from
  // the collection drops the others from the list).
  absl::StatusOr<std::vector<Outgoing>> DiscloseRetries(const std::vector<RetryEntry>& retries) {
    std::map<VersionKey, bool> wanted;
    for (const RetryEntry& r : retries) wanted[{r.id, r.version}] = true;
    std::vector<Outgoing> out;
    for (size_t start = 0; start < retries.size(); start += kRetryIdsPerQuery) {
      store::ObjectQuery query;
      query.collection_id = std::string(local_id_);
      query.versions = store::VersionSelect::kAll;
      query.not_from_peer = c_.peer.PrincipalName();
      for (size_t i = start; i < std::min(retries.size(), start + kRetryIdsPerQuery); ++i) {
        query.ids.push_back(retries[i].id);
        query.exact_versions.push_back(retries[i].version);  // audited: only what is re-sent
      }
      std::vector<Outgoing> found;
      KONGSI_RETURN_IF_ERROR(Disclose(query, found).status());
      for (Outgoing& o : found) {
        if (wanted.count({o.id, o.version}) > 0) out.push_back(std::move(o));
      }
    }
    return out;
  }

  // Sends `objects` in requests of at most max_bytes_; versions refused or left pending join
  // `failed` (their attempt counts carried over from `previous`).
  absl::Status Send(const std::vector<Outgoing>& objects, const std::vector<RetryEntry>& previous,
                    std::vector<RetryEntry>& failed) {
    std::map<VersionKey, int> attempts;
    for (const RetryEntry& r : previous) attempts[{r.id, r.version}] = r.attempts;
    size_t i = 0;
    while (i < objects.size()) {
      if (c_.stopping && c_.stopping()) return absl::CancelledError("stopping");
      std::string envelope = "{\"objects\":[";
      const size_t first = i;
      for (; i < objects.size(); ++i) {
        const std::string& body = objects[i].body;
        if (i == first && body.size() + kEnvelopeOverhead > max_bytes_) break;
        if (envelope.size() + body.size() + kEnvelopeOverhead > max_bytes_) break;
        if (i > first) envelope += ',';
        envelope += body;
      }
      if (i == first) {  // one version larger than the peer takes in a request
        ++out_.given_up;
        Note(out_, util::StrCat(where_, ": ", objects[i].id, " (", objects[i].body.size(),
                                " bytes) is larger than the peer accepts (", max_bytes_,
                                " bytes): not sent"));
        ++i;
        continue;
      }
      envelope += "]}";
      ++out_.batches;
      out_.sent += static_cast<int64_t>(i - first);
      KONGSI_ASSIGN_OR_RETURN(taxii::StatusInfo status, c_.client.AddObjects(link_.to, envelope));
      KONGSI_RETURN_IF_ERROR(AwaitComplete(status));
      out_.accepted += status.success_count;
      // Refused and still pending versions of this request go to the retry list.
      std::map<VersionKey, std::string> refused;
      for (const auto& item : status.failures) {
        refused[{item.id, ItemVersion(item.version)}] =
            item.message.empty() ? "refused" : item.message;
      }
      for (const auto& item : status.pendings) {
        refused[{item.id, ItemVersion(item.version)}] = "still pending at the peer";
      }
      // The lists are optional in TAXII: when the counts say more were refused or pending than
      // are listed (or an item names no version), only the versions listed as successes count
      // as delivered.
      const bool lists_complete =
          static_cast<int64_t>(status.failures.size() + status.pendings.size()) >=
          status.failure_count + status.pending_count;
      std::set<VersionKey> succeeded;
      for (const auto& item : status.successes) {
        succeeded.insert({item.id, ItemVersion(item.version)});
      }
      for (size_t k = first; k < i; ++k) {
        const Outgoing& o = objects[k];
        auto it = refused.find({o.id, o.version});
        if (it == refused.end()) it = refused.find({o.id, store::kNoVersion});  // no version given
        if (it == refused.end() && !lists_complete && succeeded.count({o.id, o.version}) == 0) {
          it = refused.emplace(VersionKey{o.id, o.version}, "not listed as a success").first;
        }
        if (it == refused.end()) continue;
        const int tried = attempts[{o.id, o.version}] + 1;
        ++out_.failed;
        if (tried >= kMaxPushAttempts) {
          ++out_.given_up;
          Note(out_, util::StrCat(where_, ": gave up on ", o.id, " after ", tried,
                                  " attempts: ", it->second));
          continue;
        }
        Note(out_, util::StrCat(where_, ": ", o.id, " refused (", it->second, "), will retry"));
        failed.push_back({o.id, o.version, tried, it->second});
      }
    }
    return absl::OkStatus();
  }

  // Polls a pending status resource until it completes (or the polls run out: what is still
  // pending is retried later).
  absl::Status AwaitComplete(taxii::StatusInfo& status) {
    std::chrono::milliseconds delay = kFirstPoll;
    for (int poll = 0; poll < kMaxStatusPolls && status.status == "pending"; ++poll) {
      if (c_.wait && !c_.wait(delay)) break;
      if (!c_.wait) std::this_thread::sleep_for(delay);
      KONGSI_ASSIGN_OR_RETURN(status, c_.client.GetStatus(status.id));
      delay = std::min(kMaxPoll, delay * 2);
    }
    return absl::OkStatus();
  }

  absl::Status Save(const std::string& cursor_key, const std::optional<util::Timestamp>& cursor,
                    const std::string& retry_key, const std::vector<RetryEntry>& retries) {
    KONGSI_ASSIGN_OR_RETURN(auto txn, c_.store.BeginWrite(""));
    if (cursor) KONGSI_RETURN_IF_ERROR(txn->SetMeta(cursor_key, CursorText(*cursor)));
    KONGSI_RETURN_IF_ERROR(txn->SetMeta(retry_key, RetriesText(retries)));
    return txn->Commit();
  }

  const PushContext& c_;
  const PushSpec& link_;
  std::string_view local_id_;
  PushOutcome& out_;
  const std::string where_;
  const size_t max_bytes_;
};

}  // namespace

absl::Status PushLink(const PushContext& context, const PushSpec& link,
                      std::string_view local_collection_id, PushOutcome& out) {
  return LinkPusher(context, link, local_collection_id, out).Run();
}

}  // namespace kongsi::federation
