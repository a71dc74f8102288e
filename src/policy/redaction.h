// Redaction: the new body of an object that may be disclosed, but not all of it (DESIGN.md
// section 4). Two kinds of rule remove content:
//  * granular markings (STIX 2.1 section 7.2.3): a property, list entry or nested property
//    selected by a granular marking whose level the recipient may not see is removed, not the
//    whole object; granular-marking entries whose selectors no longer select anything are
//    removed with it (the rest are re-indexed when list entries shift);
//  * an agreement's rules: drop named top-level properties ("x_*" wildcard), replace a
//    protected source's created_by_ref with the node's own identity, remove
//    external_references whose URL points at an internal host.
// If what is left is not valid STIX (a required property was removed, an id/type/spec_version
// was selected), or a stricter granular marking selects something that does not exist (what
// it protects cannot be known), the object is withheld. A redacted object keeps its id and
// version (`modified`), and is serialised minified.
//
// Pure functions; thread-safe (a Validator may be shared).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "stix/tlp.h"
#include "stix/validate.h"

namespace kongsi::policy {

struct RedactionRules {
  std::vector<std::string> drop_properties;     // top-level names; a trailing '*' matches a prefix
  std::vector<std::string> replace_created_by;  // created_by_ref values to replace; "*" any
  std::string replacement_identity;  // the node's identity id, used by replace_created_by
  std::vector<std::string> strip_reference_hosts;  // "host.example" or "*.suffix.example"

  bool empty() const {
    return drop_properties.empty() && replace_created_by.empty() && strip_reference_hosts.empty();
  }
};

enum class RedactionOutcome : uint8_t { kUnchanged, kRedacted, kWithheld };

struct RedactionResult {
  RedactionOutcome outcome = RedactionOutcome::kUnchanged;
  std::string body;  // kRedacted: the new minified JSON; empty otherwise
  // What was removed or replaced, one entry per rule application, as STIX selectors or property
  // names with the reason ("removed description (granular marking marking-definition--...
  // TLP:RED)", "removed x_internal (drop_properties x_*)", "replaced created_by_ref identity--...
  // with identity--..."), selectors naming positions in the stored object. A removal inside
  // something that is removed as well is not listed. For kWithheld, why (the first entry,
  // "withheld: ..."), followed by the removals that were tried when the result was invalid.
  std::vector<std::string> changes;
};

// Whether the recipient may see content marked at `tlp` (a granular marking's level; kNone
// for a marking definition that is not a known TLP level).
using MaySee = std::function<bool(stix::Tlp tlp)>;

// Cheap test on the stored body (no parsing): false when neither granular markings nor any
// rule can change the object, so the stored bytes can be sent as they are. Never false when
// Redact would change or withhold the object (it may be true when Redact then changes
// nothing). `created_by_ref` is the object's created_by_ref as stored, or empty when it has
// none or the caller does not know it (the body is searched for the property then).
bool MayNeedRedaction(std::string_view body, std::string_view created_by_ref,
                      const RedactionRules& rules);

// Applies granular markings (through `may_see`; an empty `may_see` sees no granular marking)
// and `rules` to `body` (one stored STIX object, minified JSON). InvalidArgument only when
// `body` is not a JSON object (stored bodies always are).
//
// Details: a granular marking with `lang` and no `marking_ref` restricts nothing; one whose
// marking_ref is not a string counts as an unknown marking definition (kNone). Removing list
// entries re-indexes the selectors of the remaining granular markings; a list whose entries
// are all removed is removed. A stricter marking that selects id, type, spec_version, created,
// modified or granular_markings, or has no usable selectors, withholds the object, as does a
// granular marking that selects into granular_markings when redaction changes that list.
// drop_properties applies to any top-level name; dropping a required one withholds the object
// (the validator decides). A key given twice inside a granular marking or an external reference
// (the validator does not look there) is read the strict way: the marking_ref the recipient may
// not see counts, a url matching a strip pattern strips the reference, and a stricter marking
// with two selector lists withholds the object.
// What the test below looks for in a stored summary of property names (stix/property_bloom.h)
// under one rule set, worked out once for the many objects of a request.
struct SummaryProbe {
  bool always = false;  // a rule names something the summary does not record: always maybe
  uint64_t bits = 0;    // maybe when the summary has any of these bits
};
SummaryProbe ProbeFor(const RedactionRules& rules);

// The same test from the version's stored summary of property names instead of the body: no
// scan at all. `property_bloom` 0 (not computed): the body is scanned.
bool MayNeedRedaction(std::string_view body, uint64_t property_bloom, const SummaryProbe& probe,
                      std::string_view created_by_ref, const RedactionRules& rules);
// As above, working out the probe on the way (for single questions).
bool MayNeedRedaction(std::string_view body, uint64_t property_bloom,
                      std::string_view created_by_ref, const RedactionRules& rules);

absl::StatusOr<RedactionResult> Redact(std::string_view body, const RedactionRules& rules,
                                       const MaySee& may_see, const stix::Validator& validator);

// The rule matchers Redact uses, for `kongsi policy check` and tests.
//
// Whether top-level property `name` matches a drop_properties entry: equal, or, for a pattern
// ending in '*', starting with what precedes the '*' ("x_*"; "*" matches every name).
bool PropertyMatchesPattern(std::string_view name, std::string_view pattern);

// The host of an external reference's URL: lower case, without userinfo and port, an IPv6
// literal in its brackets ("[::1]"), percent-escapes decoded, trailing dots removed; read as a
// browser reads it: tabs and newlines ignored, a backslash ends the host, any number of slashes
// after "http:", "https:", "ftp:", "ws:", "wss:" or "file:". A URL without a scheme
// ("intranet.example/wiki", "//intranet.example") is read as starting with its host. Empty
// when the URL has no host ("mailto:...", "urn:...").
std::string ReferenceUrlHost(std::string_view url);

// Whether `host` (as ReferenceUrlHost returns it) matches a strip_reference_hosts entry,
// compared case-insensitively: "host.example" matches that host only; "*.suffix.example"
// matches every host under suffix.example at any depth, but not suffix.example itself (list
// both to strip both); "*" matches every URL, with or without a host. An empty pattern
// matches nothing.
bool HostMatchesPattern(std::string_view host, std::string_view pattern);

}  // namespace kongsi::policy
