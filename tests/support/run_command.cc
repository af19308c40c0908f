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

[[noreturn]] void exec_child(const std::vector<std::string>& args, const std::string& in,
                             const std::string& out, const std::string& err,
                             const std::vector<std::string>& extra_env) {
  dup2(open(in.c_str(), O_RDONLY), STDIN_FILENO);
  dup2(open(out.c_str(), O_WRONLY), STDOUT_FILENO);
  dup2(open(err.c_str(), O_WRONLY), STDERR_FILENO);
  for (const std::string& assignment : extra_env) {
    putenv(const_cast<char*>(assignment.c_str()));
  }
  std::vector<char*> argv;
  std::string binary = CFDEPLOY_BINARY;
  argv.push_back(binary.data());
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

}  // namespace

CommandResult run_cfdeploy(const std::vector<std::string>& args, const std::string& stdin_text,
                           const std::vector<std::string>& extra_env) {
  std::string in = temp_file(stdin_text);
  std::string out = temp_file("");
  std::string err = temp_file("");
  pid_t pid = fork();
  if (pid == 0) {
    exec_child(args, in, out, err, extra_env);
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

}  // namespace cfdeploy::testing
