// libctnn: ctnn's non-template host code, compiled once (CTNN_COMPILED_LIB;
// see include/ctnn/io/detail/linkage.hpp). One line per impl/*.ipp.
#ifndef CTNN_COMPILED_LIB
#error "src/ctnn.cpp is libctnn: compile it with -DCTNN_COMPILED_LIB"
#endif
#include <ctnn/io/detail/linkage.hpp>

#include <ctnn/io/detail/atomic_write.hpp>
#include <ctnn/io/detail/impl/atomic_write.ipp>
#include <ctnn/io/detail/number_text.hpp>
#include <ctnn/io/detail/impl/number_text.ipp>
#include <ctnn/io/detail/read_file.hpp>
#include <ctnn/io/detail/impl/read_file.ipp>
#include <ctnn/io/export.hpp>
#include <ctnn/io/impl/export.ipp>
#include <ctnn/io/persistence.hpp>
#include <ctnn/io/impl/persistence.ipp>
#include <ctnn/io/plot.hpp>
#include <ctnn/io/impl/plot.ipp>
#include <ctnn/io/summary.hpp>
#include <ctnn/io/impl/summary.ipp>
#include <ctnn/io/weight_names.hpp>
#include <ctnn/io/impl/weight_names.ipp>
#include <ctnn/train/callbacks/early_stopping.hpp>
#include <ctnn/train/callbacks/impl/early_stopping.ipp>
#include <ctnn/train/history.hpp>
#include <ctnn/train/impl/history.ipp>
#include <ctnn/train/logs.hpp>
#include <ctnn/train/impl/logs.ipp>
#include <ctnn/train/optimizer.hpp>
#include <ctnn/train/impl/optimizer.ipp>
#include <ctnn/train/progress.hpp>
#include <ctnn/train/impl/progress.ipp>
#include <ctnn/train/thread_pool.hpp>
#include <ctnn/train/impl/thread_pool.ipp>
#include <ctnn/train/trainer.hpp>
#include <ctnn/train/impl/trainer.ipp>

#include <ctnn/data/detail/text.hpp>
#include <ctnn/data/detail/impl/text.ipp>
#include <ctnn/data/arff.hpp>
#include <ctnn/data/impl/arff.ipp>
#include <ctnn/data/csv.hpp>
#include <ctnn/data/impl/csv.ipp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/data/impl/dataset.ipp>
#include <ctnn/data/idx.hpp>
#include <ctnn/data/impl/idx.ipp>
#include <ctnn/data/table.hpp>
#include <ctnn/data/impl/table.ipp>
