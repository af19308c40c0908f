# Turns a data file into a C++ source defining a NUL-terminated byte array and
# its size, so the catalogue ships inside the binary with no file to find.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}" "#include <cstddef>
namespace cfdeploy {
extern const unsigned char ${SYMBOL}_data[];
extern const size_t ${SYMBOL}_size;
const unsigned char ${SYMBOL}_data[] = {
${bytes}0x00};
const size_t ${SYMBOL}_size = ${size};
}  // namespace cfdeploy
")
