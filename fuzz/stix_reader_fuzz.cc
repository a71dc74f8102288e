// libFuzzer target for the STIX ingest path without the store: the bytes are read as a STIX
// document (bundle, single object, array or JSON lines, 2.0 upgraded on the way), every object
// is validated, and every object without errors is serialised (minified and canonical form,
// content hash) and has its observable values extracted, as the ingester does before storing.
//
// Besides the sanitizers (ASan, UBSan) it checks the invariants that the store relies on:
//  - the content hash is 32 bytes, and the minified text re-reads as JSON with the same
//    canonical form and hash (what the store keeps and serves is the same version again);
//  - extracted observable values are non-empty kinds, already normalised (normalising twice
//    changes nothing).
// A broken invariant aborts with a message, which libFuzzer reports as a crash.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "simdjson.h"
#include "stix/canonical.h"
#include "stix/finding.h"
#include "stix/observable.h"
#include "stix/reader.h"
#include "stix/validate.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "stix_reader_fuzz: invariant broken: %s\n  %.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void CheckObject(const kongsi::stix::InputObject& input, simdjson::dom::parser& reparser) {
  const std::string minified = kongsi::stix::Minify(input.element);
  const std::string hash = kongsi::stix::ContentHash(input.element);
  if (hash.size() != 32) Fail("ContentHash is not 32 bytes", minified);

  // The store keeps `minified` and serves it; reading it again must give the same version.
  simdjson::dom::element again;
  if (reparser.parse(minified).get(again) != simdjson::SUCCESS) {
    Fail("Minify output does not parse as JSON", minified);
  }
  if (kongsi::stix::CanonicalJson(again) != kongsi::stix::CanonicalJson(input.element)) {
    Fail("canonical form changes after Minify and re-reading", minified);
  }
  if (kongsi::stix::ContentHash(again) != hash) {
    Fail("content hash changes after Minify and re-reading", minified);
  }

  std::vector<kongsi::stix::ObservableValue> values;
  kongsi::stix::ExtractObservableValues(input.element, values);
  for (const auto& v : values) {
    if (v.kind.empty()) Fail("observable value without a kind", minified);
    if (kongsi::stix::NormaliseObservable(v.kind, v.value) != v.value) {
      Fail("extracted observable value is not normalised", v.kind + " " + v.value);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One reader and validator for the whole run, as an ingester keeps them across documents.
  static auto* reader = new kongsi::stix::DocumentReader();
  static const auto* validator = new kongsi::stix::Validator();
  static auto* reparser = new simdjson::dom::parser();

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  kongsi::stix::ReadSummary summary;
  std::vector<kongsi::stix::Finding> findings;
  size_t seen = 0;
  size_t next_index = 0;  // indexes grow; objects the reader drops (failed upgrade) leave gaps
  auto on_object = [&](const kongsi::stix::InputObject& input) {
    ++seen;
    if (input.index < next_index) Fail("InputObject::index out of order", input.name);
    next_index = input.index + 1;
    findings.clear();
    validator->ValidateObject(input.element, input.name, input.pointer, findings);
    bool has_error = false;
    for (const auto& f : findings) {
      if (f.rule.empty()) Fail("finding without a rule", f.message);
      has_error = has_error || f.severity == kongsi::stix::Severity::kError;
    }
    if (!has_error) CheckObject(input, *reparser);
    return true;
  };
  // Unusable input (a syntax error, not STIX) is an expected outcome, not a failure.
  const absl::Status status = reader->Read(text, on_object, summary);
  if (!status.ok() && status.message().empty()) Fail("error without a message", text);
  if (summary.objects < seen) {
    Fail("ReadSummary::objects counts fewer objects than were passed to the callback",
         std::to_string(summary.objects) + " < " + std::to_string(seen));
  }
  return 0;
}
