#include "wrangler_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "json_depth.h"
#include "toml_depth.h"

namespace cfdeploy {
namespace {

using nlohmann::json;
using Lines = std::map<std::string, int>;  // JSON pointer -> line of the key or element

constexpr const char* k_default_migrations_dir = "migrations";
// How deeply objects and arrays may nest. A real configuration nests four or five levels;
// a hostile one nested a hundred thousand deep would otherwise cost memory growing with
// the square of its depth (every level records the path down to it).
constexpr int k_max_depth = 64;
constexpr uintmax_t k_max_config_bytes = uintmax_t{16} << 20;
constexpr std::array<const char*, 3> k_config_names = {"wrangler.json", "wrangler.jsonc",
                                                       "wrangler.toml"};

// Both formats become the same tree: the values as JSON, and a line for every path in it.
struct Document {
  json root;
  Lines lines;
};

Error located_error(const std::string& path, int line, const std::string& what) {
  return Error{path + ":" + std::to_string(line), what};
}

std::string pointer_escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  }
  return out;
}

int line_at(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// Records the line of every member and element of a JSON text that is known to be valid.
class LineScanner {
public:
  explicit LineScanner(std::string_view text) : m_text(text) {}

  Lines run() {
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
        std::string child = pointer + "/" + pointer_escape(string());
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
  Lines m_lines;
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
                       "nested more than " + std::to_string(k_max_depth) +
                           " levels deep; a wrangler configuration needs far fewer");
}

// The first place where objects and arrays nest past k_max_depth, checked before parsing
// so that no deep tree is ever built.
std::optional<Error> json_too_deep(std::string_view text, const std::string& path) {
  std::optional<size_t> at = json_nesting_past(text, k_max_depth);
  return at ? std::optional<Error>(too_deep(path, line_at(text, *at))) : std::nullopt;
}

Result<Document> parse_json(std::string_view text, const std::string& path) {
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
  return Document{std::move(root), LineScanner(clean).run()};
}

void toml_to_json(const toml::node& node, const std::string& pointer, json& out, Lines& lines) {
  lines[pointer] = static_cast<int>(node.source().begin.line);
  if (const toml::table* table = node.as_table()) {
    out = json::object();
    for (auto&& [key, child] : *table) {
      std::string name(key.str());
      toml_to_json(child, pointer + "/" + pointer_escape(name), out[name], lines);
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

// The line of the first table or array nested past k_max_depth (dotted keys and
// [a.b.c] headers nest too), looking no deeper than that. A table that only a dotted key
// made has no place of its own: it takes its parent's line.
std::optional<int> toml_too_deep(const toml::node& node, int depth, int parent_line) {
  int line = static_cast<int>(node.source().begin.line);
  line = line > 0 ? line : parent_line;
  if (depth > k_max_depth) {
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

Result<Document> parse_toml(std::string_view text, const std::string& path) {
  // toml++ itself recurses once per dotted-key segment: a deep text is refused unparsed.
  if (std::optional<int> line = toml_nesting_past(text, k_max_depth)) {
    return too_deep(path, *line);
  }
  try {
    toml::table table = toml::parse(text, path);
    if (std::optional<int> line = toml_too_deep(table, 1, 1)) {
      return too_deep(path, *line);
    }
    Document document;
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

// One level of the file: the top level or an [env.NAME] section.
struct RawSection {
  std::optional<ConfigValue> name;
  std::optional<ConfigValue> account_id;
  std::optional<std::vector<D1DatabaseConfig>> d1_databases;
};

struct RawConfig {
  RawSection top;
  std::vector<std::pair<std::string, RawSection>> environments;
  std::vector<std::string> warnings;
};

// Reads the sections of a Document; keeps the first problem found.
class SectionReader {
public:
  SectionReader(const Document& document, const std::string& path, ConfigFormat format)
      : m_document(document), m_path(path), m_format(format) {}

  std::optional<Error> error() const { return m_error; }

  SourceLocation at(const std::string& pointer) const {
    auto found = m_document.lines.find(pointer);
    return {m_path, found == m_document.lines.end() ? 1 : found->second};
  }

  bool expect(const json& value, json::value_t type, const std::string& pointer,
              const std::string& what) {
    bool ok = value.type() == type ||
              (type == json::value_t::number_integer && value.is_number_integer());
    if (!ok && !m_error) {
      m_error =
          located_error(m_path, at(pointer).line,
                        what + " must be " + type_name(type) + ", not " + type_name(value.type()));
    }
    return ok;
  }

  std::optional<ConfigValue> string_field(const json& object, const std::string& pointer,
                                          const std::string& key, const std::string& what) {
    if (!object.contains(key)) {
      return std::nullopt;
    }
    std::string child = pointer + "/" + pointer_escape(key);
    if (!expect(object.at(key), json::value_t::string, child, what)) {
      return std::nullopt;
    }
    return ConfigValue{object.at(key).get<std::string>(), at(child)};
  }

  RawSection section(const json& object, const std::string& pointer, const std::string& label) {
    RawSection result;
    result.name = string_field(object, pointer, "name", label + "name");
    result.account_id = string_field(object, pointer, "account_id", label + "account_id");
    if (result.account_id && result.account_id->value.empty()) {
      m_warnings.push_back(at(pointer + "/account_id").text() +
                           ": account_id is an empty string; wrangler ignores it");
      result.account_id.reset();
    }
    if (object.contains("d1_databases")) {
      result.d1_databases =
          databases(object.at("d1_databases"), pointer + "/d1_databases", label + "d1_databases");
    }
    return result;
  }

  std::vector<std::string> take_warnings() { return std::move(m_warnings); }

private:
  std::string type_name(json::value_t type) const {
    switch (type) {
      case json::value_t::object:
        return m_format == ConfigFormat::toml ? "a table" : "an object";
      case json::value_t::array:
        return "an array";
      case json::value_t::string:
        return "a string";
      default:
        return "a " + std::string(json(type).type_name());
    }
  }

  std::vector<D1DatabaseConfig> databases(const json& list, const std::string& pointer,
                                          const std::string& what) {
    std::vector<D1DatabaseConfig> result;
    if (!expect(list, json::value_t::array, pointer, what)) {
      return result;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      std::string item = pointer + "/" + std::to_string(i);
      std::string label = what + "[" + std::to_string(i) + "]";
      if (!expect(list[i], json::value_t::object, item, label)) {
        return result;
      }
      D1DatabaseConfig entry;
      entry.where = at(item);
      entry.binding =
          string_field(list[i], item, "binding", label + ".binding").value_or(ConfigValue{});
      entry.database_name = string_field(list[i], item, "database_name", label + ".database_name")
                                .value_or(ConfigValue{});
      entry.database_id = string_field(list[i], item, "database_id", label + ".database_id")
                              .value_or(ConfigValue{});
      entry.migrations_dir =
          string_field(list[i], item, "migrations_dir", label + ".migrations_dir")
              .value_or(ConfigValue{k_default_migrations_dir, std::nullopt});
      if (!entry.binding.present() && !m_error) {
        m_error = located_error(m_path, entry.where.line, label + " has no \"binding\"");
      }
      result.push_back(std::move(entry));
    }
    return result;
  }

  const Document& m_document;
  const std::string& m_path;
  ConfigFormat m_format;
  std::optional<Error> m_error;
  std::vector<std::string> m_warnings;
};

Result<RawConfig> read_sections(const Document& document, const std::string& path,
                                ConfigFormat format) {
  SectionReader reader(document, path, format);
  if (!reader.expect(document.root, json::value_t::object, "", "the file's top level")) {
    return *reader.error();
  }
  RawConfig raw;
  raw.top = reader.section(document.root, "", "");
  if (document.root.contains("env") &&
      reader.expect(document.root.at("env"), json::value_t::object, "/env", "env")) {
    for (const auto& [name, body] : document.root.at("env").items()) {
      std::string pointer = "/env/" + pointer_escape(name);
      if (reader.expect(body, json::value_t::object, pointer, "env." + name)) {
        raw.environments.emplace_back(name, reader.section(body, pointer, "env." + name + "."));
      }
    }
  }
  if (std::optional<Error> problem = reader.error()) {
    return *problem;
  }
  raw.warnings = reader.take_warnings();
  return raw;
}

// wrangler's rules: `name` and `account_id` are inherited (the name as "<name>-<env>");
// d1_databases is not, so an environment without it has no D1 databases at all.
Result<WranglerConfig> resolve(RawConfig raw, const std::string& path,
                               const std::string& environment) {
  WranglerConfig config;
  config.path = path;
  config.environment = environment;
  config.warnings = std::move(raw.warnings);
  for (const auto& [name, section] : raw.environments) {
    config.environments.push_back(name);
  }
  const RawSection& top = raw.top;
  if (environment.empty()) {
    config.name = top.name.value_or(ConfigValue{});
    config.account_id = top.account_id.value_or(ConfigValue{});
    config.d1_databases = top.d1_databases.value_or(std::vector<D1DatabaseConfig>{});
    return config;
  }
  auto found = std::find_if(raw.environments.begin(), raw.environments.end(),
                            [&](const auto& entry) { return entry.first == environment; });
  if (found == raw.environments.end()) {
    std::string names;
    for (const std::string& name : config.environments) {
      names += (names.empty() ? "\"" : ", \"") + name + "\"";
    }
    return Error{path, "no environment named \"" + environment + "\" (--env); the file has " +
                           (names.empty() ? "no [env] sections" : "[" + names + "]")};
  }
  const RawSection& section = found->second;
  if (section.name) {
    config.name = *section.name;
  } else if (top.name) {
    config.name = ConfigValue{top.name->value + "-" + environment, top.name->where};
  }
  config.account_id = section.account_id.value_or(top.account_id.value_or(ConfigValue{}));
  config.d1_databases = section.d1_databases.value_or(std::vector<D1DatabaseConfig>{});
  if (!section.d1_databases && top.d1_databases && !top.d1_databases->empty()) {
    config.warnings.push_back("d1_databases is set at the top level but not in env." + environment +
                              "; wrangler does not inherit it");
  }
  return config;
}

// What kind of thing `status` describes, when it is not a regular file.
std::string not_a_file(const struct stat& status) {
  if (S_ISDIR(status.st_mode)) {
    return "it is a directory, not a file";
  }
  return "it is not a regular file (a FIFO, a socket or a device), so it was not read";
}

// Opened without blocking and checked after opening, so a FIFO named like a configuration
// cannot hang us; a directory is named as one.
Result<std::string> read_file(const std::string& path) {
  std::string context = "reading '" + path + "'";
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return Error{context, system_error_text(errno)};
  }
  struct stat status {};
  std::optional<Error> problem;
  if (fstat(fd, &status) != 0) {
    problem = Error{context, system_error_text(errno)};
  } else if (!S_ISREG(status.st_mode)) {
    problem = Error{context, not_a_file(status)};
  } else if (static_cast<uintmax_t>(status.st_size) > k_max_config_bytes) {
    problem = Error{context, "it is larger than " + std::to_string(k_max_config_bytes >> 20) +
                                 " MiB, far more than a configuration needs"};
  }
  std::string text;
  std::array<char, 8192> buffer{};
  ssize_t got = 0;
  while (!problem && (got = read(fd, buffer.data(), buffer.size())) != 0) {
    if (got < 0 && errno != EINTR) {
      problem = Error{context, system_error_text(errno)};
    } else if (got > 0 && text.size() + static_cast<size_t>(got) > k_max_config_bytes) {
      problem = Error{context, "it grew past " + std::to_string(k_max_config_bytes >> 20) +
                                   " MiB while it was read"};
    } else if (got > 0) {
      text.append(buffer.data(), static_cast<size_t>(got));
    }
  }
  close(fd);
  if (problem) {
    return *problem;
  }
  return text;
}

}  // namespace

const std::string& D1DatabaseConfig::label() const {
  return database_name.value.empty() ? binding.value : database_name.value;
}

const D1DatabaseConfig* WranglerConfig::find_d1(std::string_view name_or_binding) const {
  for (const D1DatabaseConfig& entry : d1_databases) {
    if (entry.database_name.value == name_or_binding || entry.binding.value == name_or_binding) {
      return &entry;
    }
  }
  return nullptr;
}

std::string find_unusable_wrangler_config(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path dir = fs::absolute(directory.empty() ? "." : directory, error).lexically_normal();
  for (int depth = 0; depth < 256 && !error; ++depth) {
    for (const char* name : k_config_names) {
      std::error_code missing;
      fs::file_status status = fs::status(dir / name, missing);
      if (!missing && fs::exists(status) && !fs::is_regular_file(status)) {
        return (dir / name).string();
      }
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) {
      break;
    }
    dir = dir.parent_path();
  }
  return "";
}

std::string find_wrangler_config(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path dir = fs::absolute(directory.empty() ? "." : directory, error).lexically_normal();
  for (int depth = 0; depth < 256 && !error; ++depth) {
    for (const char* name : k_config_names) {
      std::error_code missing;  // a file that is not there is not an error here
      if (fs::is_regular_file(dir / name, missing)) {
        return (dir / name).string();
      }
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) {
      break;
    }
    dir = dir.parent_path();
  }
  return "";
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

Result<WranglerConfig> parse_wrangler_config(std::string_view text, ConfigFormat format,
                                             const std::string& path,
                                             const std::string& environment) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);  // a UTF-8 byte order mark
  }
  Result<Document> document =
      format == ConfigFormat::toml ? parse_toml(text, path) : parse_json(text, path);
  if (!document) {
    return document.error();
  }
  Result<RawConfig> raw = read_sections(document.value(), path, format);
  if (!raw) {
    return raw.error();
  }
  return resolve(std::move(raw.value()), path, environment);
}

Result<WranglerConfig> read_wrangler_config(const std::string& path,
                                            const std::string& environment) {
  Result<std::string> text = read_file(path);
  if (!text) {
    return text.error();
  }
  bool toml = std::filesystem::path(path).extension() == ".toml";
  return parse_wrangler_config(text.value(), toml ? ConfigFormat::toml : ConfigFormat::json, path,
                               environment);
}

}  // namespace cfdeploy
