// POST /api/v1/lookup: which stored objects mention these values, for a partner or a
// constituent, with the sharing policy applied. Body: {"values": ["203.0.113.7", ...]}
// (1 to 1000 strings). Each value is looked up in the value index (SCO values, observed-data,
// indicator patterns; stix/observable.h normalisation), and the objects found are handed out
// through policy::Disclosure for the caller's principal (channel "api.lookup", audited),
// one collection the principal may read at a time: an object the caller may not receive is
// left out exactly as if it did not exist.
//
// Answer 200: {"results": [{"value": "...", "objects": [<STIX objects as disclosed>]}, ...]}
// in the order of the request, with "truncated": true when more than 10,000 objects mention the
// values (the first ones found are considered). Errors (TAXII error JSON): 400 a body that is not
// as above; 401 no or a bad token; 405 another method; 413 a body over 64 KiB. Thread-safe if the
// store, authenticator and disclosure are.
#pragma once

#include "http/request.h"
#include "policy/disclosure.h"
#include "policy/tokens.h"
#include "store/store.h"

namespace kongsi::app {

inline constexpr char kLookupPath[] = "/api/v1/lookup";

http::Response HandleLookup(const http::Request& request, policy::TokenAuthenticator& tokens,
                            store::Store& store, policy::Disclosure& disclosure);

}  // namespace kongsi::app
