// write_file_atomically(path, bytes, what): the one way ctnn writes a user's
// file. The bytes go to a temporary file in the same directory, which is
// flushed and synced, then renamed over `path`: a crash, a full disk or any
// other failure leaves the previous file as it was. plot_history, whose PNG
// gnuplot writes, uses the two halves: temporary_path and
// replace_with_temporary. Host only (POSIX).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <unistd.h>

#include "../error.hpp"

namespace ctnn::detail {

// Where a file is written before it is renamed over `path`.
inline std::string temporary_path(const std::string& path) { return path + ".ctnn-tmp"; }

// Renames the finished temporary file over `path`; if that fails, removes it
// and throws.
inline void replace_with_temporary(const std::string& path, const char* what) {
    const std::string temporary = temporary_path(path);
    if (std::rename(temporary.c_str(), path.c_str()) == 0) return;
    const int error = errno;
    std::remove(temporary.c_str());
    throw Error(std::string(what) + ": cannot rename " + temporary + " to " + path + ": " + std::strerror(error) +
                "; " + path + " was left as it was");
}

inline void write_file_atomically(const std::string& path, std::string_view bytes, const char* what) {
    const std::string temporary = temporary_path(path);
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) {
        const int error = errno;
        throw Error(std::string(what) + ": cannot create " + temporary + ": " + std::strerror(error) + "; " + path +
                    " was left as it was");
    }
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() && std::fflush(file) == 0 &&
                         ::fsync(::fileno(file)) == 0;
    const int write_error = errno;
    if (std::fclose(file) != 0 || !written) {
        const int error = written ? errno : write_error;
        std::remove(temporary.c_str());
        throw Error(std::string(what) + ": writing " + temporary + " failed: " + std::strerror(error) + "; " + path +
                    " was left as it was");
    }
    replace_with_temporary(path, what);
}

}  // namespace ctnn::detail
