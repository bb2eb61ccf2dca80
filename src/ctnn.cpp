// libctnn: ctnn's non-template host code, compiled once (CTNN_COMPILED_LIB;
// see include/ctnn/io/detail/linkage.hpp). One line per impl/*.ipp.
#ifndef CTNN_COMPILED_LIB
#error "src/ctnn.cpp is libctnn: compile it with -DCTNN_COMPILED_LIB"
#endif
#include <ctnn/io/detail/linkage.hpp>

#include <ctnn/data/detail/text.hpp>
#include <ctnn/data/detail/impl/text.ipp>
#include <ctnn/data/arff.hpp>
#include <ctnn/data/impl/arff.ipp>
#include <ctnn/data/csv.hpp>
#include <ctnn/data/impl/csv.ipp>
#include <ctnn/data/idx.hpp>
#include <ctnn/data/impl/idx.ipp>
#include <ctnn/data/table.hpp>
#include <ctnn/data/impl/table.ipp>
