#include "line_trigger.h"

#include <algorithm>
#include <cstring>

namespace cfdeploy {
namespace {

// Setting bit 5 lower-cases ASCII letters with one OR per four bytes; it
// also folds a few punctuation pairs ("[" and "{"), harmless for a filter.
constexpr uint32_t k_fold4 = 0x20202020U;

uint32_t load4(const char* p) {
  uint32_t value = 0;
  std::memcpy(&value, p, sizeof value);
  return value | k_fold4;
}

// The folded bytes p[0..k_width) as one number (little-endian order).
uint64_t load_word(const char* p) {
  uint64_t word = load4(p);
  for (size_t i = 4; i < LineTrigger::k_width; ++i) {
    word |= uint64_t{static_cast<unsigned char>(p[i] | 0x20)} << (8 * i);
  }
  return word;
}

}  // namespace

uint32_t LineTrigger::hash_group(uint32_t group) {
  return ((group & 0xFFFFFFU) * 0x9E3779B1U) >> (32 - k_hash_bits);
}

size_t LineTrigger::hash_word(uint64_t word) {
  return static_cast<size_t>((word * 0x9E3779B97F4A7C15ULL) >> 48);
}

LineTrigger::LineTrigger(const std::vector<TriggerWord>& words) {
  m_shift.fill(k_max_shift);
  for (const TriggerWord& word : words) {
    if (word.text.size() < k_width) {
      continue;
    }
    char padded[k_width + 2] = {};
    std::memcpy(padded, word.text.data(), k_width);
    uint64_t folded = load_word(padded);
    m_words.push_back(Word{folded, word.kinds});
    m_filter.set(hash_word(folded));
    // A group ending at offset j of the word: the window may end k_width-1-j later.
    for (size_t j = k_group - 1; j < k_width; ++j) {
      char group[4] = {padded[j - 2], padded[j - 1], padded[j], 0};
      auto shift = static_cast<uint8_t>(k_width - 1 - j);
      uint8_t& slot = m_shift[hash_group(load4(group))];
      slot = std::min(slot, shift);
    }
  }
  std::sort(m_words.begin(), m_words.end(),
            [](const Word& a, const Word& b) { return a.folded < b.folded; });
}

unsigned LineTrigger::window_kinds(const char* end) const {
  uint64_t folded = load_word(end + 1 - k_width);
  if (!m_filter.test(hash_word(folded))) {
    return 0;
  }
  auto it = std::lower_bound(m_words.begin(), m_words.end(), folded,
                             [](const Word& a, uint64_t b) { return a.folded < b; });
  unsigned kinds = 0;
  for (; it != m_words.end() && it->folded == folded; ++it) {
    kinds |= it->kinds;
  }
  return kinds;
}

unsigned LineTrigger::hits(std::string_view line) const {
  if (line.size() < k_width) {
    return 0;
  }
  unsigned kinds = 0;
  // `end` is the last byte of the window; the four bytes end[-3..0] are
  // read, and the top three are the group that ends the window.
  const char* end = line.data() + k_width - 1;
  const char* last = line.data() + line.size() - 1;
  while (end <= last) {
    uint8_t shift = m_shift[hash_group(load4(end - 3) >> 8)];
    if (shift == 0) {
      kinds |= window_kinds(end);
      shift = 1;
    }
    end += shift;
  }
  return kinds;
}

}  // namespace cfdeploy
