// Softmax over a layer's outputs: e = exp(x - max(x)), e / sum(e). Subtracting
// the maximum keeps every exponent <= 0, so logits of 1000 give a finite,
// normalized result. A NaN anywhere makes every output NaN, as in Keras.
#pragma once

#include <cmath>
#include <cstddef>

#include "../detail/fixed_string.hpp"

namespace ctnn {

struct Softmax {
    static constexpr detail::fixed_string name{"ctnn::Softmax"};

    template <class T, std::size_t N>
    static void apply_vector(T* x) noexcept {
        T largest = x[0];
        for (std::size_t i = 1; i < N; ++i) largest = x[i] > largest ? x[i] : largest;
        T sum = 0;
        for (std::size_t i = 0; i < N; ++i) {
            x[i] = std::exp(x[i] - largest);
            sum += x[i];
        }
        const T scale = T(1) / sum;  // a NaN input made sum NaN
        for (std::size_t i = 0; i < N; ++i) x[i] *= scale;
    }

    // Backward through Softmax for one sample: given y and g = dL/dy, writes
    // dL/dx = y * (g - sum_j g_j y_j) into g.
    template <class T, std::size_t N>
    static void backward_vector(const T* y, T* g) noexcept {
        T dot = 0;
        for (std::size_t j = 0; j < N; ++j) dot += g[j] * y[j];
        for (std::size_t j = 0; j < N; ++j) g[j] = y[j] * (g[j] - dot);
    }
};

}  // namespace ctnn
