// Where ctnn's non-template host code (parsers, plots, progress, file helpers)
// is compiled. It is declared in its header and defined in impl/<name>.ipp
// beside it, with CTNN_HOST_INLINE in front of each definition.
//
// - Header-only (the default): each header includes its .ipp at its end and the
//   definitions are inline, so including a header is all a user does.
// - Compiled (CTNN_COMPILED_LIB defined, as meson's dependency('ctnn-compiled')
//   and pkg-config's ctnn-compiled do): the headers only declare, and libctnn
//   (src/ctnn.cpp) compiles every .ipp once. A user's translation unit then
//   parses neither the definitions nor the standard headers only they need
//   (issue 14: ionosphere.cpp compiles in about half the time).
// A program must use one mode in all its translation units.
#pragma once

#ifdef CTNN_COMPILED_LIB
#define CTNN_HOST_INLINE
#else
#define CTNN_HOST_INLINE inline
#endif
