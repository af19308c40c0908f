#include "trigger_words.h"

#include <algorithm>
#include <array>

#include "log_text.h"

namespace cfdeploy {
namespace {

// Words that make a bare line worth a closer look (compared on their first
// LineTrigger::k_width bytes, any case). The catalogue's own phrases are
// added to these.
constexpr std::array<std::string_view, 47> k_trigger_words = {
    "error:",      "error ",        "errors",    "[error",     "fatal ",    "failed",
    "failure",     "exit c",        "exited",    "elifecycle", "code: ",    "[code:",
    "\"code\"",    "code\\\"",      "code 1",    "code 2",     "code 3",    "code 4",
    "code 5",      "code 6",        "code 7",    "code 8",     "code 9",    "aggregateerror",
    "econnreset",  "econnrefused",  "etimedout", "enotfound",  "eai_again", "und_err_",
    "certificate", "_cert_",        "upstream",  "malformed",  "<title",    "<html",
    "bad gateway", "unavailable",   "time-out",  "timed out",  "cf api",    "could not",
    "no matching", "compatibility", "npm err",   "attempt",    "retrying"};

// Words too common in a healthy log to be worth a closer look.
constexpr std::array<std::string_view, 46> k_common_words = {
    "wrangler", "worker",   "workers",   "cloudflare",
    "please",   "database", "account",   "configuration",
    "request",  "project",  "command",   "execute",
    "version",  "update",   "following", "specified",
    "should",   "cannot",   "available", "deploy",
    "secret",   "binding",  "namespace", "value",
    "the",      "to",       "and",       "that",
    "for",      "with",     "not",       "are",
    "was",      "you",      "your",      "this",
    "from",     "has",      "have",      "be",
    "in",       "of",       "on",        "is",
    "it",       "an"};

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// How much a word says about an error: its length, or 1 for a word a
// healthy log uses all the time ("database", "database_id").
size_t word_weight(std::string_view word) {
  bool common = std::any_of(k_common_words.begin(), k_common_words.end(), [&](std::string_view c) {
    return word.size() >= c.size() && contains_lower(word.substr(0, c.size()), c) &&
           (word.size() == c.size() || !is_word_char(c.back()) || word[c.size()] == '_');
  });
  return common ? 1 : word.size();
}

// Lines wrangler prints on every healthy run; a phrase's window must not
// occur in them, or every run would pay for a closer look at them.
constexpr std::array<std::string_view, 12> k_healthy_lines = {
    "Using fallback value in non-interactive context: yes",
    "Executing on remote database",
    "To execute on your local development database, remove the --remote flag",
    "Your database may not be available to serve requests during the migration, continue?",
    "About to apply 2 migration(s)",
    "Total Upload: 0.26 KiB / gzip: 0.21 KiB",
    "Your Worker has access to the following bindings:",
    "Uploaded lab-worker (0.19 sec)",
    "Deployed lab-worker triggers (0.06 sec)",
    "Current Version ID:",
    "No migrations to apply!",
    "Successfully created tag"};

bool in_healthy_line(std::string_view window) {
  std::string lower(window);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return std::any_of(k_healthy_lines.begin(), k_healthy_lines.end(),
                     [&](std::string_view line) { return contains_lower(line, lower); });
}

}  // namespace

// The part of a catalogue phrase a healthy log is least likely to hold. Two
// words side by side are much rarer than either word, so the window
// crosses the gap between the weightiest pair of words ("ers-sp" from
// "Workers-specific") that a healthy run does not print; without such a
// pair, the phrase's own start.
std::string_view rare_part(std::string_view phrase) {
  constexpr size_t k_before_gap = 3;
  struct Candidate {
    size_t start;
    size_t weight;
  };
  std::vector<Candidate> candidates;
  size_t previous_start = 0;
  size_t previous_size = 0;
  size_t previous_weight = 0;
  for (size_t i = 0; i < phrase.size();) {
    size_t end = i;
    while (end < phrase.size() && is_word_char(phrase[end])) {
      ++end;
    }
    std::string_view word = phrase.substr(i, end - i);
    size_t weight = word_weight(word);
    if (previous_size >= k_before_gap && word.size() >= k_before_gap) {
      candidates.push_back(
          Candidate{previous_start + previous_size - k_before_gap, previous_weight + weight});
    }
    previous_start = i;
    previous_size = word.size();
    previous_weight = weight;
    i = end + 1;
  }
  // The weightiest first; among equals, the later pair. (A strict ordering: `>=` is
  // none, and sorting with it is undefined.)
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.start > b.start;
  });
  for (const Candidate& candidate : candidates) {
    std::string_view window = phrase.substr(candidate.start, LineTrigger::k_width);
    if (window.size() == LineTrigger::k_width && !in_healthy_line(window)) {
      return phrase.substr(candidate.start);
    }
  }
  return phrase;
}

std::vector<TriggerWord> trigger_words(const Catalogue& catalogue) {
  std::vector<TriggerWord> words;
  words.reserve(k_trigger_words.size());
  for (std::string_view word : k_trigger_words) {
    words.push_back(TriggerWord{word, k_signal_word});
  }
  for (const CatalogueEntry& entry : catalogue.entries()) {
    for (const std::string& phrase : entry.match) {
      words.push_back(TriggerWord{rare_part(phrase), k_phrase_word});
    }
  }
  return words;
}

}  // namespace cfdeploy
