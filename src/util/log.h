// Logging setup: spdlog to stderr, level from the command line (--quiet / --verbose).
// Call SetUpLogging once at start-up, before threads start.
#pragma once

namespace kongsi::util {

enum class LogLevel { kQuiet, kNormal, kVerbose };

void SetUpLogging(LogLevel level);

}  // namespace kongsi::util
