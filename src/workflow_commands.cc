#include "workflow_commands.h"

#include <algorithm>

#include "secrets.h"

namespace cfdeploy {
namespace {

// The line breaks beyond CR and LF that some reader of the log may honour:
// VT, FF, NEL (U+0085), LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR (U+2029).
// The length of the one at the start of `text`, or 0.
size_t other_line_break(std::string_view text) {
  if (text.starts_with('\v') || text.starts_with('\f')) {
    return 1;
  }
  if (text.starts_with("\xC2\x85")) {
    return 2;
  }
  if (text.starts_with("\xE2\x80\xA8") || text.starts_with("\xE2\x80\xA9")) {
    return 3;
  }
  return 0;
}

bool is_control(char c) {
  auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t') || byte == 0x7F;
}

enum class OtherLineBreaks { to_newline, kept };

std::string escape(std::string_view text, bool property,
                   OtherLineBreaks other_breaks = OtherLineBreaks::to_newline) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (size_t length = other_line_break(text.substr(i));
        length > 0 && other_breaks == OtherLineBreaks::to_newline) {
      out += "%0A";
      i += length - 1;
      continue;
    }
    char c = text[i];
    // NUL and the other C0 controls would reach the annotation as they are (a NUL ends the
    // text for some readers); they become U+FFFD, the replacement character.
    if (other_breaks == OtherLineBreaks::to_newline && is_control(c) && c != '\r' && c != '\n' &&
        c != 0x7F) {
      out += "\xEF\xBF\xBD";
      continue;
    }
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// "\n", "\x1B", "\u2028": how escape_log_line shows a control character or line break.
std::string visible_escape(std::string_view character) {
  static constexpr std::string_view k_hex = "0123456789ABCDEF";
  if (character == "\xC2\x85") {
    return "\\u0085";
  }
  if (character == "\xE2\x80\xA8") {
    return "\\u2028";
  }
  if (character == "\xE2\x80\xA9") {
    return "\\u2029";
  }
  switch (character[0]) {
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\v':
      return "\\v";
    case '\f':
      return "\\f";
    default:
      break;
  }
  auto byte = static_cast<unsigned char>(character[0]);
  return std::string("\\x") + k_hex[byte >> 4] + k_hex[byte & 0x0F];
}

// The length of the .NET white space (String.TrimStart) at the start of `text`.
size_t dotnet_leading_space(std::string_view text) {
  static constexpr std::string_view k_spaces[] = {" ",
                                                  "\t",
                                                  "\xC2\xA0",
                                                  "\xE1\x9A\x80",
                                                  "\xE2\x80\x80",
                                                  "\xE2\x80\x81",
                                                  "\xE2\x80\x82",
                                                  "\xE2\x80\x83",
                                                  "\xE2\x80\x84",
                                                  "\xE2\x80\x85",
                                                  "\xE2\x80\x86",
                                                  "\xE2\x80\x87",
                                                  "\xE2\x80\x88",
                                                  "\xE2\x80\x89",
                                                  "\xE2\x80\x8A",
                                                  "\xE2\x80\xAF",
                                                  "\xE2\x81\x9F",
                                                  "\xE3\x80\x80"};
  size_t length = 0;
  for (bool found = true; found;) {
    found = false;
    for (std::string_view space : k_spaces) {
      if (text.substr(length).starts_with(space)) {
        length += space.size();
        found = true;
      }
    }
  }
  return length;
}

std::string_view level_name(AnnotationLevel level) {
  switch (level) {
    case AnnotationLevel::error:
      return "error";
    case AnnotationLevel::warning:
      return "warning";
    case AnnotationLevel::notice:
      return "notice";
  }
  return "error";
}

// The C0 controls an annotation shows as U+FFFD, replaced before the message is cut, so the
// cut measures what the runner will show (each grows from one byte to three).
std::string with_controls_replaced(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool replaced = is_control(c) && c != '\r' && c != '\n' && c != '\v' && c != '\f' && c != 0x7F;
    out += replaced ? std::string_view("\xEF\xBF\xBD") : std::string_view(&c, 1);
  }
  return out;
}

std::string capped_message(std::string_view message) {
  if (message.size() <= k_max_annotation_message) {
    return std::string(message);
  }
  static constexpr std::string_view k_cut = "\n… (cut; the job summary has the rest)";
  size_t keep = k_max_annotation_message - k_cut.size();
  // Never cut inside a UTF-8 sequence.
  while (keep > 0 && (static_cast<unsigned char>(message[keep]) & 0xC0) == 0x80) {
    --keep;
  }
  return std::string(message.substr(0, keep)) + std::string(k_cut);
}

bool contains_line(std::string_view value, std::string_view line) {
  return value.find(line) != std::string_view::npos;
}

}  // namespace

std::string escape_data(std::string_view text) { return escape(text, false); }

std::string escape_property(std::string_view text) { return escape(text, true); }

std::string escape_log_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    size_t length = other_line_break(text.substr(i));
    if (length > 0 || is_control(text[i])) {
      out += visible_escape(text.substr(i, std::max<size_t>(length, 1)));
      i += std::max<size_t>(length, 1) - 1;
    } else if (text.substr(i).starts_with("##[")) {
      out += "##\\[";
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string escape_log_lines(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string line = escape_log_line(text.substr(0, end));
    size_t indent = dotnet_leading_space(line);
    if (std::string_view(line).substr(indent).starts_with("::")) {
      line.replace(indent, 1, "\\x3A");
    }
    out += line;
    if (end == std::string_view::npos) {
      break;
    }
    out += '\n';
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string escape_json_for_log(std::string_view json) {
  std::string out(json);
  for (size_t at = out.find("##["); at != std::string::npos; at = out.find("##[", at + 2)) {
    out.replace(at + 2, 1, "\\u005b");
  }
  return out;
}

std::string workflow_command(std::string_view name, const CommandProperties& properties,
                             std::string_view message) {
  std::string command = "::" + std::string(name);
  bool first = true;
  for (const auto& [key, value] : properties) {
    if (value.empty()) {
      continue;
    }
    command += first ? " " : ",";
    command += key + "=" + escape_property(value);
    first = false;
  }
  return command + "::" + escape_data(message) + "\n";
}

std::string annotation_command(const Annotation& annotation) {
  CommandProperties properties = {{"title", redact_secrets(annotation.title)},
                                  {"file", redact_secrets(annotation.file)}};
  if (annotation.line > 0) {
    properties.emplace_back("line", std::to_string(annotation.line));
  }
  return workflow_command(
      level_name(annotation.level), properties,
      capped_message(with_controls_replaced(redact_secrets(annotation.message))));
}

std::string add_mask_command(std::string_view value) {
  // A mask must carry the value exactly, and the runner ends its line at CR and LF only.
  return value.empty() ? std::string()
                       : "::add-mask::" + escape(value, false, OtherLineBreaks::kept) + "\n";
}

std::string stop_commands(std::string_view token) {
  return "::stop-commands::" + std::string(token) + "\n";
}

std::string resume_commands(std::string_view token) { return "::" + std::string(token) + "::\n"; }

std::string random_hex_token(const std::function<void(unsigned char*, size_t)>& random_bytes) {
  static constexpr char k_hex[] = "0123456789abcdef";
  unsigned char bytes[16];
  random_bytes(bytes, sizeof(bytes));
  std::string token;
  for (unsigned char byte : bytes) {
    token += k_hex[byte >> 4];
    token += k_hex[byte & 0x0F];
  }
  return token;
}

std::string output_entry(std::string_view name, std::string_view value,
                         const std::function<std::string()>& make_delimiter) {
  std::string redacted = redact_secrets(std::string(value));
  value = redacted;
  std::string delimiter = make_delimiter();
  while (delimiter.empty() || contains_line(value, delimiter) || contains_line(name, delimiter)) {
    delimiter = make_delimiter();
  }
  return std::string(name) + "<<" + delimiter + "\n" + std::string(value) + "\n" + delimiter + "\n";
}

}  // namespace cfdeploy
