// The properties both config readers' targets check: every environment the file lists
// resolves, and every location and error points at a line of the file.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

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

/// Parses `text` as `file`, then again for each environment it lists (at most four: each
/// is a full parse), checking every location; an error must read "FILE:LINE" with a line
/// of the file. Returns whether the top level parsed.
inline bool check_parse(std::string_view text, ConfigFormat format, const std::string& file) {
  int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  Result<WranglerConfig> top = parse_wrangler_config(text, format, file, "");
  if (!top) {
    const std::string& where = top.error().context;
    check(where.starts_with(file + ":"), "a parse error names the file and line");
    check_line(std::atoi(where.c_str() + file.size() + 1), lines);
    return false;
  }
  check_config(top.value(), lines);
  for (size_t i = 0; i < top.value().environments.size() && i < 4; ++i) {
    Result<WranglerConfig> env =
        parse_wrangler_config(text, format, file, top.value().environments[i]);
    check(env.ok(), "a listed environment resolves");
    check_config(env.value(), lines);
  }
  return true;
}

}  // namespace cfdeploy::fuzz
