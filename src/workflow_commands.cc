#include "workflow_commands.h"

namespace cfdeploy {
namespace {

std::string escape(std::string_view text, bool property) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
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
  CommandProperties properties = {{"title", annotation.title}, {"file", annotation.file}};
  if (annotation.line > 0) {
    properties.emplace_back("line", std::to_string(annotation.line));
  }
  return workflow_command(level_name(annotation.level), properties,
                          capped_message(annotation.message));
}

std::string add_mask_command(std::string_view value) {
  return value.empty() ? std::string() : workflow_command("add-mask", {}, value);
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
  std::string delimiter = make_delimiter();
  while (delimiter.empty() || contains_line(value, delimiter) || contains_line(name, delimiter)) {
    delimiter = make_delimiter();
  }
  return std::string(name) + "<<" + delimiter + "\n" + std::string(value) + "\n" + delimiter + "\n";
}

}  // namespace cfdeploy
