// Definitions of io/detail/atomic_write.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <sys/stat.h>
#include <unistd.h>

#include "../atomic_write.hpp"

namespace ctnn::detail {

// Where a file is written before it is renamed over `path`.
CTNN_HOST_INLINE std::string temporary_path(const std::string& path) { return path + ".ctnn-tmp"; }

// The directory a temporary file for `path` is created in.
CTNN_HOST_INLINE std::string directory_of(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// The Error for a failed write of `path`: "<what>: cannot write <path>:
// <cause> (<context>); <path> was left as it was" (or "nothing was written"
// when there was no file).
CTNN_HOST_INLINE Error write_error(const char* what, const std::string& path, int error, const std::string& context) {
    std::string message = std::string(what) + ": cannot write " + path + ": " + std::strerror(error);
    if (!context.empty()) message += " (" + context + ")";
    struct stat info {};
    message += ::stat(path.c_str(), &info) == 0 ? "; " + path + " was left as it was" : "; nothing was written";
    return Error(message);
}

// Why creating the temporary file for `path` failed, in the user's terms: a
// directory that does not exist, or one that cannot be written (even when
// `path` itself could be: the temporary file goes beside it).
CTNN_HOST_INLINE std::string create_context(const std::string& path, int error) {
    const std::string directory = directory_of(path);
    struct stat info {};
    if (::stat(directory.c_str(), &info) != 0) return "there is no directory " + directory;
    if (!S_ISDIR(info.st_mode)) return directory + " is not a directory";
    if (error == EACCES || error == EPERM || error == EROFS)
        return "ctnn writes a temporary file in " + directory + ", then renames it over " + path;
    if (error == EISDIR) return "a directory named " + temporary_path(path) + " is in the way";
    return {};
}

// Renames the finished temporary file over `path`; if that fails, removes it
// and throws.
CTNN_HOST_INLINE void replace_with_temporary(const std::string& path, const char* what) {
    const std::string temporary = temporary_path(path);
    if (std::rename(temporary.c_str(), path.c_str()) == 0) return;
    const int error = errno;
    std::remove(temporary.c_str());
    throw write_error(what, path, error, "renaming the finished file over it failed");
}

CTNN_HOST_INLINE void write_file_atomically(const std::string& path, std::string_view bytes, const char* what) {
    const std::string temporary = temporary_path(path);
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) {
        const int error = errno;
        throw write_error(what, path, error, create_context(path, error));
    }
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() && std::fflush(file) == 0 &&
                         ::fsync(::fileno(file)) == 0;
    const int write_error_number = errno;
    if (std::fclose(file) != 0 || !written) {
        const int error = written ? errno : write_error_number;
        std::remove(temporary.c_str());
        throw write_error(what, path, error);
    }
    replace_with_temporary(path, what);
}

}  // namespace ctnn::detail
