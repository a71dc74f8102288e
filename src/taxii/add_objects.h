// The TAXII "add objects" request body (section 5.5): an envelope {"objects": [...]} whose
// objects are parsed and validated one by one. Valid objects become store records; invalid
// ones become per-object failures for the status resource, with the rule and JSON pointer
// that explain them. The body as a whole must be well-formed: a syntax error, a body that is
// not an object or has no "objects" list is refused before anything is stored.
//
// Not thread-safe per call, but each call is independent (thread-local parser): may be used
// from several threads at once. Errors: InvalidArgument with line and column for syntax
// errors, and for a body that is not an envelope.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "stix/validate.h"
#include "store/store.h"

namespace kongsi::taxii {

struct AddItem {
  std::string id;            // as given ("" when absent or not a string)
  std::string version;       // modified, else created, as given ("" when none)
  std::string error;         // "" when the object is valid
  size_t record = SIZE_MAX;  // index into AddRequest::records when valid
};

struct AddRequest {
  std::vector<store::ObjectRecord> records;  // the valid objects, in request order
  std::vector<AddItem> items;                // every object, in request order
};

absl::StatusOr<AddRequest> ParseAddObjects(std::string_view body, const stix::Validator& validator,
                                           const store::Provenance& provenance);

// The status resource (section 4.3.1) of a completed add request: every valid object whose
// outcome is kAdded or kUnchanged is a success; invalid objects and conflicts are failures.
// `outcomes` is indexed like `request.records`.
std::string StatusResourceJson(std::string_view status_id, util::Timestamp request_time,
                               const AddRequest& request,
                               const std::vector<store::PutOutcome>& outcomes);

}  // namespace kongsi::taxii
