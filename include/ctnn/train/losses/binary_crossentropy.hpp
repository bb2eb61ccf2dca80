// Binary cross-entropy on probabilities (Keras, from_logits = false):
// p clipped to [1e-7, 1 - 1e-7], -(y log p + (1 - y) log(1 - p)), mean over
// the outputs. After a Sigmoid the gradient with respect to the logits is
// fused to (p - y) / n: exact for the unclipped formula, finite for any logit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "../../activations/sigmoid.hpp"
#include "../../core/detail/fixed_string.hpp"
#include "../loss.hpp"

namespace ctnn {

struct BinaryCrossentropy {
    static constexpr detail::fixed_string name{"binary_crossentropy"};
    static constexpr TargetRange target_range{0, 1};

    template <class T>
    double value(const T* p, const T* y, std::size_t n) const noexcept {
        double sum = 0;
        for (std::size_t j = 0; j < n; ++j) {
            const double q = std::clamp(double(p[j]), probability_epsilon, 1 - probability_epsilon);
            const double t = double(y[j]);
            sum -= t * std::log(q) + (1 - t) * std::log(1 - q);
        }
        return sum / double(n);
    }
    // Through the clip: zero where p is clipped, as Keras (TensorFlow's clip
    // passes no gradient outside its range).
    template <class T>
    void gradient(const T* p, const T* y, T* g, std::size_t n, T scale) const noexcept {
        const T factor = scale / T(n);
        const T low = T(probability_epsilon), high = T(1 - probability_epsilon);
        for (std::size_t j = 0; j < n; ++j) {
            const T q = p[j];
            g[j] = (q < low || q > high) ? T(0) : factor * ((T(1) - y[j]) / (T(1) - q) - y[j] / q);
        }
    }

    template <class Act>
    static constexpr bool fuses_with = std::is_same_v<Act, Sigmoid>;

    template <class Act, class T>
    void fused_gradient(const T* p, const T* y, T* g, std::size_t n, T scale) const noexcept {
        const T factor = scale / T(n);
        for (std::size_t j = 0; j < n; ++j) g[j] = factor * (p[j] - y[j]);
    }
};

}  // namespace ctnn
