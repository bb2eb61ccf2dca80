// Mean absolute error: mean over the outputs of |y - p|. Its gradient at
// p == y is 0, as TensorFlow's sign(0).
#pragma once

#include <cmath>
#include <cstddef>

#include "../../core/detail/fixed_string.hpp"

namespace ctnn {

struct MeanAbsoluteError {
    static constexpr detail::fixed_string name{"mae"};

    template <class T>
    double value(const T* p, const T* y, std::size_t n) const noexcept {
        double sum = 0;
        for (std::size_t j = 0; j < n; ++j) sum += std::abs(double(p[j]) - double(y[j]));
        return sum / double(n);
    }
    template <class T>
    void gradient(const T* p, const T* y, T* g, std::size_t n, T scale) const noexcept {
        const T factor = scale / T(n);
        for (std::size_t j = 0; j < n; ++j) g[j] = p[j] > y[j] ? factor : p[j] < y[j] ? -factor : T(0);
    }
};
using MAE = MeanAbsoluteError;

}  // namespace ctnn
