// SIGINT and SIGTERM taken through the self-pipe instead of ending the process: by a trap,
// by an interruptible sleep, kept by a SignalHold for the next trap, and turned into a
// cancellation by CancelOnSignal; the old dispositions come back afterwards.
#include "signal_trap.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "cancellation.h"
#include "process.h"
#include "support/elapsed.h"
#include "support/signals.h"

namespace cfdeploy {
namespace {

using std::chrono::milliseconds;
using testing::Clock;
using testing::elapsed_since;
using testing::k_well_before;
using namespace std::chrono_literals;

using testing::raise_when_trapped;

TEST(SignalTrap, TakesACaughtSignalOnceAndPutsTheOldDispositionBack) {
  {
    SignalTrap trap;
    ASSERT_TRUE(trap.install(false).ok());
    EXPECT_EQ(trap.take_signal(), 0) << "nothing caught yet";
    raise(SIGINT);  // without the trap this would end the test run
    EXPECT_EQ(trap.take_signal(), SIGINT);
    EXPECT_EQ(trap.take_signal(), 0) << "taken once, not again";
  }
  struct sigaction current {};
  sigaction(SIGINT, nullptr, &current);
  EXPECT_EQ(current.sa_handler, SIG_DFL);
}

TEST(SignalHold, ASignalBetweenTrapsIsHandedToTheNextSleep) {
  std::chrono::milliseconds slept{};
  {
    SignalHold hold;
    raise(SIGTERM);  // no child and no sleep: without the hold this would kill the test
    Clock::time_point start = Clock::now();
    EXPECT_EQ(interruptible_sleep(120s), SIGTERM);
    slept = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed_since(start));
    EXPECT_EQ(interruptible_sleep(1ms), 0) << "taken once, not again";
  }
  EXPECT_LT(slept, k_well_before);
  struct sigaction current {};
  sigaction(SIGTERM, nullptr, &current);
  EXPECT_EQ(current.sa_handler, SIG_DFL) << "the hold puts the old disposition back";
}

TEST(ProcessSignals, InterruptibleSleepReturnsTheSignal) {
  std::thread raiser = raise_when_trapped(SIGINT, 50ms);
  Clock::time_point start = Clock::now();
  int received = interruptible_sleep(120s);
  raiser.join();
  EXPECT_EQ(received, SIGINT);
  EXPECT_LT(elapsed_since(start), k_well_before);
}

TEST(ProcessSignals, InterruptibleSleepReturnsZeroAfterFullDuration) {
  Clock::time_point start = Clock::now();
  EXPECT_EQ(interruptible_sleep(150ms), 0);
  EXPECT_GE(elapsed_since(start), 150ms);
}

// The signal that cancelled `cancellation`, waiting up to 20 s for the watcher thread; 0 if none.
int signal_that_cancelled(const Cancellation& cancellation) {
  Clock::time_point give_up = Clock::now() + 20s;
  while (cancellation.signal() == 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(5ms);
  }
  return cancellation.signal();
}

TEST(CancelOnSignal, SigtermCancelsInsteadOfKilling) {
  Cancellation cancellation;
  {
    CancelOnSignal cancel_on_signal(cancellation);
    raise(SIGTERM);  // without the watcher this would kill the test
    EXPECT_EQ(signal_that_cancelled(cancellation), SIGTERM);
  }
  struct sigaction current {};
  sigaction(SIGTERM, nullptr, &current);
  EXPECT_EQ(current.sa_handler, SIG_DFL) << "the old disposition is back";
}

TEST(CancelOnSignal, ASignalTheHoldKeptCancelsAtOnce) {
  SignalHold hold;
  raise(SIGINT);  // before anything watches: the hold keeps it
  Cancellation cancellation;
  CancelOnSignal cancel_on_signal(cancellation);
  EXPECT_EQ(signal_that_cancelled(cancellation), SIGINT);
}

}  // namespace
}  // namespace cfdeploy
