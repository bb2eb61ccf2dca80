// Categorical accuracy (Keras): 1 when the largest prediction and the largest
// target are at the same index (the first of equal values), else 0.
#pragma once

#include <cstddef>

#include "../../core/detail/fixed_string.hpp"

namespace ctnn {

struct CategoricalAccuracy {
    static constexpr detail::fixed_string name{"categorical_accuracy"};

    template <class T>
    double value(const T* p, const T* y, std::size_t n) const noexcept {
        std::size_t best_p = 0, best_y = 0;
        for (std::size_t j = 1; j < n; ++j) {
            if (p[j] > p[best_p]) best_p = j;
            if (y[j] > y[best_y]) best_y = j;
        }
        return best_p == best_y ? 1.0 : 0.0;
    }
};

}  // namespace ctnn
