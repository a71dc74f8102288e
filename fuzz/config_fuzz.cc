// libFuzzer target for kongsi.toml: any bytes as the configuration of `kongsi serve`. Besides
// the sanitizers it checks that an error names the file, and that an accepted configuration
// keeps the invariants the server relies on (an API root, names that are path segments, each
// root's body limit within the server's, TLS files set together), and that its sharing policy
// goes through the lint and the compiler, which agree on whether it has errors.
//
// Build and run: `make fuzz` (docs/building.md).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "app/config.h"
#include "policy/policy.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "config_fuzz: invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // `[policy] include` reads another file: not something to do with fuzzed names.
  if (text.find("include") != std::string_view::npos) return 0;
  auto config = kongsi::app::ParseServeConfig(text, "kongsi.toml");
  if (!config.ok()) {
    if (std::string_view(config.status().message().data(), config.status().message().size())
            .find("kongsi.toml") == std::string_view::npos) {
      Fail("error without the file name");
    }
    return 0;
  }
  if (config->taxii.api_roots.empty()) Fail("no API root");
  for (const auto& root : config->taxii.api_roots) {
    if (root.name.empty() || root.name == "taxii2" || root.name.find('/') != std::string::npos) {
      Fail("API root name is not a path segment");
    }
    if (root.max_content_length > config->server.max_body_bytes) Fail("root limit above server's");
  }
  if (config->server.tls_cert_file.empty() != config->server.tls_key_file.empty()) {
    Fail("TLS cert without key");
  }
  // The policy tables as written: the lint and the compiler must cope with any of them.
  const kongsi::policy::NodeFacts facts{
      .identity_id = "identity--11111111-1111-4111-8111-111111111111",
      .collections = {},
      .tokens = {}};
  const auto findings = kongsi::policy::Policy::Check(config->policy, facts, 0);
  auto compiled = kongsi::policy::Policy::Compile(config->policy, facts);
  bool errors = false;
  for (const auto& f : findings) {
    errors = errors || f.severity == kongsi::policy::PolicyFinding::Severity::kError;
  }
  if (compiled.ok() == errors) Fail("compile and check disagree about errors");
  return 0;
}
