// read_whole_file(path, what): a file's bytes in one std::string, read with
// one large fread when the file's size is known. The loaders parse a buffer
// in memory, which is what makes them about as fast as reading the file.
// `what` names the caller in the Error ("read_csv: cannot open data/x.csv: No
// such file or directory"). Host only (POSIX).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <sys/stat.h>

#include "../../error.hpp"

namespace ctnn::detail {

inline std::string read_whole_file(const std::string& path, const char* what) {
    struct Closer {
        void operator()(std::FILE* file) const noexcept { std::fclose(file); }
    };
    const std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
    if (file == nullptr) {
        const int error = errno;
        throw Error(std::string(what) + ": cannot open " + path + ": " + std::strerror(error));
    }
    // The size is asked of fstat, not of fseek/ftell: a directory opens and
    // "seeks" to an absurd end on some file systems. It is only a hint (pipes
    // have none, a file may grow): the loop reads until fread finds the end.
    // One spare byte lets the read of a file of exactly that size see its end
    // without growing the buffer.
    struct stat status {};
    std::size_t size = std::size_t(1) << 16;
    if (::fstat(::fileno(file.get()), &status) == 0) {
        if (S_ISDIR(status.st_mode)) throw Error(std::string(what) + ": " + path + " is a directory; expected a file");
        if (S_ISREG(status.st_mode)) size = static_cast<std::size_t>(status.st_size) + 1;
    }
    std::string bytes(size, '\0');
    std::size_t used = 0;
    for (;;) {
        if (used == bytes.size()) bytes.resize(bytes.size() * 2);
        const std::size_t got = std::fread(bytes.data() + used, 1, bytes.size() - used, file.get());
        if (got == 0) break;  // the end of the file, or an error (ferror says which)
        used += got;
    }
    if (std::ferror(file.get()) != 0) {
        const int error = errno;
        throw Error(std::string(what) + ": reading " + path + " failed: " + std::strerror(error));
    }
    bytes.resize(used);
    return bytes;
}

}  // namespace ctnn::detail
