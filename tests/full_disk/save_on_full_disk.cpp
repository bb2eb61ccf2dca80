// save on a file system that fills up part-way through the write: run by
// run.sh on a 256 KiB tmpfs of its own. The first save (132 KB) fits; the
// second needs room for its temporary file beside the first and runs out of
// space in the middle of writing it. The first file must stay as it was and
// load, nothing may be left behind, and once there is room again the save
// goes through. Exits non-zero, saying what broke, otherwise.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <ctnn/core.hpp>
#include <ctnn/io/persistence.hpp>

namespace fs = std::filesystem;
using Model = ctnn::Sequential<ctnn::Dense<64, 256, ctnn::ReLU>, ctnn::Dense<256, 64>>;

namespace {
int failures = 0;
void check(bool ok, const char* what) {
    if (!ok) {
        std::printf("FAIL: %s\n", what);
        ++failures;
    }
}
std::string bytes_of(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIRECTORY_ON_A_256_KIB_TMPFS\n", argv[0]);
        return 2;
    }
    const fs::path dir = argv[1], path = dir / "model.ctnn";
    const Model first(ctnn::Seed{1}), second(ctnn::Seed{2});
    ctnn::save(first, path.string());
    const std::string saved = bytes_of(path);
    std::printf("saved %zu bytes; %ju bytes free\n", saved.size(), std::uintmax_t(fs::space(dir).available));

    std::string message;
    try {
        ctnn::save(second, path.string());
    } catch (const ctnn::Error& e) {
        message = e.what();
    }
    std::printf("second save: %s\n", message.empty() ? "(no error)" : message.c_str());
    check(message.find("No space left on device") != std::string::npos, "the error names the full disk");
    check(message.find("was left as it was") != std::string::npos, "the error says the old file is kept");
    check(bytes_of(path) == saved, "the old file is byte for byte as it was");
    check(!fs::exists(dir / "model.ctnn.ctnn-tmp"), "no temporary file is left behind");
    Model loaded(ctnn::Seed{3});
    try {
        ctnn::load(loaded, path.string());
        check(std::ranges::equal(loaded.parameters(), first.parameters()), "the old file loads the first model");
    } catch (const ctnn::Error& e) {
        std::printf("load: %s\n", e.what());
        check(false, "the old file loads");
    }
    // With room again (the old file moved out of the way), the save goes through.
    fs::remove(path);
    ctnn::save(second, path.string());
    ctnn::load(loaded, path.string());
    check(std::ranges::equal(loaded.parameters(), second.parameters()), "a save with room works");
    std::printf("%s\n", failures == 0 ? "PASS" : "FAILED");
    return failures == 0 ? 0 : 1;
}
