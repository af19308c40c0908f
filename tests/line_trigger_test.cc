#include "line_trigger.h"

#include <gtest/gtest.h>

#include <string>

namespace cfdeploy {
namespace {

constexpr unsigned k_signal = 1;
constexpr unsigned k_phrase = 2;

LineTrigger trigger() {
  return LineTrigger({{"failed", k_signal}, {"econnreset", k_signal}, {"ady exists", k_phrase}});
}

TEST(LineTrigger, FindsAWordAnywhereInAnyCase) {
  LineTrigger words = trigger();
  EXPECT_EQ(words.hits("fetch failed"), k_signal);
  EXPECT_EQ(words.hits("Error: read ECONNRESET at TCP.onStreamRead"), k_signal);
  EXPECT_EQ(words.hits("FAILED"), k_signal);
}

TEST(LineTrigger, ReportsTheKindsOfEveryWordFound) {
  LineTrigger words = trigger();
  EXPECT_EQ(words.hits("A database with that name already exists; the deploy failed"),
            k_signal | k_phrase);
}

TEST(LineTrigger, LinesWithoutAWordGiveNothing) {
  LineTrigger words = trigger();
  EXPECT_EQ(words.hits("Uploaded lab-worker (0.19 sec)"), 0u);
  EXPECT_EQ(words.hits("faile"), 0u);
  EXPECT_EQ(words.hits(""), 0u);
  EXPECT_EQ(words.hits("fail ed"), 0u);
}

TEST(LineTrigger, ComparesOnlyTheFirstBytesOfALongWord) {
  LineTrigger words = trigger();
  EXPECT_EQ(words.hits("read ECONNR"), k_signal);
}

TEST(LineTrigger, WordsShorterThanTheWidthAreIgnored) {
  LineTrigger words({{"fail", k_signal}});
  EXPECT_EQ(words.hits("it will fail here"), 0u);
}

TEST(LineTrigger, AWordAtEveryOffsetOfALongLineIsFound) {
  LineTrigger words = trigger();
  for (size_t pad = 0; pad < 40; ++pad) {
    std::string line = std::string(pad, 'x') + "failed" + std::string(pad % 7, 'y');
    EXPECT_EQ(words.hits(line), k_signal) << pad;
  }
}

}  // namespace
}  // namespace cfdeploy
