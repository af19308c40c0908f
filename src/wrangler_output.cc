#include "wrangler_output.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "json_depth.h"

namespace cfdeploy {
namespace {

using nlohmann::json;

// wrangler's entries nest a few levels; a line nested far deeper is not one of them, and its
// tree would overflow the stack when walked.
constexpr int k_max_entry_depth = 64;

// A delay outside [0, one day] is not a hint we can honour; ignore it rather than overflow.
std::optional<long> read_milliseconds(const json& value) {
  constexpr double k_max_ms = 24.0 * 60 * 60 * 1000;
  if (!value.is_number()) {
    return std::nullopt;
  }
  double ms = value.get<double>();
  if (!(ms >= 0 && ms <= k_max_ms)) {
    return std::nullopt;
  }
  return static_cast<long>(ms);
}

void read_failure(const json& entry, WranglerOutput& output) {
  output.command_failed = true;
  if (entry.contains("code") && entry["code"].is_number_integer()) {
    output.failed_code = entry["code"].get<int>();
  }
  if (entry.contains("message") && entry["message"].is_string()) {
    output.failed_message = entry["message"].get<std::string>();
  }
  if (entry.contains("retry_after_ms")) {
    output.retry_after_ms = read_milliseconds(entry["retry_after_ms"]);
  }
}

// The member's text, or "" when it is missing or not a string.
std::string string_member(const json& entry, const char* name) {
  auto member = entry.find(name);
  return member != entry.end() && member->is_string() ? member->get<std::string>() : "";
}

// The first deployment entry names the URL; later ones (a second target list) do not.
void read_deployment(const json& entry, WranglerOutput& output) {
  if (!output.deployment_url.empty()) {
    return;
  }
  if (entry.contains("targets") && entry["targets"].is_array()) {
    for (const json& target : entry["targets"]) {
      if (target.is_string()) {
        output.deployment_urls.push_back(target.get<std::string>());
      }
    }
  }
  std::string preview = string_member(entry, "preview_url");
  if (output.deployment_urls.empty() && !preview.empty()) {
    output.deployment_urls.push_back(preview);
  }
  if (!output.deployment_urls.empty()) {
    output.deployment_url = output.deployment_urls.front();
  }
  output.alias_url = string_member(entry, "preview_alias_url");
  output.version_id = string_member(entry, "version_id");
  output.worker_name = string_member(entry, "worker_name");
}

void read_pages_deployment(const json& entry, WranglerOutput& output) {
  if (!output.pages.empty()) {
    return;
  }
  if (output.deployment_url.empty()) {
    output.deployment_url = string_member(entry, "url");
  }
  output.pages.deployment_id = string_member(entry, "deployment_id");
  output.pages.alias_url = string_member(entry, "alias");
  output.pages.environment = string_member(entry, "environment");
}

}  // namespace

WranglerOutput parse_wrangler_output(std::string_view nd_json) {
  WranglerOutput output;
  size_t start = 0;
  while (start < nd_json.size()) {
    size_t end = nd_json.find('\n', start);
    std::string_view line =
        nd_json.substr(start, end == std::string_view::npos ? end : end - start);
    start = end == std::string_view::npos ? nd_json.size() : end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    json entry = json_nesting_past(line, k_max_entry_depth)
                     ? json()
                     : json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!entry.is_object()) {
      ++output.unreadable_lines;
      continue;
    }
    ++output.entries;
    const json* type_field = entry.contains("type") ? &entry["type"] : nullptr;
    std::string type =
        type_field && type_field->is_string() ? type_field->get<std::string>() : std::string();
    if (type == "command-failed") {
      read_failure(entry, output);
    } else if (type == "deploy" || type == "version-upload") {
      read_deployment(entry, output);
    } else if (type == "pages-deploy-detailed") {
      read_pages_deployment(entry, output);
    } else if (type == "wrangler-session" && entry.contains("wrangler_version") &&
               entry["wrangler_version"].is_string()) {
      output.wrangler_version = entry["wrangler_version"].get<std::string>();
    }
  }
  return output;
}

WranglerOutput read_wrangler_output(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {};
  }
  std::string contents(max_bytes, '\0');
  in.read(contents.data(), static_cast<std::streamsize>(max_bytes));
  contents.resize(static_cast<size_t>(in.gcount()));
  return parse_wrangler_output(contents);
}

}  // namespace cfdeploy
