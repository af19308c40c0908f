#include "migration_plan.h"

#include "line_kinds.h"
#include "log_text.h"

namespace cfdeploy {
namespace {

constexpr std::string_view k_table_heading = "Migrations to be applied:";
constexpr std::string_view k_nothing_pending = "No migrations to apply!";
constexpr std::string_view k_table_end = "\xE2\x94\x94";  // └

// The first cell of a "│ name │" row; empty for any other line.
std::string_view first_cell(std::string_view line) {
  size_t bar = find_bar(line);
  if (bar == std::string_view::npos || !trim_left(line.substr(0, bar)).empty()) {
    return {};
  }
  std::string_view rest = line.substr(bar + k_table_bar.size());
  size_t end = find_bar(rest);
  return end == std::string_view::npos ? std::string_view{}
                                       : trim_right(trim_left(rest.substr(0, end)));
}

}  // namespace

void PendingMigrations::feed_line(std::string_view raw_line) {
  if (m_state == State::done || m_state == State::none) {
    return;  // apply prints the status table later: only the first list counts
  }
  clean_line(raw_line, m_clean);
  std::string_view line = trim_right(trim_left(m_clean));
  if (m_state == State::waiting) {
    if (line.ends_with(k_nothing_pending)) {
      m_state = State::none;
    } else if (line == k_table_heading) {
      m_state = State::table;
    }
    return;
  }
  if (line.starts_with(k_table_end)) {
    m_state = State::done;
    return;
  }
  std::string_view name = first_cell(line);
  // The heading row is "name" (apply) or "Name" (list).
  if (!name.empty() && name != "name" && name != "Name" && m_names.size() < k_max_names) {
    m_names.emplace_back(name);
  }
}

std::string pending_text(const std::vector<std::string>& names) {
  if (names.empty()) {
    return "none pending";
  }
  std::string text = std::to_string(names.size()) + " pending: ";
  for (size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : ", ") + names[i];
  }
  return text;
}

}  // namespace cfdeploy
