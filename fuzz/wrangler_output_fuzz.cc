// parse_wrangler_output over arbitrary bytes: wrangler's ND-JSON file may be cut short,
// interleaved or written by a different wrangler version. It must never throw, count each
// non-blank line once, and read the same entries whether or not the file is split at a
// line break (it is read line by line).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz_support.h"
#include "wrangler_output.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  WranglerOutput whole = parse_wrangler_output(text);
  size_t lines = 1 + static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  check(whole.entries + whole.unreadable_lines <= lines, "each line counts once");
  check(!whole.failed_code || whole.command_failed, "a failure code comes with a failure");

  // Split after the middle line break: the two halves add up to the whole.
  size_t cut = text.find('\n', text.size() / 2);
  if (cut != std::string_view::npos) {
    WranglerOutput head = parse_wrangler_output(text.substr(0, cut + 1));
    WranglerOutput tail = parse_wrangler_output(text.substr(cut + 1));
    check(head.entries + tail.entries == whole.entries, "entries add up");
    check(head.unreadable_lines + tail.unreadable_lines == whole.unreadable_lines,
          "unreadable lines add up");
    check((head.command_failed || tail.command_failed) == whole.command_failed, "failure adds up");
  }
  return 0;
}
