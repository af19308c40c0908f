// Signals raised in the test process itself, once the code under test has trapped them, so
// the default action (ending the test run) can never happen.
#pragma once

#include <chrono>
#include <thread>

namespace cfdeploy::testing {

/// Whether a handler other than the default is installed for `signo`.
bool handler_installed(int signo);

/// Raises `signo` in this process from another thread, `delay` after our code has
/// installed its handler (waiting up to 30 s for that); never while none is installed.
std::thread raise_when_trapped(int signo, std::chrono::milliseconds delay);

}  // namespace cfdeploy::testing
