// The wrangler.json / wrangler.jsonc reader: strip_jsonc, nlohmann's parser and the line
// scanner, from text as read_wrangler_config would pass it. strip_jsonc must keep every
// newline where it was (line numbers rely on it); every environment the file names must
// resolve, and every location and error must point at a line of the file.
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
  Result<std::string> stripped = strip_jsonc(text, "wrangler.jsonc");
  if (stripped) {
    const std::string& out = stripped.value();
    check(out.size() == text.size(), "strip_jsonc keeps the length");
    for (size_t i = 0; i < out.size(); ++i) {
      check((out[i] == '\n') == (text[i] == '\n'), "strip_jsonc keeps newlines in place");
      check(out[i] == text[i] || out[i] == ' ', "strip_jsonc only blanks bytes out");
    }
  }
  Result<WranglerConfig> top =
      parse_wrangler_config(text, ConfigFormat::json, "wrangler.jsonc", "");
  if (!top) {
    const std::string& where = top.error().context;  // "wrangler.jsonc:LINE"
    check(where.starts_with("wrangler.jsonc:"), "a parse error names the file and line");
    check_line(std::atoi(where.c_str() + 15), lines);
    return 0;
  }
  check(stripped.ok(), "what parses, strips");
  check_config(top.value(), lines);
  // At most a few environments: each one is a full parse again.
  for (size_t i = 0; i < top.value().environments.size() && i < 4; ++i) {
    Result<WranglerConfig> env = parse_wrangler_config(text, ConfigFormat::json, "wrangler.jsonc",
                                                       top.value().environments[i]);
    check(env.ok(), "a listed environment resolves");
    check_config(env.value(), lines);
  }
  return 0;
}
