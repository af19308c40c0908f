// The migrations wrangler says it is about to apply: the "Migrations to be applied:" table
// that `d1 migrations list` prints as its answer and `d1 migrations apply` prints before it
// starts, or "No migrations to apply!". Fed the child's lines as they come.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cfdeploy {

class PendingMigrations {
public:
  static constexpr size_t k_max_names = 10000;

  /// One line of the child's output, without its terminator.
  void feed_line(std::string_view raw_line);

  /// Whether wrangler said what is pending: a table, or that nothing is.
  bool listed() const { return m_state == State::done || m_state == State::none; }
  /// The pending migrations in the order wrangler applies them.
  const std::vector<std::string>& names() const { return m_names; }

private:
  enum class State { waiting, table, done, none };

  State m_state = State::waiting;
  std::string m_clean;
  std::vector<std::string> m_names;
};

/// "2 pending: 0001_a.sql, 0002_b.sql", or "none pending".
std::string pending_text(const std::vector<std::string>& names);

}  // namespace cfdeploy
