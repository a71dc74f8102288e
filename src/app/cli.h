// The `kongsi` command line: sub-commands, their options and exit codes.
// Exit codes: 0 success, 1 the input was processed and found wanting (invalid objects,
// rejected objects), 2 unusable input or a usage / environment error.
#pragma once

namespace kongsi::app {

int RunCli(int argc, char** argv);

}  // namespace kongsi::app
