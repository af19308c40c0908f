#include "markdown.h"

#include <algorithm>

#include "secrets.h"

namespace cfdeploy {
namespace {

bool is_ascii_punctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

// CR, LF, VT, FF, NEL, U+2028, U+2029: the length of the one at the start of `text`, or 0.
size_t line_break_length(std::string_view text) {
  if (text.empty()) {
    return 0;
  }
  if (text[0] == '\r' || text[0] == '\n' || text[0] == '\v' || text[0] == '\f') {
    return 1;
  }
  if (text.starts_with("\xC2\x85")) {
    return 2;
  }
  return text.starts_with("\xE2\x80\xA8") || text.starts_with("\xE2\x80\xA9") ? 3 : 0;
}

// The redacted value on one line: every line break a space, other control
// characters dropped (Markdown gives them no meaning, and NUL is replaced anyway).
std::string one_line(std::string_view value) {
  std::string redacted = redact_secrets(std::string(value));
  std::string out;
  out.reserve(redacted.size());
  std::string_view text = redacted;
  for (size_t i = 0; i < text.size(); ++i) {
    if (size_t length = line_break_length(text.substr(i)); length > 0) {
      out += ' ';
      i += length - 1;
    } else if (auto byte = static_cast<unsigned char>(text[i]);
               (byte >= 0x20 && byte != 0x7F) || text[i] == '\t') {
      out += text[i];
    }
  }
  return out;
}

size_t longest_backtick_run(std::string_view text) {
  size_t longest = 0;
  size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// RFC 3986's unreserved and reserved characters, and % for escapes.
bool is_url_character(char c) {
  static constexpr std::string_view k_marks = "-._~:/?#[]@!$&'()*+,;=%";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         k_marks.find(c) != std::string_view::npos;
}

bool is_linkable_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  return !rest.empty() && rest[0] != '/' && std::all_of(url.begin(), url.end(), is_url_character);
}

}  // namespace

std::string markdown_text(std::string_view text) {
  std::string line = one_line(text);
  std::string out;
  out.reserve(line.size() * 2);
  for (char c : line) {
    if (is_ascii_punctuation(c)) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string markdown_code(std::string_view text) {
  std::string content = one_line(text);
  // A span that starts or ends with a backtick needs a space between it and
  // the fence, and CommonMark strips one space from each end when both have one.
  bool pad = content.empty() || content.front() == '`' || content.back() == '`' ||
             (content.front() == ' ' && content.back() == ' ');
  if (pad) {
    content = " " + content + " ";
  }
  std::string fence(longest_backtick_run(content) + 1, '`');
  return fence + content + fence;
}

std::string markdown_code_block(std::string_view text, std::string_view info) {
  std::string content = redact_secrets(std::string(text));
  for (char& c : content) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
      c = ' ';
    }
  }
  if (content.empty() || content.back() != '\n') {
    content += '\n';
  }
  std::string fence(std::max<size_t>(3, longest_backtick_run(content) + 1), '`');
  return fence + std::string(info) + "\n" + content + fence + "\n";
}

std::string markdown_url(std::string_view url) {
  std::string redacted = redact_secrets(std::string(url));
  return is_linkable_url(redacted) ? "<" + redacted + ">" : markdown_code(redacted);
}

std::string markdown_link(std::string_view text, std::string_view url) {
  std::string redacted = redact_secrets(std::string(url));
  if (is_linkable_url(redacted) && redacted.find_first_of("()") == std::string::npos) {
    return "[" + markdown_text(text) + "](" + redacted + ")";
  }
  return markdown_text(text) + " " + markdown_url(redacted);
}

std::string escape_html(std::string_view text) {
  std::string redacted = redact_secrets(std::string(text));
  std::string out;
  out.reserve(redacted.size());
  for (char c : redacted) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '|':
        out += "&#124;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace cfdeploy
