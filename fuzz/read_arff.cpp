// libFuzzer entry of fuzz/read_arff.hpp.
#include <cstddef>
#include <cstdint>

#include "read_arff.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::run_read_arff(data, size);
    return 0;
}
