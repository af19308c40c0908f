// Cancellation: the first signal wins, and every registered wake-up runs once, unless it
// was forgotten first.
#include "cancellation.h"

#include <gtest/gtest.h>

#include <csignal>

namespace cfdeploy {
namespace {

TEST(Cancellation, RunsOnUntilCancelled) {
  Cancellation cancellation;
  EXPECT_EQ(cancellation.signal(), 0);
  cancellation.cancel(SIGTERM);
  EXPECT_EQ(cancellation.signal(), SIGTERM);
}

TEST(Cancellation, TheFirstSignalWinsAndWakesEachOnce) {
  Cancellation cancellation;
  int first = 0;
  int second = 0;
  cancellation.on_cancel([&] { ++first; });
  cancellation.on_cancel([&] { ++second; });
  cancellation.cancel(SIGINT);
  cancellation.cancel(SIGTERM);
  EXPECT_EQ(cancellation.signal(), SIGINT);
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

TEST(Cancellation, AWakeRegisteredAfterTheCancelRunsAtOnce) {
  Cancellation cancellation;
  cancellation.cancel(SIGTERM);
  bool woken = false;
  cancellation.on_cancel([&] { woken = true; });
  EXPECT_TRUE(woken);
}

TEST(Cancellation, AForgottenWakeDoesNotRun) {
  Cancellation cancellation;
  bool woken = false;
  int id = cancellation.on_cancel([&] { woken = true; });
  cancellation.forget(id);
  cancellation.cancel(SIGTERM);
  EXPECT_FALSE(woken);
}

}  // namespace
}  // namespace cfdeploy
