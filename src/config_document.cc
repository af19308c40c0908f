#include "config_document.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <sstream>

#include "json_depth.h"
#include "toml_depth.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

int line_at(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// Records the line of every member and element of a JSON text that is known to be valid.
class LineScanner {
public:
  explicit LineScanner(std::string_view text) : m_text(text) {}

  std::map<std::string, int> run() {
    value("", false);
    return std::move(m_lines);
  }

private:
  void skip_space() {
    while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) {
      m_line += m_text[m_pos] == '\n' ? 1 : 0;
      ++m_pos;
    }
  }

  void value(const std::string& pointer, bool recorded) {
    skip_space();
    if (!recorded) {
      m_lines[pointer] = m_line;
    }
    if (m_pos >= m_text.size()) {
      return;
    }
    char c = m_text[m_pos];
    if (c == '{' || c == '[') {
      container(pointer, c == '{' ? '}' : ']');
    } else if (c == '"') {
      string();
    } else {
      while (m_pos < m_text.size() &&
             std::string_view(",]}").find(m_text[m_pos]) == std::string_view::npos &&
             !std::isspace(static_cast<unsigned char>(m_text[m_pos]))) {
        ++m_pos;
      }
    }
  }

  std::string string() {
    size_t start = m_pos++;
    while (m_pos < m_text.size() && m_text[m_pos] != '"') {
      m_pos += m_text[m_pos] == '\\' ? 2 : 1;
    }
    ++m_pos;
    json decoded = json::parse(m_text.substr(start, m_pos - start), nullptr, false);
    return decoded.is_string() ? decoded.get<std::string>() : "";
  }

  void container(const std::string& pointer, char close) {
    ++m_pos;
    for (size_t index = 0;; ++index) {
      skip_space();
      if (m_pos >= m_text.size() || m_text[m_pos] == close) {
        ++m_pos;
        return;
      }
      if (close == '}') {
        std::string child = pointer + "/" + json_pointer_escape(string());
        m_lines[child] = m_line;
        skip_space();
        ++m_pos;  // ':'
        value(child, true);
      } else {
        value(pointer + "/" + std::to_string(index), false);
      }
      skip_space();
      if (m_pos < m_text.size() && m_text[m_pos] == ',') {
        ++m_pos;
      }
    }
  }

  std::string_view m_text;
  size_t m_pos = 0;
  int m_line = 1;
  std::map<std::string, int> m_lines;
};

// nlohmann's tree builder, keeping where parsing stopped: a number too large for a double
// (1e400) fails with an out_of_range exception, which carries no position of its own.
class LocatingDomParser : public nlohmann::detail::json_sax_dom_parser<json> {
public:
  explicit LocatingDomParser(json& tree) : json_sax_dom_parser(tree, false) {}

  template <class Exception>
  bool parse_error(size_t position, const std::string& /*token*/, const Exception& error) {
    m_failed_at = position == 0 ? 0 : position - 1;
    m_message = without_prefix(error.what());
    if (error.id == 406) {  // wrangler's JavaScript parser would read it as Infinity
      m_message += " (beyond what a double holds: write a smaller number or a string)";
    }
    return false;
  }

  size_t failed_at() const { return m_failed_at; }
  const std::string& message() const { return m_message; }

private:
  // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error …"
  // keeps only the explanation; the caller names the file and line.
  static std::string without_prefix(const std::string& what) {
    size_t column = what.find("column ");
    size_t start = column == std::string::npos ? what.find("] ") : what.find(": ", column);
    return start == std::string::npos ? what : what.substr(start + 2);
  }

  size_t m_failed_at = 0;
  std::string m_message;
};

Error too_deep(const std::string& path, int line) {
  return located_error(path, line,
                       "nested more than " + std::to_string(k_max_config_depth) +
                           " levels deep; a wrangler configuration needs far fewer");
}

// The first place where objects and arrays nest past k_max_config_depth, checked before parsing
// so that no deep tree is ever built.
std::optional<Error> json_too_deep(std::string_view text, const std::string& path) {
  std::optional<size_t> at = json_nesting_past(text, k_max_config_depth);
  return at ? std::optional<Error>(too_deep(path, line_at(text, *at))) : std::nullopt;
}

Result<ConfigDocument> parse_json(std::string_view text, const std::string& path) {
  Result<std::string> stripped = strip_jsonc(text, path);
  if (!stripped) {
    return stripped.error();
  }
  const std::string& clean = stripped.value();
  if (std::optional<Error> deep = json_too_deep(clean, path)) {
    return *deep;
  }
  json root;
  LocatingDomParser parser(root);
  if (!json::sax_parse(clean, &parser)) {
    return located_error(path, line_at(clean, parser.failed_at()),
                         "invalid JSON: " + parser.message());
  }
  return ConfigDocument{std::move(root), LineScanner(clean).run()};
}

void toml_to_json(const toml::node& node, const std::string& pointer, json& out,
                  std::map<std::string, int>& lines) {
  lines[pointer] = static_cast<int>(node.source().begin.line);
  if (const toml::table* table = node.as_table()) {
    out = json::object();
    for (auto&& [key, child] : *table) {
      std::string name(key.str());
      toml_to_json(child, pointer + "/" + json_pointer_escape(name), out[name], lines);
    }
  } else if (const toml::array* array = node.as_array()) {
    out = json::array();
    for (size_t i = 0; i < array->size(); ++i) {
      out.push_back(nullptr);
      toml_to_json((*array)[i], pointer + "/" + std::to_string(i), out.back(), lines);
    }
  } else if (const toml::value<std::string>* text = node.as_string()) {
    out = text->get();
  } else if (const toml::value<int64_t>* integer = node.as_integer()) {
    out = integer->get();
  } else if (const toml::value<bool>* flag = node.as_boolean()) {
    out = flag->get();
  } else {
    std::ostringstream printed;  // floats, dates and times: kept only as text
    node.visit([&](auto&& v) { printed << v; });
    out = printed.str();
  }
}

// The line of the first table or array nested past k_max_config_depth (dotted keys and
// [a.b.c] headers nest too), looking no deeper than that. A table that only a dotted key
// made has no place of its own: it takes its parent's line.
std::optional<int> toml_too_deep(const toml::node& node, int depth, int parent_line) {
  int line = static_cast<int>(node.source().begin.line);
  line = line > 0 ? line : parent_line;
  if (depth > k_max_config_depth) {
    return line;
  }
  std::optional<int> found;
  if (const toml::table* table = node.as_table()) {
    for (auto it = table->begin(); it != table->end() && !found; ++it) {
      found = toml_too_deep(it->second, depth + 1, line);
    }
  } else if (const toml::array* array = node.as_array()) {
    for (size_t i = 0; i < array->size() && !found; ++i) {
      found = toml_too_deep((*array)[i], depth + 1, line);
    }
  }
  return found;
}

Result<ConfigDocument> parse_toml(std::string_view text, const std::string& path) {
  // toml++ itself recurses once per dotted-key segment: a deep text is refused unparsed.
  if (std::optional<int> line = toml_nesting_past(text, k_max_config_depth)) {
    return too_deep(path, *line);
  }
  try {
    toml::table table = toml::parse(text, path);
    if (std::optional<int> line = toml_too_deep(table, 1, 1)) {
      return too_deep(path, *line);
    }
    ConfigDocument document;
    toml_to_json(table, "", document.root, document.lines);
    document.lines[""] = 1;
    return document;
  } catch (const toml::parse_error& e) {
    return located_error(path, static_cast<int>(e.source().begin.line),
                         "invalid TOML: " + std::string(e.description()));
  } catch (const std::exception& e) {
    return Error{"reading '" + path + "'", e.what()};
  }
}

}  // namespace

int ConfigDocument::line_of(const std::string& pointer) const {
  auto found = lines.find(pointer);
  return found == lines.end() ? 1 : found->second;
}

Error located_error(const std::string& path, int line, const std::string& what) {
  return Error{path + ":" + std::to_string(line), what};
}

std::string json_pointer_escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  }
  return out;
}

Result<ConfigDocument> parse_config_document(std::string_view text, ConfigFormat format,
                                             const std::string& path) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);  // a UTF-8 byte order mark
  }
  return format == ConfigFormat::toml ? parse_toml(text, path) : parse_json(text, path);
}

Result<std::string> strip_jsonc(std::string_view text, const std::string& path) {
  std::string out(text);
  size_t pending_comma = std::string::npos;
  for (size_t i = 0; i < out.size();) {
    char c = out[i];
    char next = i + 1 < out.size() ? out[i + 1] : '\0';
    if (c == '"') {
      size_t end = i + 1;
      while (end < out.size() && out[end] != '"' && out[end] != '\n') {
        end += out[end] == '\\' ? 2 : 1;
      }
      if (end >= out.size() || out[end] != '"') {
        return located_error(path, line_at(out, i), "invalid JSON: unterminated string");
      }
      pending_comma = std::string::npos;
      i = end + 1;
    } else if (c == '/' && (next == '/' || next == '*')) {
      size_t end = next == '/' ? out.find('\n', i) : out.find("*/", i + 2);
      if (next == '*' && end == std::string::npos) {
        return located_error(path, line_at(out, i), "invalid JSON: unterminated /* comment");
      }
      end = end == std::string::npos ? out.size() : end + (next == '*' ? 2 : 0);
      for (size_t k = i; k < end; ++k) {
        out[k] = out[k] == '\n' ? '\n' : ' ';
      }
      i = end;
    } else if (c == ',' || c == '}' || c == ']') {
      if (c != ',' && pending_comma != std::string::npos) {
        out[pending_comma] = ' ';  // a trailing comma
      }
      pending_comma = c == ',' ? i : std::string::npos;
      ++i;
    } else {
      if (!std::isspace(static_cast<unsigned char>(c))) {
        pending_comma = std::string::npos;
      }
      ++i;
    }
  }
  return out;
}

}  // namespace cfdeploy
