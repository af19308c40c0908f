// A change to one line of the Wrangler configuration that a diagnosis found: the line as it
// is, the same line with the right value, and the unified diff `git apply` takes. The line is
// read from the file when the fix is made, so the fix shows the file's own words.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "source_location.h"

namespace cfdeploy {

struct ConfigFix {
  SourceLocation where;               // the line to change; the file as the reports name it
  std::string key;                    // "database_id", "account_id"
  std::string value;                  // the right value
  std::string line;                   // the line as it is, without its line break
  std::string replacement;            // the line with `value` in place of the wrong one
  std::vector<std::string> before;    // up to 3 lines above, for the diff's context
  std::vector<std::string> after;     // up to 3 lines below
  bool ends_without_newline = false;  // the file's last line, in `after` or `line`, has no '\n'
};

/// The fix that puts `value` where `wrong` is on line `where.line` of `where.file`. Nothing when
/// the file cannot be read as a regular file of at most 1 MiB, or the line does not hold
/// `wrong` exactly once (so the replacement is never a guess).
std::optional<ConfigFix> make_config_fix(const SourceLocation& where, std::string key,
                                         const std::string& wrong, std::string value);

/// The fix as a unified diff with up to three lines of context, for the file at `path` in the
/// repository (a/PATH, b/PATH): what `git apply` accepts from the repository's top.
std::string config_fix_diff(const ConfigFix& fix, const std::string& path);

}  // namespace cfdeploy
