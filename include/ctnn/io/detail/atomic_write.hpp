// write_file_atomically(path, bytes, what): the one way ctnn writes a user's
// file. The bytes go to a temporary file in the same directory, which is
// flushed and synced, then renamed over `path`: a crash, a full disk or any
// other failure leaves the previous file as it was. plot_history, whose PNG
// gnuplot writes, uses the two halves: temporary_path and
// replace_with_temporary. Host only (POSIX).
//
// A failure is an Error about the user's file, not the temporary one, with
// the system's reason and what became of the file:
//   save: cannot write out/m.ctnn: No such file or directory (there is no directory out); nothing was written
//   save: cannot write m.ctnn: No space left on device; m.ctnn was left as it was
#pragma once

#include <string>
#include <string_view>

#include "../error.hpp"
#include "linkage.hpp"

namespace ctnn::detail {

// Where a file is written before it is renamed over `path`.
[[nodiscard]] std::string temporary_path(const std::string& path);

// The directory a temporary file for `path` is created in.
[[nodiscard]] std::string directory_of(const std::string& path);

// The Error for a failed write of `path`: "<what>: cannot write <path>:
// <cause> (<context>); <path> was left as it was" (or "nothing was written"
// when there was no file).
[[nodiscard]] Error write_error(const char* what, const std::string& path, int error, const std::string& context = {});

// Why creating the temporary file for `path` failed, in the user's terms: a
// directory that does not exist, or one that cannot be written (even when
// `path` itself could be: the temporary file goes beside it).
[[nodiscard]] std::string create_context(const std::string& path, int error);

// Renames the finished temporary file over `path`; if that fails, removes it
// and throws.
void replace_with_temporary(const std::string& path, const char* what);

void write_file_atomically(const std::string& path, std::string_view bytes, const char* what);

}  // namespace ctnn::detail

#ifndef CTNN_COMPILED_LIB
#include "impl/atomic_write.ipp"
#endif
