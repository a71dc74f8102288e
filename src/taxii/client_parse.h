// Reading a TAXII 2.1 server's answers for the client (client.h): the API root (section 4.2),
// an objects envelope with its X-TAXII-Date-Added headers (section 5.3), a status resource
// (section 4.3.1) and an error resource (section 3.6.1). A peer's answers are untrusted input:
// every function here accepts any bytes, never throws, and says what is wrong and where (the
// request, then a JSON pointer, or the line and column of a syntax error).
//
// Pure functions over the answer's bytes (no transport); each call uses a thread-local
// parser, so they may run on several threads at once. `what` names the request in messages
// ("GET https://peer.example/api1/collections/c1/objects/").
// Errors: InvalidArgument only.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "taxii/client.h"

namespace kongsi::taxii {

absl::StatusOr<ApiRootInfo> ParseApiRootAnswer(std::string_view what, std::string_view body);

// `date_added_first` and `date_added_last` are the values of the X-TAXII-Date-Added-First/Last
// headers ("" when absent). A blank body is an empty page (ObjectsPage::body "{}"); otherwise
// the page keeps `body` as received.
absl::StatusOr<ObjectsPage> ParseObjectsAnswer(std::string_view what, std::string body,
                                               std::string_view date_added_first,
                                               std::string_view date_added_last);

absl::StatusOr<StatusInfo> ParseStatusAnswer(std::string_view what, std::string_view body);

// What an error answer says: "title: description" of a TAXII error resource, else a short
// printable excerpt of the body ("" for an empty body).
std::string DescribeErrorAnswer(std::string_view body);

}  // namespace kongsi::taxii
