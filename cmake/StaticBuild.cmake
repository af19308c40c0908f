# Fully static build of cfdeploy for dist/cfdeploy-linux-x64 and dist/cfdeploy-linux-arm64
# (CFDEPLOY_STATIC=ON, configured by script/build-dist; the arm64 one with the toolchain
# file cmake/aarch64-linux-gnu.cmake). Included by the top-level CMakeLists.txt in place
# of pkg_check_modules(HTTPLIB), after OpenSSL and Threads were found.
#
# - every target links with -static-pie (glibc, libstdc++ and libgcc included);
# - OpenSSL::SSL and OpenSSL::Crypto point at libssl.a and libcrypto.a;
# - PkgConfig::HTTPLIB is a static library compiled here from cpp-httplib's source
#   (Debian's source package, unpacked by script/build-dist into build-dist/), since
#   Debian's libcpp-httplib-dev ships only a shared library and a declarations-only
#   header. It is split into httplib.h and httplib.cc by the package's own split.py,
#   as Debian's build does, and compiled with OpenSSL support only (no zlib or brotli);
#   its start-up OpenSSL initialisation is removed (cmake/HttplibLazyTls.cmake);
# - tomlplusplus::tomlplusplus is a static archive compiled from toml++'s headers,
#   since Debian's libtomlplusplus-dev has only a shared library;
# - no absolute path of the source or build directory reaches the objects, so two
#   checkouts in different directories build the same bytes (script/build-dist --check).

set(CFDEPLOY_HTTPLIB_SOURCE_DIR "" CACHE PATH
    "Unpacked cpp-httplib source (with httplib.h and split.py) for the static build")
if(NOT EXISTS "${CFDEPLOY_HTTPLIB_SOURCE_DIR}/httplib.h"
   OR NOT EXISTS "${CFDEPLOY_HTTPLIB_SOURCE_DIR}/split.py")
  message(FATAL_ERROR "CFDEPLOY_STATIC needs CFDEPLOY_HTTPLIB_SOURCE_DIR set to the unpacked "
          "cpp-httplib source (httplib.h, split.py); script/build-dist fetches it. "
          "Got: '${CFDEPLOY_HTTPLIB_SOURCE_DIR}'")
endif()

# Paths in __FILE__ and debug information relative to the source tree (and the build
# tree, which wins where it lies inside the source tree: GCC uses the last matching map).
add_compile_options("-ffile-prefix-map=${CMAKE_SOURCE_DIR}/=" "-ffile-prefix-map=${CMAKE_BINARY_DIR}/=build/")
get_filename_component(httplib_source_real "${CFDEPLOY_HTTPLIB_SOURCE_DIR}" REALPATH)
add_compile_options("-ffile-prefix-map=${httplib_source_real}/=cpp-httplib/")

# The tests may be built too (script/test-arm64 runs them under qemu); script/build-dist
# builds without them.

# Link everything statically, as a static PIE: no program interpreter and no shared
# library, but a dynamic section for the binary's own relocations. Not plain -static:
# there crtbeginT.o registers the unwind tables, and the first C++ exception (CLI11
# ends `--version` and `--help` with one) sorts every one of them, which cost 4 ms and
# 3 MiB. A static PIE finds them through PT_GNU_EH_FRAME's sorted index, as a dynamic
# program does. -static-pie alone takes libstdc++.a and libgcc.a too; adding
# -static-libstdc++ would wrap libstdc++ in -Bstatic/-Bdynamic and so link libc.so.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
# -fPIE for every object, libraries included: CMake's POSITION_INDEPENDENT_CODE would give
# the libraries -fPIC, whose interposable symbols block inlining.
set(CMAKE_POSITION_INDEPENDENT_CODE OFF)
add_compile_options(-fPIE)
add_link_options(-static-pie)
# The binary relocates itself at start. Packed relative relocations (DT_RELR) keep that
# table small (a few KiB instead of 600), so start-up reads less of the file. Debian 12's
# x86-64 linker has them; its aarch64 linker (binutils 2.40) ignores the flag with a warning.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
  add_link_options(-Wl,-z,pack-relative-relocs)
endif()

# OpenSSL was found before this file runs, as shared libraries: point its imported
# targets at the static archives beside them instead.
foreach(component IN ITEMS SSL Crypto)
  string(TOLOWER "${component}" name)
  get_target_property(shared_location OpenSSL::${component} IMPORTED_LOCATION)
  get_filename_component(shared_dir "${shared_location}" DIRECTORY)
  find_library(CFDEPLOY_OPENSSL_${component}_STATIC NAMES lib${name}.a
               HINTS "${shared_dir}" "${OPENSSL_ROOT_DIR}" PATH_SUFFIXES lib lib64 NO_CACHE)
  if(NOT CFDEPLOY_OPENSSL_${component}_STATIC)
    message(FATAL_ERROR "CFDEPLOY_STATIC: lib${name}.a not found (libssl-dev ships it)")
  endif()
  set_target_properties(OpenSSL::${component} PROPERTIES
    IMPORTED_LOCATION "${CFDEPLOY_OPENSSL_${component}_STATIC}")
  message(STATUS "CFDEPLOY_STATIC: OpenSSL::${component} -> ${CFDEPLOY_OPENSSL_${component}_STATIC}")
endforeach()
# libcrypto.a's own dependencies (dlopen for engines/providers, threads).
set_property(TARGET OpenSSL::Crypto APPEND PROPERTY
  INTERFACE_LINK_LIBRARIES ${CMAKE_DL_LIBS} Threads::Threads)

# toml++: Debian's libtomlplusplus-dev has only a shared library, but installs the whole
# library as headers. Compile it into a static archive here (toml++'s "compiled library"
# mode: TOML_HEADER_ONLY=0 for every user, TOML_IMPLEMENTATION in one translation unit)
# and point the imported target at that archive instead of libtomlplusplus.so.
set(toml_unit "${CMAKE_BINARY_DIR}/tomlplusplus/toml.cc")
file(CONFIGURE OUTPUT "${toml_unit}" CONTENT
     "// Generated by cmake/StaticBuild.cmake: toml++ compiled into cfdeploy.\n#define TOML_IMPLEMENTATION\n#include <toml++/toml.h>\n")
add_library(cfdeploy_tomlplusplus STATIC "${toml_unit}")
set_target_properties(cfdeploy_tomlplusplus PROPERTIES
  ARCHIVE_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/tomlplusplus")
get_target_property(toml_includes tomlplusplus::tomlplusplus INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(cfdeploy_tomlplusplus PRIVATE ${toml_includes})
target_compile_definitions(cfdeploy_tomlplusplus PRIVATE TOML_HEADER_ONLY=0)
target_compile_features(cfdeploy_tomlplusplus PRIVATE cxx_std_17)
set_target_properties(tomlplusplus::tomlplusplus PROPERTIES
  IMPORTED_LOCATION "${CMAKE_BINARY_DIR}/tomlplusplus/${CMAKE_STATIC_LIBRARY_PREFIX}cfdeploy_tomlplusplus${CMAKE_STATIC_LIBRARY_SUFFIX}"
  # Replaces -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1 of the shared library.
  INTERFACE_COMPILE_OPTIONS "-DTOML_HEADER_ONLY=0"
  # Links the same archive again, which is harmless, and makes it built first.
  INTERFACE_LINK_LIBRARIES cfdeploy_tomlplusplus)

# cpp-httplib: split the single header into declarations and implementation.
find_program(CFDEPLOY_PYTHON3 NAMES python3 REQUIRED)
set(httplib_split_dir "${CMAKE_BINARY_DIR}/cpp-httplib")
add_custom_command(
  OUTPUT "${httplib_split_dir}/httplib.h" "${httplib_split_dir}/httplib.cc"
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${httplib_split_dir}"
  # split.py skips the split when its output is newer than its input; remove it first.
  COMMAND "${CMAKE_COMMAND}" -E rm -f "${httplib_split_dir}/httplib.h"
          "${httplib_split_dir}/httplib.cc"
  COMMAND "${CFDEPLOY_PYTHON3}" "${CFDEPLOY_HTTPLIB_SOURCE_DIR}/split.py"
          --out "${httplib_split_dir}"
  COMMAND "${CMAKE_COMMAND}" "-DHTTPLIB_CC=${httplib_split_dir}/httplib.cc"
          -P "${CMAKE_CURRENT_LIST_DIR}/HttplibLazyTls.cmake"
  DEPENDS "${CFDEPLOY_HTTPLIB_SOURCE_DIR}/httplib.h" "${CFDEPLOY_HTTPLIB_SOURCE_DIR}/split.py"
          "${CMAKE_CURRENT_LIST_DIR}/HttplibLazyTls.cmake"
  COMMENT "Splitting cpp-httplib's httplib.h into httplib.h and httplib.cc"
  VERBATIM)

add_library(cfdeploy_httplib STATIC "${httplib_split_dir}/httplib.cc")
# Ahead of /usr/include, where libcpp-httplib-dev's header may also be.
target_include_directories(cfdeploy_httplib BEFORE PUBLIC "${httplib_split_dir}")
# Only OpenSSL support: it changes the layout of httplib's types, so every user of
# the header sees the same definition. CPPHTTPLIB_USE_POLL as in Debian's own build
# (debian/rules): poll() instead of select(), which fails on descriptors >= 1024.
target_compile_definitions(cfdeploy_httplib
  PUBLIC CPPHTTPLIB_OPENSSL_SUPPORT
  PRIVATE CPPHTTPLIB_USE_POLL)
target_compile_features(cfdeploy_httplib PUBLIC cxx_std_11)
target_link_libraries(cfdeploy_httplib PUBLIC OpenSSL::SSL OpenSSL::Crypto Threads::Threads)

# What src/ links against in place of the pkg-config target of the normal build.
add_library(PkgConfig::HTTPLIB ALIAS cfdeploy_httplib)
