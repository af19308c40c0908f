// The command line: parses arguments with CLI11, dispatches to the
// subcommands and turns their Results into exit codes. Messages go through
// diagnostics.h, which gives them one prefix and redacts the credentials.
#pragma once

namespace cfdeploy {

int run_cli(int argc, char** argv);

}  // namespace cfdeploy
