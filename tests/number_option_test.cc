// The check every numeric option goes through.
#include "number_option.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "support/fixtures.h"
#include "support/run_command.h"

namespace cfdeploy {
namespace {

const NumberRange k_seconds{0, 604800, false, "seconds"};
const NumberRange k_count{0, 10, true, ""};

TEST(NumberOption, AcceptsEveryNumberInTheRange) {
  for (const char* text : {"0", "0.5", "30", "+30", "604800", "6.048e5", ".25"}) {
    EXPECT_EQ(number_problem(text, k_seconds), "") << text;
  }
  for (const char* text : {"0", "7", "10", "+3", "-0"}) {
    EXPECT_EQ(number_problem(text, k_count), "") << text;
  }
}

TEST(NumberOption, SaysWhenTextIsNotANumber) {
  for (const char* text :
       {"", "ten", "nan", "NaN", "-nan", "1s", " 1", "1 ", "0x10", "1,5", "--"}) {
    EXPECT_EQ(number_problem(text, k_seconds),
              "'" + std::string(text) + "' is not a number; give 0 to 604800 seconds")
        << text;
  }
}

TEST(NumberOption, SaysWhenACountIsNotAWholeNumber) {
  for (const char* text : {"1.5", "1e1", "two", "nan", ""}) {
    EXPECT_EQ(number_problem(text, k_count),
              "'" + std::string(text) + "' is not a whole number; give 0 to 10")
        << text;
  }
}

TEST(NumberOption, SaysWhenANumberIsOutOfRange) {
  for (const char* text :
       {"-5", "-0.001", "604800.5", "1e20", "1e400", "-1e400", "inf", "-inf", "infinity"}) {
    EXPECT_EQ(number_problem(text, k_seconds),
              "'" + std::string(text) + "' is out of range; give 0 to 604800 seconds")
        << text;
  }
  for (const char* text : {"11", "-1", "99999999999999999999999"}) {
    EXPECT_EQ(number_problem(text, k_count),
              "'" + std::string(text) + "' is out of range; give 0 to 10")
        << text;
  }
}

TEST(NumberOption, NamesAFractionalRangePlainly) {
  NumberRange request{0.001, 3600, false, "seconds"};
  EXPECT_EQ(number_problem("0", request), "'0' is out of range; give 0.001 to 3600 seconds");
}

// How many attempts `run --retries RETRIES` makes of a child that always fails in a way
// a retry can fix; -1 when the run wrote no report.
int attempts_with_retries(const std::string& retries) {
  std::string report = "/tmp/cfdeploy-number-" + std::to_string(getpid()) + ".json";
  testing::CommandResult result =
      testing::run_cfdeploy({"run", "--retries", retries, "--retry-delay-ms", "0", "--report",
                             report, "--", CFDEPLOY_TEST_CHILD, "print-10013"});
  nlohmann::json json = nlohmann::json::parse(testing::read_whole_file(report), nullptr, false);
  std::remove(report.c_str());
  if (!json.is_object()) {
    ADD_FAILURE() << "--retries " << retries << ": " << result.err;
    return -1;
  }
  return static_cast<int>(json["attempts"].size());
}

// CLI11 alone would read "010" as octal 8 and refuse "09".
TEST(NumberOption, AWholeNumberWithLeadingZerosMeansItsDecimalValue) {
  EXPECT_EQ(attempts_with_retries("010"), 11);
  EXPECT_EQ(attempts_with_retries("09"), 10);
  EXPECT_EQ(attempts_with_retries("+02"), 3);
}

}  // namespace
}  // namespace cfdeploy
