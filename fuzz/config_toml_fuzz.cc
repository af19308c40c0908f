// The wrangler.toml reader (toml++ underneath), from text as read_wrangler_config would
// pass it. Every environment the file names must resolve, and every location and error
// must point at a line of the file.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config_properties.h"
#include "wrangler_config.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  Result<WranglerConfig> top = parse_wrangler_config(text, ConfigFormat::toml, "wrangler.toml", "");
  if (!top) {
    const std::string& where = top.error().context;  // "wrangler.toml:LINE"
    check(where.starts_with("wrangler.toml:"), "a parse error names the file and line");
    check_line(std::atoi(where.c_str() + 14), lines);
    return 0;
  }
  check_config(top.value(), lines);
  // At most a few environments: each one is a full parse again.
  for (size_t i = 0; i < top.value().environments.size() && i < 4; ++i) {
    Result<WranglerConfig> env = parse_wrangler_config(text, ConfigFormat::toml, "wrangler.toml",
                                                       top.value().environments[i]);
    check(env.ok(), "a listed environment resolves");
    check_config(env.value(), lines);
  }
  return 0;
}
