// The $GITHUB_OUTPUT writer (output_entry). Reading the file the way the runner does
// (FileCommandManager on Linux: "name<<DELIM", then value lines until one is exactly DELIM)
// must give back the value, so no value can end its heredoc early or spill into the next
// entry. The delimiter generator draws from the fuzz input and mostly offers lines and
// pieces of the value, so collisions are really tried.
#include <fuzzer/FuzzedDataProvider.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_support.h"
#include "workflow_commands.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

namespace {

// ReadLine on Linux: up to "\n"; the last line may have none.
std::optional<std::string_view> read_line(std::string_view text, size_t& index, bool& newline) {
  if (index >= text.size()) {
    return std::nullopt;
  }
  size_t lf = text.find('\n', index);
  size_t end = lf == std::string_view::npos ? text.size() : lf;
  std::string_view line = text.substr(index, end - index);
  newline = lf != std::string_view::npos;
  index = newline ? lf + 1 : text.size();
  return line;
}

// The heredoc part of the runner's parser; nullopt where it would throw.
std::optional<std::vector<std::pair<std::string, std::string>>> runner_parse(
    std::string_view text) {
  std::vector<std::pair<std::string, std::string>> entries;
  size_t index = 0;
  bool newline = false;
  for (auto line = read_line(text, index, newline); line; line = read_line(text, index, newline)) {
    if (line->empty()) {
      continue;
    }
    size_t heredoc = line->find("<<");
    if (heredoc == std::string_view::npos || line->find('=') < heredoc || heredoc == 0 ||
        heredoc + 2 == line->size()) {
      return std::nullopt;  // not a heredoc, or a name or delimiter that is empty
    }
    std::string_view delimiter = line->substr(heredoc + 2);
    size_t start = index, end = index;
    auto value_line = read_line(text, index, newline);
    while (value_line != delimiter) {
      if (!value_line || !newline) {
        return std::nullopt;  // no delimiter, or one without its newline
      }
      end = index - 1;
      value_line = read_line(text, index, newline);
    }
    entries.emplace_back(line->substr(0, heredoc),
                         end > start ? text.substr(start, end - start) : "");
  }
  return entries;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  // Names are cfdeploy's own constants; only their shape varies here.
  std::string name = "out";
  for (char c : input.ConsumeRandomLengthString(16)) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
      name += c;
    }
  }
  std::string value = input.ConsumeRandomLengthString(2048);
  size_t draws = 0;
  auto make_delimiter = [&]() -> std::string {
    ++draws;
    if (input.remaining_bytes() == 0) {
      return "EOF_" + std::to_string(draws);  // fresh names: eventually one is not in the value
    }
    std::string delimiter;
    switch (input.ConsumeIntegralInRange(0, 3)) {
      case 0: {  // a whole line of the value, or the part after some newline
        size_t from = input.ConsumeIntegralInRange<size_t>(0, value.size());
        size_t start = value.rfind('\n', from);
        delimiter = value.substr(start == std::string::npos ? 0 : start + 1);
        break;
      }
      case 1: {  // any piece of the value
        size_t start = input.ConsumeIntegralInRange<size_t>(0, value.size());
        delimiter = value.substr(start, input.ConsumeIntegralInRange<size_t>(0, 64));
        break;
      }
      case 2:
        delimiter = input.ConsumeRandomLengthString(64);
        break;
      default:
        break;  // empty: must be refused
    }
    // A delimiter is one line by contract (random_hex_token makes hex digits).
    return delimiter.substr(0, delimiter.find('\n'));
  };
  std::string entry = output_entry(name, value, make_delimiter);
  // A second entry after it: the first must end exactly where it should.
  std::string file = entry + output_entry("next", "second", [] { return std::string("EOF"); });
  auto entries = runner_parse(file);
  check(entries.has_value(), "the runner reads the file");
  check(entries->size() == 2, "exactly the entries written");
  check((*entries)[0].first == name && (*entries)[0].second == value, "the value round-trips");
  check((*entries)[1].first == "next" && (*entries)[1].second == "second",
        "the next entry is intact");
  return 0;
}
