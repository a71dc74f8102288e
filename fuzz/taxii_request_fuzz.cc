// libFuzzer target for what a TAXII client controls in a request line and its headers: the
// URL query (taxii::ParseFilters, percent-decoding, every filter) and the Accept and
// Content-Type headers (content negotiation). The first byte picks the input's use; the rest
// is the text. Besides the sanitizers it checks that a query that parses turns into a store
// query whose limit is the one given and whose cursor is never earlier than added_after.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "taxii/media_type.h"
#include "taxii/query.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "taxii_request_fuzz: invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (selector % 3) {
    case 0: {
      using namespace kongsi::taxii;
      const uint32_t allowed = selector & 0x7f;  // any subset of the seven parameters
      auto filters = ParseFilters(text, allowed);
      if (!filters.ok()) {
        if (filters.status().message().empty()) Fail("error without a message");
        return 0;
      }
      const auto query = ToObjectQuery(*filters, "c", kongsi::store::VersionSelect::kLast, 100);
      if (query.limit != 100) Fail("limit not carried");
      if (filters->added_after &&
          (!query.added_after || *query.added_after < *filters->added_after)) {
        Fail("cursor earlier than added_after");
      }
      if (filters->next && (!query.added_after || *query.added_after < *filters->next)) {
        Fail("cursor earlier than next");
      }
      break;
    }
    case 1:
      (void)kongsi::taxii::AcceptsTaxii(text);
      break;
    default:
      (void)kongsi::taxii::IsTaxiiContentType(text);
      break;
  }
  return 0;
}
