// libFuzzer target for the TAXII add-objects request body: the envelope is split, each object
// parsed and validated, valid ones built into store records, and the status resource
// rendered, as `POST .../objects/` does before and after storing.
//
// Besides the sanitizers it checks: every item is either valid (and then points at a record
// whose body re-parses as JSON and whose id is the item's) or carries an error message; the
// status resource is valid JSON whose counts add up to the number of objects.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "stix/validate.h"
#include "taxii/add_objects.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "taxii_add_objects_fuzz: invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kongsi::stix::Validator validator;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = kongsi::taxii::ParseAddObjects(body, validator, {});
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) Fail("error without a message");
    return 0;
  }
  std::vector<kongsi::store::PutOutcome> outcomes(parsed->records.size(),
                                                  kongsi::store::PutOutcome::kAdded);
  for (const auto& item : parsed->items) {
    if (item.error.empty()) {
      if (item.record >= parsed->records.size()) Fail("valid item without a record");
      const auto& record = parsed->records[item.record];
      if (record.id != item.id) Fail("record id differs from the item's");
      if (!nlohmann::json::accept(record.body)) Fail("stored body is not JSON");
    } else if (item.record != SIZE_MAX) {
      Fail("invalid item with a record");
    }
  }
  const std::string status = kongsi::taxii::StatusResourceJson("s", 0, *parsed, outcomes);
  if (!nlohmann::json::accept(status)) Fail("status resource is not JSON");
  const auto json = nlohmann::json::parse(status);
  if (json["success_count"].get<size_t>() + json["failure_count"].get<size_t>() !=
      parsed->items.size()) {
    Fail("status counts do not add up");
  }
  return 0;
}
