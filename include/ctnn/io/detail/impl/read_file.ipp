// Definitions of io/detail/read_file.hpp (see io/detail/linkage.hpp).
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../read_file.hpp"

namespace ctnn::detail {

// The most memory this process can hope to allocate: the machine's physical
// memory, or less under a resource limit (ulimit -v, ulimit -d).
CTNN_HOST_INLINE std::uint64_t memory_limit() noexcept {
    std::uint64_t limit = UINT64_MAX;
    const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page_size > 0) limit = std::uint64_t(pages) * std::uint64_t(page_size);
    for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
        struct rlimit r {};
        if (::getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
            limit = std::min<std::uint64_t>(limit, r.rlim_cur);
    }
    return limit;
}

CTNN_HOST_INLINE std::string read_whole_file(const std::string& path, const char* what) {
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
        if (S_ISREG(status.st_mode)) {
            // Refused before any allocation: the allocation might succeed on
            // an overcommitting system and the reading then exhaust memory.
            const auto bytes = static_cast<std::uint64_t>(status.st_size), limit = memory_limit();
            if (bytes >= limit)
                throw Error(std::string(what) + ": " + path + " is " + std::to_string(bytes) +
                            " bytes, more than the " + std::to_string(limit) +
                            " bytes of memory this process can use; expected a file that fits in memory");
            size = static_cast<std::size_t>(bytes) + 1;
        }
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
