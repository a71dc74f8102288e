// Property tests of the sharing policy: for random policies, principals and objects, what the
// node discloses equals what the reference model (policy_model_test_util.h, written from
// docs/policy.md) allows.
//
//  * Decision: Policy::Decide (and Evaluate) for every principal, object and collection.
//  * Redaction: Policy::Evaluate on objects whose every value carries a unique marker, with
//    granular markings and agreement rules: which markers a recipient receives.
//  * The door: policy::Disclosure over a real store, through every read path (pages followed
//    by added_after, manifests, version lists, exports), and the audit log it writes.
//
// Case counts are set per property below; RC_PARAMS (e.g. "max_success=200 seed=42") overrides
// them. A failure prints the policy (as kongsi.toml would say it), the principal, the object
// and both answers.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "policy/disclosure.h"
#include "policy/policy.h"
#include "policy/policy_model_test_util.h"
#include "simdjson.h"
#include "stix/canonical.h"
#include "stix/markings.h"
#include "stix/validate.h"
#include "util/time.h"
#include "util/uuid.h"

// Records, queries and principals below name only the fields a test is about.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace kongsi::policy {
namespace {

namespace gen = rc::gen;
using model::Doc;
using model::Level;
using model::Model;
using model::Who;
using stix::Tlp;

constexpr util::Timestamp kNow = 1793491200000000;  // 2026-11-01T00:00:00Z
constexpr util::Timestamp kDay = 86400LL * 1000000;
constexpr std::string_view kNodeIdentity = "identity--7d3c1f0e-9b6a-4c2d-8e5f-1a2b3c4d5e6f";
constexpr std::string_view kStrangerIdentity = "identity--ffffffff-ffff-4fff-8fff-ffffffffffff";
constexpr std::string_view kUnknownIdentity = "identity--dddddddd-dddd-4ddd-8ddd-dddddddddddd";
constexpr std::string_view kUnknownOrg = "ghost-org";
constexpr const char* kOrgNames[] = {"my-cert", "bank-a", "bank-b", "sg-cert", "telco-c", "gov-d"};
constexpr const char* kCommunityNames[] = {"fin-sector", "asean", "everyone"};

// ---- running a property ------------------------------------------------------------------

// Runs `property` as rapidcheck does for RC_GTEST_PROP, with `cases` successful cases unless
// RC_PARAMS sets max_success (or asks to reproduce a failure).
template <typename Fn>
void CheckProperty(Fn property, int cases) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  const char* env = std::getenv("RC_PARAMS");
  const std::string_view params_env = env != nullptr ? env : "";
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  const bool from_env = params_env.find("max_success") != std::string_view::npos ||
                        params_env.find("reproduce") != std::string_view::npos;
  if (!from_env) params.maxSuccess = cases;
  const rc::detail::TestResult result = from_env
                                            ? rc::detail::checkTestable(property, metadata)
                                            : rc::detail::checkTestable(property, metadata, params);
  if (result.template is<rc::detail::SuccessResult>()) {
    std::cout << metadata.id << ": " << params.maxSuccess << " cases passed\n";
    return;
  }
  std::ostringstream ss;
  rc::detail::printResultMessage(result, ss);
  FAIL() << ss.str();
}

// Coverage of one property: how often each kind of outcome was met (printed at the end, so a
// generator that stopped reaching some branch shows).
class Tally {
 public:
  void Add(const std::string& what, uint64_t n = 1) { counts_[what] += n; }
  void Print(std::string_view title) const {
    std::cout << title << ":\n";
    for (const auto& [what, n] : counts_) std::cout << "  " << what << ": " << n << "\n";
  }
  void Clear() { counts_.clear(); }

 private:
  std::map<std::string, uint64_t> counts_;
};

// ---- generation helpers (to be called inside a property) ----------------------------------

// An index in [0, n), uniform (not scaled by rapidcheck's size), shrinking toward 0 (rapidcheck's
// own elementOf and weightedElement do not shrink).
rc::Gen<int> Index(int n) {
  return [n](const rc::Random& random, int /*size*/) {
    const int value = static_cast<int>(rc::Random(random).next() % static_cast<uint64_t>(n));
    return rc::shrinkable::shrinkRecur(value, [](int x) { return rc::shrink::towards(x, 0); });
  };
}
// A choice among `choices`; shrinks toward the first, so put the simplest first.
template <typename T>
T Pick(const std::vector<T>& choices) {
  return choices[static_cast<size_t>(*Index(static_cast<int>(choices.size())))];
}
// A choice weighted by the first of each pair; shrinks toward the first pair.
template <typename T>
T Weighted(const std::vector<std::pair<int, T>>& choices) {
  int total = 0;
  for (const auto& c : choices) total += c.first;
  int at = *Index(total);
  for (const auto& c : choices) {
    if (at < c.first) return c.second;
    at -= c.first;
  }
  return choices.back().second;
}
int Count(int lo, int hi) { return lo + *Index(hi - lo + 1); }
// True with probability num/den; shrinks toward false.
bool Chance(int num, int den) { return *Index(den) >= den - num; }

std::string Uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-aaaa-4aaa-8aaa-%012x", n, n);
  return buf;
}
std::string OrgIdentity(int i) { return "identity--" + Uuid(0x100 + i); }

Tlp PickTlp() {
  return Pick<Tlp>({Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed});
}

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }
std::string List(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? "," : "") + Quoted(items[i]);
  return out + "]";
}

// ---- the world: a policy, the node's collections, principals ------------------------------

struct World {
  PolicySpec spec;
  std::vector<store::Collection> collections;
  std::vector<Who> who;
  std::vector<std::vector<std::string>> read;  // collection rights, per `who`

  NodeFacts Facts() const {
    return NodeFacts{.identity_id = std::string(kNodeIdentity), .collections = collections};
  }
  std::string OwnName() const { return spec.organisations[0].name; }

  // The policy as kongsi.toml would say it, and the principals.
  std::string Describe() const {
    std::ostringstream s;
    s << "now = " << util::FormatRfc3339(kNow, 0) << ", node identity " << kNodeIdentity << "\n";
    s << "[policy]\norganisation = " << Quoted(spec.node_organisation)
      << "\ndefault_tlp = " << Quoted(stix::TlpName(spec.default_tlp))
      << "\ndrop_properties = " << List(spec.drop_properties) << "\n";
    for (const OrganisationSpec& o : spec.organisations) {
      s << "[[organisation]] name = " << Quoted(o.name);
      if (!o.identity.empty()) s << ", identity = " << Quoted(o.identity);
      s << "\n";
    }
    for (const PrincipalSpec& p : spec.principals) {
      s << "[[principal]] name = " << Quoted(p.name)
        << ", organisation = " << Quoted(p.organisation)
        << (p.kind == PrincipalKind::kPeer ? ", kind = \"peer\"" : "") << "\n";
    }
    for (const CommunitySpec& c : spec.communities) {
      s << "[[community]] name = " << Quoted(c.name) << ", members = " << List(c.members) << "\n";
    }
    for (const AgreementSpec& a : spec.agreements) {
      s << "[[agreement]] name = " << Quoted(a.name) << ", with = " << List(a.with)
        << ", collections = " << List(a.collections)
        << ", max_tlp = " << Quoted(stix::TlpName(a.max_tlp))
        << ", sightings = " << (a.sightings ? "true" : "false");
      if (!a.drop_properties.empty()) s << ", drop_properties = " << List(a.drop_properties);
      if (!a.replace_created_by.empty()) {
        s << ", replace_created_by = " << List(a.replace_created_by);
      }
      if (!a.strip_reference_hosts.empty()) {
        s << ", strip_reference_hosts = " << List(a.strip_reference_hosts);
      }
      if (a.expires) {
        s << ", expires = " << util::FormatRfc3339(*a.expires, 6) << " (now "
          << (*a.expires - kNow >= 0 ? "+" : "") << (*a.expires - kNow) << " us)";
      }
      s << "\n";
    }
    s << "collections:";
    for (const store::Collection& c : collections)
      s << " " << c.id << " (alias " << Quoted(c.alias) << ")";
    s << "\nprincipals:\n";
    for (size_t i = 0; i < who.size(); ++i) {
      s << "  " << who[i].name << " organisation=" << Quoted(who[i].organisation)
        << (who[i].local_operator ? " (local operator)" : "") << " read=" << List(read[i]) << "\n";
    }
    return s.str();
  }
};

Principal ToPrincipal(const Who& who, const std::vector<std::string>& read) {
  return Principal{.name = who.name,
                   .organisation = who.organisation,
                   .local_operator = who.local_operator,
                   .read = read};
}

const std::vector<store::Collection>& Collections() {
  static const std::vector<store::Collection> collections = {
      {.id = "11111111-1111-4111-8111-111111111111", .title = "finance", .alias = "finance"},
      {.id = "22222222-2222-4222-8222-222222222222", .title = "intel", .alias = "intel"},
      {.id = "33333333-3333-4333-8333-333333333333", .title = "other"},
  };
  return collections;
}

const std::vector<std::string> kDropCandidates = {
    "x_*",  "x_internal_*", "x_score_note",      "description",         "labels",
    "name", "pattern",      "kill_chain_phases", "external_references", "valid_*"};
const std::vector<std::string> kHostPatterns = {"intranet.cert.example", "*.corp.example",
                                                "corp.example", "*.cert.example", "vendor.example"};
const std::vector<std::string> kHosts = {"intranet.cert.example", "Wiki.Corp.Example",
                                         "a.b.corp.example",      "corp.example",
                                         "vendor.example",        "cert.example"};
// How a reference's url is written ({H} the host, {M} a marker), and the host a browser goes
// to ("{H}" for the one written).
struct UrlForm {
  std::string form;
  std::string host;
};
const std::vector<UrlForm> kUrlForms = {
    {"https://{H}/{M}", "{H}"},
    {"http://{H}:8080/{M}", "{H}"},
    {"https://user@{H}/{M}", "{H}"},
    {"https://{H}./{M}", "{H}"},
    {"HTTPS://{H}/{M}", "{H}"},
    {"https:///{H}/{M}", "{H}"},
    {"//{H}/{M}", "{H}"},
    {"{H}/{M}", "{H}"},
    {"https://{H}@vendor.example/{M}", "vendor.example"},
    {"https://{H%}/{M}", "{H}"},                    // dots written %2E
    {"https://{H}\\\\@vendor.example/{M}", "{H}"},  // a backslash (JSON-escaped) ends the host
    {"https://{HT}/{M}", "{H}"},  // a tab (JSON-escaped) inside the host is ignored
};

World GenWorld(bool rules) {
  World w;
  w.collections = Collections();
  const int orgs = Count(3, 6);
  for (int i = 0; i < orgs; ++i) {
    OrganisationSpec o{.name = kOrgNames[i]};
    if (i == 0) {
      o.identity = std::string(kNodeIdentity);
    } else if (Chance(1, 2)) {
      o.identity = OrgIdentity(i);
    }
    w.spec.organisations.push_back(o);
  }
  w.spec.node_organisation = Chance(1, 8) ? "" : w.OwnName();
  w.spec.default_tlp = PickTlp();
  if (rules) {
    for (const char* d : {"x_internal_*", "x_score_note"}) {
      if (Chance(1, 4)) w.spec.drop_properties.push_back(d);
    }
  }

  std::vector<std::string> org_refs;  // ways to name another organisation
  for (int i = 1; i < orgs; ++i) {
    org_refs.push_back(w.spec.organisations[i].name);
    if (!w.spec.organisations[i].identity.empty()) {
      org_refs.push_back(w.spec.organisations[i].identity);
    }
  }
  const int communities = Count(0, 3);
  for (int c = 0; c < communities; ++c) {
    CommunitySpec spec{.name = kCommunityNames[c]};
    for (int i = 0; i < orgs; ++i) {
      const OrganisationSpec& o = w.spec.organisations[i];
      if (Chance(1, 2))
        spec.members.push_back(!o.identity.empty() && Chance(1, 4) ? o.identity : o.name);
    }
    w.spec.communities.push_back(spec);
  }

  std::vector<std::string> with_choices = org_refs;
  for (const CommunitySpec& c : w.spec.communities) {
    with_choices.push_back(c.name);
    with_choices.push_back(c.name);
  }
  std::vector<std::string> collection_refs = {"*"};
  for (const store::Collection& c : w.collections) {
    collection_refs.push_back(c.id);
    if (!c.alias.empty()) collection_refs.push_back(c.alias);
  }
  std::vector<std::string> replace_choices = {"*", std::string(kStrangerIdentity)};
  replace_choices.insert(replace_choices.end(), org_refs.begin(), org_refs.end());
  const std::vector<std::optional<util::Timestamp>> expiries = {
      std::nullopt, std::nullopt, std::nullopt, kNow - kDay, kNow, kNow + 1, kNow + 30 * kDay};
  const int agreements = Count(0, 4);
  for (int i = 0; i < agreements; ++i) {
    AgreementSpec a{.name = "ag" + std::to_string(i)};
    const int with = Count(1, 3);
    for (int k = 0; k < with; ++k) {
      a.with.push_back(Chance(1, 12) ? w.OwnName() : Pick(with_choices));
    }
    const int covered = Count(1, 2);
    for (int k = 0; k < covered; ++k) a.collections.push_back(Pick(collection_refs));
    a.max_tlp = PickTlp();
    a.sightings = Chance(1, 2);
    a.expires = Pick(expiries);
    if (rules) {
      for (const std::string& d : kDropCandidates) {
        if (Chance(1, 8)) a.drop_properties.push_back(d);
      }
      for (const std::string& r : replace_choices) {
        if (Chance(1, 5)) a.replace_created_by.push_back(r);
      }
      for (const std::string& h : kHostPatterns) {
        if (Chance(1, 6)) a.strip_reference_hosts.push_back(h);
      }
    }
    w.spec.agreements.push_back(a);
  }

  std::vector<std::string> any_org_refs = org_refs;
  any_org_refs.push_back(w.OwnName());
  const int declared = Count(0, 3);
  for (int i = 0; i < declared; ++i) {
    PrincipalSpec p{.name = "decl-" + std::to_string(i), .organisation = Pick(any_org_refs)};
    if (Chance(1, 3)) p.kind = PrincipalKind::kPeer;
    w.spec.principals.push_back(p);
    // The token behind it may say something else: the policy wins.
    w.who.push_back(
        {.name = p.name,
         .organisation = Pick<std::string>({"", Pick(any_org_refs), std::string(kUnknownOrg)})});
  }
  std::vector<std::string> token_orgs = {"", w.OwnName(), std::string(kNodeIdentity),
                                         std::string(kUnknownOrg), std::string(kUnknownIdentity)};
  for (int k = 0; k < 3; ++k) token_orgs.insert(token_orgs.end(), org_refs.begin(), org_refs.end());
  const int tokens = Count(1, 4);
  for (int i = 0; i < tokens; ++i) {
    w.who.push_back({.name = "tok-" + std::to_string(i), .organisation = Pick(token_orgs)});
  }
  w.who.push_back({.name = "operator:alice",
                   .organisation = Pick<std::string>({"", w.OwnName()}),
                   .local_operator = true});
  const std::string c0 = w.collections[0].id, c1 = w.collections[1].id;
  for (const Who& who : w.who) {
    w.read.push_back(who.local_operator
                         ? std::vector<std::string>{}
                         : Pick<std::vector<std::string>>({{"*"}, {c0}, {c1}, {c0, c1}, {}}));
  }
  return w;
}

// Names that x_kongsi_recipients may hold: organisations (name or identity), principals, and
// names nobody has.
std::vector<std::string> RecipientChoices(const World& w) {
  std::vector<std::string> out = {std::string(kUnknownOrg)};
  for (const OrganisationSpec& o : w.spec.organisations) {
    out.push_back(o.name);
    if (!o.identity.empty()) out.push_back(o.identity);
  }
  for (const Who& who : w.who) out.push_back(who.name);
  return out;
}

std::vector<std::string> OriginChoices(const World& w) {
  std::vector<std::string> out = {
      "", "", "", w.OwnName(), std::string(kNodeIdentity), std::string(kUnknownOrg)};
  for (size_t i = 1; i < w.spec.organisations.size(); ++i) {
    out.push_back(w.spec.organisations[i].name);
    out.push_back(w.spec.organisations[i].name);
    if (!w.spec.organisations[i].identity.empty()) out.push_back(w.spec.organisations[i].identity);
  }
  return out;
}

std::vector<std::string> MarkingChoices() {
  std::vector<std::string> out;
  for (const model::TlpMarking& m : model::kTlpMarkings) out.emplace_back(m.id);
  out.emplace_back(model::kStatementMarking);
  return out;
}

// ---- records -------------------------------------------------------------------------------

// The store record of `body` as ingest would build it (columns from the body, origin given).
store::ObjectRecord MakeRecord(const std::string& body, const std::string& origin) {
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  if (parser.parse(body).get(element) != simdjson::SUCCESS) {
    RC_FAIL("generated body does not parse: " + body);
  }
  simdjson::dom::object obj = element.get_object();
  auto text = [&](std::string_view name) {
    std::string_view v;
    return obj[name].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
  };
  store::ObjectRecord r;
  r.id = text("id");
  r.type = text("type");
  r.spec_version = text("spec_version");
  if (const std::string created = text("created"); !created.empty()) {
    r.created = util::ParseRfc3339(created)->micros;
  }
  const std::string modified = text("modified");
  r.version = !modified.empty() ? util::ParseRfc3339(modified)->micros : *r.created;
  r.created_by_ref = text("created_by_ref");
  r.tlp = stix::ObjectTlp(obj);
  r.provenance = {
      .kind = origin.empty() ? store::Provenance::Kind::kLocal : store::Provenance::Kind::kFile,
      .source = "property-test",
      .organisation = origin};
  r.body = body;
  r.content_hash = stix::ContentHash(element);
  return r;
}

std::vector<stix::Finding> Errors(std::string_view body) {
  static const stix::Validator validator;
  std::vector<stix::Finding> findings, errors;
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  if (parser.parse(body.data(), body.size()).get(element) != simdjson::SUCCESS) {
    return {stix::Finding{.message = "does not parse"}};
  }
  validator.ValidateObject(element, "object", "", findings);
  for (const stix::Finding& f : findings) {
    if (f.severity == stix::Severity::kError) errors.push_back(f);
  }
  return errors;
}
std::string ToString(const std::vector<stix::Finding>& findings) {
  std::string out;
  for (const stix::Finding& f : findings) out += f.rule + " " + f.pointer + ": " + f.message + "; ";
  return out;
}

// An object for the decision property: only what the decision looks at varies.
struct Plain {
  model::Object object;
  store::ObjectRecord record;
};

std::string MarkingDefinitionBody(const model::TlpMarking& m) {
  static constexpr std::string_view kNames[] = {"",      "clear",        "green",
                                                "amber", "amber+strict", "red"};
  const std::string_view level = kNames[static_cast<int>(m.level)];
  if (m.tlp2) {
    std::string upper(level);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return R"({"type":"marking-definition","spec_version":"2.1","id":")" + std::string(m.id) +
           R"(","created":"2022-10-01T00:00:00.000Z","name":"TLP:)" + upper +
           R"(","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":)"
           R"({"extension_type":"property-extension","tlp_2_0":")" +
           std::string(level) + "\"}}}";
  }
  const std::string tlp1 = level == "clear" ? "white" : std::string(level);
  std::string upper = tlp1;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return R"({"type":"marking-definition","spec_version":"2.1","id":")" + std::string(m.id) +
         R"(","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:)" + upper +
         R"(","definition":{"tlp":")" + tlp1 + "\"}}";
}

Plain GenPlain(const World& w, int serial) {
  Plain p;
  model::Object& o = p.object;
  o.type = Weighted<std::string>({{5, "indicator"}, {3, "sighting"}, {2, "marking-definition"}});
  o.origin = Pick(OriginChoices(w));
  std::string body;
  if (o.type == "marking-definition" && Chance(1, 3)) {
    // A statement: not a TLP level, so it is not CLEAR by itself.
    o.id = std::string(model::kStatementMarking);
    const int markings = Count(0, 1);
    for (int i = 0; i < markings; ++i) o.marking_refs.push_back(Pick(MarkingChoices()));
    body = R"({"type":"marking-definition","spec_version":"2.1","id":")" + o.id +
           R"(","created":"2024-01-01T00:00:00.000Z","definition_type":"statement",)"
           R"("definition":{"statement":"Copyright kongsi"})" +
           (o.marking_refs.empty() ? "" : ",\"object_marking_refs\":" + List(o.marking_refs)) + "}";
  } else if (o.type == "marking-definition") {
    const model::TlpMarking& m = Pick(std::vector<model::TlpMarking>(
        std::begin(model::kTlpMarkings), std::end(model::kTlpMarkings)));
    o.id = std::string(m.id);
    body = MarkingDefinitionBody(m);
  } else {
    o.id = o.type + "--" + Uuid(serial);
    const int markings = Count(0, 2);
    for (int i = 0; i < markings; ++i) o.marking_refs.push_back(Pick(MarkingChoices()));
    const int named = Weighted<int>({{3, 0}, {2, 1}, {1, 2}, {1, 3}});
    for (int i = 0; i < named; ++i) o.recipients.push_back(Pick(RecipientChoices(w)));
    body = R"({"type":")" + o.type + R"(","spec_version":"2.1","id":")" + o.id +
           R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-02-01T00:00:00.000Z")";
    if (o.type == "indicator") {
      body += R"(,"pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix",)"
              R"("valid_from":"2026-01-01T00:00:00Z")";
    } else {
      body += R"(,"sighting_of_ref":"indicator--)" + Uuid(0xffff) + "\"";
    }
    if (!o.marking_refs.empty()) body += ",\"object_marking_refs\":" + List(o.marking_refs);
    if (!o.recipients.empty()) body += ",\"x_kongsi_recipients\":" + List(o.recipients);
    body += "}";
  }
  p.record = MakeRecord(body, o.origin);
  return p;
}

// ---- documents for redaction -----------------------------------------------------------------

std::string Marker(int& counter) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "mk%04dx", counter++);
  return buf;
}

std::string ModifiedFor(int version) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "2026-%02d-01T00:00:00.000Z", 2 + version);
  return buf;
}

struct GenDocOptions {
  std::string id;    // "" = from serial
  std::string type;  // "" = random
  int version = 0;
  bool dangling = true;  // sometimes select what does not exist or what may not be removed
};

Doc GenDoc(const World& w, int serial, int& markers, const GenDocOptions& options = {}) {
  Doc d;
  d.object.type =
      !options.type.empty()
          ? options.type
          : Weighted<std::string>({{6, "indicator"}, {2, "attack-pattern"}, {2, "sighting"}});
  d.object.id = !options.id.empty() ? options.id : d.object.type + "--" + Uuid(serial);
  d.modified = ModifiedFor(options.version);
  const int markings = Weighted<int>({{3, 0}, {3, 1}, {1, 2}});
  for (int i = 0; i < markings; ++i) d.object.marking_refs.push_back(Pick(MarkingChoices()));
  d.object.origin = Pick(OriginChoices(w));
  const int named = Weighted<int>({{3, 0}, {2, 1}, {1, 2}});
  for (int i = 0; i < named; ++i) d.object.recipients.push_back(Pick(RecipientChoices(w)));
  std::vector<std::string> creators = {"", std::string(kNodeIdentity),
                                       std::string(kStrangerIdentity)};
  for (const OrganisationSpec& o : w.spec.organisations) {
    if (!o.identity.empty()) creators.push_back(o.identity);
  }
  d.created_by_ref = Pick(creators);

  const bool sighting = d.object.type == "sighting";
  if (d.object.type == "indicator") d.pattern_marker = Marker(markers);
  if (d.object.type == "attack-pattern" || (!sighting && Chance(1, 2))) {
    d.name_marker = Marker(markers);
  }
  if (Chance(1, 2)) d.description_marker = Marker(markers);
  const int labels = Count(0, 3);
  for (int i = 0; i < labels; ++i) d.label_markers.push_back(Marker(markers));
  const int references = Count(0, 3);
  for (int i = 0; i < references; ++i) {
    Doc::ExternalReference x{.source_marker = Marker(markers)};
    if (Chance(4, 5)) {
      const std::string host = Pick(kHosts);
      const UrlForm form = Pick(kUrlForms);
      x.url_marker = Marker(markers);
      std::string url = form.form;
      auto replace = [&](std::string_view what, std::string_view with) {
        if (const size_t at = url.find(what); at != std::string::npos) {
          url.replace(at, what.size(), with);
        }
      };
      std::string escaped_dots = host, with_tab = host;
      for (size_t at = escaped_dots.find('.'); at != std::string::npos;
           at = escaped_dots.find('.', at)) {
        escaped_dots.replace(at, 1, "%2E");
      }
      with_tab.insert(2, "\\t");
      replace("{H%}", escaped_dots);
      replace("{HT}", with_tab);
      replace("{H}", host);
      replace("{M}", x.url_marker);
      x.url = url;
      x.url_host = form.host == "{H}" ? host : form.host;
    }
    if (x.url.empty() || Chance(1, 2)) x.external_id_marker = Marker(markers);
    d.references.push_back(x);
  }
  const int phases = sighting ? 0 : Count(0, 2);
  for (int i = 0; i < phases; ++i) d.phases.push_back({Marker(markers), Marker(markers)});
  for (const char* x : {"x_internal_note", "x_score_note", "x_source_detail"}) {
    if (Chance(1, 3)) d.custom.emplace_back(x, Marker(markers));
  }

  std::vector<std::string> selectors;
  if (!d.pattern_marker.empty()) selectors.push_back("pattern");
  if (!d.name_marker.empty()) selectors.push_back("name");
  if (!d.description_marker.empty()) selectors.push_back("description");
  if (!d.label_markers.empty()) selectors.push_back("labels");
  for (size_t i = 0; i < d.label_markers.size(); ++i) {
    selectors.push_back("labels.[" + std::to_string(i) + "]");
  }
  if (!d.references.empty()) selectors.push_back("external_references");
  for (size_t i = 0; i < d.references.size(); ++i) {
    const std::string at = "external_references.[" + std::to_string(i) + "]";
    selectors.push_back(at);
    selectors.push_back(at + ".source_name");
    if (!d.references[i].url.empty()) selectors.push_back(at + ".url");
    if (!d.references[i].external_id_marker.empty()) selectors.push_back(at + ".external_id");
  }
  if (!d.phases.empty()) selectors.push_back("kill_chain_phases");
  for (size_t i = 0; i < d.phases.size(); ++i) {
    const std::string at = "kill_chain_phases.[" + std::to_string(i) + "]";
    selectors.push_back(at);
    selectors.push_back(at + ".kill_chain_name");
    selectors.push_back(at + ".phase_name");
  }
  for (const auto& c : d.custom) selectors.push_back(c.first);
  if (!d.created_by_ref.empty()) selectors.push_back("created_by_ref");
  if (!d.object.marking_refs.empty()) selectors.push_back("object_marking_refs");
  const std::vector<std::string> odd = {"modified", "labels.[7]", "x_missing_property"};
  std::vector<std::string> refs = MarkingChoices();
  refs.push_back("");  // a language marking
  const int granular = selectors.empty() ? 0 : Count(0, 4);
  for (int i = 0; i < granular; ++i) {
    Doc::Granular g{.marking_ref = Pick(refs)};
    const int n = Count(1, 2);
    for (int k = 0; k < n; ++k) {
      g.selectors.push_back(options.dangling && Chance(1, 25) ? Pick(odd) : Pick(selectors));
    }
    d.granular.push_back(g);
  }
  return d;
}

std::string Render(const Doc& d) {
  std::string s = R"({"type":")" + d.object.type + R"(","spec_version":"2.1","id":")" +
                  d.object.id + R"(","created":"2026-01-01T00:00:00.000Z","modified":")" +
                  d.modified + "\"";
  if (!d.created_by_ref.empty()) s += ",\"created_by_ref\":" + Quoted(d.created_by_ref);
  if (d.object.type == "indicator") {
    s += R"(,"pattern":"[domain-name:value = ')" + d.pattern_marker +
         R"(.example']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z")";
  }
  if (d.object.type == "sighting") {
    s += R"(,"sighting_of_ref":"indicator--)" + Uuid(0xffff) + "\"";
  }
  if (!d.name_marker.empty()) s += ",\"name\":" + Quoted("Name " + d.name_marker);
  if (!d.description_marker.empty()) {
    s += ",\"description\":" + Quoted("Seen " + d.description_marker);
  }
  if (!d.label_markers.empty()) s += ",\"labels\":" + List(d.label_markers);
  if (!d.references.empty()) {
    s += ",\"external_references\":[";
    for (size_t i = 0; i < d.references.size(); ++i) {
      const Doc::ExternalReference& x = d.references[i];
      s += (i > 0 ? "," : "") + std::string("{\"source_name\":") + Quoted(x.source_marker);
      if (!x.url.empty()) s += ",\"url\":" + Quoted(x.url);
      if (!x.external_id_marker.empty()) s += ",\"external_id\":" + Quoted(x.external_id_marker);
      s += "}";
    }
    s += "]";
  }
  if (!d.phases.empty()) {
    s += ",\"kill_chain_phases\":[";
    for (size_t i = 0; i < d.phases.size(); ++i) {
      s += (i > 0 ? "," : "") + std::string("{\"kill_chain_name\":") +
           Quoted(d.phases[i].chain_marker) +
           ",\"phase_name\":" + Quoted(d.phases[i].phase_marker) + "}";
    }
    s += "]";
  }
  if (!d.object.marking_refs.empty())
    s += ",\"object_marking_refs\":" + List(d.object.marking_refs);
  if (!d.granular.empty()) {
    s += ",\"granular_markings\":[";
    for (size_t i = 0; i < d.granular.size(); ++i) {
      const Doc::Granular& g = d.granular[i];
      s += (i > 0 ? "," : "") + std::string("{") +
           (g.marking_ref.empty() ? std::string("\"lang\":\"en\"")
                                  : "\"marking_ref\":" + Quoted(g.marking_ref)) +
           ",\"selectors\":" + List(g.selectors) + "}";
    }
    s += "]";
  }
  if (!d.object.recipients.empty()) s += ",\"x_kongsi_recipients\":" + List(d.object.recipients);
  for (const auto& [name, marker] : d.custom) s += "," + Quoted(name) + ":" + Quoted(marker);
  return s + "}";
}

bool HasDangling(const Doc& d) {
  for (const Doc::Granular& g : d.granular) {
    for (const std::string& s : g.selectors) {
      if (s == "labels.[7]" || s == "x_missing_property") return true;
    }
  }
  return false;
}

// ---- checking what one recipient receives of one document --------------------------------

// Every marker ("mk0000x") inside `value`.
void CollectMarkers(simdjson::dom::element value, std::set<std::string>& out) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING: {
      const std::string_view text = value.get_string().value();
      for (size_t at = text.find("mk"); at != std::string_view::npos;
           at = text.find("mk", at + 1)) {
        if (at + 7 <= text.size() && text[at + 6] == 'x') out.emplace(text.substr(at, 7));
      }
      break;
    }
    case simdjson::dom::element_type::ARRAY:
      for (simdjson::dom::element e : value.get_array()) CollectMarkers(e, out);
      break;
    case simdjson::dom::element_type::OBJECT:
      for (auto field : value.get_object()) CollectMarkers(field.value, out);
      break;
    default:
      break;
  }
}

// Which granular markings (marking_ref, or "lang") cover each marker of `body`; "" when a
// selector does not resolve.
std::string MarkingsByMarker(std::string_view body,
                             std::map<std::string, std::set<std::string>>& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return "no JSON";
  simdjson::dom::array markings;
  if (root["granular_markings"].get(markings) != simdjson::SUCCESS) return "";
  for (simdjson::dom::element g : markings) {
    std::string_view ref;
    const std::string name =
        g["marking_ref"].get(ref) == simdjson::SUCCESS ? std::string(ref) : "lang";
    simdjson::dom::array selectors;
    if (g["selectors"].get(selectors) != simdjson::SUCCESS) return "a marking without selectors";
    for (simdjson::dom::element sel : selectors) {
      const std::string_view selector = sel.get_string().value();
      simdjson::dom::element at = root;
      size_t start = 0;
      while (start <= selector.size()) {
        const size_t dot = std::min(selector.find('.', start), selector.size());
        const std::string_view step = selector.substr(start, dot - start);
        simdjson::error_code err;
        if (!step.empty() && step.front() == '[') {
          const size_t index = std::stoul(std::string(step.substr(1, step.size() - 2)));
          err = at.at(index).get(at);
        } else {
          err = at[step].get(at);
        }
        if (err != simdjson::SUCCESS)
          return "selector " + std::string(selector) + " selects nothing";
        start = dot + 1;
      }
      std::set<std::string> markers;
      CollectMarkers(at, markers);
      for (const std::string& m : markers) out[m].insert(name);
    }
  }
  return "";
}

// Checks `verdict` against the model's expectation for `d`; returns what is wrong, or "".
std::string CheckVerdict(const Model& m, const Model::Recipient& r, const Doc& d,
                         const store::ObjectRecord& record, const model::Expectation& e,
                         bool disclosed, bool redacted, std::string_view out,
                         std::string_view collection) {
  std::ostringstream problem;
  if (disclosed != e.disclosed) {
    problem << (e.disclosed ? "withheld, but the model discloses it"
                            : "disclosed, but the model withholds it (" + e.reason + ")");
    return problem.str();
  }
  if (!disclosed) return "";
  if (redacted != e.redacted) {
    problem << (e.redacted ? "sent as stored, but the model redacts it"
                           : "redacted, but the model sends it as stored");
  }
  if (!redacted && out != record.body) problem << "; not redacted, but not the stored bytes";
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  if (parser.parse(out.data(), out.size()).get(element) != simdjson::SUCCESS) {
    return "the disclosed body does not parse";
  }
  simdjson::dom::object obj;
  if (element.get(obj) != simdjson::SUCCESS) return "the disclosed body is not an object";
  for (const char* key : {"id", "type", "spec_version", "modified"}) {
    std::string_view got;
    const std::string want = key == std::string_view("id")             ? d.object.id
                             : key == std::string_view("type")         ? d.object.type
                             : key == std::string_view("spec_version") ? std::string("2.1")
                                                                       : d.modified;
    if (obj[key].get(got) != simdjson::SUCCESS || got != want) {
      problem << "; " << key << " is not kept";
    }
  }
  for (const std::string& marker : e.visible) {
    if (out.find(marker) == std::string_view::npos) problem << "; " << marker << " is missing";
  }
  for (const std::string& marker : e.hidden) {
    if (out.find(marker) != std::string_view::npos) problem << "; " << marker << " leaked";
  }
  std::string_view created_by;
  if (obj["created_by_ref"].get(created_by) != simdjson::SUCCESS) created_by = "";
  if (created_by != e.created_by_ref) {
    problem << "; created_by_ref is \"" << created_by << "\", the model says \"" << e.created_by_ref
            << "\"";
  }
  for (const std::string& property : e.absent) {
    simdjson::dom::element ignored;
    if (obj[property].get(ignored) == simdjson::SUCCESS)
      problem << "; " << property << " is still there";
  }
  if (!r.local_operator) {
    const Model::Rules rules = m.RulesFor(r, collection);
    for (auto field : obj) {
      if (m.Dropped(rules, field.key)) problem << "; " << field.key << " should be dropped";
    }
  }
  if (redacted) {
    // Whatever stays keeps exactly the granular markings it had (selectors re-indexed).
    std::map<std::string, std::set<std::string>> before, after;
    const std::string stored_problem = MarkingsByMarker(record.body, before);
    const std::string out_problem = MarkingsByMarker(out, after);
    if (!out_problem.empty()) problem << "; granular markings: " << out_problem;
    if (stored_problem.empty() && out_problem.empty()) {
      for (const std::string& marker : e.visible) {
        if (before[marker] != after[marker]) {
          problem << "; " << marker << " had granular markings";
          for (const auto& g : before[marker]) problem << " " << g;
          problem << ", now";
          for (const auto& g : after[marker]) problem << " " << g;
        }
      }
    }
  }
  if (const auto errors = redacted ? Errors(out) : std::vector<stix::Finding>{}; !errors.empty()) {
    problem << "; the disclosed body is not valid STIX: " << ToString(errors);
  }
  const std::string p = problem.str();
  return p.empty() ? "" : p.substr(p[0] == ';' ? 2 : 0);
}

std::string DescribeExpectation(const model::Expectation& e) {
  std::ostringstream s;
  s << (e.disclosed ? (e.redacted ? "disclosed, redacted" : "disclosed as stored")
                    : "withheld: " + e.reason);
  if (e.disclosed) {
    s << "; visible:";
    for (const auto& v : e.visible) s << " " << v;
    s << "; hidden:";
    for (const auto& h : e.hidden) s << " " << h;
    s << "; created_by_ref: \"" << e.created_by_ref << "\"";
  }
  return s.str();
}

std::string Steps(const Policy& policy, const Recipient& r, const Grant& g,
                  const store::ObjectRecord& record) {
  static const stix::Validator validator;
  std::vector<std::string> why;
  policy.Evaluate(r, g, record, validator, &why);
  std::string out;
  for (const std::string& step : why) out += "    " + step + "\n";
  return out;
}

// The reasons the node may count for a withholding the model explains with `why`.
std::vector<Denial> DenialsFor(std::string_view why) {
  if (why.rfind("origin bound", 0) == 0) return {Denial::kOriginBound};
  if (why.rfind("red", 0) == 0) return {Denial::kRedNotNamed};
  if (why.rfind("amber+strict to a peer", 0) == 0) return {Denial::kNeedsDirectAgreement};
  if (why.rfind("peer:", 0) == 0) {  // which comes first is not said
    return {Denial::kNeedsDirectAgreement, Denial::kNoAgreement, Denial::kTlpAboveAgreement,
            Denial::kSightingsNotShared};
  }
  if (why.rfind("unknown organisation", 0) == 0) return {Denial::kNoAgreement};
  if (why.rfind("no agreement covers", 0) == 0) return {Denial::kNoAgreement};
  if (why.rfind("no applicable agreement", 0) == 0) {
    return {Denial::kTlpAboveAgreement, Denial::kNeedsDirectAgreement, Denial::kSightingsNotShared};
  }
  return {Denial::kRedactionInvalid};  // withheld by redaction
}
bool DenialFits(Denial denial, std::string_view why) {
  const std::vector<Denial> fits = DenialsFor(why);
  return std::find(fits.begin(), fits.end(), denial) != fits.end();
}

// ---- property 1: the decision ---------------------------------------------------------------

struct DecisionCase {
  World world;
  std::vector<Plain> objects;
};
void showValue(const DecisionCase& c, std::ostream& os) {
  os << c.world.Describe() << "objects:\n";
  for (const Plain& o : c.objects) {
    os << "  origin \"" << o.object.origin << "\": " << o.record.body << "\n";
  }
}

TEST(PolicyProperty, DecisionMatchesTheModel) {
  static Tally tally;
  tally.Clear();
  CheckProperty(
      [] {
        const DecisionCase the_case = *gen::exec([] {
          DecisionCase c{.world = GenWorld(false)};
          const int n = Count(1, 8);
          for (int i = 0; i < n; ++i) c.objects.push_back(GenPlain(c.world, i));
          return c;
        });
        const World& w = the_case.world;
        const std::vector<Plain>& objects = the_case.objects;
        auto compiled = Policy::Compile(w.spec, w.Facts());
        if (!compiled.ok()) {
          RC_FAIL("the policy does not compile: " + std::string(compiled.status().message()) +
                  "\n" + w.Describe());
        }
        const Policy& policy = **compiled;
        const Model m(w.spec, std::string(kNodeIdentity), w.collections, kNow);
        static const stix::Validator validator;
        for (const Who& who : w.who) {
          const Principal principal = ToPrincipal(who, {"*"});
          const Recipient r = policy.Resolve(principal);
          const Model::Recipient mr = m.Resolve(who);
          for (const store::Collection& c : w.collections) {
            const Grant g = policy.GrantFor(r, c.id, kNow);
            for (const Plain& o : objects) {
              std::string why;
              const Level level = m.ObjectLevel(o.object);
              const bool want = m.Allowed(mr, c.id, o.object, level, &why);
              const Decision d = policy.Decide(r, g, ObjectFacts::Of(o.record));
              const Verdict v = policy.Evaluate(r, g, o.record, validator);
              tally.Add(std::string(model::LevelName(level)) + (want ? " allowed" : " withheld"));
              if (!want) tally.Add("withheld: " + why);
              std::string problem;
              if (d.allowed != want) {
                problem = want ? "Decide withholds it (" + std::string(DenialName(d.denial)) +
                                     "), the model allows it"
                               : "Decide allows it, the model withholds it (" + why + ")";
              } else if (v.disclosed != want) {
                problem = "Evaluate disagrees with Decide";
              } else if (!want && (!DenialFits(d.denial, why) || v.denial != d.denial)) {
                problem = "withheld as " + std::string(DenialName(d.denial)) +
                          " (Evaluate: " + std::string(DenialName(v.denial)) +
                          "), but the model's reason is " + why;
              } else if (d.tlp != stix::ParseTlpName(model::LevelName(level)).value()) {
                problem = "Decide's level is " + std::string(stix::TlpName(d.tlp)) +
                          ", the model's " + std::string(model::LevelName(level));
              }
              if (!problem.empty()) {
                RC_FAIL(problem + "\nprincipal " + who.name + ", collection " + c.id +
                        ", object (origin \"" + o.object.origin + "\"):\n  " + o.record.body +
                        "\nsteps:\n" + Steps(policy, r, g, o.record) + w.Describe());
              }
            }
          }
        }
      },
      10000);
  tally.Print("decisions");
}

// ---- property 2: redaction ------------------------------------------------------------------

struct RedactionCase {
  World world;
  Doc doc;
};
void showValue(const RedactionCase& c, std::ostream& os) {
  os << c.world.Describe() << "object (origin \"" << c.doc.object.origin << "\"): " << Render(c.doc)
     << "\n";
}

TEST(PolicyProperty, RedactionMatchesTheModel) {
  static Tally tally;
  tally.Clear();
  CheckProperty(
      [] {
        const RedactionCase the_case = *gen::exec([] {
          RedactionCase c{.world = GenWorld(true)};
          int markers = 0;
          c.doc = GenDoc(c.world, 1, markers);
          return c;
        });
        const World& w = the_case.world;
        const Doc& d = the_case.doc;
        auto compiled = Policy::Compile(w.spec, w.Facts());
        if (!compiled.ok()) {
          RC_FAIL("the policy does not compile: " + std::string(compiled.status().message()) +
                  "\n" + w.Describe());
        }
        const Policy& policy = **compiled;
        const Model m(w.spec, std::string(kNodeIdentity), w.collections, kNow);
        static const stix::Validator validator;
        const std::string body = Render(d);
        const store::ObjectRecord record = MakeRecord(body, d.object.origin);
        if (!HasDangling(d)) {
          if (const auto errors = Errors(body); !errors.empty()) {
            RC_FAIL("generated object is not valid STIX: " + ToString(errors) + "\n" + body);
          }
        }
        for (const Who& who : w.who) {
          // Resolve keeps a pointer to the principal: it must outlive the recipient.
          const Principal principal = ToPrincipal(who, {"*"});
          const Recipient r = policy.Resolve(principal);
          const Model::Recipient mr = m.Resolve(who);
          for (const store::Collection& c : w.collections) {
            const model::Expectation e = model::Expect(m, mr, c.id, d);
            if (e.unchecked) {
              tally.Add("unchecked (visible dangling selector)");
              continue;
            }
            const Grant g = policy.GrantFor(r, c.id, kNow);
            const Verdict v = policy.Evaluate(r, g, record, validator);
            if (!e.disclosed) {
              tally.Add(e.reason.rfind("decision", 0) == 0 ? "withheld (decision)"
                                                           : "withheld (redaction)");
              if (e.reason.rfind("decision", 0) != 0) tally.Add("  " + e.reason.substr(0, 40));
            } else if (e.redacted) {
              std::string causes;
              for (const std::string& cause : e.causes) causes += " " + cause;
              tally.Add("redacted:" + causes);
            } else {
              tally.Add("as stored");
            }
            std::string problem =
                CheckVerdict(m, mr, d, record, e, v.disclosed, v.redacted,
                             v.redacted ? std::string_view(v.body) : std::string_view(body), c.id);
            if (problem.empty() && !v.disclosed &&
                !DenialFits(v.denial, e.reason.rfind("decision: ", 0) == 0
                                          ? std::string_view(e.reason).substr(10)
                                          : std::string_view(e.reason))) {
              problem = "withheld as " + std::string(DenialName(v.denial)) +
                        ", but the model's reason is " + e.reason;
            }
            if (!problem.empty()) {
              RC_FAIL(problem + "\nprincipal " + who.name + ", collection " + c.id +
                      ", object (origin \"" + d.object.origin + "\"):\n  " + body + "\nreceived (" +
                      (v.disclosed ? "disclosed" : "withheld: ") +
                      (v.disclosed ? "" : std::string(DenialName(v.denial))) + "):\n  " +
                      (v.redacted ? v.body : std::string("(as stored)")) +
                      "\nmodel: " + DescribeExpectation(e) + "\nsteps:\n" +
                      Steps(policy, r, g, record) + w.Describe());
            }
          }
        }
      },
      10000);
  tally.Print("redaction outcomes");
}

// ---- property 3: the door -------------------------------------------------------------------

class FixedClock : public util::Clock {
 public:
  util::Timestamp Now() const override { return kNow; }
};

// A store in a fresh directory (in memory-backed /dev/shm when there is one), removed after.
class TempStore {
 public:
  TempStore(const util::Clock& clock, size_t page_cache_bytes) {
    const std::filesystem::path base = ::access("/dev/shm", W_OK) == 0
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    dir_ = base / ("kongsi-policy-property-" + util::NewUuidV4());
    std::filesystem::create_directories(dir_);
    store::StoreConfig config;
    config.path = (dir_ / "store.db").string();
    config.clock = &clock;
    config.scan_cache_bytes = page_cache_bytes;
    auto opened = store::Store::Open(config);
    if (!opened.ok()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
      RC_FAIL("cannot open a store: " + std::string(opened.status().message()));
    }
    store_ = *std::move(opened);
  }
  ~TempStore() {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  store::Store& operator*() { return *store_; }
  store::Store* operator->() { return store_.get(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

struct Version {
  Doc doc;
  store::ObjectRecord record;
};

// How one principal reads one collection: page sizes, and which object's versions it asks for.
struct ReadPlan {
  size_t objects_limit = 1;
  size_t manifest_limit = 1;
  size_t versions_limit = 1;
  int id_choice = 0;
};

struct DoorCase {
  World world;
  std::vector<Version> versions;             // every version of every object
  std::vector<std::pair<size_t, int>> puts;  // (version, collection 0 or 1), in this order
  std::vector<ReadPlan> plans;               // per principal and collection
  bool page_cache = false;                   // the store keeps a page cache
};

void showValue(const DoorCase& c, std::ostream& os) {
  os << c.world.Describe() << (c.page_cache ? "with" : "without")
     << " a page cache; objects, in the order they were added:\n";
  for (const auto& [v, collection] : c.puts) {
    os << "  collection " << collection << " <- (origin \"" << c.versions[v].doc.object.origin
       << "\") " << c.versions[v].record.body << "\n";
  }
}

DoorCase GenDoorCase() {
  DoorCase c{.world = GenWorld(true)};
  const World& w = c.world;
  c.page_cache = Chance(1, 2);
  // Objects, each in 1-3 versions, put into the collections in a random order.
  int markers = 0;
  const int ids = Count(1, 6);
  for (int i = 0; i < ids; ++i) {
    const std::string type =
        Weighted<std::string>({{4, "indicator"}, {1, "attack-pattern"}, {2, "sighting"}});
    const std::string id = type + "--" + Uuid(i + 1);
    const int n = Weighted<int>({{3, 1}, {2, 2}, {1, 3}});
    for (int v = 0; v < n; ++v) {
      Doc d = GenDoc(w, i + 1, markers, {.id = id, .type = type, .version = v, .dangling = false});
      store::ObjectRecord record = MakeRecord(Render(d), d.object.origin);
      c.versions.push_back({std::move(d), std::move(record)});
    }
  }
  for (size_t v = 0; v < c.versions.size(); ++v) {
    const int where = Weighted<int>({{3, 0}, {3, 1}, {3, 2}, {1, 3}});
    if (where == 0 || where == 2) c.puts.emplace_back(v, 0);
    if (where == 1 || where == 2) c.puts.emplace_back(v, 1);
  }
  for (size_t i = c.puts.size(); i > 1; --i) {  // shuffled; shrinks toward the order above
    std::swap(c.puts[i - 1], c.puts[i - 1 - static_cast<size_t>(*Index(static_cast<int>(i)))]);
  }
  for (size_t i = 0; i < 2 * w.who.size(); ++i) {
    c.plans.push_back({.objects_limit = static_cast<size_t>(Count(1, 4)),
                       .manifest_limit = static_cast<size_t>(Count(1, 3)),
                       .versions_limit = static_cast<size_t>(Count(1, 2)),
                       .id_choice = Count(0, 5)});
  }
  return c;
}

// One disclosed object as the sink saw it.
struct Received {
  std::string id;
  util::Timestamp version = 0;
  util::Timestamp date_added = 0;
  bool as_stored = false;
};

TEST(PolicyProperty, DisclosureDoorMatchesTheModel) {
  static Tally tally;
  tally.Clear();
  CheckProperty(
      [] {
        const DoorCase the_case = *gen::exec(GenDoorCase);
        const World& w = the_case.world;
        const std::vector<Version>& versions = the_case.versions;
        const auto& puts = the_case.puts;
        auto compiled = Policy::Compile(w.spec, w.Facts());
        if (!compiled.ok()) {
          RC_FAIL("the policy does not compile: " + std::string(compiled.status().message()) +
                  "\n" + w.Describe());
        }
        const Model m(w.spec, std::string(kNodeIdentity), w.collections, kNow);
        static const FixedClock clock;
        TempStore store(clock, the_case.page_cache ? size_t{1} << 20 : 0);
        for (const store::Collection& c : w.collections) {
          RC_ASSERT(store->CreateCollection(c).ok());
        }
        const std::vector<std::string> used = {w.collections[0].id, w.collections[1].id};
        std::vector<std::vector<size_t>> members(2);  // per collection, in date_added order
        for (const auto& [v, c] : puts) {
          auto put = store->Put(used[c], {&versions[v].record, 1});
          if (!put.ok()) RC_FAIL("Put: " + std::string(put.status().message()));
          members[c].push_back(v);
        }

        Disclosure door(*store, clock, *compiled);
        std::ostringstream context_stream;
        showValue(the_case, context_stream);
        const std::string context = context_stream.str();

        // What the model lets `who` receive of collection `c`: selected versions in date_added
        // order, with whether each is redacted.
        auto expected = [&](const Model::Recipient& mr, int c, store::VersionSelect select,
                            const std::string& only_id, size_t* withheld) {
          std::vector<std::pair<size_t, bool>> out;
          *withheld = 0;
          for (const size_t v : members[c]) {
            const Doc& d = versions[v].doc;
            if (!only_id.empty() && d.object.id != only_id) continue;
            if (select == store::VersionSelect::kLast &&
                std::any_of(members[c].begin(), members[c].end(), [&](size_t o) {
                  return versions[o].doc.object.id == d.object.id &&
                         versions[o].record.version > versions[v].record.version;
                })) {
              continue;
            }
            const model::Expectation e = model::Expect(m, mr, used[c], d);
            if (e.disclosed) {
              out.emplace_back(v, e.redacted);
            } else {
              ++*withheld;
            }
          }
          return out;
        };

        for (size_t p = 0; p < w.who.size(); ++p) {
          const Who& who = w.who[p];
          const Principal principal = ToPrincipal(who, w.read[p]);
          const Model::Recipient mr = m.Resolve(who);
          // The audit log names the organisation the policy places the principal in.
          const std::string organisation =
              mr.org >= 0 ? w.spec.organisations[static_cast<size_t>(mr.org)].name : mr.unknown_org;
          auto audited = [&] {
            auto records = store->ReadAudit({.principal = who.name});
            if (!records.ok()) RC_FAIL("ReadAudit: " + std::string(records.status().message()));
            return *std::move(records);
          };
          for (int c = 0; c < 2; ++c) {
            const std::string& collection = used[c];
            auto ignore = [](std::string_view, const store::StoredObject&) { return true; };
            if (!principal.CanRead(collection)) {
              const size_t before = audited().size();
              auto page = door.Disclose(principal, "taxii.objects", {.collection_id = collection},
                                        ignore, Delivery::kBuffered);
              RC_ASSERT(absl::IsNotFound(page.status()));
              RC_ASSERT(audited().size() == before);
              tally.Add("collection not readable");
              continue;
            }
            // One read path: pages of `limit` (0: one unlimited call) following added_after.
            auto read = [&](std::string_view channel, store::VersionSelect select, size_t limit,
                            Delivery delivery, const std::string& only_id) {
              size_t withheld = 0;
              const auto want = expected(mr, c, select, only_id, &withheld);
              auto denials = [&] {
                const auto all = door.Denials();
                const auto it = all.find(who.name);
                uint64_t n = 0;
                if (it != all.end()) {
                  for (const uint64_t k : it->second) n += k;
                }
                return n;
              };
              const uint64_t denied_before = denials();
              std::vector<Received> got;
              std::optional<util::Timestamp> after;
              std::string log;
              auto fail = [&](const std::string& what) {
                std::string wanted;
                for (const auto& [v, redacted] : want) {
                  wanted += "  " + versions[v].doc.object.id + " " + versions[v].doc.modified +
                            (redacted ? " (redacted)" : "") + "\n";
                }
                std::string received;
                for (const Received& r : got) {
                  received += "  " + r.id + " " + util::FormatRfc3339(r.version, 3) +
                              (r.as_stored ? "" : " (redacted)") + "\n";
                }
                RC_FAIL(what + "\nprincipal " + who.name + ", collection " + collection +
                        ", channel " + std::string(channel) + ", versions " +
                        (select == store::VersionSelect::kAll ? "all" : "last") + ", limit " +
                        std::to_string(limit) + (only_id.empty() ? "" : ", id " + only_id) +
                        "\npages:\n" + log + "model:\n" + wanted + "received:\n" + received +
                        context);
              };
              for (int pages = 0;; ++pages) {
                if (pages > static_cast<int>(want.size()) + 2) fail("paging does not end");
                store::ObjectQuery query{.collection_id = collection,
                                         .versions = select,
                                         .added_after = after,
                                         .limit = limit};
                if (!only_id.empty()) query.ids = {only_id};
                std::vector<Received> page_got;
                auto sink = [&](std::string_view body, const store::StoredObject& o) {
                  page_got.push_back({.id = o.record.id,
                                      .version = o.record.version,
                                      .date_added = o.date_added,
                                      .as_stored = body == o.record.body});
                  return true;
                };
                const size_t before = audited().size();
                auto page = door.Disclose(principal, channel, query, sink, delivery);
                if (!page.ok()) fail("Disclose: " + std::string(page.status().message()));
                log += "  page " + std::to_string(pages) + ": " + std::to_string(page->count) +
                       " objects, more=" + (page->more ? "true" : "false") + "\n";
                got.insert(got.end(), page_got.begin(), page_got.end());
                if (page->count != page_got.size()) fail("count is not what the sink received");
                // The audit log holds exactly the disclosed versions of this call, in order.
                const std::vector<store::AuditRecord> records = audited();
                if (records.size() != before + page_got.size()) {
                  fail("the audit log gained " + std::to_string(records.size() - before) +
                       " records for " + std::to_string(page_got.size()) + " disclosed objects");
                }
                for (size_t i = 0; i < page_got.size(); ++i) {
                  const store::AuditRecord& a = records[before + i];
                  if (a.object_id != page_got[i].id || a.version != page_got[i].version ||
                      a.redacted == page_got[i].as_stored || a.channel != channel ||
                      a.time != kNow || a.organisation != organisation) {
                    fail("audit record " + std::to_string(i) + " of the page is " + a.object_id +
                         " " + util::FormatRfc3339(a.version, 3) +
                         (a.redacted ? " redacted" : " full") + " via " + a.channel +
                         " for organisation \"" + a.organisation + "\"");
                  }
                }
                if (limit > 0 && page->count > limit) fail("a page exceeds its limit");
                if (pages > 0 && page->count == 0) fail("more=true, but nothing followed");
                tally.Add(page->more ? "page with more" : "last page");
                if (!page->more) break;
                if (page->count != limit) fail("more=true on a page that is not full");
                after = page_got.back().date_added;
              }
              bool same = got.size() == want.size();
              for (size_t i = 0; same && i < got.size(); ++i) {
                const Version& v = versions[want[i].first];
                same = got[i].id == v.doc.object.id && got[i].version == v.record.version &&
                       got[i].as_stored == !want[i].second;
              }
              if (!same) fail("received is not what the model allows");
              // Without a limit every selected version is read once: each withheld one is
              // counted once.
              if (limit == 0 && denials() - denied_before != withheld) {
                fail(std::to_string(denials() - denied_before) +
                     " withholdings counted; the model withholds " + std::to_string(withheld));
              }
              for (size_t i = 1; i < got.size(); ++i) {
                if (got[i].date_added <= got[i - 1].date_added) fail("not in date_added order");
              }
              tally.Add("read " + std::string(channel) + (want.empty() ? " (empty)" : ""));
              tally.Add("objects disclosed", got.size());
              tally.Add(
                  "objects disclosed redacted",
                  static_cast<uint64_t>(std::count_if(
                      got.begin(), got.end(), [](const Received& r) { return !r.as_stored; })));
            };
            const ReadPlan& plan = the_case.plans[2 * p + static_cast<size_t>(c)];
            read("taxii.objects", store::VersionSelect::kLast, plan.objects_limit,
                 Delivery::kBuffered, "");
            read("taxii.manifest", store::VersionSelect::kLast, plan.manifest_limit,
                 Delivery::kBuffered, "");
            read("taxii.objects", store::VersionSelect::kAll, plan.objects_limit,
                 Delivery::kBuffered, "");
            read("export", store::VersionSelect::kLast, 0, Delivery::kStreamed, "");
            read("export", store::VersionSelect::kAll, 0, Delivery::kStreamed, "");
            std::vector<std::string> in_collection;
            for (const size_t v : members[c]) {
              const std::string& id = versions[v].doc.object.id;
              if (std::find(in_collection.begin(), in_collection.end(), id) ==
                  in_collection.end()) {
                in_collection.push_back(id);
              }
            }
            if (!in_collection.empty()) {
              const std::string& id =
                  in_collection[static_cast<size_t>(plan.id_choice) % in_collection.size()];
              read("taxii.versions", store::VersionSelect::kAll, plan.versions_limit,
                   Delivery::kBuffered, id);
              read("taxii.object", store::VersionSelect::kLast, 1, Delivery::kBuffered, id);
            }
          }
        }
      },
      200);
  tally.Print("door reads");
}

}  // namespace
}  // namespace kongsi::policy
