// Wires the sub-commands into CLI11. Each command lives in its own cmd_*.cc file.
#include "app/cli.h"

#include <cstdio>

#include "CLI/CLI.hpp"
#include "app/commands.h"
#include "util/log.h"

namespace kongsi::app {

void PrintError(std::string_view message) {
  std::fprintf(stderr, "kongsi: %.*s\n", static_cast<int>(message.size()), message.data());
}

void PrintError(const absl::Status& status) {
  PrintError(std::string_view(status.message().data(), status.message().size()));
}

int RunCli(int argc, char** argv) {
  CLI::App app{"kongsi: federated threat-intelligence sharing and incident coordination"};
  app.set_version_flag("--version", "kongsi 0.1.0");
  app.require_subcommand(1);
  GlobalOptions options;
  app.add_option("--data-dir", options.data_dir,
                 "node data directory (default: $KONGSI_DATA_DIR, else ./kongsi-data)");
  app.add_flag("-q,--quiet", options.quiet, "print only errors");
  app.add_flag("-v,--verbose", options.verbose, "print details (every warning, debug logs)");
  int exit_code = kExitOk;
  AddInitCommand(app, options, exit_code);
  AddValidateCommand(app, options, exit_code);
  AddIngestCommand(app, options, exit_code);
  AddCollectionsCommand(app, options, exit_code);
  AddExportCommand(app, options, exit_code);
  AddStatsCommand(app, options, exit_code);
  AddTokenCommand(app, options, exit_code);
  AddServeCommand(app, options, exit_code);
  AddAuditCommand(app, options, exit_code);
  AddPolicyCommand(app, options, exit_code);
  AddBundleCommand(app, options, exit_code);
  AddNodeCommand(app, options, exit_code);
  AddSyncCommand(app, options, exit_code);
  AddMatchCommand(app, options, exit_code);
  AddLookupCommand(app, options, exit_code);
  AddWarninglistsCommand(app, options, exit_code);
  app.parse_complete_callback([&] {
    util::SetUpLogging(options.quiet     ? util::LogLevel::kQuiet
                       : options.verbose ? util::LogLevel::kVerbose
                                         : util::LogLevel::kNormal);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUnusable;
  }
  return exit_code;
}

}  // namespace kongsi::app
