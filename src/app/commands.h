// Registration of each `kongsi` sub-command. Every Add*Command adds its sub-command to `app`;
// when the sub-command runs, it stores its exit code in `exit_code`.
#pragma once

#include "CLI/CLI.hpp"
#include "app/node.h"

namespace kongsi::app {

void AddInitCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddValidateCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddIngestCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddCollectionsCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddExportCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddStatsCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddTokenCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddServeCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddAuditCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddPolicyCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddBundleCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddNodeCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddSyncCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddMatchCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddLookupCommand(CLI::App& app, GlobalOptions& options, int& exit_code);
void AddWarninglistsCommand(CLI::App& app, GlobalOptions& options, int& exit_code);

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // input processed, found wanting
inline constexpr int kExitUnusable = 2;  // unusable input, usage or environment error

// Prints "kongsi: <message>" to stderr.
void PrintError(std::string_view message);
void PrintError(const absl::Status& status);  // its message

}  // namespace kongsi::app
