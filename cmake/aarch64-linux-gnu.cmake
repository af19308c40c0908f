# Cross-compiles for 64-bit Arm Linux on a Debian x86-64 host (script/build-dist --arch arm64,
# script/test-arm64):
#   apt-get install g++-aarch64-linux-gnu qemu-user-static
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install libssl-dev:arm64 libtomlplusplus-dev:arm64 libgtest-dev:arm64 libgmock-dev:arm64
# The arm64 libraries live in Debian's multiarch directories (/usr/lib/aarch64-linux-gnu,
# /usr/include/aarch64-linux-gnu), which the Debian cross compiler searches by itself; the
# header-only packages (nlohmann-json, CLI11) are architecture-independent.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# No CMAKE_FIND_ROOT_PATH: with CMAKE_LIBRARY_ARCHITECTURE set, CMake looks in
# /usr/lib/aarch64-linux-gnu (libraries, CMake packages) and never in the host's
# /usr/lib/x86_64-linux-gnu; script/build-dist checks the result with `file`.
# pkg-config (which FindOpenSSL asks first) must read the arm64 .pc files too.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")

# Runs the target's programs (test discovery, ctest) on the host.
find_program(CFDEPLOY_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(CFDEPLOY_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${CFDEPLOY_QEMU_AARCH64}")
endif()
