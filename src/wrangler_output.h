// wrangler's structured output: the ND-JSON file it writes when
// WRANGLER_OUTPUT_FILE_PATH is set. It states the failure code, the
// deployment URL, a Pages deployment's alias, id and environment and an
// uploaded version's id without any scraping of the terminal output.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cfdeploy {

// What the "pages-deploy-detailed" entry says of a Pages deployment; empty
// fields when wrangler left them out.
struct PagesDeployment {
  std::string deployment_id;
  std::string alias_url;    // the branch alias (https://<branch>.<project>.pages.dev)
  std::string environment;  // production | preview

  bool empty() const { return deployment_id.empty() && alias_url.empty() && environment.empty(); }
};

struct WranglerOutput {
  bool command_failed = false;
  std::optional<int> failed_code;            // first API error code, when there was one
  std::string failed_message;                // the error's headline
  std::optional<long> retry_after_ms;        // newer wrangler versions only
  std::string deployment_url;                // first target of "deploy", a Pages or preview URL
  std::vector<std::string> deployment_urls;  // every target of "deploy", or the preview URL
  std::string alias_url;                     // a version upload's preview alias
  std::string version_id;                    // of "deploy" or "version-upload"
  std::string worker_name;
  PagesDeployment pages;         // from "pages-deploy-detailed"
  std::string wrangler_version;  // from the "wrangler-session" entry
  size_t entries = 0;
  size_t unreadable_lines = 0;  // lines that were not JSON objects
};

/// Parses the file's contents; unknown entry types are skipped.
WranglerOutput parse_wrangler_output(std::string_view nd_json);

/// Reads and parses the file at `path`, at most `max_bytes` of it; a missing
/// file (wrangler wrote nothing) gives an empty result.
WranglerOutput read_wrangler_output(const std::string& path, size_t max_bytes = 4 << 20);

}  // namespace cfdeploy
