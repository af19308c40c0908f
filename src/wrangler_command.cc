#include "wrangler_command.h"

namespace cfdeploy {
namespace {

void append(std::vector<std::string>& to, const std::vector<std::string>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

void append_environment(std::vector<std::string>& args, const std::string& environment) {
  if (!environment.empty()) {
    args.emplace_back("--env");
    args.push_back(environment);
  }
}

// One word, `--name=value`, so that a value starting with '-' (a commit message) is not
// read as an option.
void append_option(std::vector<std::string>& args, const std::string& name,
                   const std::string& value) {
  if (!value.empty()) {
    args.push_back(name + "=" + value);
  }
}

bool on_path(const std::string& path_env, const std::string& name,
             const std::function<bool(const std::string&)>& is_executable) {
  size_t start = 0;
  while (start <= path_env.size()) {
    size_t end = path_env.find(':', start);
    std::string dir = path_env.substr(start, end == std::string::npos ? end : end - start);
    if (!dir.empty() && is_executable(dir.append("/").append(name))) {
      return true;
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

std::vector<std::string> split_command(std::string_view command) {
  std::vector<std::string> words;
  size_t start = command.find_first_not_of(" \t");
  while (start != std::string_view::npos) {
    size_t end = command.find_first_of(" \t", start);
    words.emplace_back(command.substr(start, end == std::string_view::npos ? end : end - start));
    start = command.find_first_not_of(" \t", end);
  }
  return words;
}

std::vector<std::string> locate_wrangler(
    const WranglerSearch& search, const std::function<bool(const std::string&)>& is_executable) {
  if (!split_command(search.user_command).empty()) {
    return split_command(search.user_command);
  }
  std::string project = search.project_dir.empty() ? "." : search.project_dir;
  std::string local = project + "/node_modules/.bin/wrangler";
  if (is_executable(local)) {
    return {local};
  }
  if (on_path(search.path_env, "wrangler", is_executable)) {
    return {"wrangler"};
  }
  return {"npx", "--yes", "wrangler@" + std::string(k_pinned_wrangler_version)};
}

std::vector<std::string> deploy_args(const std::string& environment,
                                     const std::vector<std::string>& extra, bool upload_only) {
  std::vector<std::string> args = upload_only ? std::vector<std::string>{"versions", "upload"}
                                              : std::vector<std::string>{"deploy"};
  append_environment(args, environment);
  append(args, extra);
  return args;
}

std::vector<std::string> migrate_args(const std::string& database, const MigrateTarget& target,
                                      const std::string& environment,
                                      const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"d1", "migrations", "apply", database};
  args.emplace_back(target.local ? "--local" : "--remote");
  if (target.local && !target.persist_to.empty()) {
    args.emplace_back("--persist-to");
    args.push_back(target.persist_to);
  }
  append_environment(args, environment);
  append(args, extra);
  return args;
}

std::vector<std::string> pages_deploy_args(const PagesTarget& target,
                                           const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"pages", "deploy", target.directory};
  append_option(args, "--project-name", target.project_name);
  append_option(args, "--branch", target.branch);
  append_option(args, "--commit-hash", target.commit_hash);
  append_option(args, "--commit-message", target.commit_message);
  append(args, extra);
  return args;
}

std::vector<std::string> migrations_list_args(const std::string& database, bool local,
                                              const std::string& environment) {
  std::vector<std::string> args = {"d1", "migrations", "list", database,
                                   local ? "--local" : "--remote"};
  append_environment(args, environment);
  return args;
}

std::vector<std::string> restore_args(const std::string& database, const RestoreTarget& target,
                                      const std::string& environment,
                                      const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"d1", "time-travel", "restore", database};
  // One word each, so a value that starts with '-' is not read as an option.
  args.push_back(target.bookmark.empty() ? "--timestamp=" + target.timestamp
                                         : "--bookmark=" + target.bookmark);
  append_environment(args, environment);
  append(args, extra);
  return args;
}

}  // namespace cfdeploy
