// test::TempDir: a fresh directory under the system's temporary directory,
// removed with everything in it when the object goes; names are unique per
// process and object, so tests (and threads) never share one. read_bytes: a
// file's bytes.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace test {

struct TempDir {
    std::filesystem::path path;
    TempDir() : path(std::filesystem::temp_directory_path() / unique_name()) {
        std::filesystem::create_directories(path);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
    // Writes `bytes` to a file named `name` and returns its path.
    std::string file(const std::string& name, const std::string& bytes) const {
        const std::string p = *this / name;
        std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
        return p;
    }

private:
    static std::string unique_name() {
        static std::atomic<unsigned> count{0};
        return "ctnn-test-" + std::to_string(::getpid()) + "-" + std::to_string(count++);
    }
};

inline std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace test
