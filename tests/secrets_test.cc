#include "secrets.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "support/fixtures.h"
#include "support/run_command.h"
#include "support/runner_log.h"

namespace cfdeploy {
namespace {

using testing::CommandResult;
using testing::run_cfdeploy;

const std::string k_child = CFDEPLOY_TEST_CHILD;

// Sets the credentials for one test and removes them afterwards.
class Credentials {
public:
  explicit Credentials(const char* token, const char* key = nullptr) {
    set("CLOUDFLARE_API_TOKEN", token);
    set("CLOUDFLARE_API_KEY", key);
  }
  ~Credentials() {
    unsetenv("CLOUDFLARE_API_TOKEN");
    unsetenv("CLOUDFLARE_API_KEY");
  }
  Credentials(const Credentials&) = delete;
  Credentials& operator=(const Credentials&) = delete;

private:
  static void set(const char* name, const char* value) {
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
};

std::string temp_path(const std::string& name) {
  return "/tmp/cfdeploy-secrets-" + std::to_string(getpid()) + "-" + name;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Secrets, ATokenWithATrailingNewlineGivesBothFormsRawFirst) {
  Credentials credentials("tok_abcdef123456\n");
  EXPECT_EQ(secret_values(), (std::vector<std::string>{"tok_abcdef123456\n", "tok_abcdef123456"}));
}

TEST(Secrets, BothCredentialsAreSecretsAndTheAccountIdOnlyWhenAsked) {
  Credentials credentials("token-value-1", " key-value-22 ");
  setenv("CLOUDFLARE_ACCOUNT_ID", "account-id-333", 1);
  EXPECT_EQ(secret_values(),
            (std::vector<std::string>{" key-value-22 ", "token-value-1", "key-value-22"}));
  std::vector<std::string> with_account = secret_values(true);
  unsetenv("CLOUDFLARE_ACCOUNT_ID");
  EXPECT_NE(std::find(with_account.begin(), with_account.end(), "account-id-333"),
            with_account.end());
}

TEST(Secrets, TheGithubTokenIsRedactedButIsNoCloudflareCredentialProblem) {
  Credentials credentials("token-value-1");
  setenv(k_github_token_variable, "ghs_github_token_4444", 1);
  std::string redacted = redact_secrets("Authorization: Bearer ghs_github_token_4444");
  std::vector<std::string> values = secret_values();
  setenv(k_github_token_variable, "ghs", 1);
  std::optional<std::string> short_problem = short_secret_problem();
  unsetenv(k_github_token_variable);
  EXPECT_EQ(redacted, "Authorization: Bearer ***");
  EXPECT_NE(std::find(values.begin(), values.end(), "ghs_github_token_4444"), values.end());
  EXPECT_EQ(short_problem, std::nullopt);
}

TEST(Secrets, RedactsTheTrimmedTokenWhenTheRawOneHadAPastedNewline) {
  Credentials credentials("tok_abcdef123456\r\n");
  EXPECT_EQ(redact_secrets("Bearer tok_abcdef123456 and tok_abcdef123456\r\n!"),
            "Bearer *** and ***!");
}

TEST(Secrets, LeavesTextAloneWithoutCredentials) {
  Credentials credentials(nullptr);
  EXPECT_EQ(redact_secrets("Bearer tok_abcdef123456"), "Bearer tok_abcdef123456");
}

TEST(Secrets, AShortCredentialIsNeverASecretButIsAProblemNamingIt) {
  Credentials credentials(" abc\n");
  EXPECT_TRUE(secret_values().empty());
  EXPECT_EQ(redact_secrets("a cat"), "a cat");
  std::optional<std::string> problem = short_secret_problem();
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(contains(*problem, "CLOUDFLARE_API_TOKEN is only 3 character(s) long")) << *problem;
}

TEST(Secrets, AShortApiKeyIsAProblemNamingIt) {
  Credentials credentials("long-enough-token", "k1");
  std::optional<std::string> problem = short_secret_problem();
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(contains(*problem, "CLOUDFLARE_API_KEY")) << *problem;
}

TEST(Secrets, AnEmptyOrBlankTokenIsNoProblemHere) {
  Credentials credentials(" \n");
  EXPECT_FALSE(short_secret_problem().has_value());  // preflight says it counts as unset
  EXPECT_TRUE(secret_values().empty());
}

TEST(Secrets, JsonIsRedactedBeforeItsQuotesAndBackslashesAreEscaped) {
  Credentials credentials("tok\"en\\<&>secret");
  nlohmann::json value = {{"evidence", "Bearer tok\"en\\<&>secret"},
                          {"list", {"tok\"en\\<&>secret"}},
                          {"tok\"en\\<&>secret", 1}};
  std::string text = redacted_json_text(value);
  EXPECT_FALSE(contains(text, "secret")) << text;
  EXPECT_EQ(nlohmann::json::parse(text)["evidence"], "Bearer ***");
}

// The runner's masks, as `::add-mask::` lines decoded.
std::vector<std::string> masks(const std::string& out) {
  std::vector<std::string> found;
  for (const std::string& command : testing::runner_commands(out)) {
    if (command.rfind("::add-mask::", 0) == 0) {
      std::string value = command.substr(12);
      for (size_t at = value.find("%0A"); at != std::string::npos; at = value.find("%0A")) {
        value.replace(at, 3, "\n");
      }
      found.push_back(value);
    }
  }
  return found;
}

// A token pasted with a newline, holding JSON and HTML specials, quoted in the
// child's error line and in its argv: no output anywhere holds it, in any form.
TEST(Secrets, APastedTokenWithSpecialsLeaksIntoNoOutput) {
  const std::string token = "tok\"en\\<&>|`secret-42";
  std::string report = temp_path("report.json");
  std::string output = temp_path("output");
  std::string summary = temp_path("summary");
  CommandResult result = run_cfdeploy(
      {"run", "--report", report, "--", k_child, "error-quoting", "Bearer " + token}, "",
      {"GITHUB_ACTIONS=true", "GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary,
       "CLOUDFLARE_API_TOKEN=" + token + "\n"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(masks(result.out), (std::vector<std::string>{token + "\n", token})) << result.out;
  std::string report_text = testing::read_whole_file(report);
  std::string summary_text = testing::read_whole_file(summary);
  std::string output_text = testing::read_whole_file(output);
  std::remove(report.c_str());
  std::remove(output.c_str());
  std::remove(summary.c_str());
  ASSERT_FALSE(report_text.empty());
  ASSERT_FALSE(summary_text.empty());
  // The runner masks the child's own output; what cfdeploy wrote after the window must not need it.
  std::string after_window = result.out.substr(result.out.rfind("::error "));
  for (const auto& [what, text] : {std::pair<std::string, std::string>{"report", report_text},
                                   {"summary", summary_text},
                                   {"outputs", output_text},
                                   {"annotations", after_window},
                                   {"stderr", result.err}}) {
    EXPECT_FALSE(contains(text, "secret-42")) << what << ":\n" << text;
  }
  EXPECT_TRUE(contains(report_text, "Bearer ***")) << report_text;
  EXPECT_TRUE(contains(summary_text, "Bearer ***")) << summary_text;
}

TEST(Secrets, AShortTokenIsRefusedWithAUsageError) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--", k_child, "exit", "0"},
        std::vector<std::string>{"preflight"}}) {
    CommandResult result = run_cfdeploy(args, "", {"CLOUDFLARE_API_TOKEN=abc\n"});
    EXPECT_EQ(result.exit_code, 2) << args[0];
    EXPECT_TRUE(contains(result.err, "CLOUDFLARE_API_TOKEN is only 3 character(s) long"))
        << result.err;
    EXPECT_TRUE(result.out.empty()) << "nothing ran, nothing was masked: " << result.out;
  }
}

TEST(Secrets, AShortTokenDoesNotStopExplain) {
  CommandResult result = run_cfdeploy({"explain", "-"}, "all good\n", {"CLOUDFLARE_API_TOKEN=abc"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

}  // namespace
}  // namespace cfdeploy
