# Writes build_info.cc with the version, the current git commit and a digest
# of the sources. Runs at every build, and rewrites the file only when one of
# them changed, so `cfdeploy --version` names them without forcing rebuilds.
# The digest lets a test prove that the committed dist/ binary was built from
# the sources beside it (a commit id cannot: the binary is part of the commit).
execute_process(
  COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE rev_parse_failed ERROR_QUIET)
if(rev_parse_failed OR commit STREQUAL "")
  set(commit "unknown")
else()
  execute_process(
    COMMAND git -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
    OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT changes STREQUAL "")
    set(commit "${commit}-dirty")
  endif()
endif()
file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/src/*" "${SOURCE_DIR}/cmake/*")
list(APPEND sources CMakeLists.txt)
list(SORT sources)
set(listing "")
foreach(source IN LISTS sources)
  file(SHA256 "${SOURCE_DIR}/${source}" hash)
  string(APPEND listing "${source} ${hash}\n")
endforeach()
string(SHA256 digest "${listing}")
string(SUBSTRING "${digest}" 0 16 digest)

set(content "#include \"build_info.h\"
namespace cfdeploy {
std::string_view build_version() { return \"${VERSION}\"; }
std::string_view build_commit() { return \"${commit}\"; }
std::string_view build_source_digest() { return \"${digest}\"; }
}  // namespace cfdeploy
")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUTPUT}" "${content}")
endif()
