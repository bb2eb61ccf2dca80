// Swish (SiLU): x * sigmoid(x), as Keras' swish and PyTorch's SiLU.
#pragma once

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/simd.hpp"
#include "sigmoid.hpp"

namespace ctnn {

struct Swish {
    static constexpr detail::fixed_string name{"ctnn::Swish"};
    template <class V>
    static V apply(V x) noexcept {
        return x * Sigmoid::apply(x);
    }

    // s (1 + x (1 - s)) with s = sigmoid(x).
    template <class V>
    static V derivative(V x, V) noexcept {
        const V s = Sigmoid::apply(x);
        return s * (simd::splat<V>(1) + x * (simd::splat<V>(1) - s));
    }
};

}  // namespace ctnn
