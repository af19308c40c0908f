#include "support/fixtures.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace cfdeploy::testing {

std::string source_path(const std::string& relative) {
  return std::string(CFDEPLOY_SOURCE_DIR) + "/" + relative;
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string read_source_file(const std::string& relative) {
  std::string path = source_path(relative);
  EXPECT_TRUE(std::ifstream(path).good()) << "cannot read " << path;
  return read_whole_file(path);
}

std::string wrangler_fixture(const std::string& name) {
  return read_source_file("tests/fixtures/wrangler/" + name + ".log");
}

}  // namespace cfdeploy::testing
