// `kongsi bundle export` and `kongsi bundle import`: air-gapped exchange with a partner node
// through signed bundle files (federation/signed_bundle.h; docs/federation.md, "Offline
// bundles").
//
// `bundle export --for PEER_OR_PRINCIPAL --collection C [--sign]` writes what that principal
// may receive from the collection (a [[peer]] name stands for the peer's principal), through
// policy::Disclosure on channel "bundle" like `kongsi export --for`, audited, redacted for it,
// never an object that came from that peer; with --sign it is signed with the node key, without
// it the file is for inspection only (every import refuses it).
//
// `bundle import FILE --peer P [--collection C]` verifies the file with the public key
// kongsi.toml configures for peer P, then stores its objects as received from that peer
// (provenance peer P, organisation of P: origin binding keeps what P shared under AMBER or
// stricter from reaching other organisations). A bundle that does not verify changes nothing.
// Exit 0 when every object was stored (or already present), 1 when any was rejected or
// conflicted, 2 for a refused bundle and for usage or environment errors.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "app/commands.h"
#include "app/disclosed_export.h"
#include "app/findings_output.h"
#include "app/node_key.h"
#include "app/node_policy.h"
#include "app/progress.h"
#include "federation/signed_bundle.h"
#include "ingest/ingester.h"
#include "ingest/input.h"
#include "util/strings.h"

namespace kongsi::app {
namespace {

struct BundleExportOptions {
  ExportSelection selection;
  bool sign = false;
  std::string output = "-";
};

struct BundleImportOptions {
  std::string file;
  std::string peer;
  std::string collection;
  std::string config_path;
  bool json = false;
};

// The output file ("-": standard output), opened before anything is disclosed. Null (error
// printed) when it cannot be created.
std::FILE* OpenOutput(const std::string& path) {
  std::FILE* out = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
  if (out == nullptr) PrintError(util::StrCat(path, ": ", std::strerror(errno)));
  return out;
}

// Writes `bytes` and closes `out` (unless standard output). False (error printed) on failure.
bool WriteAndClose(std::FILE* out, const std::string& path, std::string_view bytes) {
  std::fwrite(bytes.data(), 1, bytes.size(), out);
  bool failed = std::ferror(out) != 0 || std::fflush(out) != 0;
  if (out != stdout) failed = std::fclose(out) != 0 || failed;
  if (failed) {
    PrintError(util::StrCat(path == "-" ? "<stdout>" : path, ": writing the bundle failed"));
  }
  return !failed;
}

int RunBundleExport(const GlobalOptions& global, const BundleExportOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  auto plan = PlanExport(*node, options.selection);
  if (!plan.ok()) {
    PrintError(plan.status());
    return kExitUnusable;
  }
  // The key, the header and the output before any disclosure: nothing is audited as sent when
  // the bundle cannot be made.
  std::optional<federation::NodeKey> key;
  std::string public_key;
  if (options.sign) {
    auto loaded = LoadNodeKey(*node);
    if (!loaded.ok()) {
      PrintError(loaded.status());
      return kExitUnusable;
    }
    key = *std::move(loaded);
    public_key = key->PublicKeyBase64();
  } else {
    auto recorded = node->store->GetMeta(kMetaNodePublicKey);
    if (!recorded.ok()) {
      PrintError(recorded.status());
      return kExitUnusable;
    }
    public_key = recorded->value_or("");
  }
  federation::BundleHeader header{.signer_name = node->name,
                                  .signer_identity = node->identity_id,
                                  .signer_key = public_key,
                                  .created = util::FormatRfc3339(util::SystemClock::Get().Now(), 3),
                                  .for_principal = plan->recipient.name,
                                  .collection = plan->collection_id,
                                  .object_count = 0};
  if (absl::Status status = federation::CheckBundleHeader(header); !status.ok()) {
    PrintError(status);
    return kExitUnusable;
  }
  std::FILE* out = OpenOutput(options.output);
  if (out == nullptr) return kExitUnusable;

  // The payload is built in memory: it is hashed and signed before the file is written.
  std::string payload;
  StixBundleWriter writer([&payload](std::string_view bytes) { payload.append(bytes); });
  writer.Begin();
  auto count = DiscloseObjects(*node, *plan, "bundle",
                               [&writer](std::string_view body) { writer.Add(body); });
  writer.End();
  header.object_count = count.ok() ? static_cast<uint64_t>(*count) : 0;
  auto file = !count.ok() ? absl::StatusOr<std::string>(count.status())
              : key       ? federation::SignBundle(header, payload, *key)
                          : federation::UnsignedBundle(header, payload);
  if (!file.ok()) {
    if (out != stdout) {
      std::fclose(out);
      std::remove(options.output.c_str());
    }
    PrintError(file.status());
    return kExitUnusable;
  }
  if (!WriteAndClose(out, options.output, *file)) return kExitUnusable;
  if (!global.quiet) {
    std::fprintf(stderr, "kongsi: bundle for %s%s%s: %lld objects (%s), %s\n",
                 plan->recipient.name.c_str(), plan->peer ? " (peer " : "",
                 plan->peer ? (plan->peer->name + ")").c_str() : "",
                 static_cast<long long>(header.object_count),
                 HumanBytes(static_cast<int64_t>(file->size())).c_str(),
                 key ? util::StrCat("signed with node key ", public_key).c_str()
                     : "NOT signed: for inspection only, `kongsi bundle import` refuses it "
                       "(add --sign)");
  }
  return kExitOk;
}

int RunBundleImport(const GlobalOptions& global, const BundleImportOptions& options) {
  auto node = OpenNode(global);
  if (!node.ok()) {
    PrintError(node.status());
    return kExitUnusable;
  }
  const std::string config_path = ConfigPath(node->data_dir, options.config_path);
  if (config_path.empty()) {
    PrintError(util::StrCat("no configuration declares peer \"", options.peer, "\": there is no ",
                            node->data_dir, "/kongsi.toml (or pass --config)"));
    return kExitUnusable;
  }
  auto config = LoadConfigAt(config_path);
  if (!config.ok()) {
    PrintError(config.status());
    return kExitUnusable;
  }
  const federation::PeerSpec* peer = FindPeer(*config, options.peer);
  if (peer == nullptr) {
    PrintError(util::StrCat(config_path, ": no [[peer]] is named \"", options.peer, "\""));
    return kExitUnusable;
  }
  if (peer->public_key.empty()) {
    PrintError(util::StrCat(peer->where, ": peer \"", peer->name,
                            "\" has no public_key, so no bundle from it can be verified: add the "
                            "key its operator prints with `kongsi node key`"));
    return kExitUnusable;
  }
  std::string collection_id;
  if (!options.collection.empty()) {
    auto c = FindCollection(*node->store, options.collection);
    if (!c.ok()) {
      PrintError(c.status());
      return kExitUnusable;
    }
    collection_id = c->id;
  }
  const ingest::InputSource source{options.file};
  auto text = ingest::ReadSource(source);
  if (!text.ok()) {
    PrintError(text.status());
    return kExitUnusable;
  }
  auto bundle = federation::VerifyBundle(*text, peer->public_key, peer->name);
  if (!bundle.ok()) {
    PrintError(util::StrCat(source.DisplayName(), ": ", bundle.status().message()));
    return kExitUnusable;
  }

  ingest::Ingester ingester(*node->store, ingest::IngestOptions{collection_id, false, 10000});
  ingest::IngestReport report;
  report.keep_warnings = global.verbose;
  const store::Provenance provenance{.kind = store::Provenance::Kind::kPeer,
                                     .source = peer->PrincipalName(),
                                     .organisation = peer->organisation};
  absl::Status status = ingester.IngestDocument(bundle->payload, provenance, report);
  bool unreadable = false;
  if (status.ok()) {
    status = ingester.Finish(report);
  } else if (absl::IsInvalidArgument(status)) {
    unreadable = true;  // signed, but not a STIX document: nothing of it is stored
  }
  if (!options.json && !global.quiet) {
    for (const stix::Finding& f : report.problems) PrintFinding(stdout, source.DisplayName(), f);
  }
  if (!status.ok()) {
    PrintError(util::StrCat(source.DisplayName(),
                            unreadable ? ": " : ": store failed: ", status.message()));
    return kExitUnusable;
  }
  const federation::BundleHeader& h = bundle->header;
  if (options.json) {
    nlohmann::ordered_json j = {{"peer", peer->name},
                                {"signer_name", h.signer_name},
                                {"signer_identity", h.signer_identity},
                                {"signer_key", h.signer_key},
                                {"created", h.created},
                                {"for", h.for_principal},
                                {"collection", h.collection},
                                {"objects", report.objects},
                                {"accepted", report.accepted},
                                {"unchanged", report.unchanged},
                                {"conflicts", report.conflicts},
                                {"rejected", report.rejected},
                                {"upgraded_from_2_0", report.upgraded},
                                {"warnings", report.warnings}};
    j["problems"] = nlohmann::json::array();
    for (const auto& f : report.problems) j["problems"].push_back(FindingToJson(f));
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else if (!global.quiet) {
    std::printf(
        "bundle from peer \"%s\" (signed by \"%s\", %s, for %s): %lld objects (%s): accepted "
        "%lld, unchanged %lld, conflicts %lld, rejected %lld, upgraded from 2.0 %lld, warnings "
        "%lld\n",
        peer->name.c_str(), h.signer_name.c_str(), h.created.c_str(), h.for_principal.c_str(),
        static_cast<long long>(report.objects), HumanBytes(report.bytes).c_str(),
        static_cast<long long>(report.accepted), static_cast<long long>(report.unchanged),
        static_cast<long long>(report.conflicts), static_cast<long long>(report.rejected),
        static_cast<long long>(report.upgraded), static_cast<long long>(report.warnings));
  }
  return report.rejected > 0 || report.conflicts > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void AddBundleCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("bundle", "exchange signed bundle files with partner nodes");
  cmd->require_subcommand(1);

  auto ex = std::make_shared<BundleExportOptions>();
  ex->selection.peers = true;
  CLI::App* exp = cmd->add_subcommand(
      "export", "write what a peer (or principal) may receive from a collection as a bundle file");
  exp->add_option("--for", ex->selection.for_name,
                  "the recipient: a [[peer]] (its principal) or a principal (token or "
                  "[[principal]] name)")
      ->required()
      ->type_name("PEER");
  exp->add_option("--collection", ex->selection.collection, "the collection (id or alias)")
      ->required();
  exp->add_flag("--sign", ex->sign,
                "sign the bundle with the node key (without it the file is for inspection only: "
                "no node imports it)");
  exp->add_option("-o,--output", ex->output, "output file (default: standard output)");
  exp->add_option("--since", ex->selection.since,
                  "only objects added to the collection at or after this RFC 3339 time");
  exp->add_option("--versions", ex->selection.versions, "which versions of each object: last, all")
      ->check(CLI::IsMember({"last", "all"}));
  exp->add_option("--config", ex->selection.config_path,
                  "configuration with the peers and the sharing policy (default: kongsi.toml in "
                  "the data directory)");
  exp->callback([&options, &exit_code, ex] { exit_code = RunBundleExport(options, *ex); });

  auto im = std::make_shared<BundleImportOptions>();
  CLI::App* imp = cmd->add_subcommand(
      "import", "verify a signed bundle file from a peer and store its objects");
  imp->add_option("file", im->file, "the bundle file (- for standard input)")->required();
  imp->add_option("--peer", im->peer, "the [[peer]] that made it: its public_key must verify it")
      ->required();
  imp->add_option("-c,--collection", im->collection,
                  "add the objects to this collection (id or alias)");
  imp->add_option("--config", im->config_path,
                  "configuration with the peers (default: kongsi.toml in the data directory)");
  imp->add_flag("--json", im->json, "print the summary as JSON");
  imp->callback([&options, &exit_code, im] { exit_code = RunBundleImport(options, *im); });
}

}  // namespace kongsi::app
