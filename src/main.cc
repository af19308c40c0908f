// cfdeploy: runs Cloudflare deploy and D1 migration steps and explains their failures.
#include "cli.h"

int main(int argc, char** argv) { return cfdeploy::run_cli(argc, argv); }
