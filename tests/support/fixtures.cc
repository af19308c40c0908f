#include "support/fixtures.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace cfdeploy::testing {

std::string source_path(const std::string& relative) {
  return std::string(CFDEPLOY_SOURCE_DIR) + "/" + relative;
}

std::string read_source_file(const std::string& relative) {
  std::ifstream in(source_path(relative), std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << source_path(relative);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string wrangler_fixture(const std::string& name) {
  return read_source_file("tests/fixtures/wrangler/" + name + ".log");
}

}  // namespace cfdeploy::testing
