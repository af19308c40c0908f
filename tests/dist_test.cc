// The committed release binaries in dist/: the checksum file, that they were built from the
// sources beside them, and that they are fully static (run on any x86-64 or arm64 Linux
// runner).
// When one fails, dist/ is stale: run script/build-dist and commit dist/.
#include <elf.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "build_info.h"
#include "support/fixtures.h"
#include "support/run_command.h"

namespace cfdeploy {
namespace {

const char* const k_rebuild = "dist/ no longer matches the source: run script/build-dist";
const std::string k_binary = "dist/cfdeploy-linux-x64";
const std::string k_arm64_binary = "dist/cfdeploy-linux-arm64";

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string sha256_hex(const std::vector<unsigned char>& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    return "";
  }
  static const char k_hex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += k_hex[digest[i] >> 4];
    hex += k_hex[digest[i] & 0xf];
  }
  return hex;
}

// A dist binary's bytes, or a test failure saying how to make it.
std::vector<unsigned char> dist_binary(const std::string& name = k_binary) {
  std::vector<unsigned char> bytes = read_bytes(testing::source_path(name));
  EXPECT_FALSE(bytes.empty()) << "cannot read " << testing::source_path(name) << ": " << k_rebuild;
  return bytes;
}

TEST(Dist, ChecksumFileMatchesBothBinaries) {
  std::vector<unsigned char> x64 = dist_binary(k_binary);
  std::vector<unsigned char> arm64 = dist_binary(k_arm64_binary);
  ASSERT_FALSE(x64.empty());
  ASSERT_FALSE(arm64.empty());
  std::string sums = testing::read_source_file("dist/SHA256SUMS");
  // sha256sum's format: the digest, a space, a space (text) or '*' (binary), the name.
  std::smatch match;
  static const std::regex k_lines(
      "^([0-9a-f]{64}) [ *]cfdeploy-linux-x64\n([0-9a-f]{64}) [ *]cfdeploy-linux-arm64\n?$");
  ASSERT_TRUE(std::regex_match(sums, match, k_lines))
      << "dist/SHA256SUMS should be the sha256sum lines of cfdeploy-linux-x64 and "
         "cfdeploy-linux-arm64, got:\n"
      << sums << "\n"
      << k_rebuild;
  EXPECT_EQ(match[1].str(), sha256_hex(x64))
      << "dist/SHA256SUMS does not match dist/cfdeploy-linux-x64: " << k_rebuild;
  EXPECT_EQ(match[2].str(), sha256_hex(arm64))
      << "dist/SHA256SUMS does not match dist/cfdeploy-linux-arm64: " << k_rebuild;
}

TEST(Dist, BinaryWasBuiltFromTheseSources) {
  ASSERT_FALSE(dist_binary().empty());
  testing::ProcessSpec spec;
  spec.argv = {testing::source_path(k_binary), "--version"};
  testing::CommandResult result = testing::run_process(spec);
  ASSERT_EQ(result.exit_code, 0) << "dist/cfdeploy-linux-x64 --version failed: " << result.err
                                 << "\n"
                                 << k_rebuild;
  std::string version = result.out.substr(0, result.out.find('\n'));
  std::smatch match;
  static const std::regex k_sources(R"(sources ([0-9a-f]+))");
  ASSERT_TRUE(std::regex_search(version, match, k_sources))
      << "no sources digest in: " << version << "\n"
      << k_rebuild;
  EXPECT_EQ(version.find("-dirty"), std::string::npos)
      << "dist/cfdeploy-linux-x64 was built from uncommitted sources: " << version << "\n"
      << k_rebuild;
  EXPECT_EQ(match[1].str(), std::string(build_source_digest()))
      << "dist/cfdeploy-linux-x64 was built from other sources (its --version: " << version
      << "), this build's sources are " << build_source_digest() << ": " << k_rebuild;
}

// The arm64 binary cannot run here; the digest its --version prints is a string in it.
TEST(Dist, Arm64BinaryWasBuiltFromTheseSources) {
  std::vector<unsigned char> binary = dist_binary(k_arm64_binary);
  ASSERT_FALSE(binary.empty());
  std::string digest(build_source_digest());
  ASSERT_EQ(digest.size(), 16U);
  std::string bytes(binary.begin(), binary.end());
  EXPECT_NE(bytes.find(digest), std::string::npos)
      << "dist/cfdeploy-linux-arm64 was built from other sources (it does not hold this "
         "build's sources digest "
      << digest << "): " << k_rebuild;
}

// Fails the test unless NAME is a fully static ELF executable for MACHINE.
void expect_static_executable(const std::string& name, std::uint16_t machine) {
  std::vector<unsigned char> binary = dist_binary(name);
  ASSERT_GE(binary.size(), sizeof(Elf64_Ehdr));
  Elf64_Ehdr header;
  std::memcpy(&header, binary.data(), sizeof header);
  ASSERT_EQ(std::memcmp(header.e_ident, ELFMAG, SELFMAG), 0) << "not an ELF file";
  ASSERT_EQ(header.e_ident[EI_CLASS], ELFCLASS64);
  ASSERT_EQ(header.e_ident[EI_DATA], ELFDATA2LSB);
  EXPECT_EQ(header.e_machine, machine) << name;
  EXPECT_TRUE(header.e_type == ET_EXEC || header.e_type == ET_DYN);
  ASSERT_EQ(header.e_phentsize, sizeof(Elf64_Phdr));
  ASSERT_LE(header.e_phoff + std::size_t{header.e_phnum} * sizeof(Elf64_Phdr), binary.size());

  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, binary.data() + header.e_phoff + i * sizeof(Elf64_Phdr), sizeof segment);
    // A program interpreter (ld-linux) means a dynamically linked executable.
    EXPECT_NE(segment.p_type, PT_INTERP)
        << name << " asks for a program interpreter: not static. " << k_rebuild;
    if (segment.p_type != PT_DYNAMIC) {
      continue;
    }
    // A dynamic section is only allowed (static-pie) without shared libraries to load.
    ASSERT_LE(segment.p_offset + segment.p_filesz, binary.size());
    for (std::size_t at = 0; at + sizeof(Elf64_Dyn) <= segment.p_filesz; at += sizeof(Elf64_Dyn)) {
      Elf64_Dyn entry;
      std::memcpy(&entry, binary.data() + segment.p_offset + at, sizeof entry);
      if (entry.d_tag == DT_NULL) {
        break;
      }
      EXPECT_NE(entry.d_tag, DT_NEEDED)
          << name << " needs a shared library: not static. " << k_rebuild;
    }
  }
}

TEST(Dist, BinaryIsAStaticX8664Executable) { expect_static_executable(k_binary, EM_X86_64); }

TEST(Dist, Arm64BinaryIsAStaticAarch64Executable) {
  expect_static_executable(k_arm64_binary, EM_AARCH64);
}

}  // namespace
}  // namespace cfdeploy
