// Definitions of data/dataset.hpp (see io/detail/linkage.hpp).
#pragma once

#include <cstddef>
#include <string>

#include "../../io/error.hpp"
#include "../dataset.hpp"

namespace ctnn::detail {

CTNN_HOST_INLINE void dataset_rows_differ(const std::string& what, std::size_t x_rows, std::size_t y_rows) {
    throw Error(what + " has " + std::to_string(x_rows) + " rows of features but " + std::to_string(y_rows) +
                " rows of targets; expected the same number");
}

CTNN_HOST_INLINE void dataset_empty(const std::string& what) {
    throw Error(what + " is empty; expected at least one row");
}

CTNN_HOST_INLINE void dataset_value_not_finite(const std::string& what, const char* part, std::size_t row,
                                               std::size_t column, double value) {
    throw Error(what + ": " + part + " row " + std::to_string(row) + ", column " + std::to_string(column) + " is " +
                std::to_string(value) + "; expected a finite number");
}

}  // namespace ctnn::detail
