// Huber loss with Keras' delta = 1: e = p - y; 0.5 e^2 where |e| <= delta,
// delta |e| - 0.5 delta^2 elsewhere; mean over the outputs.
#pragma once

#include <cmath>
#include <cstddef>

#include "../../core/detail/fixed_string.hpp"

namespace ctnn {

struct Huber {
    double delta = 1.0;

    static constexpr detail::fixed_string name{"huber"};

    template <class T>
    double value(const T* p, const T* y, std::size_t n) const noexcept {
        double sum = 0;
        for (std::size_t j = 0; j < n; ++j) {
            const double e = std::abs(double(p[j]) - double(y[j]));
            sum += e <= delta ? 0.5 * e * e : delta * e - 0.5 * delta * delta;
        }
        return sum / double(n);
    }
    template <class T>
    void gradient(const T* p, const T* y, T* g, std::size_t n, T scale) const noexcept {
        const T factor = scale / T(n), d = T(delta);
        for (std::size_t j = 0; j < n; ++j) {
            const T e = p[j] - y[j];
            g[j] = factor * (e > d ? d : e < -d ? -d : e);
        }
    }
};

}  // namespace ctnn
