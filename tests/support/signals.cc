#include "support/signals.h"

#include <csignal>

namespace cfdeploy::testing {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

bool handler_installed(int signo) {
  struct sigaction current {};
  sigaction(signo, nullptr, &current);
  return current.sa_handler != SIG_DFL;
}

std::thread raise_when_trapped(int signo, std::chrono::milliseconds delay) {
  return std::thread([signo, delay] {
    Clock::time_point give_up = Clock::now() + 30s;
    while (!handler_installed(signo) && Clock::now() < give_up) {
      std::this_thread::sleep_for(1ms);
    }
    std::this_thread::sleep_for(delay);
    if (handler_installed(signo)) {
      raise(signo);
    }
  });
}

}  // namespace cfdeploy::testing
