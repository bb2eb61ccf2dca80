// Dataset<T, In, Out>: a training or validation set, two equal-length vectors
// of fixed-width rows, as Keras' (x, y). check_dataset() reports the problems
// that would otherwise give a silently wrong model.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "../io/detail/linkage.hpp"
#include "../io/error.hpp"

namespace ctnn {

template <class T, std::size_t In, std::size_t Out>
struct Dataset {
    std::vector<std::array<T, In>> x;
    std::vector<std::array<T, Out>> y;

    [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

namespace detail {
// check_dataset's errors: x and y of different lengths, no rows, a value not finite.
[[noreturn]] void dataset_rows_differ(const std::string& what, std::size_t x_rows, std::size_t y_rows);
[[noreturn]] void dataset_empty(const std::string& what);
[[noreturn]] void dataset_value_not_finite(const std::string& what, const char* part, std::size_t row,
                                           std::size_t column, double value);

// Throws dataset_value_not_finite for the first value of rows x width that is
// not finite.
template <class T>
void check_finite_rows(const T* values, std::size_t rows, std::size_t width, const std::string& what,
                       const char* part) {
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < width; ++c)
            if (!std::isfinite(values[r * width + c]))
                dataset_value_not_finite(what, part, r, c, double(values[r * width + c]));
}
}  // namespace detail

// Throws Error naming `what` ("the training data") unless x and y have the
// same, non-zero number of rows and every value is finite.
template <class T, std::size_t In, std::size_t Out>
void check_dataset(const Dataset<T, In, Out>& data, const std::string& what) {
    if (data.x.size() != data.y.size()) detail::dataset_rows_differ(what, data.x.size(), data.y.size());
    if (data.x.empty()) detail::dataset_empty(what);
    // std::array<T, N> is N values without padding, so the rows are one block.
    static_assert(sizeof(std::array<T, In>) == In * sizeof(T) && sizeof(std::array<T, Out>) == Out * sizeof(T));
    detail::check_finite_rows(data.x.front().data(), data.x.size(), In, what, "feature");
    detail::check_finite_rows(data.y.front().data(), data.y.size(), Out, what, "target");
}

}  // namespace ctnn

#ifndef CTNN_COMPILED_LIB
#include "impl/dataset.ipp"
#endif
