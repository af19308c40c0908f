// process.h's writes over a pipe: everything through a reader that keeps up, EPIPE without
// SIGPIPE when the reader is gone, and a reader that stopped reading cannot hold a write
// past its deadline.
#include "posix_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "process.h"
#include "support/elapsed.h"

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;
using testing::Clock;
using testing::elapsed_since;
using testing::k_well_before;
using namespace std::chrono_literals;

TEST(ProcessWriteAll, ReturnsFalseWhenReaderIsGone) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  EXPECT_FALSE(write_all(fds[1], "nobody is listening"));
  close(fds[1]);
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);
}

// A reader on a thread of its own that appends everything from `fd` to `received`
// until end of file.
std::thread read_to_end(int fd, std::string& received) {
  return std::thread([fd, &received] {
    char buffer[4096];
    ssize_t got = 0;
    while ((got = read(fd, buffer, sizeof(buffer))) > 0) {
      received.append(buffer, static_cast<size_t>(got));
    }
  });
}

TEST(ProcessWriteAll, WritesEverythingThroughAPipe) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string sent(1024 * 1024, 'x');
  std::string received;
  std::thread reader = read_to_end(fds[0], received);
  EXPECT_TRUE(write_all(fds[1], sent));
  close(fds[1]);
  reader.join();
  close(fds[0]);
  EXPECT_TRUE(received == sent);
}

TEST(ProcessWriteUntil, AReaderThatStopsReadingCannotHoldItPastTheDeadline) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string sent(4 * 1024 * 1024, 'x');  // more than the pipe holds
  Clock::time_point start = Clock::now();
  WriteStatus status = write_until(fds[1], sent, start + 300ms);
  milliseconds took = elapsed_since(start);
  close(fds[0]);
  close(fds[1]);
  EXPECT_EQ(status, WriteStatus::past_deadline);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, k_well_before);
}

TEST(ProcessWriteUntil, AReaderThatKeepsReadingGetsEveryByteEvenPastTheDeadline) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string sent(1024 * 1024, 'x');
  std::string received;
  std::thread reader = read_to_end(fds[0], received);
  EXPECT_EQ(write_until(fds[1], sent, Clock::now() + 60s), WriteStatus::written);
  close(fds[1]);
  reader.join();
  close(fds[0]);
  EXPECT_TRUE(received == sent);
}

TEST(ProcessWriteUntil, AGoneReaderIsAFailureNotATimeout) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  EXPECT_EQ(write_until(fds[1], "nobody", Clock::now() + 60s), WriteStatus::failed);
  EXPECT_EQ(errno, EPIPE);
  close(fds[1]);
}

}  // namespace
}  // namespace cfdeploy
