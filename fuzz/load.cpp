// libFuzzer entry of fuzz/load.hpp.
#include <cstddef>
#include <cstdint>

#include "load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::run_load(data, size);
    return 0;
}
