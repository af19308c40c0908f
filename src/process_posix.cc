// The POSIX process runner: posix_spawnp with pipes, one poll loop that
// streams both pipes to the sink, enforces the deadline and forwards
// SIGINT/SIGTERM (caught through a self-pipe) to the child's process group.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <thread>
#include <utility>

#include "process.h"

namespace cfdeploy {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t k_chunk_size = 1 << 20;
// A roomier pipe than the default 64 KiB lets a chatty child run ahead while
// we write, and halves the wake-ups; the kernel may refuse, which is fine.
constexpr int k_output_pipe_size = 1 << 20;
constexpr milliseconds k_poll_interval{100};
// After the pipes closed we only wait for the child to exit; poll faster.
constexpr milliseconds k_reap_interval{5};
// How long a grandchild may keep the pipes open after the child exited.
constexpr milliseconds k_orphan_drain{1000};

// Write end of the active self-pipe, and the last signal no trap has taken yet: the
// signal handler's only state.
std::atomic<int> g_signal_fd{-1};
std::atomic<int> g_pending_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");

Error libc_error(const char* call, int error_number = errno) {
  return Error{call, system_error_text(error_number)};
}

pid_t wait_for(pid_t pid, int* status, int flags) {
  pid_t got = 0;
  do {
    got = waitpid(pid, status, flags);
  } while (got < 0 && errno == EINTR);
  return got;
}

Error with_subject(const std::string& subject, const Error& error) {
  return Error{subject + ": " + error.context, error.cause};
}

class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(m_fd, other.m_fd);
    return *this;
  }
  ~Fd() { reset(); }

  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) {
      close(m_fd);
      m_fd = -1;
    }
  }

private:
  int m_fd = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Result<Pipe> make_pipe(int flags) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | flags) != 0) {
    return libc_error("pipe2");
  }
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

void on_signal(int signo) {
  int saved_errno = errno;  // the interrupted code may be inspecting errno
  g_pending_signal.store(signo);
  auto byte = static_cast<unsigned char>(signo);
  ssize_t written = write(g_signal_fd.load(), &byte, 1);
  static_cast<void>(written);  // a full pipe already holds a pending signal
  errno = saved_errno;
}

// Routes SIGINT/SIGTERM to a self-pipe (and optionally ignores SIGPIPE)
// until destroyed, when the previous dispositions come back.
class SignalTrap {
public:
  SignalTrap() = default;
  SignalTrap(const SignalTrap&) = delete;
  SignalTrap& operator=(const SignalTrap&) = delete;
  ~SignalTrap() {
    // In reverse order; clang 14 cannot compile libstdc++ 12's reverse_view.
    // NOLINTNEXTLINE(modernize-loop-convert)
    for (auto it = m_saved.rbegin(); it != m_saved.rend(); ++it) {
      sigaction(it->first, &it->second, nullptr);
    }
    if (m_installed) {
      g_signal_fd.store(m_previous_fd);
    }
  }

  std::optional<Error> install(bool ignore_sigpipe) {
    Result<Pipe> created = make_pipe(O_NONBLOCK);  // the handler must never block
    if (!created) {
      return created.error();
    }
    m_pipe = std::move(created.value());
    m_previous_fd = g_signal_fd.exchange(m_pipe.write.get());
    m_installed = true;
    for (int signo : {SIGINT, SIGTERM}) {
      if (auto error = set_handler(signo, on_signal)) {
        return error;
      }
    }
    // One that arrived under a SignalHold, while no trap was there to take it.
    if (int pending = g_pending_signal.load()) {
      auto byte = static_cast<unsigned char>(pending);
      static_cast<void>(write(m_pipe.write.get(), &byte, 1));
    }
    return ignore_sigpipe ? set_handler(SIGPIPE, SIG_IGN) : std::nullopt;
  }

  int read_fd() const { return m_pipe.read.get(); }

  /// The next caught signal number, or 0 if none is pending.
  int take_signal() const {
    unsigned char byte = 0;  // stays 0 when the pipe is empty (EAGAIN)
    while (read(m_pipe.read.get(), &byte, 1) < 0 && errno == EINTR) {
    }
    if (byte != 0) {
      g_pending_signal.store(0);
    }
    return byte;
  }

private:
  std::optional<Error> set_handler(int signo, void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    struct sigaction previous {};
    if (sigaction(signo, &action, &previous) != 0) {
      return libc_error("sigaction");
    }
    m_saved.emplace_back(signo, previous);
    return std::nullopt;
  }

  Pipe m_pipe;
  bool m_installed = false;
  int m_previous_fd = -1;
  std::vector<std::pair<int, struct sigaction>> m_saved;
};

std::string_view variable_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

// Our environment plus `extra`, whose entries replace variables of the same name.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    env.emplace_back(*entry);
  }
  for (const std::string& added : extra) {
    std::erase_if(env, [&](const std::string& existing) {
      return variable_name(existing) == variable_name(added);
    });
    env.push_back(added);
  }
  return env;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size());
  for (const std::string& s : strings) {
    pointers.push_back(const_cast<char*>(s.c_str()));  // posix_spawn does not write
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Names the first failed call among calls already made, in order.
std::optional<Error> first_failure(std::initializer_list<std::pair<int, const char*>> calls) {
  for (auto [rc, call] : calls) {
    if (rc != 0) {
      return libc_error(call, rc);
    }
  }
  return std::nullopt;
}

// Owns the attribute and file-action objects posix_spawnp reads.
class SpawnConfig {
public:
  SpawnConfig()
      : m_attr_rc(posix_spawnattr_init(&m_attr)),
        m_actions_rc(posix_spawn_file_actions_init(&m_actions)) {}
  SpawnConfig(const SpawnConfig&) = delete;
  SpawnConfig& operator=(const SpawnConfig&) = delete;
  ~SpawnConfig() {
    if (m_actions_rc == 0) {
      posix_spawn_file_actions_destroy(&m_actions);
    }
    if (m_attr_rc == 0) {
      posix_spawnattr_destroy(&m_attr);
    }
  }

  std::optional<Error> prepare(const SpawnRequest& request, int out_fd, int err_fd) {
    if (auto error = first_failure({{m_attr_rc, "posix_spawnattr_init"},
                                    {m_actions_rc, "posix_spawn_file_actions_init"}})) {
      return error;
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigset_t defaults = empty;
    for (int signo : {SIGPIPE, SIGINT, SIGTERM}) {
      sigaddset(&defaults, signo);
    }
    // Own process group, so one kill() reaches everything the child starts.
    auto flags =
        static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const char* dir = request.working_directory.c_str();
    return first_failure({
        {posix_spawnattr_setflags(&m_attr, flags), "posix_spawnattr_setflags"},
        {posix_spawnattr_setpgroup(&m_attr, 0), "posix_spawnattr_setpgroup"},
        {posix_spawnattr_setsigmask(&m_attr, &empty), "posix_spawnattr_setsigmask"},
        {posix_spawnattr_setsigdefault(&m_attr, &defaults), "posix_spawnattr_setsigdefault"},
        {posix_spawn_file_actions_addopen(&m_actions, 0, "/dev/null", O_RDONLY, 0),
         "posix_spawn_file_actions_addopen"},
        {posix_spawn_file_actions_adddup2(&m_actions, out_fd, 1),
         "posix_spawn_file_actions_adddup2"},
        {posix_spawn_file_actions_adddup2(&m_actions, err_fd, 2),
         "posix_spawn_file_actions_adddup2"},
        {*dir == '\0' ? 0 : posix_spawn_file_actions_addchdir_np(&m_actions, dir),
         "posix_spawn_file_actions_addchdir_np"},
    });
  }

  const posix_spawnattr_t* attr() const { return &m_attr; }
  const posix_spawn_file_actions_t* actions() const { return &m_actions; }

private:
  posix_spawnattr_t m_attr;
  posix_spawn_file_actions_t m_actions;
  int m_attr_rc;
  int m_actions_rc;
};

Result<pid_t> spawn(const SpawnRequest& request, const std::string& subject, int out_fd,
                    int err_fd) {
  SpawnConfig config;
  if (auto error = config.prepare(request, out_fd, err_fd)) {
    return with_subject(subject, *error);
  }
  std::vector<std::string> env = child_environment(request.extra_env);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, request.argv[0].c_str(), config.actions(), config.attr(),
                        c_strings(request.argv).data(), c_strings(env).data());
  if (rc != 0) {
    // glibc reports a missing program or a failed chdir here, with its errno.
    return Error{subject, system_error_text(rc)};
  }
  return pid;
}

// Supervises one spawned child until it has been reaped. If supervision
// fails half-way, the destructor kills and reaps the child.
class Supervisor {
public:
  // `started` is taken before the spawn, so the duration and the deadline cover the whole
  // life of the child.
  Supervisor(const SpawnRequest& request, OutputSink& sink, SignalTrap& trap, pid_t pid,
             std::array<Fd, 2> pipes, Clock::time_point started)
      : m_request(request),
        m_sink(sink),
        m_trap(trap),
        m_pid(pid),
        m_pipes(std::move(pipes)),
        m_start(started) {
    if (request.timeout) {
      m_deadline = m_start + *request.timeout;
    }
  }
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;
  ~Supervisor() {
    if (!m_reaped) {
      kill(-m_pid, SIGKILL);
      int status = 0;
      wait_for(m_pid, &status, 0);
    }
  }

  Result<ChildExit> run() {
    while (!m_reaped || pipes_open()) {
      Clock::time_point now = Clock::now();
      check_timers(now);
      std::array<pollfd, 3> fds = {{{m_pipes[0].get(), POLLIN, 0},
                                    {m_pipes[1].get(), POLLIN, 0},
                                    {m_trap.read_fd(), POLLIN, 0}}};
      if (poll(fds.data(), fds.size(), poll_timeout_ms(now)) < 0 && errno != EINTR) {
        return libc_error("poll");
      }
      for (size_t i = 0; i < m_pipes.size(); ++i) {
        if (fds[i].revents != 0) {
          if (auto error = read_chunk(i)) {
            return *error;
          }
        }
      }
      if (fds[2].revents != 0) {
        handle_signals();
      }
      if (auto error = try_reap()) {
        return *error;
      }
    }
    handle_signals();  // one that came in just before the end still cancels the job
    return m_exit;
  }

private:
  bool pipes_open() const { return m_pipes[0].get() >= 0 || m_pipes[1].get() >= 0; }

  int poll_timeout_ms(Clock::time_point now) const {
    Clock::time_point next = now + (pipes_open() ? k_poll_interval : k_reap_interval);
    for (const auto& event : {m_deadline, m_kill_at, m_stop_reading_at}) {
      if (event && *event < next) {
        next = *event;
      }
    }
    return static_cast<int>(
        std::max<int64_t>(0, std::chrono::ceil<milliseconds>(next - now).count()));
  }

  void check_timers(Clock::time_point now) {
    if (m_deadline && now >= *m_deadline) {
      m_deadline.reset();
      m_exit.timed_out = true;
      signal_group(SIGTERM);
    }
    if (m_kill_at && now >= *m_kill_at) {
      m_kill_at.reset();
      signal_group(SIGKILL);
    }
    if (m_stop_reading_at && now >= *m_stop_reading_at) {
      // A daemonised grandchild holds the pipes; stop waiting for it.
      m_pipes[0].reset();
      m_pipes[1].reset();
    }
  }

  // Once the child is reaped its pid may be reused, so we stop signalling.
  void signal_group(int signo) {
    if (m_reaped) {
      return;
    }
    kill(-m_pid, signo);  // ESRCH only means the group is already gone
    if (signo != SIGKILL && !m_kill_at) {
      m_kill_at = Clock::now() + m_request.kill_grace;
    }
  }

  void handle_signals() {
    while (int signo = m_trap.take_signal()) {
      if (m_exit.forwarded_signal == 0) {
        m_exit.forwarded_signal = signo;
      }
      signal_group(signo);
    }
  }

  std::optional<Error> read_chunk(size_t index) {
    ssize_t got = read(m_pipes[index].get(), m_buffer.data(), m_buffer.size());
    if (got < 0) {
      return errno == EINTR || errno == EAGAIN ? std::nullopt
                                               : std::optional<Error>(libc_error("read"));
    }
    if (got == 0) {
      m_pipes[index].reset();
      return std::nullopt;
    }
    Stream stream = index == 0 ? Stream::out : Stream::err;
    m_sink.on_output(stream, std::string_view(m_buffer.data(), static_cast<size_t>(got)));
    return std::nullopt;
  }

  std::optional<Error> try_reap() {
    if (m_reaped) {
      return std::nullopt;
    }
    int status = 0;
    pid_t got = wait_for(m_pid, &status, WNOHANG);
    if (got <= 0) {
      return got == 0 ? std::nullopt : std::optional<Error>(libc_error("waitpid"));
    }
    Clock::time_point now = Clock::now();
    m_reaped = true;
    m_exit.signalled = WIFSIGNALED(status);
    m_exit.signal = m_exit.signalled ? WTERMSIG(status) : 0;
    m_exit.exit_code = m_exit.signalled ? 0 : WEXITSTATUS(status);
    m_exit.duration = std::chrono::duration_cast<milliseconds>(now - m_start);
    m_deadline.reset();
    m_kill_at.reset();
    m_stop_reading_at = now + k_orphan_drain;
    return std::nullopt;
  }

  const SpawnRequest& m_request;
  OutputSink& m_sink;
  SignalTrap& m_trap;
  pid_t m_pid;
  std::array<Fd, 2> m_pipes;  // indexed by Stream; -1 once at EOF
  Clock::time_point m_start;
  std::optional<Clock::time_point> m_deadline;         // when to stop the child for the timeout
  std::optional<Clock::time_point> m_kill_at;          // when to escalate to SIGKILL
  std::optional<Clock::time_point> m_stop_reading_at;  // set once the child has exited
  bool m_reaped = false;
  ChildExit m_exit;
  std::vector<char> m_buffer = std::vector<char>(k_chunk_size);
};

// Waits until `fd` takes at least PIPE_BUF bytes without blocking; false once `deadline`
// passed first. An error or a closed reader counts as writable: the write then says which.
bool wait_writable(int fd, std::optional<Clock::time_point> deadline) {
  while (true) {
    int timeout_ms = -1;
    if (deadline) {
      int64_t left = std::chrono::ceil<milliseconds>(*deadline - Clock::now()).count();
      timeout_ms = static_cast<int>(std::clamp<int64_t>(left, 0, INT_MAX));
    }
    pollfd ready{fd, POLLOUT, 0};
    int rc = poll(&ready, 1, timeout_ms);
    if (rc > 0) {
      return true;
    }
    if (rc == 0) {
      return false;
    }
    if (errno != EINTR) {
      return true;
    }
  }
}

WriteStatus write_fully(int fd, std::string_view bytes, std::optional<Clock::time_point> deadline) {
  while (!bytes.empty()) {
    // A pipe that polls writable takes PIPE_BUF bytes at once; a larger write could block.
    if (deadline && !wait_writable(fd, deadline)) {
      return WriteStatus::past_deadline;
    }
    size_t chunk = deadline ? std::min<size_t>(bytes.size(), PIPE_BUF) : bytes.size();
    ssize_t written = write(fd, bytes.data(), chunk);
    if (written < 0 && errno == EAGAIN) {
      // A non-blocking descriptor someone else set up: wait as a blocking write would.
      if (!wait_writable(fd, deadline)) {
        return WriteStatus::past_deadline;
      }
      continue;
    }
    if (written < 0 && errno != EINTR) {
      return WriteStatus::failed;
    }
    bytes.remove_prefix(written < 0 ? 0 : static_cast<size_t>(written));
  }
  return WriteStatus::written;
}

}  // namespace

// An outer trap whose pipe nobody reads: what matters is g_pending_signal, which the next
// inner trap replays.
struct SignalHold::Trap {
  SignalTrap trap;
};

SignalHold::SignalHold() : m_trap(std::make_unique<Trap>()) {
  g_pending_signal.store(0);
  static_cast<void>(m_trap->trap.install(false));  // if it fails, signals kill us as before
}

SignalHold::~SignalHold() = default;

// The trap, and a pipe that tells the watcher thread to stop.
struct CancelOnSignal::Watcher {
  SignalTrap trap;
  Pipe stop;
  std::thread thread;

  void watch(Cancellation& cancellation) const {
    while (true) {
      std::array<pollfd, 2> fds = {pollfd{trap.read_fd(), POLLIN, 0},
                                   pollfd{stop.read.get(), POLLIN, 0}};
      if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
        return;
      }
      if (fds[1].revents != 0) {
        return;
      }
      if (int signo = trap.take_signal()) {
        cancellation.cancel(signo);
      }
    }
  }
};

CancelOnSignal::CancelOnSignal(Cancellation& cancellation)
    : m_watcher(std::make_unique<Watcher>()) {
  Result<Pipe> stop = make_pipe(O_NONBLOCK);
  if (!stop || m_watcher->trap.install(false)) {
    return;  // signals do what they did before: kept by a SignalHold, else fatal
  }
  m_watcher->stop = std::move(stop.value());
  m_watcher->thread =
      std::thread([watcher = m_watcher.get(), &cancellation] { watcher->watch(cancellation); });
}

CancelOnSignal::~CancelOnSignal() {
  if (m_watcher->thread.joinable()) {
    static_cast<void>(write_fully(m_watcher->stop.write.get(), "x", std::nullopt));
    m_watcher->thread.join();
  }
}

Result<ChildExit> PosixProcessRunner::run(const SpawnRequest& request, OutputSink& sink) {
  if (request.argv.empty()) {
    return Error{"starting a child process", "no program given"};
  }
  std::string subject = "starting '" + request.argv[0] + "'";
  if (!request.working_directory.empty()) {
    subject += " in '" + request.working_directory + "'";
  }
  SignalTrap trap;  // before spawning, so no signal slips between spawn and loop
  if (auto error = trap.install(true)) {
    return with_subject(subject, *error);
  }
  Result<Pipe> out = make_pipe(0);
  if (!out) {
    return with_subject(subject, out.error());
  }
  Result<Pipe> err = make_pipe(0);
  if (!err) {
    return with_subject(subject, err.error());
  }
  Clock::time_point started = Clock::now();
  Result<pid_t> pid = spawn(request, subject, out.value().write.get(), err.value().write.get());
  if (!pid) {
    return pid.error();
  }
  out.value().write.reset();  // so EOF arrives when the child's side closes
  err.value().write.reset();
  std::array<Fd, 2> pipes = {std::move(out.value().read), std::move(err.value().read)};
  for (const Fd& pipe : pipes) {
    fcntl(pipe.get(), F_SETPIPE_SZ, k_output_pipe_size);
  }
  Supervisor supervisor(request, sink, trap, pid.value(), std::move(pipes), started);
  Result<ChildExit> result = supervisor.run();
  return result ? result : with_subject("running '" + request.argv[0] + "'", result.error());
}

int interruptible_sleep(std::chrono::milliseconds duration) {
  SignalTrap trap;
  if (trap.install(false)) {
    std::this_thread::sleep_for(duration);  // cannot catch signals; still wait
    return 0;
  }
  Clock::time_point deadline = Clock::now() + duration;
  while (true) {
    if (int signo = trap.take_signal()) {
      return signo;
    }
    int64_t left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return 0;
    }
    pollfd fd{trap.read_fd(), POLLIN, 0};
    poll(&fd, 1, static_cast<int>(std::min<int64_t>(left, INT_MAX)));  // EINTR: loop again
  }
}

WriteStatus write_until(int fd, std::string_view bytes, std::optional<Clock::time_point> deadline) {
  // Block SIGPIPE in this thread, so a reader that went away gives EPIPE
  // rather than killing us, then discard the SIGPIPE the write raised.
  sigset_t sigpipe_only;
  sigemptyset(&sigpipe_only);
  sigaddset(&sigpipe_only, SIGPIPE);
  sigset_t previous;
  sigset_t pending;
  pthread_sigmask(SIG_BLOCK, &sigpipe_only, &previous);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  WriteStatus status = write_fully(fd, bytes, deadline);
  if (status == WriteStatus::failed && errno == EPIPE && !was_pending) {
    timespec no_wait{};
    while (sigtimedwait(&sigpipe_only, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
    errno = EPIPE;  // for the caller's message
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return status;
}

bool write_all(int fd, std::string_view bytes) {
  return write_until(fd, bytes, std::nullopt) == WriteStatus::written;
}

}  // namespace cfdeploy
