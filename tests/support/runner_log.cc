#include "support/runner_log.h"

#include <string_view>

namespace cfdeploy::testing {
namespace {

// StreamReader.ReadLine: CR, LF and CRLF end a line.
std::vector<std::string> read_lines(const std::string& output) {
  std::vector<std::string> lines;
  std::string line;
  for (size_t i = 0; i < output.size(); ++i) {
    char c = output[i];
    if (c != '\r' && c != '\n') {
      line += c;
      continue;
    }
    if (c == '\r' && i + 1 < output.size() && output[i + 1] == '\n') {
      ++i;
    }
    lines.push_back(line);
    line.clear();
  }
  if (!line.empty()) {
    lines.push_back(line);
  }
  return lines;
}

// String.TrimStart(): .NET white space, ASCII and Unicode, off the front.
std::string_view trim_start(std::string_view line) {
  static constexpr std::string_view k_spaces[] = {" ",
                                                  "\t",
                                                  "\v",
                                                  "\f",
                                                  "\xC2\x85",
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
                                                  "\xE2\x80\xA8",
                                                  "\xE2\x80\xA9",
                                                  "\xE2\x80\xAF",
                                                  "\xE2\x81\x9F",
                                                  "\xE3\x80\x80"};
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (std::string_view space : k_spaces) {
      if (line.starts_with(space)) {
        line.remove_prefix(space.size());
        trimmed = true;
      }
    }
  }
  return line;
}

// The command's name: `::NAME props::` or `##[NAME props]`, or "" when the line is none.
std::string command_name(std::string_view line) {
  std::string_view trimmed = trim_start(line);
  if (trimmed.starts_with("::")) {
    size_t end = trimmed.find("::", 2);
    if (end != std::string_view::npos) {
      std::string_view info = trimmed.substr(2, end - 2);
      return std::string(info.substr(0, info.find(' ')));
    }
  }
  size_t legacy = line.find("##[");
  if (legacy != std::string_view::npos) {
    size_t end = line.find(']', legacy);
    if (end != std::string_view::npos) {
      std::string_view info = line.substr(legacy + 3, end - legacy - 3);
      return std::string(info.substr(0, info.find(' ')));
    }
  }
  return "";
}

}  // namespace

std::vector<std::string> runner_commands(const std::string& output) {
  std::vector<std::string> commands;
  std::string stop_token;
  for (const std::string& line : read_lines(output)) {
    std::string name = command_name(line);
    if (name.empty()) {
      continue;
    }
    if (!stop_token.empty()) {
      if (name == stop_token) {
        stop_token.clear();
      }
      continue;
    }
    if (name == "stop-commands") {
      std::string_view trimmed = trim_start(line);
      stop_token = std::string(trimmed.substr(trimmed.find("::", 2) + 2));
      continue;
    }
    commands.emplace_back(trim_start(line));
  }
  return commands;
}

}  // namespace cfdeploy::testing
