// Sigmoid: 1 / (1 + exp(-x)). For x far below zero exp(-x) overflows to
// infinity and the result is exactly 0, never NaN.
#pragma once

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/simd.hpp"

namespace ctnn {

struct Sigmoid {
    static constexpr detail::fixed_string name{"ctnn::Sigmoid"};
    template <class V>
    static V apply(V x) noexcept {
        return simd::splat<V>(1) / (simd::splat<V>(1) + simd::exp(-x));
    }

    // y (1 - y).
    template <class V>
    static V derivative(V, V y) noexcept {
        return y * (simd::splat<V>(1) - y);
    }
};

}  // namespace ctnn
