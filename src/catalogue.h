// The catalogue of known failures: one entry per thing that can go wrong in
// a Cloudflare deploy step, with what it means and how to fix it. The data
// lives in catalogue.json, compiled into the binary; this unit loads it,
// checks it, and finds the entry that best explains an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.h"

namespace cfdeploy {

/// The failure classes, in the order reports list them.
enum class FailureClass {
  authentication,
  authorization,
  account,
  config,
  not_found,
  rate_limit,
  transient,
  network,
  migration_sql,
  quota,
  unknown,
};

std::string_view to_string(FailureClass failure_class);
std::optional<FailureClass> parse_failure_class(std::string_view name);
/// Every class name, in enum order.
const std::vector<FailureClass>& all_failure_classes();
/// authentication or authorization: the token is the problem, and a new token or
/// permission is the fix.
bool is_credential_class(FailureClass failure_class);

struct CatalogueEntry {
  std::string id;
  std::vector<int> codes;                // API codes; empty for wrangler-side messages
  std::string scope;                     // substring of the failing API path, or empty
  std::vector<std::string> match;        // substrings (any case), any of which must occur
  std::vector<std::string> match_lower;  // the same, lower-cased once at load
  std::vector<int> statuses;             // HTTP statuses, from a malformed-response note
  FailureClass failure_class = FailureClass::unknown;
  bool retryable = false;
  std::string title;
  std::vector<std::string> guidance;
  std::vector<std::string> permissions;
  std::string docs;
};

/// What the catalogue needs to know about one error to pick an entry.
struct ErrorFacts {
  std::optional<int> code;    // first `[code: N]`
  std::string resource;       // API path, e.g. /accounts/***/d1/database/***/query
  std::optional<int> status;  // HTTP status, when wrangler printed one
  std::string text;           // the whole error, ANSI removed, lines joined
};

class Catalogue {
public:
  /// Parses and validates catalogue JSON; the error names the entry at fault.
  static Result<Catalogue> from_json(std::string_view json_text);

  const std::vector<CatalogueEntry>& entries() const { return m_entries; }

  /// The most specific entry that matches, or nullptr.
  const CatalogueEntry* best_match(const ErrorFacts& facts) const;

  /// The entry reported when nothing matches.
  static const CatalogueEntry& unknown_entry();

private:
  std::vector<CatalogueEntry> m_entries;
};

/// The catalogue compiled into the binary.
const Catalogue& builtin_catalogue();

/// The catalogue source text compiled into the binary.
std::string_view builtin_catalogue_json();

}  // namespace cfdeploy
