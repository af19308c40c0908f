#include "log_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace cfdeploy {
namespace {

std::string write_temp(const std::string& contents) {
  char path[] = "/tmp/cfdeploy-log-XXXXXX";
  int fd = mkstemp(path);
  std::FILE* file = fdopen(fd, "wb");
  std::fwrite(contents.data(), 1, contents.size(), file);
  std::fclose(file);
  return path;
}

TEST(LogReader, FindsAnErrorNearTheEndOfALongLog) {
  std::string log;
  while (log.size() < 3 * 1024 * 1024) {
    log += "\xF0\x9F\x8C\x80 Executing on remote database lab-db (00000000-0000):\n";
  }
  log +=
      "\xE2\x9C\x98 [ERROR] A request to the Cloudflare API (/accounts/a/d1/database/b/query) "
      "failed.\n\n  The given account is not valid or is not authorized to access this "
      "service [code: 7403]\n";
  std::string path = write_temp(log);
  Result<Verdict> verdict = classify_log(path, builtin_catalogue());
  std::remove(path.c_str());
  ASSERT_TRUE(verdict.ok());
  ASSERT_TRUE(verdict.value().primary.has_value());
  EXPECT_EQ(verdict.value().primary->code, 7403);
  EXPECT_EQ(verdict.value().primary->line, verdict.value().lines);
}

TEST(LogReader, CountsLinesCutAtTheCap) {
  std::string path = write_temp(std::string(200 * 1024, 'x') + "\nshort\n");
  Result<Verdict> verdict = classify_log(path, builtin_catalogue());
  std::remove(path.c_str());
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(verdict.value().truncated_lines, 1u);
  EXPECT_EQ(verdict.value().lines, 2u);
}

TEST(LogReader, AMissingFileIsAnErrorNamingThePath) {
  Result<Verdict> verdict = classify_log("/nonexistent/wrangler.log", builtin_catalogue());
  ASSERT_FALSE(verdict.ok());
  EXPECT_NE(verdict.error().message().find("'/nonexistent/wrangler.log'"), std::string::npos);
  EXPECT_NE(verdict.error().message().find("No such file"), std::string::npos);
}

TEST(LogReader, ADirectoryIsAnError) {
  Result<Verdict> verdict = classify_log("/tmp", builtin_catalogue());
  ASSERT_FALSE(verdict.ok());
  EXPECT_NE(verdict.error().message().find("Is a directory"), std::string::npos)
      << verdict.error().message();
}

}  // namespace
}  // namespace cfdeploy
