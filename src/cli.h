// The command line: parses arguments with CLI11, dispatches to the
// subcommands and turns their Results into exit codes. The only place that
// prints our own errors.
#pragma once

namespace cfdeploy {

int run_cli(int argc, char** argv);

}  // namespace cfdeploy
