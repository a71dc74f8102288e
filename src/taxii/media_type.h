// Content negotiation for TAXII 2.1 (section 1.6.8): which Accept headers a TAXII response
// satisfies and which Content-Type a request body may have. Accepts the variants clients
// really send: parameters with spaces or quotes, upper case, lists with q-values, wildcards.
//
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace kongsi::taxii {

// True when `accept` (an Accept header; empty = anything) admits
// application/taxii+json;version=2.1: that media type with version 2.1 or no version,
// application/*, or */*, with a q-value above 0.
bool AcceptsTaxii(std::string_view accept);

// True when `content_type` is application/taxii+json with version 2.1 or no version.
bool IsTaxiiContentType(std::string_view content_type);

}  // namespace kongsi::taxii
