// fake_cloudflare: serves a FakeCloudflare scenario on 127.0.0.1 until SIGTERM or SIGINT.
// Usage: fake_cloudflare --rules FILE [--port N] [--log FILE] [--cert FILE --key FILE]
//                        [--rate-limit REQUESTS/SECONDS]
// On exit it prints how many requests it saw and how many the rate limit refused.
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <string>

#include "fake_cloudflare.h"

namespace {

constexpr const char* k_usage =
    "usage: fake_cloudflare --rules FILE [--port N] [--log FILE] [--cert FILE --key FILE]\n"
    "                       [--rate-limit REQUESTS/SECONDS]\n";

struct Args {
  std::string rules_path;
  cfdeploy::testing::FakeOptions options;
  cfdeploy::testing::RateLimit rate_limit;
};

Args parse_args(int argc, char** argv) {
  std::map<std::string, std::string> values;
  for (int i = 1; i < argc; i += 2) {
    std::string flag = argv[i];
    if (i + 1 >= argc || flag.rfind("--", 0) != 0) {
      throw std::invalid_argument("missing value for " + flag);
    }
    values[flag] = argv[i + 1];
  }
  Args args;
  args.rules_path = values["--rules"];
  args.options.port = values.count("--port") ? std::stoi(values["--port"]) : 0;
  args.options.log_path = values["--log"];
  args.options.cert_path = values["--cert"];
  args.options.key_path = values["--key"];
  if (values.count("--rate-limit")) {
    args.rate_limit = cfdeploy::testing::parse_rate_limit(values["--rate-limit"]);
  }
  values.erase("--rules");
  for (const char* known : {"--port", "--log", "--cert", "--key", "--rate-limit"}) {
    values.erase(known);
  }
  if (args.rules_path.empty() || !values.empty()) {
    throw std::invalid_argument("unknown or missing option");
  }
  if (args.options.cert_path.empty() != args.options.key_path.empty()) {
    throw std::invalid_argument("--cert and --key go together");
  }
  return args;
}

// Blocked before the server threads start so that they inherit the mask and only
// sigwait() below sees the signal.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    args = parse_args(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "fake_cloudflare: " << error.what() << "\n" << k_usage;
    return 2;
  }
  sigset_t signals = block_stop_signals();
  try {
    cfdeploy::testing::FakeCloudflare fake(cfdeploy::testing::load_scenario_file(args.rules_path),
                                           args.options);
    fake.limit_rate(args.rate_limit);
    fake.start();
    std::cout << "listening on " << fake.port() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    fake.stop();
    cfdeploy::testing::FakeStats stats = fake.stats();
    std::cout << "requests " << stats.requests << " refused " << stats.refused << std::endl;
  } catch (const std::exception& error) {
    std::cerr << "fake_cloudflare: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
