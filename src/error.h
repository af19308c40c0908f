// Errors as values: an Error says what was being done and why it failed, and
// Result<T> carries either a value or an Error (Result<void>: nothing, or an Error).
// A Result must be looked at: dropping one is a compile error, so a caller that
// means to ignore a failure says so (static_cast<void>) with the reason why. Only
// the CLI layer turns an Error into an exit code.
#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cfdeploy {

enum class ExitCode : int {
  success = 0,
  failure = 1,
  usage = 2,
};

struct Error {
  std::string context;  // what we were doing, naming the subject ("reading log 'x.log'")
  std::string cause;    // why it failed ("No such file or directory")

  std::string message() const { return cause.empty() ? context : context + ": " + cause; }
};

// The text for an errno value. std::strerror may share one buffer between threads, and
// preflight's checks run on threads.
inline std::string system_error_text(int error_number) {
  char buffer[256];
  return strerror_r(error_number, buffer, sizeof buffer);  // the GNU form returns the text
}

template <typename T>
class [[nodiscard]] Result {
public:
  Result(T value) : m_state(std::move(value)) {}
  Result(Error error) : m_state(std::move(error)) {}

  bool ok() const { return std::holds_alternative<T>(m_state); }
  explicit operator bool() const { return ok(); }

  T& value() { return std::get<T>(m_state); }
  const T& value() const { return std::get<T>(m_state); }
  const Error& error() const { return std::get<Error>(m_state); }

private:
  std::variant<T, Error> m_state;
};

/// The outcome of work that gives back nothing but may fail: `return {};` on success.
template <>
class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)) {}

  bool ok() const { return !m_error.has_value(); }
  explicit operator bool() const { return ok(); }

  const Error& error() const { return *m_error; }

private:
  std::optional<Error> m_error;
};

}  // namespace cfdeploy
