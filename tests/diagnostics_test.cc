#include "diagnostics.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace cfdeploy {
namespace {

TEST(Diagnostics, RedactsTheTokenFromText) {
  setenv("CLOUDFLARE_API_TOKEN", "tok_abcdef123456", 1);
  EXPECT_EQ(redact_secrets("Bearer tok_abcdef123456 and tok_abcdef123456"), "Bearer *** and ***");
  unsetenv("CLOUDFLARE_API_TOKEN");
  EXPECT_EQ(redact_secrets("Bearer tok_abcdef123456"), "Bearer tok_abcdef123456");
}

TEST(Diagnostics, LeavesTextAloneForAVeryShortToken) {
  setenv("CLOUDFLARE_API_TOKEN", "a", 1);
  EXPECT_EQ(redact_secrets("a cat"), "a cat");
  unsetenv("CLOUDFLARE_API_TOKEN");
}

}  // namespace
}  // namespace cfdeploy
