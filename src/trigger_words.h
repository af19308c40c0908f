// The words that make a log line worth a closer look: fixed words that
// signal a failure, and for each catalogue phrase the part of it a healthy
// log is least likely to hold. LineTrigger looks for them on every line.
#pragma once

#include <string_view>
#include <vector>

#include "catalogue.h"
#include "line_trigger.h"

namespace cfdeploy {

constexpr unsigned k_signal_word = 1;  // one of the fixed failure words
constexpr unsigned k_phrase_word = 2;  // from a catalogue phrase

/// The part of `phrase`, from some word on, whose first LineTrigger::k_width
/// bytes a healthy run does not print; the whole phrase without one.
std::string_view rare_part(std::string_view phrase);

/// The fixed words and the rare part of every catalogue phrase.
std::vector<TriggerWord> trigger_words(const Catalogue& catalogue);

}  // namespace cfdeploy
