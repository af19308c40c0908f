#include "toml_depth.h"

#include <vector>

namespace cfdeploy {
namespace {

// A container open at the point of the scan: the table a header or line is in, or an
// inline array or table.
struct Level {
  bool is_array = false;
  int depth = 1;
};

class TomlDepthScanner {
public:
  TomlDepthScanner(std::string_view text, int max_depth) : m_text(text), m_max(max_depth) {}

  std::optional<int> run() {
    m_levels.push_back(Level{});
    while (m_pos < m_text.size() && !m_found) {
      step();
    }
    return m_found;
  }

private:
  bool at_top() const { return m_levels.size() == 1; }

  void check(int depth) {
    if (depth > m_max && !m_found) {
      m_found = m_line;
    }
  }

  // Skips a string that starts at m_pos: "…", '…', """…""" or '''…'''.
  void skip_string() {
    char quote = m_text[m_pos];
    std::string_view triple = quote == '"' ? R"(""")" : "'''";
    bool multi_line = m_text.substr(m_pos).starts_with(triple);
    m_pos += multi_line ? 3 : 1;
    while (m_pos < m_text.size()) {
      char c = m_text[m_pos];
      if (c == '\\' && quote == '"') {
        m_line += m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n' ? 1 : 0;
        m_pos += 2;
        continue;
      }
      if (multi_line ? m_text.substr(m_pos).starts_with(triple) : c == quote) {
        m_pos += multi_line ? 3 : 1;
        return;
      }
      if (c == '\n') {
        if (!multi_line) {
          return;  // an unclosed string; the line ends it
        }
        ++m_line;
      }
      ++m_pos;
    }
  }

  // A [table] or [[array.of.tables]] header at the start of a line.
  void header() {
    bool array_of_tables = m_text.substr(m_pos).starts_with("[[");
    m_pos += array_of_tables ? 2 : 1;
    int segments = 1;
    while (m_pos < m_text.size() && m_text[m_pos] != ']' && m_text[m_pos] != '\n') {
      char c = m_text[m_pos];
      if (c == '"' || c == '\'') {
        skip_string();
        continue;
      }
      segments += c == '.' ? 1 : 0;
      ++m_pos;
    }
    m_levels.front().depth = 1 + segments + (array_of_tables ? 1 : 0);
    check(m_levels.front().depth);
    m_in_key = false;
  }

  void start_key() {
    m_in_key = true;
    m_key_segments = 1;
  }

  void step() {
    char c = m_text[m_pos];
    if (m_line_start && at_top()) {
      if (c == ' ' || c == '\t' || c == '\r') {
        ++m_pos;
        return;
      }
      m_line_start = false;
      if (c == '[') {
        header();
        return;
      }
      start_key();
    }
    if (c == '"' || c == '\'') {
      skip_string();
    } else if (c == '#') {
      while (m_pos < m_text.size() && m_text[m_pos] != '\n') {
        ++m_pos;
      }
    } else {
      punctuation(c);
      ++m_pos;
    }
  }

  void punctuation(char c) {
    if (c == '\n') {
      ++m_line;
      m_line_start = at_top();
    } else if ((c == ']' || c == '}') && !at_top()) {
      m_levels.pop_back();  // also ends `{}` and `{a = 1,}` while a key was awaited
      m_in_key = false;
    } else if (m_in_key) {
      if (c == '.') {
        ++m_key_segments;
      } else if (c == '=') {
        m_in_key = false;
        m_value_depth = m_levels.back().depth + m_key_segments;
        check(m_value_depth);
      }
    } else if (c == '[' || c == '{') {
      int depth = value_depth();
      check(depth);
      m_levels.push_back(Level{c == '[', depth});
      if (c == '{') {
        start_key();
      }
    } else if (c == ',' && !m_levels.back().is_array) {
      start_key();
    }
  }

  // An array's elements sit one level below it; a key's value where the key put it.
  int value_depth() const {
    return m_levels.back().is_array ? m_levels.back().depth + 1 : m_value_depth;
  }

  std::string_view m_text;
  int m_max;
  size_t m_pos = 0;
  int m_line = 1;
  bool m_line_start = true;
  bool m_in_key = false;
  int m_key_segments = 1;
  int m_value_depth = 1;
  std::vector<Level> m_levels;
  std::optional<int> m_found;
};

}  // namespace

std::optional<int> toml_nesting_past(std::string_view text, int max_depth) {
  return TomlDepthScanner(text, max_depth).run();
}

}  // namespace cfdeploy
