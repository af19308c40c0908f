// spawn_loop N CMD [ARGS...]: starts CMD N times, one after another, with its output
// discarded, and prints the wall time of all N in seconds. bench/run times start-up
// with it: a shell loop would add a fork of the shell to every start, which is more
// than a start of cfdeploy costs.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

extern char** environ;

namespace {

bool run_once(char** argv, const posix_spawn_file_actions_t& actions) {
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv, environ) != 0) {
    std::perror(argv[0]);
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::perror("waitpid");
      return false;
    }
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: spawn_loop N CMD [ARGS...]\n");
    return 2;
  }
  long count = std::strtol(argv[1], nullptr, 10);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    if (!run_once(argv + 2, actions)) {
      std::fprintf(stderr, "spawn_loop: %s failed\n", argv[2]);
      return 1;
    }
  }
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("%.6f\n", elapsed.count());
  return 0;
}
