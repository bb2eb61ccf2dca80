// libFuzzer entry of fuzz/read_csv.hpp.
#include <cstddef>
#include <cstdint>

#include "read_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::run_read_csv(data, size);
    return 0;
}
