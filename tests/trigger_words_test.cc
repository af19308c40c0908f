#include "trigger_words.h"

#include <gtest/gtest.h>

namespace cfdeploy {
namespace {

LineTrigger builtin_trigger() { return LineTrigger(trigger_words(builtin_catalogue())); }

TEST(TriggerWords, TheRarePartIsATailOfThePhraseAtLeastOneWindowLong) {
  for (const CatalogueEntry& entry : builtin_catalogue().entries()) {
    for (const std::string& phrase : entry.match) {
      std::string_view part = rare_part(phrase);
      ASSERT_FALSE(part.empty()) << phrase;
      EXPECT_TRUE(std::string_view(phrase).ends_with(part)) << phrase;
    }
  }
}

TEST(TriggerWords, TheRarePartSkipsWindowsAHealthyRunPrints) {
  // "Current Version ID:" is printed by every healthy deploy, so a phrase
  // beginning with it is watched from a later pair of words.
  std::string_view part = rare_part("Current Version ID: missing from the answer");
  EXPECT_NE(part.substr(0, LineTrigger::k_width), "Curren");
}

TEST(TriggerWords, CatalogueMessagesAndFailureWordsAreWatched) {
  LineTrigger trigger = builtin_trigger();
  EXPECT_NE(trigger.hits("You need to register a workers.dev subdomain before publishing") &
                k_phrase_word,
            0u);
  EXPECT_NE(trigger.hits("ELIFECYCLE  Command failed with exit code 1.") & k_signal_word, 0u);
  EXPECT_NE(trigger.hits("==> deploy attempt 2/3") & k_signal_word, 0u);
}

TEST(TriggerWords, HealthyLinesAreLeftAlone) {
  LineTrigger trigger = builtin_trigger();
  for (const char* line :
       {"Uploaded lab-worker (0.19 sec)", "Deployed lab-worker triggers (0.06 sec)",
        "Current Version ID: 11111111-2222-4333-8444-555555555555",
        "Your Worker has access to the following bindings:", "No migrations to apply!"}) {
    EXPECT_EQ(trigger.hits(line), 0u) << line;
  }
}

}  // namespace
}  // namespace cfdeploy
