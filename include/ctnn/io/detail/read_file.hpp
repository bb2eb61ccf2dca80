// read_whole_file(path, what): a file's bytes in one std::string, read with
// one large fread when the file's size is known. The loaders and load parse a
// buffer in memory, which is what makes them about as fast as reading the file.
// `what` names the caller in the Error ("read_csv: cannot open data/x.csv: No
// such file or directory"). Host only (POSIX).
#pragma once

#include <cstdint>
#include <new>
#include <string>

#include "../error.hpp"
#include "linkage.hpp"

namespace ctnn::detail {

// The most memory this process can hope to allocate: the machine's physical
// memory, or less under a resource limit (ulimit -v, ulimit -d).
std::uint64_t memory_limit() noexcept;

// f(), with running out of memory turned into an Error that names the
// caller and the file (a data set larger than memory is a user's mistake to
// report, not a crash).
template <class F>
auto out_of_memory_is_an_error(const char* what, const std::string& path, F&& f) {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        throw Error(std::string(what) + ": " + path +
                    ": not enough memory for its data; expected a data set that fits in memory");
    }
}

[[nodiscard]] std::string read_whole_file(const std::string& path, const char* what);

}  // namespace ctnn::detail

#ifndef CTNN_COMPILED_LIB
#include "impl/read_file.ipp"
#endif
