// libFuzzer target: ctnn::read_arff on arbitrary bytes, then to_dataset on the
// result. A ctnn::Error is the expected answer to bad input; anything else
// (a crash, another exception, undefined behaviour, a leak, a hang) is a
// finding.
#include <cstddef>
#include <cstdint>

#include <ctnn/data/arff.hpp>

#include "input_file.hpp"
#include "table_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz::InputFile file("read_arff");
    try {
        fuzz::exercise(ctnn::read_arff(file.write(data, size)));
    } catch (const ctnn::Error&) {
    }
    return 0;
}
