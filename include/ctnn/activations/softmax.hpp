// Softmax over a layer's outputs: e = exp(x - max(x)), e / sum(e). Subtracting
// the maximum keeps every exponent <= 0, so logits of 1000 give a finite,
// normalized result. A NaN anywhere makes every output NaN, as in Keras.
//
// Written once, for a vector V of independent samples (lane order: feature f
// of lane s at x[f * lanes<V> + s]); one sample is V = T.
#pragma once

#include <cstddef>

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/simd.hpp"

namespace ctnn {

struct Softmax {
    static constexpr detail::fixed_string name{"ctnn::Softmax"};

    // Softmax over the N features of each of the lanes<V> samples in x.
    template <class V, std::size_t N>
    static void apply_lanes(simd::scalar_t<V>* x) noexcept {
        constexpr std::size_t L = simd::lanes<V>;
        V largest = simd::load<V>(x);
        for (std::size_t i = 1; i < N; ++i) {
            const V v = simd::load<V>(x + i * L);
            largest = simd::select(v > largest, v, largest);
        }
        V sum = simd::splat<V>(0);
        for (std::size_t i = 0; i < N; ++i) {
            const V e = simd::exp(simd::load<V>(x + i * L) - largest);
            simd::store(x + i * L, e);
            sum = sum + e;
        }
        const V scale = simd::splat<V>(1) / sum;  // a NaN input made sum NaN
        for (std::size_t i = 0; i < N; ++i) simd::store(x + i * L, simd::load<V>(x + i * L) * scale);
    }

    // Softmax over the N values of one sample.
    template <class T, std::size_t N>
    static void apply_vector(T* x) noexcept {
        apply_lanes<T, N>(x);
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
