// libctnn: ctnn's non-template host code, compiled once (CTNN_COMPILED_LIB;
// see include/ctnn/io/detail/linkage.hpp). One line per impl/*.ipp.
#ifndef CTNN_COMPILED_LIB
#error "src/ctnn.cpp is libctnn: compile it with -DCTNN_COMPILED_LIB"
#endif
#include <ctnn/io/detail/linkage.hpp>
