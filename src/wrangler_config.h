// The parts of a Wrangler configuration file that preflight checks (name, account_id,
// d1_databases), read from wrangler.json, wrangler.jsonc or wrangler.toml the way wrangler
// reads them, with `--env` resolved and the file and line of every value kept. The text
// becomes a tree with line numbers in config_document; this module applies wrangler's rules
// to that tree: which file is used, the types of the fields, what an environment inherits,
// migrations_dir's default and which D1 entry a name or binding picks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config_document.h"
#include "error.h"
#include "source_location.h"

namespace cfdeploy {

/// A string value from the file and where it was written; `value` is empty when absent.
struct ConfigValue {
  std::string value;
  std::optional<SourceLocation> where;

  bool present() const { return where.has_value(); }
};

struct D1DatabaseConfig {
  ConfigValue binding;
  ConfigValue database_name;
  ConfigValue database_id;
  ConfigValue migrations_dir;  // wrangler's default, "migrations", when absent
  SourceLocation where;        // the entry itself

  /// How reports name it: database_name, else binding.
  const std::string& label() const;
};

struct WranglerConfig {
  std::string path;         // the file that was read
  std::string environment;  // the resolved --env; empty for the top level
  ConfigValue name;         // `<name>-<env>` when an environment has no name of its own
  ConfigValue account_id;
  std::vector<D1DatabaseConfig> d1_databases;
  std::vector<std::string> environments;  // names of the file's environment sections
  std::vector<std::string> warnings;      // what wrangler would warn about (e.g. not inherited)

  /// The D1 entry a wrangler d1 command would pick for `name_or_binding`, or nullptr.
  const D1DatabaseConfig* find_d1(std::string_view name_or_binding) const;
};

/// The configuration file wrangler would use when run in `directory`: wrangler.json, then
/// wrangler.jsonc, then wrangler.toml, in `directory` and then in each parent. Empty when
/// there is none.
std::string find_wrangler_config(const std::string& directory);

/// When find_wrangler_config finds nothing, the first wrangler.json, .jsonc or .toml it
/// passed over because it is not a regular file (a directory, say); empty when none.
std::string find_unusable_wrangler_config(const std::string& directory);

/// Reads `path` (JSON with comments for .json/.jsonc, TOML otherwise) and resolves
/// `environment` ("" for the top level). Errors read "<file>:<line>: <what is wrong>".
Result<WranglerConfig> read_wrangler_config(const std::string& path,
                                            const std::string& environment);

/// The same from text already in memory; `path` is only used in locations and errors.
Result<WranglerConfig> parse_wrangler_config(std::string_view text, ConfigFormat format,
                                             const std::string& path,
                                             const std::string& environment);

}  // namespace cfdeploy
