// The wrangler.json / wrangler.jsonc reader: strip_jsonc, nlohmann's parser and the line
// scanner, from text as read_wrangler_config would pass it. strip_jsonc must keep every
// newline where it was (line numbers rely on it); every environment the file names must
// resolve, and every location and error must point at a line of the file.
#include <cstdint>
#include <string>
#include <string_view>

#include "config_properties.h"
#include "wrangler_config.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<std::string> stripped = strip_jsonc(text, "wrangler.jsonc");
  if (stripped) {
    const std::string& out = stripped.value();
    check(out.size() == text.size(), "strip_jsonc keeps the length");
    for (size_t i = 0; i < out.size(); ++i) {
      check((out[i] == '\n') == (text[i] == '\n'), "strip_jsonc keeps newlines in place");
      check(out[i] == text[i] || out[i] == ' ', "strip_jsonc only blanks bytes out");
    }
  }
  if (check_parse(text, ConfigFormat::json, "wrangler.jsonc")) {
    check(stripped.ok(), "what parses, strips");
  }
  return 0;
}
