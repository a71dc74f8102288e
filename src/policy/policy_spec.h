// The sharing policy as an operator writes it (kongsi.toml's [policy], [[organisation]],
// [[principal]], [[community]] and [[agreement]] tables, or a file they are included from):
// plain values, each remembering where it was written so that `kongsi policy check` and load
// errors can point at the line. Semantics in docs/policy.md; the compiled form is Policy
// (policy.h).
//
// Plain value types; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stix/tlp.h"
#include "util/time.h"

namespace kongsi::policy {

// Where a declaration was written ("kongsi.toml:12:1"), for messages.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string ToString() const;  // "file:line:column", or "" when unknown
};

struct OrganisationSpec {
  std::string name;      // short name used everywhere in the policy ("bank-a")
  std::string identity;  // its STIX identity id ("identity--..."), optional
  std::string description;
  SourceLocation where;
};

// What kind of principal: a person or program holding a token, or a partner node (federation).
enum class PrincipalKind : uint8_t { kUser = 0, kPeer = 1 };

struct PrincipalSpec {
  std::string name;          // token name, user name or peer name
  std::string organisation;  // organisation name
  PrincipalKind kind = PrincipalKind::kUser;
  SourceLocation where;
};

struct CommunitySpec {
  std::string name;                  // "asean-cert", "my-finance-sector"
  std::vector<std::string> members;  // organisation names
  SourceLocation where;
};

struct AgreementSpec {
  std::string name;
  // Who receives: organisation names, or community names (every member).
  std::vector<std::string> with;
  // Which collections flow (ids or aliases; "*" every collection).
  std::vector<std::string> collections;
  stix::Tlp max_tlp = stix::Tlp::kGreen;  // highest TLP that may flow
  // Redaction: top-level properties to drop ("x_*" matches every name starting "x_").
  std::vector<std::string> drop_properties;
  // created_by_ref values (identity ids or organisation names; "*" = every source other than
  // this node) replaced by the node's own identity.
  std::vector<std::string> replace_created_by;
  // external_references whose url's host is one of these ("intranet.example" or
  // "*.internal.example") are removed.
  std::vector<std::string> strip_reference_hosts;
  bool sightings = false;                  // whether sighting objects flow to the recipients
  std::optional<util::Timestamp> expires;  // the agreement stops applying at this instant
  SourceLocation where;
};

struct PolicySpec {
  std::string node_organisation;              // name of the node's own organisation ("" = built in)
  stix::Tlp default_tlp = stix::Tlp::kAmber;  // for objects without a TLP marking
  // Dropped from every object disclosed outside the node's own organisation.
  std::vector<std::string> drop_properties;
  std::vector<OrganisationSpec> organisations;
  std::vector<PrincipalSpec> principals;
  std::vector<CommunitySpec> communities;
  std::vector<AgreementSpec> agreements;
  std::string source;  // the file it was read from ("" when built in)
};

}  // namespace kongsi::policy
