// POST /kongsi/notify: a partner node tells this one that a collection of its own has new
// objects (`{"collection": "<its collection id>"}`), so the pull links that follow it run at
// once instead of at their interval (federation/federation.h). Authenticated like TAXII
// (Bearer or Basic token); only principals of configured peers are heard. The body is small
// and nothing in it is stored: the worst a caller can do is make this node pull early.
//
// Answers (TAXII error JSON): 202 accepted; 400 a body that is not {"collection": string};
// 401 no or a bad token; 403 a principal that is no configured peer; 404 a collection this node
// does not pull from that peer; 405 another method; 413 a body over 4 KiB.
// Thread-safe if the authenticator and federation are.
#pragma once

#include "federation/federation.h"
#include "http/request.h"
#include "policy/tokens.h"

namespace kongsi::app {

inline constexpr char kNotifyPath[] = "/kongsi/notify";

http::Response HandleNotify(const http::Request& request, policy::TokenAuthenticator& tokens,
                            federation::Federation& federation);

}  // namespace kongsi::app
