// A child process with scripted behaviour for the process runner tests:
// `test_child <behaviour> [argument]`. Each behaviour is short and
// deterministic; unknown input exits 2 with a usage line.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <thread>

namespace {

using Behaviour = std::function<int(const std::string&)>;

void sleep_ms(long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

void sleep_seconds(const std::string& seconds) {
  sleep_ms(static_cast<long>(std::atof(seconds.c_str()) * 1000));
}

void print_flushed(std::FILE* stream, const std::string& text) {
  std::fputs(text.c_str(), stream);
  std::fflush(stream);
}

int echo_lines(const std::string& arg) {
  for (long i = 1; i <= std::atol(arg.c_str()); ++i) {
    std::printf("line %ld\n", i);
  }
  return 0;
}

int both(const std::string&) {
  for (int i = 1; i <= 3; ++i) {
    print_flushed(stdout, "out " + std::to_string(i) + "\n");
    print_flushed(stderr, "err " + std::to_string(i) + "\n");
  }
  return 0;
}

// Prints "y" lines until its output is closed, as `yes` does.
int flood(const std::string&) {
  std::string lines;
  for (int i = 0; i < 8192; ++i) {
    lines += "y\n";
  }
  while (write(STDOUT_FILENO, lines.data(), lines.size()) > 0) {
  }
  return 0;
}

int kill_self(const std::string& arg) {
  int signo = std::atoi(arg.c_str());
  signal(signo, SIG_DFL);
  raise(signo);
  return 1;  // only reached if the signal did not kill us
}

int ignore_term(const std::string& arg) {
  signal(SIGTERM, SIG_IGN);
  sleep_seconds(arg);
  return 0;
}

int sleep_only(const std::string& arg) {
  sleep_seconds(arg);
  return 0;
}

int big_line(const std::string& arg) {
  std::string line(static_cast<size_t>(std::atol(arg.c_str())), '\0');
  for (size_t i = 0; i < line.size(); ++i) {
    line[i] = static_cast<char>('a' + i % 26);
  }
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputs("\nafter", stdout);
  return 0;
}

int binary(const std::string&) {
  for (int byte = 0; byte < 256; ++byte) {
    std::fputc(byte, stdout);
  }
  // Truncated, overlong, surrogate and out-of-range UTF-8 sequences.
  const char invalid[] = "\xc3\x28\xe2\x82\xc0\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80\xff\xfe";
  std::fwrite(invalid, 1, sizeof(invalid) - 1, stdout);
  return 0;
}

int close_stdout(const std::string&) {
  close(STDOUT_FILENO);
  print_flushed(stderr, "closed\n");
  sleep_ms(200);
  return 0;
}

int print_env(const std::string& arg) {
  const char* value = std::getenv(arg.c_str());
  if (value == nullptr) {
    return 1;
  }
  std::printf("%s\n", value);
  return 0;
}

int print_cwd(const std::string&) {
  char buffer[4096];
  if (getcwd(buffer, sizeof(buffer)) == nullptr) {
    return 1;
  }
  std::printf("%s\n", buffer);
  return 0;
}

int count_stdin(const std::string&) {
  long total = 0;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = read(STDIN_FILENO, buffer, sizeof(buffer))) > 0) {
    total += got;
  }
  std::printf("%ld\n", total);
  return got < 0 ? 1 : 0;
}

int print_pgid(const std::string&) {
  std::printf("%ld %ld\n", static_cast<long>(getpid()), static_cast<long>(getpgrp()));
  return 0;
}

int delayed_line(const std::string& arg) {
  print_flushed(stdout, "first\n");
  sleep_ms(std::atol(arg.c_str()));
  print_flushed(stdout, "second\n");
  return 0;
}

// Leaves a grandchild that holds stdout open for SECONDS; prints its pid.
int orphan(const std::string& arg) {
  pid_t pid = fork();
  if (pid == 0) {
    sleep_seconds(arg);
    _exit(0);
  }
  std::printf("%ld\n", static_cast<long>(pid));
  return pid < 0 ? 1 : 0;
}

// About BYTES of wrangler-like output: progress, migrations table rows and
// coloured notes, buffered as a real program's stdout is.
int wrangler_log(const std::string& arg) {
  static const std::string k_block =
      "\xF0\x9F\x8C\x80 Executing on remote database lab-db "
      "(00000000-0000-4000-8000-000000000001):\n"
      "\xE2\x94\x82 0002_audit_7403_authentication_error.sql \xE2\x94\x82 \xE2\x9C\x85     "
      "\xE2\x94\x82\n"
      "\xF0\x9F\x9A\xA3 Executed 1 command in 0.25ms\n"
      "\x1b[2mUploaded lab-worker (0.07 sec)\x1b[0m\n";
  long long target = std::atoll(arg.c_str());
  for (long long written = 0; written < target; written += static_cast<long long>(k_block.size())) {
    std::fwrite(k_block.data(), 1, k_block.size(), stdout);
  }
  return 0;
}

// wrangler's D1 permission error box, then exits with the given status.
int print_7403(const std::string& arg) {
  print_flushed(stderr,
                "\x1b[31m\xE2\x9C\x98 \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mA "
                "request to the Cloudflare API (/accounts/a/d1/database/b/query) failed.\x1b[0m\n\n"
                "  The given account is not valid or is not authorized to access this service "
                "[code: 7403]\n\n");
  return std::atoi(arg.c_str());
}

// A line without its newline, then death by SIGKILL, as the OOM killer does it.
int partial_then_kill(const std::string& arg) {
  print_flushed(stdout, arg);
  return kill_self(std::to_string(SIGKILL));
}

// A server error a retry can fix, then exits 1.
int print_10013(const std::string&) {
  print_flushed(stdout, "Uploading lab-worker\n");
  print_flushed(stderr,
                "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API "
                "(/accounts/a/workers/scripts/w) failed.\n\n  An unknown error has occurred. "
                "[code: 10013]\n");
  return 1;
}

// A BYTES-long line, then the D1 permission error box, exit 1.
int big_line_then_7403(const std::string& arg) {
  big_line(arg);
  std::fflush(stdout);
  return print_7403("1");
}

// The D1 permission error with bytes that are not UTF-8 in it, exit 1.
int bad_utf8_error(const std::string&) {
  print_flushed(stderr,
                "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/d1/database/b) "
                "failed. \xff\xfe\xc3 The given account is not valid or is not authorized to "
                "access this service [code: 7403]\n");
  return 1;
}

// Output that tries to pass for workflow commands, as a hostile migration
// name or branch could; then the D1 permission error box, exit 1.
int inject(const std::string&) {
  print_flushed(stdout,
                "::error::injected by the child\n"
                "   ::add-mask::unmask-me\n"
                "##[error]legacy form\n"
                "::set-output name=outcome::success\n"
                "::stop-commands::other\n"
                "no newline at the end");
  print_flushed(stderr, "::warning::from stderr\n");
  return print_7403("1");
}

// The D1 permission error with ARG quoted in its line (as an API message may
// quote a request), exit 1.
int error_quoting(const std::string& arg) {
  print_flushed(stderr,
                "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/d1/database/b) "
                "failed. " +
                    arg +
                    " The given account is not valid or is not authorized to "
                    "access this service [code: 7403]\n");
  return 1;
}

const std::map<std::string, Behaviour>& behaviours() {
  static const std::map<std::string, Behaviour> table = {
      {"echo-lines", echo_lines},
      {"both", both},
      {"flood", flood},
      {"exit", [](const std::string& arg) { return std::atoi(arg.c_str()); }},
      {"signal", kill_self},
      {"ignore-term", ignore_term},
      {"sleep", sleep_only},
      {"big-line", big_line},
      {"binary", binary},
      {"close-stdout", close_stdout},
      {"env", print_env},
      {"pwd", print_cwd},
      {"stdin", count_stdin},
      {"pgid", print_pgid},
      {"delayed-line", delayed_line},
      {"orphan", orphan},
      {"print-7403", print_7403},
      {"wrangler-log", wrangler_log},
      {"inject", inject},
      {"partial-then-kill", partial_then_kill},
      {"print-10013", print_10013},
      {"big-line-then-7403", big_line_then_7403},
      {"bad-utf8-error", bad_utf8_error},
      {"error-quoting", error_quoting},
  };
  return table;
}

}  // namespace

int main(int argc, char** argv) {
  // "args A B …" prints its arguments, to show how a command line was built.
  if (argc >= 2 && std::string(argv[1]) == "args") {
    for (int i = 1; i < argc; ++i) {
      std::printf("%s%s", i > 1 ? " " : "", argv[i]);
    }
    std::printf("\n");
    return 0;
  }
  auto found = argc >= 2 ? behaviours().find(argv[1]) : behaviours().end();
  if (found == behaviours().end()) {
    std::fprintf(stderr, "usage: test_child <behaviour> [argument]\n");
    return 2;
  }
  return found->second(argc >= 3 ? argv[2] : "");
}
