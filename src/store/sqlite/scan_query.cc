// How each ObjectQuery field becomes SQL, and why the plan stays streaming:
//
//  * In a collection the driving loop walks collection_objects' primary key
//    (collection, date_added), so rows come out in date_added order without sorting and a
//    TAXII page is one range scan. Without a collection it walks objects by first_added (the
//    rowid). An id list instead drives from the (id, version) index (CROSS JOIN fixes the
//    join order) and sorts the few matching rows.
//  * Type and spec_version filters are written `+o.type IN (...)`: the unary plus keeps the
//    planner from driving from an index on them, which would sort every matching row before
//    returning the first.
//  * Version selection keeps a row when no later (kLast) or earlier (kFirst) version of the
//    same id is visible: a member of the same collection, of a requested spec version.
//    `other_versions = 0` (the id has a single stored version, the common case) answers
//    without that lookup. added_after/since then filter the chosen version, as in TAXII.
#include "store/sqlite/scan_query.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace kongsi::store::sqlite {
namespace {

constexpr const char* kSelect =
    "SELECT o.id, o.version, o.type, o.spec_version, o.created, o.revoked, o.created_by_ref,"
    " o.tlp, o.valid_from, o.valid_until, o.provenance_kind, o.provenance_source, o.origin_org,"
    " o.body, o.content_hash, o.property_bloom, o.first_added, ";

class Builder {
 public:
  explicit Builder(ScanQuery& out) : out_(out) {}

  void Sql(const char* text) { out_.sql += text; }

  void Arg(int64_t value) {
    out_.sql += '?';
    out_.args.emplace_back(value);
  }
  void Arg(const std::string& value) {
    out_.sql += '?';
    out_.args.emplace_back(&value);
  }

  // " AND <column> IN (?, ...)" unless `values` is empty.
  template <typename T>
  void In(const char* column, const std::vector<T>& values) {
    if (values.empty()) return;
    absl::StrAppend(&out_.sql, " AND ", column, " IN (");
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out_.sql += ',';
      Arg(values[i]);
    }
    out_.sql += ')';
  }

 private:
  ScanQuery& out_;
};

}  // namespace

size_t BoundValueCount(const ObjectQuery& q) {
  // spec_versions appear up to three times: in the filter and in first and last selection.
  return 5 + q.ids.size() + q.types.size() + 3 * q.spec_versions.size() + q.exact_versions.size();
}

ScanQuery BuildScanQuery(const ObjectQuery& q) {
  const bool in_collection = !q.collection_id.empty();
  const char* date = in_collection ? "m.date_added" : "o.first_added";
  ScanQuery out;
  Builder b(out);
  b.Sql(kSelect);
  b.Sql(date);
  if (!in_collection) {
    b.Sql(" FROM objects o WHERE 1");
  } else {
    b.Sql(q.ids.empty() ? " FROM collection_objects m JOIN objects o"
                        : " FROM objects o CROSS JOIN collection_objects m");
    b.Sql(
        " ON o.first_added = m.object WHERE m.collection ="
        " (SELECT num FROM collections WHERE id = ");
    b.Arg(q.collection_id);
    b.Sql(")");
  }
  if (q.added_after) {
    absl::StrAppend(&out.sql, " AND ", date, " > ");
    b.Arg(*q.added_after);
  }
  if (q.added_since) {
    absl::StrAppend(&out.sql, " AND ", date, " >= ");
    b.Arg(*q.added_since);
  }
  if (!q.not_from_peer.empty()) {
    absl::StrAppend(&out.sql,
                    " AND NOT (o.provenance_kind = ", static_cast<int>(Provenance::Kind::kPeer),
                    " AND o.provenance_source = ");
    b.Arg(q.not_from_peer);
    b.Sql(")");
  }
  b.In("o.id", q.ids);
  b.In("+o.type", q.types);
  b.In("+o.spec_version", q.spec_versions);
  // The selectors in force: exact versions replace `versions`; `also_versions` add to either.
  std::vector<VersionSelect> selects = q.also_versions;
  if (q.exact_versions.empty()) selects.push_back(q.versions);
  const bool all = std::find(selects.begin(), selects.end(), VersionSelect::kAll) != selects.end();
  if (!all) {
    b.Sql(" AND (0");
    for (const VersionSelect select : {VersionSelect::kLast, VersionSelect::kFirst}) {
      if (std::find(selects.begin(), selects.end(), select) == selects.end()) continue;
      b.Sql(" OR o.other_versions = 0 OR NOT EXISTS (SELECT 1 FROM objects o2");
      if (in_collection) {
        b.Sql(
            " JOIN collection_objects m2 ON m2.collection = m.collection"
            " AND m2.object = o2.first_added");
      }
      b.Sql(select == VersionSelect::kLast ? " WHERE o2.id = o.id AND o2.version > o.version"
                                           : " WHERE o2.id = o.id AND o2.version < o.version");
      b.In("o2.spec_version", q.spec_versions);
      b.Sql(")");
    }
    if (!q.exact_versions.empty()) {
      b.Sql(" OR 1");
      b.In("o.version", q.exact_versions);
    }
    b.Sql(")");
  }
  absl::StrAppend(&out.sql, " ORDER BY ", date);
  if (q.limit > 0) {
    b.Sql(" LIMIT ");
    b.Arg(static_cast<int64_t>(q.limit));
  }
  return out;
}

}  // namespace kongsi::store::sqlite
