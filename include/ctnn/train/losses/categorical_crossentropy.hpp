// Categorical cross-entropy on probabilities (Keras, from_logits = false):
// p normalized to sum 1, clipped to [1e-7, 1 - 1e-7], -sum_j y_j log p_j: a
// SUM over the classes, not a mean. After a Softmax the gradient with respect
// to the logits is fused to p * sum(y) - y (p - y for one-hot targets).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "../../activations/softmax.hpp"
#include "../../core/detail/fixed_string.hpp"
#include "../loss.hpp"

namespace ctnn {

struct CategoricalCrossentropy {
    static constexpr detail::fixed_string name{"categorical_crossentropy"};
    static constexpr TargetRange target_range{0, 1};

    template <class T>
    double value(const T* p, const T* y, std::size_t n) const noexcept {
        double total = 0, sum = 0;
        for (std::size_t j = 0; j < n; ++j) total += double(p[j]);
        for (std::size_t j = 0; j < n; ++j) {
            const double q = std::clamp(double(p[j]) / total, probability_epsilon, 1 - probability_epsilon);
            sum -= double(y[j]) * std::log(q);
        }
        return sum;
    }
    // Through the normalization q = p / S and the clip c = clip(q):
    // with h_i = -y_i / c_i where q_i is inside the clip range (else 0),
    // dL/dp_k = (h_k - sum_i h_i q_i) / S.
    template <class T>
    void gradient(const T* p, const T* y, T* g, std::size_t n, T scale) const noexcept {
        T total = 0;
        for (std::size_t j = 0; j < n; ++j) total += p[j];
        const T low = T(probability_epsilon), high = T(1 - probability_epsilon);
        T weighted = 0;
        for (std::size_t j = 0; j < n; ++j) {
            const T q = p[j] / total;
            g[j] = (q < low || q > high) ? T(0) : -y[j] / q;
            weighted += g[j] * q;
        }
        for (std::size_t j = 0; j < n; ++j) g[j] = scale * (g[j] - weighted) / total;
    }

    template <class Act>
    static constexpr bool fuses_with = std::is_same_v<Act, Softmax>;

    template <class Act, class T>
    void fused_gradient(const T* p, const T* y, T* g, std::size_t n, T scale) const noexcept {
        T targets = 0;
        for (std::size_t j = 0; j < n; ++j) targets += y[j];
        for (std::size_t j = 0; j < n; ++j) g[j] = scale * (p[j] * targets - y[j]);
    }
};

}  // namespace ctnn
