#include "environment.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace cfdeploy {
namespace {

// Sets a variable for the test's lifetime and restores what was there.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const char* value) : m_name(name), m_old(env_value(name)) {
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (m_old) {
      setenv(m_name, m_old->c_str(), 1);
    } else {
      unsetenv(m_name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  const char* m_name;
  std::optional<std::string> m_old;
};

TEST(Environment, TellsUnsetFromSetAndEmpty) {
  {
    ScopedEnv unset("CFDEPLOY_TEST_VARIABLE", nullptr);
    EXPECT_EQ(env_value("CFDEPLOY_TEST_VARIABLE"), std::nullopt);
    EXPECT_EQ(env_or_empty("CFDEPLOY_TEST_VARIABLE"), "");
  }
  {
    ScopedEnv empty("CFDEPLOY_TEST_VARIABLE", "");
    EXPECT_EQ(env_value("CFDEPLOY_TEST_VARIABLE"), std::optional<std::string>(""));
  }
  ScopedEnv set("CFDEPLOY_TEST_VARIABLE", "value");
  EXPECT_EQ(env_value("CFDEPLOY_TEST_VARIABLE"), std::optional<std::string>("value"));
  EXPECT_EQ(env_or_empty("CFDEPLOY_TEST_VARIABLE"), "value");
}

TEST(Environment, TemporaryFilesGoToTmpdirOrElseTmp) {
  {
    ScopedEnv set("TMPDIR", "/var/tmp/cfdeploy");
    EXPECT_EQ(temp_dir(), "/var/tmp/cfdeploy");
  }
  {
    ScopedEnv empty("TMPDIR", "");
    EXPECT_EQ(temp_dir(), "/tmp");
  }
  ScopedEnv unset("TMPDIR", nullptr);
  EXPECT_EQ(temp_dir(), "/tmp");
}

}  // namespace
}  // namespace cfdeploy
