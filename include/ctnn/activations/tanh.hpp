// Tanh: the hyperbolic tangent.
#pragma once

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/simd.hpp"

namespace ctnn {

struct Tanh {
    static constexpr detail::fixed_string name{"ctnn::Tanh"};
    template <class V>
    static V apply(V x) noexcept {
        return simd::tanh(x);
    }

    // 1 - y^2.
    template <class V>
    static V derivative(V, V y) noexcept {
        return simd::splat<V>(1) - y * y;
    }
};

}  // namespace ctnn
