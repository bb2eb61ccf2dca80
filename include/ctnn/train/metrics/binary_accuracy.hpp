// Binary accuracy (Keras): a prediction is 1 when p > threshold (strictly),
// else 0, and is right when it equals the label; mean over the outputs.
#pragma once

#include <cstddef>

#include "../../core/detail/fixed_string.hpp"

namespace ctnn {

struct BinaryAccuracy {
    double threshold = 0.5;

    static constexpr detail::fixed_string name{"binary_accuracy"};

    template <class T>
    double value(const T* p, const T* y, std::size_t n) const noexcept {
        std::size_t right = 0;
        for (std::size_t j = 0; j < n; ++j) right += (double(p[j]) > threshold ? T(1) : T(0)) == y[j];
        return double(right) / double(n);
    }
};

}  // namespace ctnn
