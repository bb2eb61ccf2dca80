// What the fuzz targets share: the loaders take a path, not bytes, so each
// input is written to one temporary file per process (reused for every input)
// before the loader reads it; and require(), a check that aborts, which
// libFuzzer reports as a crash with the input saved.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace fuzz {

class InputFile {
public:
    explicit InputFile(const char* target) {
        const char* dir = std::getenv("TMPDIR");
        path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/ctnn-fuzz-" + target + "-" +
                std::to_string(::getpid());
        fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT, 0600);
        if (fd_ < 0) {
            std::perror(path_.c_str());
            std::abort();
        }
    }
    ~InputFile() {
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    // Replaces the file's contents with `size` bytes and returns its path.
    // Written in place and then cut to length, not truncated first: ext4
    // flushes a file to disk on close after a truncation to zero, which would
    // make every execution wait for the disk.
    const std::string& write(const void* data, std::size_t size) {
        const auto* bytes = static_cast<const char*>(data);
        for (std::size_t done = 0; done < size;) {
            const ssize_t n = ::pwrite(fd_, bytes + done, size - done, off_t(done));
            if (n <= 0) {
                std::perror(path_.c_str());
                std::abort();
            }
            done += std::size_t(n);
        }
        if (::ftruncate(fd_, off_t(size)) != 0) {
            std::perror(path_.c_str());
            std::abort();
        }
        return path_;
    }

private:
    std::string path_;
    int fd_ = -1;
};

// A broken invariant (not bad input, which is a ctnn::Error): abort, so that
// libFuzzer keeps the input as a crash artifact.
inline void require(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz: invariant broken: %s\n", what);
        std::abort();
    }
}

}  // namespace fuzz
