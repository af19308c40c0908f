#include "error_facts.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace cfdeploy {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Reads digits at `pos`; nullopt when there are none or too many for a code.
std::optional<int> read_number(std::string_view text, size_t& pos) {
  size_t start = pos;
  while (pos < text.size() && is_digit(text[pos]) && pos - start < 9) {
    ++pos;
  }
  if (pos == start) {
    return std::nullopt;
  }
  return std::stoi(std::string(text.substr(start, pos - start)));
}

}  // namespace

std::vector<int> extract_codes(std::string_view text) {
  static constexpr std::string_view k_marker = "[code:";
  std::vector<int> codes;
  for (size_t at = text.find(k_marker); at != std::string_view::npos;
       at = text.find(k_marker, at + 1)) {
    size_t pos = at + k_marker.size();
    while (pos < text.size() && is_space(text[pos])) {
      ++pos;
    }
    std::optional<int> code = read_number(text, pos);
    if (code && pos < text.size() && text[pos] == ']') {
      codes.push_back(*code);
    }
  }
  return codes;
}

namespace {

constexpr int k_min_api_code = 100;  // below this a "code" is an exit status

void add_code(std::vector<int>& codes, std::optional<int> code) {
  if (code && *code >= k_min_api_code &&
      std::find(codes.begin(), codes.end(), *code) == codes.end()) {
    codes.push_back(*code);
  }
}

bool preceded_by_word(std::string_view text, size_t at, std::string_view word) {
  return at >= word.size() && text.substr(at - word.size(), word.size()) == word;
}

// "code" at `at` (any case), then the separator shapes of each form.
std::optional<int> code_after(std::string_view text, size_t at) {
  size_t pos = at + 4;
  bool quoted = false;
  if (pos < text.size() && text[pos] == '\\') {
    ++pos;
  }
  if (pos < text.size() && text[pos] == '"') {
    quoted = true;
    ++pos;
  }
  bool colon = pos < text.size() && text[pos] == ':';
  if (colon) {
    ++pos;
  }
  while (pos < text.size() && is_space(text[pos])) {
    ++pos;
  }
  size_t start = pos;
  std::optional<int> code = read_number(text, pos);
  if (!code) {
    return std::nullopt;
  }
  char after = pos < text.size() ? text[pos] : '\0';
  if (colon) {
    // "[code: N]", "code: N,", "code":N, "code: N }"
    return after == ']' || after == ',' || after == '}' || after == '\0' || after == ' ' || quoted
               ? code
               : std::nullopt;
  }
  // "Code N:" (wrangler 1): capital C, a space, the number, a colon.
  bool capital = text[at] == 'C';
  return capital && start == at + 5 && after == ':' ? code : std::nullopt;
}

// "[10027] Your Worker exceeded …": a code in brackets that opens the line,
// then the message. Four to seven digits, so "[1/3]" and "[200]" are not codes.
std::optional<int> leading_bracket_code(std::string_view text) {
  if (text.empty() || text[0] != '[') {
    return std::nullopt;
  }
  size_t pos = 1;
  std::optional<int> code = read_number(text, pos);
  bool digits_fit = pos >= 5 && pos <= 8;
  bool message_follows = pos + 2 < text.size() && text[pos] == ']' && text[pos + 1] == ' ' &&
                         std::isupper(static_cast<unsigned char>(text[pos + 2])) != 0;
  return code && digits_fit && message_follows ? code : std::nullopt;
}

}  // namespace

std::vector<int> extract_any_codes(std::string_view text) {
  std::vector<int> codes;
  add_code(codes, leading_bracket_code(text));
  for (size_t at = text.find("ode"); at != std::string_view::npos; at = text.find("ode", at + 1)) {
    if (at == 0 || (text[at - 1] != 'c' && text[at - 1] != 'C')) {
      continue;
    }
    size_t word = at - 1;
    bool inside_word = word > 0 && std::isalpha(static_cast<unsigned char>(text[word - 1])) != 0;
    if (inside_word || preceded_by_word(text, word, "exit ") ||
        preceded_by_word(text, word, "status ") || preceded_by_word(text, word, "error ")) {
      continue;
    }
    add_code(codes, code_after(text, word));
  }
  return codes;
}

std::string_view extract_resource(std::string_view text) {
  static constexpr std::string_view k_api = "Cloudflare API (";
  size_t at = text.find(k_api);
  if (at != std::string_view::npos) {
    size_t start = at + k_api.size();
    size_t end = text.find(')', start);
    if (end != std::string_view::npos) {
      return text.substr(start, end - start);
    }
  }
  // "POST /accounts/A/d1/database/B/query -> 502 Bad Gateway"
  size_t arrow = text.find(" -> ");
  if (arrow == std::string_view::npos) {
    return {};
  }
  size_t path_start = text.rfind(" /", arrow);
  if (path_start == std::string_view::npos) {
    return {};
  }
  return text.substr(path_start + 1, arrow - path_start - 1);
}

std::optional<int> extract_status(std::string_view text) {
  static constexpr std::string_view k_arrow = " -> ";
  for (size_t at = text.find(k_arrow); at != std::string_view::npos;
       at = text.find(k_arrow, at + 1)) {
    size_t pos = at + k_arrow.size();
    std::optional<int> status = read_number(text, pos);
    if (status && pos - (at + k_arrow.size()) == 3) {
      return status;
    }
  }
  return std::nullopt;
}

}  // namespace cfdeploy
