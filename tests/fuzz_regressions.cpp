// The fuzzers' inputs as unit tests: every file in fuzz/regressions/<target>/
// (inputs that once crashed a loader or broke a promise, found by scripts/fuzz)
// and every seed in fuzz/corpus/<target>/ goes to that target's loader, which
// must return a result or throw a ctnn::Error -- nothing else -- and after a
// failed load the model must be unchanged. A crash fails the whole run, as it
// should. The folders are found from CTNN_TEST_DATA (tests/data), so the
// build needs no other setting.
#include <algorithm>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/core.hpp>
#include <ctnn/data/arff.hpp>
#include <ctnn/data/csv.hpp>
#include <ctnn/data/idx.hpp>
#include <ctnn/persistence.hpp>

namespace fs = std::filesystem;

namespace {

const fs::path fuzz_dir = fs::path(CTNN_TEST_DATA) / ".." / ".." / "fuzz";

// The regular files of fuzz/regressions/<target>/ and fuzz/corpus/<target>/,
// sorted so that failures are reported in a stable order.
std::vector<std::string> inputs(const std::string& target) {
    std::vector<std::string> paths;
    for (const char* kind : {"regressions", "corpus"}) {
        const fs::path dir = fuzz_dir / kind / target;
        if (!fs::is_directory(dir)) continue;
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_regular_file()) paths.push_back(entry.path().string());
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

// "result", "ctnn::Error" or what else f threw.
template <class F>
std::string outcome(F&& f) {
    try {
        f();
        return "result";
    } catch (const ctnn::Error&) {
        return "ctnn::Error";
    } catch (const std::exception& e) {
        return std::string("another exception: ") + e.what();
    } catch (...) {
        return "an exception that is not a std::exception";
    }
}

// What the fuzz targets do with a table: to_dataset on its first two columns.
void use(const ctnn::Table& table) {
    const auto& names = table.column_names();
    if (names.size() >= 2) (void)table.to_dataset<1, 1>(names[0], names[1], ctnn::MissingValues::drop_rows);
}

bool is_ok(const std::string& what) { return what == "result" || what == "ctnn::Error"; }

}  // namespace

TEST_CASE("fuzz inputs: read_csv and read_arff give a table or a ctnn::Error") {
    const std::vector<std::string> csv = inputs("read_csv"), arff = inputs("read_arff");
    CHECK_FALSE(csv.empty());  // the seeds at least: a wrong path must not pass silently
    CHECK_FALSE(arff.empty());
    for (const std::string& path : csv) {
        CAPTURE(path);
        CHECK(is_ok(outcome([&] { use(ctnn::read_csv(path)); })));
        CHECK(is_ok(outcome([&] { use(ctnn::read_csv(path, {.separator = ' ', .header = false, .comment = '#'})); })));
    }
    for (const std::string& path : arff) {
        CAPTURE(path);
        CHECK(is_ok(outcome([&] { use(ctnn::read_arff(path)); })));
    }
}

TEST_CASE("fuzz inputs: read_idx gives an array or a ctnn::Error") {
    const std::vector<std::string> idx = inputs("read_idx");
    CHECK_FALSE(idx.empty());
    for (const std::string& path : idx) {
        CAPTURE(path);
        CHECK(is_ok(outcome([&] { (void)ctnn::read_idx(path); })));
    }
}

TEST_CASE("fuzz inputs: load gives the model or a ctnn::Error, and leaves the model unchanged after one") {
    using Model = ctnn::Sequential<ctnn::Dense<3, 4, ctnn::ReLU>, ctnn::BatchNormalization,
                                   ctnn::Dense<4, 1, ctnn::Sigmoid>>;  // as in fuzz/load.cpp
    const std::vector<std::string> files = inputs("load");
    CHECK_FALSE(files.empty());
    const Model initial(ctnn::Seed{1});
    for (const std::string& path : files) {
        CAPTURE(path);
        Model model = initial;
        const std::string what = outcome([&] { ctnn::load(model, path); });
        CHECK(is_ok(what));
        if (what != "result") {
            CHECK(std::memcmp(model.parameters().data(), initial.parameters().data(),
                              sizeof(float) * Model::parameter_count) == 0);
            CHECK(std::memcmp(model.state().data(), initial.state().data(), sizeof(float) * Model::state_count) == 0);
        }
    }
}
