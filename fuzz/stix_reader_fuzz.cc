// libFuzzer target for the STIX ingest path without the store: the bytes are read as a STIX
// document (bundle, single object, array or JSON lines, 2.0 upgraded on the way), every object
// is validated, and every object without errors is serialised (minified and canonical form,
// content hash) and has its observable values extracted, as the ingester does before storing.
//
// Besides the sanitizers (ASan, UBSan) it checks the invariants that the store relies on:
//  - the content hash is 32 bytes, and the stored body (MinifyText of the object's raw text,
//    or Minify of its DOM when there is none, as ingest/record.cc does) re-reads as JSON with
//    the same canonical form and hash as the object that was validated (what the store keeps
//    and serves is the version that was checked);
//  - extracted observable values are non-empty kinds, already normalised (normalising twice
//    changes nothing);
//  - a bundle that is valid JSON yields every element of its "objects" array, whichever path
//    the reader takes (the bundle splitter or the whole-document parse).
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
  const std::string canonical = kongsi::stix::CanonicalJson(input.element);
  const std::string hash = kongsi::stix::ContentHash(input.element);
  if (hash.size() != 32) Fail("ContentHash is not 32 bytes", canonical);

  // The store keeps the minified body and serves it; reading it again must give the version
  // that was validated.
  const std::string minified = kongsi::stix::Minify(input.element);
  // Copied here, in instrumented code, so that ASan checks that the view is alive: MinifyText
  // hands it to simdjson, a shared library that ASan does not see into.
  const std::string raw(input.raw);
  const std::string body = raw.empty() ? minified : kongsi::stix::MinifyText(raw);
  for (const std::string* text : {&minified, &body}) {
    simdjson::dom::element again;
    if (reparser.parse(*text).get(again) != simdjson::SUCCESS) {
      Fail("minified body does not parse as JSON", *text);
    }
    if (kongsi::stix::CanonicalJson(again) != canonical) {
      Fail("minified body is not the object that was validated", *text + "\n  " + canonical);
    }
    if (kongsi::stix::ContentHash(again) != hash) {
      Fail("content hash changes after minifying and re-reading", *text);
    }
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

size_t CountMembers(simdjson::dom::object object, std::string_view key) {
  size_t n = 0;
  for (auto field : object) n += field.key == key ? 1 : 0;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One reader and validator for the whole run, as an ingester keeps them across documents.
  static auto* reader = new kongsi::stix::DocumentReader();
  static const auto* validator = new kongsi::stix::Validator();
  static auto* reparser = new simdjson::dom::parser();
  static auto* whole_parser = new simdjson::dom::parser();

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
  // Differential check of the reader's bundle paths against a plain whole-document parse.
  // (Bundles with two "objects" members are left out: which one counts is not defined.)
  simdjson::dom::object root;
  std::string_view type;
  simdjson::dom::array objects;
  if (whole_parser->parse(text.data(), text.size()).get(root) == simdjson::SUCCESS &&
      root["type"].get(type) == simdjson::SUCCESS && type == "bundle" &&
      root["objects"].get(objects) == simdjson::SUCCESS && CountMembers(root, "objects") == 1) {
    if (!status.ok()) Fail("a bundle that is valid JSON is rejected", status.ToString());
    if (summary.objects != objects.size()) {
      Fail("the reader does not yield every element of a valid bundle's objects",
           std::to_string(summary.objects) + " of " + std::to_string(objects.size()));
    }
  }
  if (summary.objects < seen) {
    Fail("ReadSummary::objects counts fewer objects than were passed to the callback",
         std::to_string(summary.objects) + " < " + std::to_string(seen));
  }
  return 0;
}
