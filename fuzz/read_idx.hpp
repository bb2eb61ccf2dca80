// libFuzzer target: ctnn::read_idx on arbitrary bytes. A ctnn::Error is the
// expected answer to bad input; a returned array must hold exactly as many
// values as its shape says (read_idx promises that it checks the shape against
// the file before allocating).
// The libFuzzer entry is fuzz/read_idx.cpp; tests/fuzz_regressions.cpp replays
// the corpus and the regressions through run_read_idx.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ctnn/data/idx.hpp>

#include "input_file.hpp"

namespace fuzz {

inline void run_read_idx(const std::uint8_t* data, std::size_t size) {
    static fuzz::InputFile file("read_idx");
    try {
        const ctnn::IdxArray array = ctnn::read_idx(file.write(data, size));
        std::size_t count = 1;
        for (std::uint32_t n : array.shape) count *= n;  // no overflow: bounded by the file size (or 0)
        fuzz::require(!array.shape.empty() && array.shape.size() <= 255, "1 to 255 dimensions");
        fuzz::require(count == array.values.size(), "as many values as the shape says");
        fuzz::require(size == 4 + 4 * array.shape.size() + count, "the file is the header and the values");
    } catch (const ctnn::Error&) {
    }
}

}  // namespace fuzz
