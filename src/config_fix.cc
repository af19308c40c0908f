#include "config_fix.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

namespace cfdeploy {
namespace {

// A configuration file is a few kilobytes; anything larger is not one to edit line by line.
constexpr size_t k_max_config_bytes = size_t{1024} * 1024;
constexpr int k_context_lines = 3;

// The file's bytes when it is a regular file within the limit; opened without blocking so a
// FIFO put in its place is never read.
std::optional<std::string> read_regular_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return std::nullopt;
  }
  struct stat status {};
  std::optional<std::string> text;
  if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode) &&
      static_cast<size_t>(status.st_size) <= k_max_config_bytes) {
    text.emplace();
    std::array<char, 8192> buffer{};
    ssize_t got = 0;
    while (text->size() <= k_max_config_bytes &&
           (got = read(fd, buffer.data(), buffer.size())) > 0) {
      text->append(buffer.data(), static_cast<size_t>(got));
    }
    if (got < 0 || text->size() > k_max_config_bytes) {
      text.reset();
    }
  }
  close(fd);
  return text;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string hunk_range(size_t first, size_t count) {
  return std::to_string(first) + "," + std::to_string(count);
}

}  // namespace

std::optional<ConfigFix> make_config_fix(const SourceLocation& where, std::string key,
                                         const std::string& wrong, std::string value) {
  std::optional<std::string> text = read_regular_file(where.file);
  if (!text || wrong.empty() || where.line < 1) {
    return std::nullopt;
  }
  std::vector<std::string> lines = split_lines(*text);
  auto index = static_cast<size_t>(where.line - 1);
  if (index >= lines.size()) {
    return std::nullopt;
  }
  const std::string& line = lines[index];
  size_t at = line.find(wrong);
  if (at == std::string::npos || line.find(wrong, at + 1) != std::string::npos) {
    return std::nullopt;
  }
  ConfigFix fix{where, std::move(key), std::move(value), line, line, {}, {}, false};
  fix.replacement.replace(at, wrong.size(), fix.value);
  size_t first = index >= k_context_lines ? index - k_context_lines : 0;
  fix.before.assign(lines.begin() + static_cast<long>(first),
                    lines.begin() + static_cast<long>(index));
  size_t last = std::min(lines.size(), index + 1 + k_context_lines);
  fix.after.assign(lines.begin() + static_cast<long>(index) + 1,
                   lines.begin() + static_cast<long>(last));
  fix.ends_without_newline = last == lines.size() && !text->empty() && text->back() != '\n';
  return fix;
}

std::string config_fix_diff(const ConfigFix& fix, const std::string& path) {
  constexpr const char* k_no_newline = "\\ No newline at end of file\n";
  size_t first = static_cast<size_t>(fix.where.line) - fix.before.size();
  size_t count = fix.before.size() + 1 + fix.after.size();
  std::string diff = "--- a/" + path + "\n+++ b/" + path + "\n@@ -" + hunk_range(first, count) +
                     " +" + hunk_range(first, count) + " @@\n";
  for (const std::string& line : fix.before) {
    diff += " " + line + "\n";
  }
  bool changed_is_last = fix.ends_without_newline && fix.after.empty();
  diff += "-" + fix.line + "\n" + (changed_is_last ? k_no_newline : "");
  diff += "+" + fix.replacement + "\n" + (changed_is_last ? k_no_newline : "");
  for (const std::string& line : fix.after) {
    diff += " " + line + "\n";
  }
  if (fix.ends_without_newline && !fix.after.empty()) {
    diff += k_no_newline;
  }
  return diff;
}

}  // namespace cfdeploy
