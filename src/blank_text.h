// Whether a text holds nothing a person could read: ASCII or Unicode white space only.
#pragma once

#include <string_view>

namespace cfdeploy {

/// True when `text` is empty or only white space: ASCII's (space, TAB, CR, LF, VT, FF) or
/// Unicode's as UTF-8 (U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
/// U+205F, U+3000, and U+FEFF, which shows nothing either).
bool is_blank(std::string_view text);

}  // namespace cfdeploy
