// kongsi command line entry point: parses arguments and runs one command (app/cli.h).
#include "app/cli.h"

int main(int argc, char** argv) { return kongsi::app::RunCli(argc, argv); }
