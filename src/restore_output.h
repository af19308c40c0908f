// What `wrangler d1 time-travel restore` prints that a report needs: the bookmark the
// database was restored to, and the one it was at before, which undoes the restore. Fed
// the child's lines as they come; only lines of the expected shape with a bookmark of the
// usual form are taken.
#pragma once

#include <string>
#include <string_view>

namespace cfdeploy {

class RestoreOutput {
public:
  /// One line of the child's output, without its terminator.
  void feed_line(std::string_view raw_line);

  const std::string& restored_to() const { return m_restored_to; }
  const std::string& previous_bookmark() const { return m_previous; }

private:
  std::string m_clean;
  std::string m_restored_to;
  std::string m_previous;
};

}  // namespace cfdeploy
