// What the fuzz targets share: how a broken property stops the run, and the input-derived
// random numbers that let a recorded fixture serve as a seed as it is.
#pragma once

#include <errno.h>  // program_invocation_short_name

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace cfdeploy::fuzz {

/// A broken property aborts like a crash, naming the target and the property.
inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "%s: property violated: %s\n", program_invocation_short_name, what);
    std::abort();
  }
}

/// Numbers drawn from a hash of the input rather than from its bytes, so that a recorded
/// log is a seed as it is (FNV-1a to seed, then xorshift).
struct Rng {
  uint64_t state = 0xcbf29ce484222325;
  explicit Rng(std::string_view bytes) {
    for (unsigned char c : bytes) {
      state = (state ^ c) * 0x100000001b3;
    }
  }
  uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

}  // namespace cfdeploy::fuzz
