// The wrangler.toml reader (toml++ underneath), from text as read_wrangler_config would
// pass it. Every environment the file names must resolve, and every location and error
// must point at a line of the file.
#include <cstdint>
#include <string_view>

#include "config_properties.h"
#include "wrangler_config.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_parse(std::string_view(reinterpret_cast<const char*>(data), size), ConfigFormat::toml,
              "wrangler.toml");
  return 0;
}
