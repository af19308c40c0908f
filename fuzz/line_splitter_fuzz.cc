// LineSplitter and clean_line. The splitter, fed the input in arbitrary chunks, must give
// exactly the lines of a plain reference split ("\n", "\r\n" and a lone "\r" end a line;
// longer lines cut and counted), whatever the chunking. clean_line must only remove bytes
// (aside from HTML entities, which it decodes, and the space it puts for a table cell's end
// tag), leave no ESC and no trailing blank, and change nothing else in a line with no escape,
// no HTML and no CI prefix.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "line_splitter.h"
#include "log_text.h"

using namespace cfdeploy;
using namespace cfdeploy::fuzz;

namespace {

std::vector<std::string> reference_split(std::string_view input, size_t max_line,
                                         size_t& truncated) {
  std::vector<std::string> lines;
  std::string current;
  auto take = [&] {
    if (current.size() > max_line) {
      current.resize(max_line);
      ++truncated;
    }
    lines.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\n' || input[i] == '\r') {
      take();
      i += input[i] == '\r' && i + 1 < input.size() && input[i + 1] == '\n' ? 1 : 0;
    } else {
      current += input[i];
    }
  }
  if (!current.empty()) {
    take();
  }
  return lines;
}

bool is_subsequence(std::string_view part, std::string_view whole) {
  size_t at = 0;
  for (char c : part) {
    at = whole.find(c, at);
    if (at == std::string_view::npos) {
      return false;
    }
    ++at;
  }
  return true;
}

std::string without_spaces(std::string_view text) {
  std::string kept;
  std::copy_if(text.begin(), text.end(), std::back_inserter(kept), [](char c) { return c != ' '; });
  return kept;
}

void check_clean_line(std::string_view raw, std::string& out) {
  clean_line(raw, out);
  bool has_entity = raw.find('&') != std::string_view::npos;
  // A table cell's end tag becomes a space, so cells stay apart.
  bool has_cell_end = raw.find("</t") != std::string_view::npos;
  check(has_entity || is_subsequence(has_cell_end ? without_spaces(out) : out, raw),
        "clean_line only removes bytes");
  check(out.find('\x1b') == std::string::npos, "clean_line leaves no ESC");
  check(out.empty() || (out.back() != ' ' && out.back() != '\t' && out.back() != '\r'),
        "clean_line leaves no trailing blank");
  bool plain = raw.find_first_of("\x1b<&") == std::string_view::npos &&
               strip_prefixes(raw).size() == raw.size();
  check(!plain || out == trim_right(raw), "clean_line changes only escapes, HTML and prefixes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Rng rng(input);
  size_t max_line = rng.next() % 2 == 0 ? 1 + rng.next() % 64 : LineSplitter::k_default_max_line;

  std::vector<std::string> lines;
  LineSplitter splitter([&](std::string_view line) { lines.emplace_back(line); }, max_line);
  // Chunks of 1..16 bytes half the time, so every "\r" | "\n" boundary gets split.
  size_t chunk_cap = rng.next() % 2 == 0 ? 16 : 4096;
  for (std::string_view rest = input; !rest.empty();) {
    size_t chunk = std::min<size_t>(rest.size(), 1 + rng.next() % chunk_cap);
    splitter.feed(rest.substr(0, chunk));
    rest.remove_prefix(chunk);
  }
  splitter.finish();

  size_t truncated = 0;
  check(lines == reference_split(input, max_line, truncated), "lines match the reference split");
  check(splitter.truncated_lines() == truncated, "cut lines are counted");

  std::string out;
  for (const std::string& line : lines) {
    check_clean_line(line, out);
  }
  check_clean_line(input, out);  // a whole input as one line: CRs, LFs and all
  return 0;
}
