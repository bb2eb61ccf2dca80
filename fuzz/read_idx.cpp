// libFuzzer entry of fuzz/read_idx.hpp.
#include <cstddef>
#include <cstdint>

#include "read_idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::run_read_idx(data, size);
    return 0;
}
