// The properties both config readers' targets check: every location is a line of the file.
#pragma once

#include "fuzz_support.h"
#include "wrangler_config.h"

namespace cfdeploy::fuzz {

inline void check_line(int line, int lines) {
  check(line >= 1 && line <= lines, "a location is a line of the file");
}

inline void check_config(const WranglerConfig& config, int lines) {
  for (const ConfigValue* value : {&config.name, &config.account_id}) {
    if (value->where) {
      check_line(value->where->line, lines);
    }
  }
  for (const D1DatabaseConfig& database : config.d1_databases) {
    check_line(database.where.line, lines);
    check(database.binding.present(), "a D1 entry has a binding");
  }
}

}  // namespace cfdeploy::fuzz
