// A fast test of whether a log line holds any of a set of words, run on
// every line before any copying. Most lines of a long log hold none, and
// the test skips through them several bytes at a time (Wu-Manber: a shift
// table over three-byte groups), so it costs a fraction of a byte compare.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cfdeploy {

struct TriggerWord {
  std::string_view text;  // compared on its first k_width bytes, any case
  unsigned kinds = 1;     // bits reported by hits() when the word is found
};

class LineTrigger {
public:
  /// Words shorter than k_width are ignored; case is ignored (ASCII).
  explicit LineTrigger(const std::vector<TriggerWord>& words);

  /// The kinds of the words `line` may hold, OR-ed; 0 for most lines. Exact
  /// for ASCII letters; a few other byte pairs compare equal too ("[" and
  /// "{"), which only costs a closer look at the line.
  unsigned hits(std::string_view line) const;

  static constexpr size_t k_width = 6;

private:
  static constexpr size_t k_group = 3;
  static constexpr unsigned k_hash_bits = 13;
  static constexpr uint8_t k_max_shift = k_width - k_group + 1;
  static constexpr size_t k_filter_bits = size_t{1} << 16;

  struct Word {
    uint64_t folded = 0;
    unsigned kinds = 0;
  };

  static uint32_t hash_group(uint32_t group);
  static size_t hash_word(uint64_t word);
  unsigned window_kinds(const char* end) const;

  std::array<uint8_t, size_t{1} << k_hash_bits> m_shift{};
  std::bitset<k_filter_bits> m_filter;  // words' hashes, checked before the search
  std::vector<Word> m_words;            // sorted by folded first k_width bytes
};

}  // namespace cfdeploy
