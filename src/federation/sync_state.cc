// Federation state in store metadata: key layout and JSON forms (nlohmann::json, small
// documents written a few times per sync run).
#include "federation/sync_state.h"

#include <nlohmann/json.hpp>

#include "util/status.h"
#include "util/strings.h"

namespace kongsi::federation {
namespace {

constexpr int kCursorDigits = 6;  // microseconds: the store's precision

std::optional<util::Timestamp> OptionalTime(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  auto parsed = util::ParseRfc3339(j[key].get<std::string>());
  if (!parsed.ok()) return std::nullopt;
  return parsed->micros;
}

void PutTime(nlohmann::json& j, const char* key, const std::optional<util::Timestamp>& t) {
  if (t) j[key] = util::FormatRfc3339(*t, kCursorDigits);
}

absl::StatusOr<nlohmann::json> ReadJson(store::Store& store, std::string_view key) {
  KONGSI_ASSIGN_OR_RETURN(const auto text, store.GetMeta(key));
  if (!text) return nlohmann::json();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return absl::InvalidArgumentError(util::StrCat("stored ", key, " is not JSON"));
  }
  return j;
}

}  // namespace

std::string PullCursorKey(std::string_view peer, std::string_view remote,
                          std::string_view local_collection_id) {
  return util::StrCat("federation.", peer, ".pull.", remote, ".", local_collection_id);
}

std::string PullRejectedKey(std::string_view peer, std::string_view remote,
                            std::string_view local_collection_id) {
  return util::StrCat("federation.", peer, ".rejected.", remote, ".", local_collection_id);
}

std::string PushCursorKey(std::string_view peer, std::string_view local_collection_id,
                          std::string_view remote) {
  return util::StrCat("federation.", peer, ".push.", local_collection_id, ".", remote);
}

std::string PushRetryKey(std::string_view peer, std::string_view local_collection_id,
                         std::string_view remote) {
  return util::StrCat("federation.", peer, ".retry.", local_collection_id, ".", remote);
}

std::string PeerStatusKey(std::string_view peer) {
  return util::StrCat("federation.", peer, ".status");
}

std::string CursorText(util::Timestamp t) { return util::FormatRfc3339(t, kCursorDigits); }

absl::StatusOr<std::optional<util::Timestamp>> ReadCursor(store::Store& store,
                                                          std::string_view key) {
  KONGSI_ASSIGN_OR_RETURN(const auto text, store.GetMeta(key));
  if (!text) return std::nullopt;
  auto parsed = util::ParseRfc3339(*text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        util::StrCat("stored cursor ", key, " is not a timestamp: ", parsed.status().message()));
  }
  return parsed->micros;
}

absl::StatusOr<std::vector<RetryEntry>> ReadRetries(store::Store& store, std::string_view key) {
  KONGSI_ASSIGN_OR_RETURN(const nlohmann::json j, ReadJson(store, key));
  std::vector<RetryEntry> out;
  if (!j.is_array()) return out;
  for (const nlohmann::json& e : j) {
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string()) continue;
    RetryEntry r;
    r.id = e["id"].get<std::string>();
    r.version = e.value("version", int64_t{0});
    r.attempts = e.value("attempts", 0);
    r.error = e.value("error", std::string());
    out.push_back(std::move(r));
  }
  return out;
}

std::string RetriesText(const std::vector<RetryEntry>& retries) {
  nlohmann::json j = nlohmann::json::array();
  for (const RetryEntry& r : retries) {
    j.push_back(
        {{"id", r.id}, {"version", r.version}, {"attempts", r.attempts}, {"error", r.error}});
  }
  return j.dump();
}

absl::StatusOr<PeerStatus> ReadPeerStatus(store::Store& store, std::string_view peer) {
  KONGSI_ASSIGN_OR_RETURN(const nlohmann::json j, ReadJson(store, PeerStatusKey(peer)));
  PeerStatus s;
  if (!j.is_object()) return s;
  s.last_attempt = OptionalTime(j, "last_attempt");
  s.last_success = OptionalTime(j, "last_success");
  s.last_error_at = OptionalTime(j, "last_error_at");
  s.last_error = j.value("last_error", std::string());
  s.runs = j.value("runs", int64_t{0});
  s.objects_in = j.value("objects_in", int64_t{0});
  s.objects_out = j.value("objects_out", int64_t{0});
  s.rejected = j.value("rejected", int64_t{0});
  s.push_failures = j.value("push_failures", int64_t{0});
  s.given_up = j.value("given_up", int64_t{0});
  if (j.contains("recent_problems") && j["recent_problems"].is_array()) {
    for (const nlohmann::json& p : j["recent_problems"]) {
      if (p.is_string()) s.recent_problems.push_back(p.get<std::string>());
    }
  }
  return s;
}

absl::Status WritePeerStatus(store::Store& store, std::string_view peer, const PeerStatus& s) {
  nlohmann::json j = nlohmann::json::object();
  PutTime(j, "last_attempt", s.last_attempt);
  PutTime(j, "last_success", s.last_success);
  PutTime(j, "last_error_at", s.last_error_at);
  j["last_error"] = s.last_error;
  j["runs"] = s.runs;
  j["objects_in"] = s.objects_in;
  j["objects_out"] = s.objects_out;
  j["rejected"] = s.rejected;
  j["push_failures"] = s.push_failures;
  j["given_up"] = s.given_up;
  j["recent_problems"] = s.recent_problems;
  // Invalid UTF-8 from a peer's messages is replaced rather than refused.
  return store.SetMeta(PeerStatusKey(peer),
                       j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string Printable(std::string_view text) {
  std::string out(text.substr(0, kMaxProblemBytes));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (text.size() > kMaxProblemBytes) out += " [...]";
  return out;
}

void AddProblem(PeerStatus& status, std::string problem) {
  status.recent_problems.push_back(Printable(problem));
  if (status.recent_problems.size() > kMaxRecentProblems) {
    status.recent_problems.erase(status.recent_problems.begin(),
                                 status.recent_problems.end() - kMaxRecentProblems);
  }
}

}  // namespace kongsi::federation
