#include "blank_text.h"

#include <array>

namespace cfdeploy {
namespace {

// The UTF-8 length of the white space at the start of `text`, or 0.
size_t leading_space(std::string_view text) {
  static constexpr std::array<std::string_view, 6> k_ascii = {" ", "\t", "\r", "\n", "\v", "\f"};
  static constexpr std::array<std::string_view, 20> k_unicode = {
      "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81",
      "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86",
      "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8",
      "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"};
  for (std::string_view space : k_ascii) {
    if (text.starts_with(space)) {
      return space.size();
    }
  }
  for (std::string_view space : k_unicode) {
    if (text.starts_with(space)) {
      return space.size();
    }
  }
  return 0;
}

}  // namespace

bool is_blank(std::string_view text) {
  while (!text.empty()) {
    size_t length = leading_space(text);
    if (length == 0) {
      return false;
    }
    text.remove_prefix(length);
  }
  return true;
}

}  // namespace cfdeploy
