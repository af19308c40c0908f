# Writes build_info.cc with the version, the commit of the sources and a digest
# of them. Runs at every build, and rewrites the file only when one of
# them changed, so `cfdeploy --version` names them without forcing rebuilds.
# The digest lets a test prove that the committed dist/ binary was built from
# the sources beside it (a commit id cannot: the binary is part of the commit).
#
# The commit is the last one that changed those sources (src/, cmake/, CMakeLists.txt),
# not HEAD: a commit that only adds the built dist/ binaries, or only changes docs, keeps
# the name, so rebuilding dist/ at any later commit gives the same bytes. Uncommitted
# changes to the sources add "-dirty". RELEASE (script/build-dist) refuses both a dirty
# tree and a shallow clone, whose history cannot name the last source commit.
set(source_paths src cmake CMakeLists.txt)
execute_process(
  COMMAND git -C "${SOURCE_DIR}" log -1 --format=%H -- ${source_paths}
  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE log_failed ERROR_QUIET)
if(log_failed OR commit STREQUAL "")
  if(RELEASE)
    message(FATAL_ERROR "A release build needs the git history of ${SOURCE_DIR}: "
            "none found. Build from a git clone.")
  endif()
  set(commit "unknown")
else()
  string(SUBSTRING "${commit}" 0 12 commit)
  execute_process(
    COMMAND git -C "${SOURCE_DIR}" status --porcelain -- ${source_paths}
    OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(
    COMMAND git -C "${SOURCE_DIR}" rev-parse --is-shallow-repository
    OUTPUT_VARIABLE shallow OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(RELEASE AND NOT changes STREQUAL "")
    message(FATAL_ERROR "A release build needs committed sources; commit or stash:\n${changes}")
  endif()
  if(RELEASE AND shallow STREQUAL "true")
    message(FATAL_ERROR "A release build needs the full git history to name the last commit "
            "that changed the sources: run `git fetch --unshallow` (actions/checkout: "
            "fetch-depth: 0).")
  endif()
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
