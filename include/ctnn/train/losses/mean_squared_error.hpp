// Mean squared error: mean over the outputs of (y - p)^2.
#pragma once

#include <cstddef>

#include "../../core/detail/fixed_string.hpp"

namespace ctnn {

struct MeanSquaredError {
    static constexpr detail::fixed_string name{"mse"};

    template <class T>
    double value(const T* p, const T* y, std::size_t n) const noexcept {
        double sum = 0;
        for (std::size_t j = 0; j < n; ++j) {
            const double e = double(p[j]) - double(y[j]);
            sum += e * e;
        }
        return sum / double(n);
    }
    template <class T>
    void gradient(const T* p, const T* y, T* g, std::size_t n, T scale) const noexcept {
        const T factor = scale * T(2) / T(n);
        for (std::size_t j = 0; j < n; ++j) g[j] = factor * (p[j] - y[j]);
    }
};
using MSE = MeanSquaredError;

}  // namespace ctnn
