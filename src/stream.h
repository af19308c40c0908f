// Which of a child's output streams some bytes came from. It belongs to the
// process layer; the classifier reads lines per stream too.
#pragma once

namespace cfdeploy {

enum class Stream { out = 0, err = 1 };

}  // namespace cfdeploy
