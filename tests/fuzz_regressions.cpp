// The fuzzers' inputs as unit tests: every file in fuzz/regressions/<target>/
// (inputs that once crashed a loader or broke a promise, found by scripts/fuzz)
// and every seed in fuzz/corpus/<target>/ goes through that target's own code
// (fuzz/<target>.hpp), with the same checks as when fuzzing: a result or a
// ctnn::Error, the promises the target checks (a failed load leaves the model
// unchanged, ...), nothing else. A broken promise aborts the run, as it
// should; another exception fails the test. The folders are found from
// CTNN_TEST_DATA (tests/data), so the build needs no other setting.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "../fuzz/load.hpp"
#include "../fuzz/read_arff.hpp"
#include "../fuzz/read_csv.hpp"
#include "../fuzz/read_idx.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path fuzz_dir = fs::path(CTNN_TEST_DATA) / ".." / ".." / "fuzz";

// Runs every regular file of fuzz/regressions/<target>/ and
// fuzz/corpus/<target>/, in sorted order, through `run`; returns their count.
std::size_t replay(const std::string& target, void (*run)(const std::uint8_t*, std::size_t)) {
    std::vector<std::string> paths;
    for (const char* kind : {"regressions", "corpus"}) {
        const fs::path dir = fuzz_dir / kind / target;
        if (!fs::is_directory(dir)) continue;
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_regular_file()) paths.push_back(entry.path().string());
    }
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) {
        CAPTURE(path);
        const std::string bytes = test::read_bytes(path);
        CHECK_NOTHROW(run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    }
    return paths.size();
}

}  // namespace

// Each target finds its inputs (the seeds at least: a wrong path must not pass silently).
TEST_CASE("fuzz inputs: read_csv") { CHECK(replay("read_csv", fuzz::run_read_csv) > 0); }
TEST_CASE("fuzz inputs: read_arff") { CHECK(replay("read_arff", fuzz::run_read_arff) > 0); }
TEST_CASE("fuzz inputs: read_idx") { CHECK(replay("read_idx", fuzz::run_read_idx) > 0); }
TEST_CASE("fuzz inputs: load, and a failed load leaves the model unchanged") {
    CHECK(replay("load", fuzz::run_load) > 0);
}
