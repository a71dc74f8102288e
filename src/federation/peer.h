// A partner node as configured in kongsi.toml ([[peer]] tables): where its TAXII API root is,
// how to authenticate to it, whose principal it is for the sharing policy, which of its
// collections are pulled into which local ones and which local collections are pushed to it,
// and the public key its signed bundles must verify with. Plain data; validated by the
// configuration parser (app/config.cc).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace kongsi::federation {

struct PullSpec {
  std::string remote;  // the peer's collection id
  std::string into;    // a local collection id or alias
};

struct PushSpec {
  std::string local;  // a local collection id or alias
  std::string to;     // the peer's collection id
};

struct PeerSpec {
  std::string name;  // unique among peers; also the provenance source of what it sends
  // The peer's TAXII 2.1 API root ("https://taxii.example.sg/api1/"); empty for a peer that
  // only exchanges signed bundles.
  std::string url;
  std::string token_file;     // file holding the Bearer token to present (first line)
  std::string username;       // HTTP Basic instead of a token
  std::string password_file;  // file holding the Basic password (first line)
  std::string client_cert;    // PEM client certificate (mutual TLS), optional
  std::string client_key;     // PEM key of client_cert
  std::string ca_file;        // PEM CA bundle to verify the peer with; empty: system CAs
  std::string organisation;   // the organisation the peer's principal belongs to (policy)
  std::string principal;      // the [[principal]] pushes are disclosed to; default: name
  std::vector<PullSpec> pull;
  std::vector<PushSpec> push;
  std::chrono::milliseconds interval{60'000};
  // Where to tell the peer that a collection changed ("https://host/kongsi/notify"); default:
  // /kongsi/notify on the host of `url`; "none": never notify this peer.
  std::string notify_url;
  std::string public_key;  // base64 Ed25519 public key (`kongsi node key` on the peer)

  // File name (in the configuration file's folder) and line of the [[peer]] table, for errors.
  std::string where;

  // The name the peer is known by in provenance (what it sends, by pull, push or bundle, is
  // recorded as from it, and never sent back to it): its principal, else its name.
  const std::string& PrincipalName() const { return principal.empty() ? name : principal; }
};

}  // namespace kongsi::federation
