// The object endpoints: get objects / get one object / manifest / versions (all read through
// policy::Disclosure, one page at a time), add objects and delete object.
//
// Paging: a page holds at most `limit` objects (capped at max_page_size); `more` says whether
// further objects match, and `next` is the date_added of the page's last object. Bodies are
// appended to the response exactly as stored: a page is a concatenation of stored bytes.
#include <algorithm>

#include "spdlog/spdlog.h"
#include "taxii/add_objects.h"
#include "taxii/error.h"
#include "taxii/media_type.h"
#include "taxii/query.h"
#include "taxii/service.h"
#include "taxii/service_internal.h"
#include "util/json_string.h"
#include "util/strings.h"
#include "util/uuid.h"

namespace kongsi::taxii {
namespace {

std::string FormatTime(util::Timestamp t) { return util::FormatRfc3339(t, 6); }

// Version of a stored object as TAXII shows it: modified (or created); objects with neither
// (most SCOs) show the time they were added.
// Millisecond precision when that is exact (as STIX timestamps usually are written), so the
// string matches the object's own `modified`.
std::string VersionString(const store::StoredObject& o) {
  const util::Timestamp t = o.record.version == store::kNoVersion ? o.date_added : o.record.version;
  return util::FormatRfc3339(t, t % 1000 == 0 ? 3 : 6);
}

void AddDateHeaders(Response& r, util::Timestamp first, util::Timestamp last) {
  r.headers.emplace_back("X-TAXII-Date-Added-First", FormatTime(first));
  r.headers.emplace_back("X-TAXII-Date-Added-Last", FormatTime(last));
}

}  // namespace

Response Service::GetObjects(const Call& call, std::string_view collection_id,
                             std::string_view object_id, bool manifest) {
  auto collection = VisibleCollection(call, collection_id, Access::kRead);
  if (!collection.ok()) return ErrorFromStatus(collection.status());
  const bool one = !object_id.empty();
  const uint32_t allowed = one ? (kAddedAfter | kLimit | kNext | kMatchVersion | kMatchSpecVersion)
                               : (kAddedAfter | kLimit | kNext | kMatchId | kMatchType |
                                  kMatchVersion | kMatchSpecVersion);
  auto filters = ParseFilters(call.request.query, allowed);
  if (!filters.ok()) return ErrorFromStatus(filters.status());
  if (one) filters->ids = {std::string(object_id)};
  const size_t limit =
      std::min(filters->limit.value_or(config_.max_page_size), config_.max_page_size);
  const store::ObjectQuery query =
      ToObjectQuery(*filters, collection->id, store::VersionSelect::kLast, limit);

  std::string body = "{\"objects\":[";
  body.reserve(std::min<size_t>(limit, 1000) * (manifest ? 160 : 768));
  util::Timestamp first = 0, last = 0;
  size_t count = 0;
  const std::string_view channel = manifest ? "taxii.manifest"
                                   : one    ? "taxii.object"
                                            : "taxii.objects";
  auto page = disclosure_.Disclose(
      call.principal, channel, query,
      [&](std::string_view stored_body, const store::StoredObject& o) {
        if (count++ > 0) body += ',';
        if (count == 1) first = o.date_added;
        last = o.date_added;
        if (!manifest) {
          body.append(stored_body);
          return true;
        }
        body += "{\"id\":";
        util::AppendJsonString(o.record.id, body);
        body += ",\"date_added\":\"";
        body += FormatTime(o.date_added);
        body += "\",\"version\":\"";
        body += VersionString(o);
        body += "\",\"media_type\":\"";
        body += kStixMediaType;
        body += "\"}";
        return true;
      },
      policy::Delivery::kBuffered);
  if (!page.ok()) return ErrorFromStatus(page.status());
  if (one && count == 0) {
    return ErrorResponse(404, {},
                         util::StrCat("object ", object_id, " not found in collection ",
                                      collection->id, " (or no version matches the filters)"));
  }
  Response r;
  r.content_type = std::string(kTaxiiMediaType);
  if (count == 0) {
    r.body = "{\"more\":false}";
    return r;
  }
  body += "],\"more\":";
  body += page->more ? "true" : "false";
  if (page->more) {
    body += ",\"next\":\"";
    body += MakeNext(last);
    body += '"';
  }
  body += '}';
  r.body = std::move(body);
  AddDateHeaders(r, first, last);
  return r;
}

Response Service::Versions(const Call& call, std::string_view collection_id,
                           std::string_view object_id) {
  auto collection = VisibleCollection(call, collection_id, Access::kRead);
  if (!collection.ok()) return ErrorFromStatus(collection.status());
  auto filters = ParseFilters(call.request.query, kAddedAfter | kLimit | kNext | kMatchSpecVersion);
  if (!filters.ok()) return ErrorFromStatus(filters.status());
  filters->ids = {std::string(object_id)};
  const size_t limit =
      std::min(filters->limit.value_or(config_.max_page_size), config_.max_page_size);
  const store::ObjectQuery query =
      ToObjectQuery(*filters, collection->id, store::VersionSelect::kAll, limit);
  nlohmann::json versions = nlohmann::json::array();
  util::Timestamp first = 0, last = 0;
  auto page = disclosure_.Disclose(
      call.principal, "taxii.versions", query,
      [&](std::string_view, const store::StoredObject& o) {
        if (versions.empty()) first = o.date_added;
        last = o.date_added;
        versions.push_back(VersionString(o));
        return true;
      },
      policy::Delivery::kBuffered);
  if (!page.ok()) return ErrorFromStatus(page.status());
  if (versions.empty()) {
    return ErrorResponse(404, {},
                         util::StrCat("object ", object_id, " not found in collection ",
                                      collection->id, " (or no version matches the filters)"));
  }
  nlohmann::json body = {{"more", page->more}, {"versions", std::move(versions)}};
  if (page->more) body["next"] = MakeNext(last);
  Response r = JsonResponse(body);
  AddDateHeaders(r, first, last);
  return r;
}

Response Service::AddObjects(const Call& call, std::string_view collection_id) {
  auto collection = VisibleCollection(call, collection_id, Access::kWrite);
  if (!collection.ok()) return ErrorFromStatus(collection.status());
  if (!IsTaxiiContentType(call.request.content_type)) {
    return ErrorResponse(415, {},
                         util::StrCat("objects must be sent as ", kTaxiiMediaType, ", not \"",
                                      call.request.content_type, "\""));
  }
  if (call.request.body.size() > call.root.max_content_length) {
    return ErrorResponse(
        413, {},
        util::StrCat("the request body has ", call.request.body.size(),
                     " bytes; this API root accepts at most ", call.root.max_content_length));
  }
  const util::Timestamp request_time = clock_.Now();
  // Origin binding follows the organisation the policy places the poster in; what a partner
  // node pushes is recorded as from that peer.
  const store::Provenance provenance = disclosure_.ProvenanceOf(call.principal);
  auto parsed = ParseAddObjects(call.request.body, validator_, provenance);
  if (!parsed.ok()) return ErrorFromStatus(parsed.status());
  std::vector<store::PutOutcome> outcomes;
  // Put on an empty list still checks the collection; nothing to store is not an error.
  auto put = store_.Put(collection->id, parsed->records);
  if (!put.ok()) return ErrorFromStatus(put.status());
  outcomes = *std::move(put);
  objects_added_ += static_cast<uint64_t>(
      std::count(outcomes.begin(), outcomes.end(), store::PutOutcome::kAdded));
  const std::string status_id = util::NewUuidV4();
  std::string status_json = StatusResourceJson(status_id, request_time, *parsed, outcomes);
  const absl::Status saved = store_.PutStatus({.id = status_id,
                                               .owner = call.principal.name,
                                               .created = request_time,
                                               .body = status_json});
  if (!saved.ok()) {
    // The objects are stored (and durable); only the status cannot be read back later.
    spdlog::warn("status {} not saved: {}", status_id, std::string(saved.message()));
  }
  Response r;
  r.status = 202;
  r.content_type = std::string(kTaxiiMediaType);
  r.body = std::move(status_json);
  return r;
}

Response Service::DeleteObject(const Call& call, std::string_view collection_id,
                               std::string_view object_id) {
  auto collection = VisibleCollection(call, collection_id, Access::kWrite);
  if (!collection.ok()) return ErrorFromStatus(collection.status());
  auto filters = ParseFilters(call.request.query, kMatchVersion | kMatchSpecVersion);
  if (!filters.ok()) return ErrorFromStatus(filters.status());
  filters->ids = {std::string(object_id)};
  store::ObjectQuery query = ToObjectQuery(*filters, collection->id, store::VersionSelect::kAll, 0);
  // Only versions the principal could receive: others it may neither remove nor learn of.
  auto receivable = disclosure_.ReceivableVersions(call.principal, query);
  if (!receivable.ok()) return ErrorFromStatus(receivable.status());
  absl::StatusOr<size_t> removed = 0;
  if (!receivable->empty()) {
    query.exact_versions = *std::move(receivable);
    query.versions = store::VersionSelect::kAll;
    query.also_versions.clear();
    removed = store_.RemoveFromCollection(query);
  }
  if (!removed.ok()) return ErrorFromStatus(removed.status());
  if (*removed == 0) {
    return ErrorResponse(404, {},
                         util::StrCat("object ", object_id, " not found in collection ",
                                      collection->id, " (or no version matches the filters)"));
  }
  Response r;
  r.status = 200;
  return r;
}

}  // namespace kongsi::taxii
