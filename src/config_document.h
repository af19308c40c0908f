// A wrangler.json, wrangler.jsonc or wrangler.toml text as one tree with line numbers: the
// values as JSON whichever the format, and for every JSON pointer in it ("/env/staging/name")
// the line its key or element is on. Parsing never throws, refuses a text nested past
// k_max_config_depth before building any tree, and names the file and line of the first
// problem ("<file>:<line>: <what is wrong>"). What the values mean is wrangler_config's.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "error.h"

namespace cfdeploy {

enum class ConfigFormat { json, toml };

/// How deeply objects and arrays may nest. A real configuration nests four or five levels;
/// a hostile one nested a hundred thousand deep would otherwise cost memory growing with the
/// square of its depth (every level records the path down to it).
inline constexpr int k_max_config_depth = 64;

struct ConfigDocument {
  nlohmann::json root;
  std::map<std::string, int> lines;  // JSON pointer -> line of the key or element

  /// The line of `pointer`, or 1 when the tree has no line for it.
  int line_of(const std::string& pointer) const;
};

/// Parses `text` (JSON with comments for `json`, TOML for `toml`; a UTF-8 byte order mark
/// is skipped); `path` is only used in errors.
Result<ConfigDocument> parse_config_document(std::string_view text, ConfigFormat format,
                                             const std::string& path);

/// `text` with // and /* */ comments and trailing commas blanked out, as wrangler's JSONC
/// reader accepts them; line breaks are kept so line numbers stay right. Errors on an
/// unterminated comment or string.
Result<std::string> strip_jsonc(std::string_view text, const std::string& path);

/// `key` as one JSON pointer segment: "~" as "~0", "/" as "~1".
std::string json_pointer_escape(std::string_view key);

/// An Error located in a configuration file: "<path>:<line>: <what>".
Error located_error(const std::string& path, int line, const std::string& what);

}  // namespace cfdeploy
