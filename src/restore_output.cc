#include "restore_output.h"

#include "log_text.h"
#include "time_travel.h"

namespace cfdeploy {
namespace {

constexpr std::string_view k_restored = "restored back to bookmark ";
constexpr std::string_view k_previous = "restore to the previous bookmark: ";

// The word after `marker` in `line`, when it is a bookmark; empty otherwise.
std::string bookmark_after(std::string_view line, std::string_view marker) {
  size_t at = line.find(marker);
  if (at == std::string_view::npos) {
    return "";
  }
  std::string_view rest = line.substr(at + marker.size());
  std::string_view word = rest.substr(0, rest.find_first_of(" \t"));
  return is_bookmark(word) ? std::string(word) : "";
}

}  // namespace

void RestoreOutput::feed_line(std::string_view raw_line) {
  if (raw_line.find("bookmark") == std::string_view::npos) {
    return;
  }
  clean_line(raw_line, m_clean);
  if (std::string found = bookmark_after(m_clean, k_restored); !found.empty()) {
    m_restored_to = found;
  }
  if (std::string found = bookmark_after(m_clean, k_previous); !found.empty()) {
    m_previous = found;
  }
}

}  // namespace cfdeploy
