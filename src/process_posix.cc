// The POSIX process runner: posix_spawnp with pipes, one poll loop that
// streams both pipes to the sink, enforces the deadline and forwards
// SIGINT/SIGTERM (caught through a self-pipe, signal_trap.h) to the child's
// process group.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <utility>

#include "posix_io.h"
#include "process.h"
#include "secrets.h"
#include "signal_trap.h"

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

std::string_view variable_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

// Our environment plus `extra`, whose entries replace variables of the same name. The
// GitHub token is cfdeploy's own, for recording deployments: no child needs it.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (variable_name(*entry) != k_github_token_variable) {
      env.emplace_back(*entry);
    }
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
Result<void> first_failure(std::initializer_list<std::pair<int, const char*>> calls) {
  for (auto [rc, call] : calls) {
    if (rc != 0) {
      return libc_error(call, rc);
    }
  }
  return {};
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

  Result<void> prepare(const SpawnRequest& request, int out_fd, int err_fd) {
    if (Result<void> initialised = first_failure(
            {{m_attr_rc, "posix_spawnattr_init"}, {m_actions_rc, "posix_spawn_file_actions_init"}});
        !initialised) {
      return initialised;
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
  if (Result<void> prepared = config.prepare(request, out_fd, err_fd); !prepared) {
    return with_subject(subject, prepared.error());
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
          if (Result<void> read = read_chunk(i); !read) {
            return read.error();
          }
        }
      }
      if (fds[2].revents != 0) {
        handle_signals();
      }
      if (Result<void> reaped = try_reap(); !reaped) {
        return reaped.error();
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

  Result<void> read_chunk(size_t index) {
    ssize_t got = read(m_pipes[index].get(), m_buffer.data(), m_buffer.size());
    if (got < 0) {
      return errno == EINTR || errno == EAGAIN ? Result<void>() : libc_error("read");
    }
    if (got == 0) {
      m_pipes[index].reset();
      return {};
    }
    Stream stream = index == 0 ? Stream::out : Stream::err;
    m_sink.on_output(stream, std::string_view(m_buffer.data(), static_cast<size_t>(got)));
    return {};
  }

  Result<void> try_reap() {
    if (m_reaped) {
      return {};
    }
    int status = 0;
    pid_t got = wait_for(m_pid, &status, WNOHANG);
    if (got <= 0) {
      return got == 0 ? Result<void>() : libc_error("waitpid");
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
    return {};
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

}  // namespace

Result<ChildExit> PosixProcessRunner::run(const SpawnRequest& request, OutputSink& sink) {
  if (request.argv.empty()) {
    return Error{"starting a child process", "no program given"};
  }
  std::string subject = "starting '" + request.argv[0] + "'";
  if (!request.working_directory.empty()) {
    subject += " in '" + request.working_directory + "'";
  }
  SignalTrap trap;  // before spawning, so no signal slips between spawn and loop
  if (Result<void> installed = trap.install(true); !installed) {
    return with_subject(subject, installed.error());
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

}  // namespace cfdeploy
