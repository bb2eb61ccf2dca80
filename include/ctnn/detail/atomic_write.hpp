// write_file_atomically(path, bytes, what): the one way ctnn writes a user's
// file. The bytes go to a temporary file in the same directory, which is
// flushed and synced, then renamed over `path`: a crash, a full disk or any
// other failure leaves the previous file as it was. Host only (POSIX).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <unistd.h>

#include "../error.hpp"

namespace ctnn::detail {

inline void write_file_atomically(const std::string& path, std::string_view bytes, const char* what) {
    const std::string temporary = path + ".ctnn-tmp";
    auto fail = [&](const std::string& problem, int error) {
        std::remove(temporary.c_str());
        throw Error(std::string(what) + ": " + problem + ": " + std::strerror(error) + "; " + path +
                    " was left as it was");
    };
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) {
        const int error = errno;
        throw Error(std::string(what) + ": cannot create " + temporary + ": " + std::strerror(error) + "; " + path +
                    " was left as it was");
    }
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() && std::fflush(file) == 0 &&
                         ::fsync(::fileno(file)) == 0;
    const int write_error = errno;
    if (std::fclose(file) != 0 || !written) fail("writing " + temporary + " failed", written ? errno : write_error);
    if (std::rename(temporary.c_str(), path.c_str()) != 0) fail("cannot rename " + temporary + " to " + path, errno);
}

}  // namespace ctnn::detail
