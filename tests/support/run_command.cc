#include "support/run_command.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cfdeploy::testing {
namespace {

std::string temp_file(const std::string& contents) {
  char path[] = "/tmp/cfdeploy-test-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  if (!contents.empty()) {
    EXPECT_EQ(write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
  }
  close(fd);
  return path;
}

std::string slurp_and_remove(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  unlink(path.c_str());
  return contents.str();
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (const std::string& s : strings) {
    result.push_back(const_cast<char*>(s.c_str()));
  }
  result.push_back(nullptr);
  return result;
}

[[noreturn]] void exec_child(const ProcessSpec& spec, const std::string& in, const std::string& out,
                             const std::string& err) {
  dup2(open(in.c_str(), O_RDONLY), STDIN_FILENO);
  dup2(open(out.c_str(), O_WRONLY), STDOUT_FILENO);
  dup2(open(err.c_str(), O_WRONLY), STDERR_FILENO);
  if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) {
    _exit(126);
  }
  std::vector<char*> argv = pointers(spec.argv);
  if (spec.env) {
    std::vector<char*> env = pointers(*spec.env);
    execve(spec.argv[0].c_str(), argv.data(), env.data());
  } else {
    for (const std::string& assignment : spec.extra_env) {
      putenv(const_cast<char*>(assignment.c_str()));
    }
    execv(spec.argv[0].c_str(), argv.data());
  }
  _exit(127);
}

}  // namespace

CommandResult run_process(const ProcessSpec& spec) {
  std::string in = temp_file(spec.stdin_text);
  std::string out = temp_file("");
  std::string err = temp_file("");
  pid_t pid = fork();
  if (pid == 0) {
    exec_child(spec, in, out, err);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp_and_remove(out);
  result.err = slurp_and_remove(err);
  unlink(in.c_str());
  return result;
}

CommandResult run_cfdeploy(const std::vector<std::string>& args, const std::string& stdin_text,
                           const std::vector<std::string>& extra_env) {
  ProcessSpec spec;
  spec.argv = {CFDEPLOY_BINARY};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.extra_env = extra_env;
  spec.stdin_text = stdin_text;
  return run_process(spec);
}

}  // namespace cfdeploy::testing
