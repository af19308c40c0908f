#include "project_locator.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "wrangler_config.h"

namespace cfdeploy {
namespace {

// Far above any real migration; an "at offset N" past it gets no line.
constexpr size_t k_max_migration_bytes = size_t{16} * 1024 * 1024;

// "near \"CREAT\": syntax error at offset 12: SQLITE_ERROR" -> 12
std::optional<size_t> sql_error_offset(std::string_view text) {
  static constexpr std::string_view k_marker = "at offset ";
  size_t at = text.find(k_marker);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  size_t pos = at + k_marker.size();
  size_t offset = 0;
  size_t digits = 0;
  for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && digits < 9; ++pos, ++digits) {
    offset = offset * 10 + static_cast<size_t>(text[pos] - '0');
  }
  return digits > 0 ? std::optional<size_t>(offset) : std::nullopt;
}

// 1-based line of byte `offset` in the file, or 0 (no line) when it cannot be read as a
// regular file. Opened without blocking and checked again after opening, so a FIFO or a
// device put there in the meantime is never read; past k_max_migration_bytes, no line.
int line_at_offset(const std::filesystem::path& file, size_t offset) {
  if (offset > k_max_migration_bytes) {
    return 0;
  }
  int fd = open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return 0;
  }
  struct stat status {};
  int line = 0;
  if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) {
    line = 1;
    std::array<char, 8192> buffer{};
    size_t left = offset;
    ssize_t got = 0;
    while (left > 0 && (got = read(fd, buffer.data(), std::min(left, buffer.size()))) > 0) {
      line += static_cast<int>(std::count(buffer.begin(), buffer.begin() + got, '\n'));
      left -= static_cast<size_t>(got);
    }
  }
  close(fd);
  return line;
}

// The migration file wrangler named, when it is a regular file inside `directory`. The
// name comes from the step's output: a "../" path, or a symbolic link out of the
// directory, must not lead anywhere else, and a FIFO or a device must never be opened.
std::optional<std::filesystem::path> migration_file(const std::filesystem::path& directory,
                                                    const std::string& name) {
  namespace fs = std::filesystem;
  fs::path relative = fs::path(name).lexically_normal();
  if (name.empty() || relative.empty() || relative.is_absolute() || *relative.begin() == "..") {
    return std::nullopt;
  }
  std::error_code error;
  fs::path base = fs::weakly_canonical(directory, error);
  fs::path file = error ? fs::path() : fs::weakly_canonical(directory / relative, error);
  if (error) {
    return std::nullopt;
  }
  fs::path inside = file.lexically_relative(base);
  if (inside.empty() || *inside.begin() == ".." || inside == ".") {
    return std::nullopt;
  }
  if (!fs::is_regular_file(file, error)) {
    return std::nullopt;
  }
  return file;
}

std::optional<SourceLocation> in_migration(const Finding& finding, const std::string& project_dir,
                                           const WranglerConfig* config,
                                           const std::string& workspace) {
  std::filesystem::path base = project_dir.empty() ? "." : project_dir;
  std::string migrations_dir = "migrations";
  if (config != nullptr) {
    base = std::filesystem::path(config->path).parent_path();
    for (const D1DatabaseConfig& database : config->d1_databases) {
      if (database.migrations_dir.present()) {
        migrations_dir = database.migrations_dir.value;
        break;
      }
    }
  }
  std::optional<std::filesystem::path> file =
      migration_file(base / migrations_dir, finding.migration);
  if (!file) {
    return std::nullopt;
  }
  std::optional<size_t> offset = sql_error_offset(finding.evidence);
  return SourceLocation{workspace_path(*file, workspace),
                        offset ? line_at_offset(*file, *offset) : 0};
}

// The configuration value an account, config or not-found error is about:
// account_id, a D1 database_id, or the Worker's name.
std::optional<SourceLocation> in_config(const Finding& finding, const WranglerConfig& config,
                                        const std::string& workspace) {
  std::optional<SourceLocation> where;
  FailureClass failure_class = finding.entry->failure_class;
  bool about_d1 =
      finding.resource.find("/d1/") != std::string::npos || finding.entry->id.rfind("d1-", 0) == 0;
  if (failure_class == FailureClass::account) {
    where = config.account_id.where;
  } else if (failure_class == FailureClass::config || failure_class == FailureClass::not_found) {
    if (about_d1 && !config.d1_databases.empty()) {
      where = config.d1_databases.front().database_id.where;
    } else if (!about_d1) {
      where = config.name.where;
    }
  }
  if (where) {
    where->file = workspace_path(where->file, workspace);
  }
  return where;
}

}  // namespace

std::string workspace_path(const std::string& file, const std::string& workspace) {
  std::error_code ignored;
  std::filesystem::path absolute = std::filesystem::weakly_canonical(file, ignored);
  if (!workspace.empty()) {
    std::filesystem::path base = std::filesystem::weakly_canonical(workspace, ignored);
    std::filesystem::path relative = absolute.lexically_relative(base);
    if (!relative.empty() && *relative.begin() != "..") {
      return relative.generic_string();
    }
  }
  return absolute.generic_string();
}

Locator project_locator(const std::string& project_dir, const std::string& environment,
                        const std::string& workspace) {
  std::optional<WranglerConfig> config;
  std::string path = find_wrangler_config(project_dir.empty() ? "." : project_dir);
  if (!path.empty()) {
    if (Result<WranglerConfig> read = read_wrangler_config(path, environment)) {
      config = std::move(read.value());
    }
  }
  return [=](const Finding& finding) -> std::optional<SourceLocation> {
    if (!finding.migration.empty()) {
      return in_migration(finding, project_dir, config ? &*config : nullptr, workspace);
    }
    return config ? in_config(finding, *config, workspace) : std::nullopt;
  };
}

}  // namespace cfdeploy
