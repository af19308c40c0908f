#include "log_text.h"

#include <algorithm>
#include <cctype>
#include <cstring>

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
  static constexpr size_t k_size = 19;
  if (line.size() < k_size + 2 || line[4] != '-' || line[7] != '-' || line[10] != 'T' ||
      line[13] != ':' || line[16] != ':') {
    return line;
  }
  // Unrolled: this runs on every GitHub line that needs a closer look.
  auto digit_pair = [&](size_t i) { return is_digit(line[i]) && is_digit(line[i + 1]); };
  if (!digit_pair(0) || !digit_pair(2) || !digit_pair(5) || !digit_pair(8) || !digit_pair(11) ||
      !digit_pair(14) || !digit_pair(17)) {
    return line;
  }
  size_t i = k_size;
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

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_word_char(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '_'; }

// Characters of a package, project or service name.
bool is_name_char(char c) { return is_word_char(c) || c == '.' || c == '@' || c == '/'; }

constexpr size_t k_max_name = 80;
constexpr std::string_view k_bar = "\xE2\x94\x82";  // │

// Digits at `pos` matching `shape` ('d' a digit, anything else itself).
bool has_shape(std::string_view text, size_t pos, std::string_view shape) {
  if (text.size() < pos + shape.size() || (shape[2] != 'd' && text[pos + 2] != shape[2])) {
    return false;  // the third byte tells "dd:" from "dddd-" at once
  }
  for (size_t i = 0; i < shape.size(); ++i) {
    char c = text[pos + i];
    if (shape[i] == 'd' ? !is_digit(c) : c != shape[i]) {
      return false;
    }
  }
  return true;
}

size_t skip_digits(std::string_view text, size_t pos) {
  while (pos < text.size() && is_digit(text[pos])) {
    ++pos;
  }
  return pos;
}

// ".123" or ",123" after the seconds.
size_t skip_fraction(std::string_view text, size_t pos) {
  if (pos + 1 < text.size() && (text[pos] == '.' || text[pos] == ',') && is_digit(text[pos + 1])) {
    return skip_digits(text, pos + 1);
  }
  return pos;
}

// The end of a prefix: the end of the line, or one space consumed.
size_t end_of_prefix(std::string_view text, size_t pos) {
  if (pos == text.size()) {
    return pos;
  }
  return text[pos] == ' ' || text[pos] == '\t' ? pos + 1 : 0;
}

// "10:15:02", "10:15:02.123", "10:15:02.123 | " (dashboard build logs).
size_t clock_prefix(std::string_view text) {
  // Unrolled: this runs on every dashboard line that needs a closer look.
  if (text.size() < 8 || text[2] != ':' || text[5] != ':' || !is_digit(text[0]) ||
      !is_digit(text[1]) || !is_digit(text[3]) || !is_digit(text[4]) || !is_digit(text[6]) ||
      !is_digit(text[7])) {
    return 0;
  }
  size_t pos = skip_fraction(text, 8);
  if (pos < text.size() && text[pos] == ' ' && pos + 1 < text.size() && text[pos + 1] == '|') {
    ++pos;
  }
  if (pos < text.size() && text[pos] == '|') {
    return pos + 1 == text.size() ? pos + 1 : end_of_prefix(text, pos + 1);
  }
  return end_of_prefix(text, pos);
}

// " CET" after a numeric offset.
size_t skip_zone_name(std::string_view text, size_t pos) {
  constexpr size_t k_max_zone = 5;
  size_t end = pos + 1;
  while (end < text.size() && end - pos <= k_max_zone && text[end] >= 'A' && text[end] <= 'Z') {
    ++end;
  }
  bool named = pos < text.size() && text[pos] == ' ' && end > pos + 1 &&
               (end == text.size() || text[end] == ' ');
  return named ? end : pos;
}

// "2026-11-27 10:15:02.1 +0000 [info] " and its variants without zone or tag.
size_t date_time_prefix(std::string_view text) {
  if (!has_shape(text, 0, "dddd-dd-dd dd:dd:dd")) {
    return 0;
  }
  size_t pos = skip_fraction(text, 19);
  if (pos + 1 < text.size() && text[pos] == ' ' && (text[pos + 1] == '+' || text[pos + 1] == '-') &&
      pos + 2 < text.size() && is_digit(text[pos + 2])) {
    pos = skip_digits(text, pos + 2);
    if (pos < text.size() && text[pos] == ':') {
      pos = skip_digits(text, pos + 1);
    }
    pos = skip_zone_name(text, pos);
  } else if (text.substr(pos, 4) == " UTC" || text.substr(pos, 4) == " GMT") {
    pos += 4;
  } else if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  }
  if (pos + 1 < text.size() && text[pos] == ' ' && text[pos + 1] == '[') {
    size_t close = text.find(']', pos + 2);
    if (close != std::string_view::npos && close - pos <= 24) {
      pos = close + 1;
    }
  }
  return end_of_prefix(text, pos);
}

size_t github_timestamp(std::string_view text) {
  std::string_view rest = strip_timestamp(text);
  return text.size() - rest.size();
}

size_t runner_command(std::string_view text) {
  for (std::string_view tag : {std::string_view("##[error]"), std::string_view("##[warning]")}) {
    if (text.substr(0, tag.size()) == tag) {
      return tag.size();
    }
  }
  return 0;
}

// "> " quoting in Markdown, nested quotes peel one at a time.
size_t quote_prefix(std::string_view text) {
  if (text.empty() || text[0] != '>') {
    return 0;
  }
  return text.size() == 1 ? 1 : end_of_prefix(text, 1);
}

// pnpm's "│ " box column; a migrations table row has further bars and stays.
size_t bar_prefix(std::string_view text) {
  if (text.substr(0, k_bar.size()) != k_bar) {
    return 0;
  }
  if (text.find(k_bar, k_bar.size()) != std::string_view::npos) {
    return 0;
  }
  return text.size() == k_bar.size() ? k_bar.size() : end_of_prefix(text, k_bar.size());
}

size_t name_length(std::string_view text) {
  size_t n = 0;
  while (n < text.size() && n < k_max_name && is_name_char(text[n])) {
    ++n;
  }
  return n;
}

// After a name: "task: " or "task  " (turbo, nx), where a task starts with a
// letter so that "file.ts:12:5: " keeps its location.
size_t task_prefix(std::string_view text, size_t name) {
  if (name == 0 || name >= text.size() || text[name] != ':') {
    return 0;
  }
  size_t pos = name + 1;
  if (pos >= text.size() || !is_alpha(text[pos])) {
    return 0;
  }
  while (pos < text.size() && (is_word_char(text[pos]) || text[pos] == ':' || text[pos] == '.')) {
    ++pos;
  }
  if (text[pos - 1] == ':') {
    return end_of_prefix(text, pos);  // "web:deploy: " (turbo)
  }
  if (pos + 1 < text.size() && text[pos] == ' ' && text[pos + 1] == ' ') {
    return pos + 1;  // "web:deploy  " (nx), the second space kept as the line's own
  }
  return 0;
}

// "apps/web deploy: " or "apps/web deploy$ " (pnpm -r): the directory has a slash.
size_t workspace_prefix(std::string_view text, size_t name) {
  std::string_view dir = text.substr(0, name);
  if (name == 0 || name >= text.size() || text[name] != ' ' ||
      (dir.find('/') == std::string_view::npos && dir != ".")) {
    return 0;
  }
  size_t pos = name + 1;
  size_t script = pos;
  while (pos < text.size() && (is_word_char(text[pos]) || text[pos] == ':')) {
    ++pos;
  }
  if (pos > script + 1 && text[pos - 1] == ':') {
    return end_of_prefix(text, pos);  // "deploy: " ("build:prod: " keeps its inner colon)
  }
  if (pos == script || pos >= text.size() || text[pos] != '$') {
    return 0;
  }
  return end_of_prefix(text, pos + 1);
}

// "api-1  | " (docker compose): a name, spaces, a bar.
size_t service_prefix(std::string_view text, size_t name) {
  size_t pos = name;
  while (pos < text.size() && text[pos] == ' ') {
    ++pos;
  }
  if (name == 0 || pos == name || pos >= text.size() || text[pos] != '|') {
    return 0;
  }
  return end_of_prefix(text, pos + 1);
}

// The length of one CI prefix at the start of `text`, or 0. The first byte
// picks the shapes worth testing, so most lines cost one comparison.
size_t prefix_length(std::string_view text) {
  if (text.empty()) {
    return 0;
  }
  char first = text[0];
  if (is_digit(first)) {
    // The third byte tells a clock ("10:") from a date ("2026-").
    if (text.size() > 2 && text[2] == ':') {
      return clock_prefix(text);
    }
    if (size_t n = github_timestamp(text)) {
      return n;
    }
    return date_time_prefix(text);
  }
  if (first == '#') {
    return runner_command(text);
  }
  if (first == '>') {
    return quote_prefix(text);
  }
  if (first == k_bar[0]) {
    return bar_prefix(text);
  }
  if (!is_name_char(first)) {
    return 0;
  }
  size_t name = name_length(text);
  if (size_t n = task_prefix(text, name)) {
    return n;
  }
  if (size_t n = workspace_prefix(text, name)) {
    return n;
  }
  return service_prefix(text, name);
}

struct Entity {
  std::string_view name;
  char value;
};

constexpr Entity k_entities[] = {{"&lt;", '<'},    {"&gt;", '>'},   {"&amp;", '&'},
                                 {"&quot;", '"'},  {"&#39;", '\''}, {"&#x27;", '\''},
                                 {"&apos;", '\''}, {"&nbsp;", ' '}, {"&#34;", '"'}};

bool starts_tag(std::string_view text, size_t pos) {
  if (pos + 1 >= text.size()) {
    return false;
  }
  char next = text[pos + 1];
  return is_alpha(next) || next == '/' || next == '!';
}

constexpr size_t k_max_prefix_rounds = 8;

}  // namespace

std::string_view skip_time_prefix(std::string_view line) {
  constexpr size_t k_max_stamp = 40;
  if (line.empty() || !is_digit(line[0])) {
    return line;
  }
  const void* space = std::memchr(line.data(), ' ', std::min(line.size(), k_max_stamp));
  if (space == nullptr) {
    return line;
  }
  return line.substr(static_cast<size_t>(static_cast<const char*>(space) - line.data()) + 1);
}

std::string_view strip_prefixes(std::string_view line) {
  std::string_view rest = line;
  for (size_t round = 0; round < k_max_prefix_rounds; ++round) {
    std::string_view text = trim_left(rest);
    size_t n = prefix_length(text);
    if (n == 0) {
      break;
    }
    rest = text.substr(n);
  }
  return rest;
}

void strip_html(std::string& text) {
  std::string_view all = text;
  if (all.find('<') == std::string_view::npos && all.find('&') == std::string_view::npos) {
    return;
  }
  std::string out;
  out.reserve(text.size());
  std::string_view view = text;
  for (size_t i = 0; i < view.size(); ++i) {
    if (view[i] == '<' && starts_tag(view, i)) {
      size_t close = view.find('>', i);
      if (close != std::string_view::npos) {
        // A table cell's end separates its text from the next cell's.
        std::string_view tag = view.substr(i, close - i);
        if ((tag == "</td" || tag == "</th") && !out.empty() && out.back() != ' ') {
          out.push_back(' ');
        }
        i = close;
        continue;
      }
    }
    if (view[i] == '&') {
      const Entity* entity =
          std::find_if(std::begin(k_entities), std::end(k_entities),
                       [&](const Entity& e) { return view.substr(i, e.name.size()) == e.name; });
      if (entity != std::end(k_entities)) {
        out.push_back(entity->value);
        i += entity->name.size() - 1;
        continue;
      }
    }
    out.push_back(view[i]);
  }
  text = std::move(out);
}

void clean_line(std::string_view raw, std::string& out) {
  // A timestamp comes before any colour: dropping it first saves copying it.
  size_t stamp = !raw.empty() && is_digit(raw[0]) ? prefix_length(raw) : 0;
  strip_ansi(raw.substr(stamp), out);
  strip_html(out);
  std::string_view text = trim_right(strip_prefixes(out));
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
  auto it = std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(),
                        [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b; });
  return it != haystack.end();
}

}  // namespace cfdeploy
