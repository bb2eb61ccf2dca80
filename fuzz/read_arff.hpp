// libFuzzer target: ctnn::read_arff on arbitrary bytes, then to_dataset on the
// result. A ctnn::Error is the expected answer to bad input; anything else
// (a crash, another exception, undefined behaviour, a leak, a hang) is a
// finding.
// The libFuzzer entry is fuzz/read_arff.cpp; tests/fuzz_regressions.cpp replays
// the corpus and the regressions through run_read_arff.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ctnn/data/arff.hpp>

#include "input_file.hpp"
#include "table_checks.hpp"

namespace fuzz {

inline void run_read_arff(const std::uint8_t* data, std::size_t size) {
    static fuzz::InputFile file("read_arff");
    try {
        fuzz::exercise(ctnn::read_arff(file.write(data, size)));
    } catch (const ctnn::Error&) {
    }
}

}  // namespace fuzz
