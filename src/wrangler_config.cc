#include "wrangler_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "config_document.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

constexpr const char* k_default_migrations_dir = "migrations";
constexpr uintmax_t k_max_config_bytes = uintmax_t{16} << 20;
constexpr std::array<const char*, 3> k_config_names = {"wrangler.json", "wrangler.jsonc",
                                                       "wrangler.toml"};

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

// Reads the sections of a ConfigDocument; keeps the first problem found.
class SectionReader {
public:
  SectionReader(const ConfigDocument& document, const std::string& path, ConfigFormat format)
      : m_document(document), m_path(path), m_format(format) {}

  std::optional<Error> error() const { return m_error; }

  SourceLocation at(const std::string& pointer) const {
    return {m_path, m_document.line_of(pointer)};
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
    std::string child = pointer + "/" + json_pointer_escape(key);
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

  const ConfigDocument& m_document;
  const std::string& m_path;
  ConfigFormat m_format;
  std::optional<Error> m_error;
  std::vector<std::string> m_warnings;
};

Result<RawConfig> read_sections(const ConfigDocument& document, const std::string& path,
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
      std::string pointer = "/env/" + json_pointer_escape(name);
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

Result<WranglerConfig> parse_wrangler_config(std::string_view text, ConfigFormat format,
                                             const std::string& path,
                                             const std::string& environment) {
  Result<ConfigDocument> document = parse_config_document(text, format, path);
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
