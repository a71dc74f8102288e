// `kongsi init`: creates the data directory, the store, the node's identity (a STIX identity
// object, stored like any other) and its Ed25519 signing key (for signed offline bundles).
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "app/commands.h"
#include "ingest/ingester.h"
#include "nlohmann/json.hpp"
#include "util/strings.h"
#include "util/uuid.h"

namespace kongsi::app {
namespace {

struct InitOptions {
  std::string name = "kongsi node";
  std::string identity_class = "organization";
};

absl::Status WriteSecretKey(const std::string& path, const unsigned char* key, size_t size) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(util::StrCat(path, ": ", std::strerror(errno)));
  const ssize_t written = write(fd, key, size);
  const bool ok = written == static_cast<ssize_t>(size) && fsync(fd) == 0;
  close(fd);
  if (!ok) return absl::UnavailableError(util::StrCat(path, ": write failed"));
  return absl::OkStatus();
}

int RunInit(const GlobalOptions& global, const InitOptions& init) {
  const std::string dir = ResolveDataDir(global);
  if (std::filesystem::exists(StorePath(dir))) {
    PrintError(util::StrCat("a node already exists in ", dir));
    return kExitUnusable;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    PrintError(util::StrCat(dir, ": ", ec.message()));
    return kExitUnusable;
  }
  chmod(dir.c_str(), 0700);
  if (sodium_init() < 0) {
    PrintError("libsodium failed to initialise");
    return kExitUnusable;
  }
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(public_key, secret_key);
  absl::Status status = WriteSecretKey(NodeKeyPath(dir), secret_key, sizeof secret_key);
  sodium_memzero(secret_key, sizeof secret_key);
  if (!status.ok()) {
    PrintError(status);
    return kExitUnusable;
  }
  char public_b64[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES,
                                            sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(public_b64, sizeof public_b64, public_key, sizeof public_key,
                    sodium_base64_VARIANT_ORIGINAL);

  store::StoreConfig config;
  config.path = StorePath(dir);
  auto store = store::Store::Open(config);
  if (!store.ok()) {
    PrintError(store.status());
    return kExitUnusable;
  }
  const std::string now = util::FormatRfc3339(util::SystemClock::Get().Now(), 3);
  const std::string identity_id = "identity--" + util::NewUuidV4();
  nlohmann::ordered_json identity = {
      {"type", "identity"},
      {"spec_version", "2.1"},
      {"id", identity_id},
      {"created", now},
      {"modified", now},
      {"name", init.name},
      {"identity_class", init.identity_class},
  };
  ingest::Ingester ingester(**store, ingest::IngestOptions{});
  ingest::IngestReport report;
  // The node's own identity: no origin organisation.
  store::Provenance provenance{
      .kind = store::Provenance::Kind::kLocal, .source = "init", .organisation = ""};
  status = ingester.IngestDocument(identity.dump(), provenance, report);
  if (status.ok() && report.rejected > 0) {
    status = absl::InvalidArgumentError(
        util::StrCat("node identity is not valid STIX: ", report.problems.front().message));
  }
  if (status.ok()) status = (*store)->SetMeta(kMetaNodeIdentity, identity_id);
  if (status.ok()) status = (*store)->SetMeta(kMetaNodeName, init.name);
  if (status.ok()) status = (*store)->SetMeta(kMetaNodePublicKey, public_b64);
  if (!status.ok()) {
    PrintError(status);
    return kExitUnusable;
  }
  if (!global.quiet) {
    std::printf("initialised kongsi node \"%s\" in %s\n  identity: %s\n  public key: %s\n",
                init.name.c_str(), dir.c_str(), identity_id.c_str(), public_b64);
  }
  return kExitOk;
}

}  // namespace

void AddInitCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto init = std::make_shared<InitOptions>();
  CLI::App* cmd = app.add_subcommand("init", "create a node: data directory, store, identity, key");
  cmd->add_option("--name", init->name, "name of the node's organisation (its STIX identity)");
  cmd->add_option("--identity-class", init->identity_class,
                  "identity_class of the node's identity (identity-class-ov)");
  cmd->callback([&options, &exit_code, init] { exit_code = RunInit(options, *init); });
}

}  // namespace kongsi::app
