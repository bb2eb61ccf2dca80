// Linear: the identity, Keras' default activation of Dense.
#pragma once

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/simd.hpp"

namespace ctnn {

struct Linear {
    static constexpr detail::fixed_string name{"ctnn::Linear"};
    template <class V>
    static V apply(V x) noexcept {
        return x;
    }

    // d apply / dx, given x and y = apply(x).
    template <class V>
    static V derivative(V, V) noexcept {
        return simd::splat<V>(1);
    }
};

}  // namespace ctnn
