// libFuzzer target: ctnn::read_csv on arbitrary bytes, with three sets of
// options (the defaults; whitespace-separated with comments; ';' with a
// skipped line, a number as the missing marker and a categorical column, which
// turn off the fast paths), then to_dataset on the result. A ctnn::Error is
// the expected answer to bad input; anything else is a finding.
// The libFuzzer entry is fuzz/read_csv.cpp; tests/fuzz_regressions.cpp replays
// the corpus and the regressions through run_read_csv.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ctnn/data/csv.hpp>

#include "input_file.hpp"
#include "table_checks.hpp"

namespace fuzz {

inline void run_read_csv(const std::uint8_t* data, std::size_t size) {
    static fuzz::InputFile file("read_csv");
    static const ctnn::CsvOptions options[] = {
        {},
        {.separator = ' ', .header = false, .comment = '#'},
        {.separator = ';', .header = false, .skip_rows = 1, .missing = {"-999", "?"}, .categorical = {"0"}},
    };
    const std::string& path = file.write(data, size);
    for (const ctnn::CsvOptions& o : options) {
        try {
            fuzz::exercise(ctnn::read_csv(path, o));
        } catch (const ctnn::Error&) {
        }
    }
}

}  // namespace fuzz
