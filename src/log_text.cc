#include "log_text.h"

#include <algorithm>
#include <cctype>

namespace cfdeploy {
namespace {

constexpr char k_escape = '\x1b';
constexpr char k_bell = '\x07';

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Returns the index just past the escape sequence starting at `start`.
size_t skip_escape(std::string_view line, size_t start) {
  size_t i = start + 1;
  if (i >= line.size()) {
    return i;
  }
  if (line[i] == '[') {
    // CSI: parameter and intermediate bytes (0x20-0x3F), then one final byte (0x40-0x7E).
    ++i;
    while (i < line.size() && line[i] >= 0x20 && line[i] <= 0x3f) {
      ++i;
    }
    return std::min(i + 1, line.size());
  }
  if (line[i] == ']') {
    // OSC: runs to BEL or to ESC '\'.
    for (++i; i < line.size(); ++i) {
      if (line[i] == k_bell) {
        return i + 1;
      }
      if (line[i] == k_escape && i + 1 < line.size() && line[i + 1] == '\\') {
        return i + 2;
      }
    }
    return i;
  }
  return i + 1;
}

}  // namespace

void strip_ansi(std::string_view line, std::string& out) {
  out.clear();
  size_t pos = 0;
  while (pos < line.size()) {
    size_t esc = line.find(k_escape, pos);
    if (esc == std::string_view::npos) {
      out.append(line.substr(pos));
      break;
    }
    out.append(line.substr(pos, esc - pos));
    pos = skip_escape(line, esc);
  }
}

std::string_view strip_timestamp(std::string_view line) {
  // 2026-11-27T10:15:02.1234567Z<space>
  static constexpr std::string_view k_shape = "dddd-dd-ddTdd:dd:dd";
  if (line.size() < k_shape.size() + 2) {
    return line;
  }
  for (size_t i = 0; i < k_shape.size(); ++i) {
    bool want_digit = k_shape[i] == 'd';
    if (want_digit ? !is_digit(line[i]) : line[i] != k_shape[i]) {
      return line;
    }
  }
  size_t i = k_shape.size();
  if (line[i] == '.') {
    ++i;
    while (i < line.size() && is_digit(line[i])) {
      ++i;
    }
  }
  if (i < line.size() && line[i] == 'Z') {
    ++i;
    if (i < line.size() && line[i] == ' ') {
      ++i;
    }
    return line.substr(i);
  }
  return line;
}

void clean_line(std::string_view raw, std::string& out) {
  strip_ansi(raw, out);
  std::string_view text = trim_right(strip_timestamp(out));
  auto offset = static_cast<size_t>(text.data() - out.data());
  out.erase(offset + text.size());
  out.erase(0, offset);
}

std::string_view trim_left(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
    ++i;
  }
  return text.substr(i);
}

std::string_view trim_right(std::string_view text) {
  size_t n = text.size();
  while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\r')) {
    --n;
  }
  return text.substr(0, n);
}

bool contains_lower(std::string_view haystack, std::string_view lower_needle) {
  if (lower_needle.empty()) {
    return true;
  }
  auto it =
      std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(),
                  [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != haystack.end();
}

}  // namespace cfdeploy
