// ELU (Keras, alpha = 1): x for x > 0, alpha * expm1(x) otherwise.
#pragma once

#include "../detail/fixed_string.hpp"
#include "../detail/simd.hpp"

namespace ctnn {

struct ELU {
    static constexpr detail::fixed_string name{"ctnn::ELU"};
    static constexpr double alpha = 1.0;
    template <class V>
    static V apply(V x) noexcept {
        // NaN fails x > 0 and takes the expm1 branch, which gives NaN.
        return simd::select(x > simd::splat<V>(0), x, simd::splat<V>(alpha) * simd::expm1(x));
    }

    // 1 for x > 0, else alpha * exp(x) = y + alpha.
    template <class V>
    static V derivative(V x, V y) noexcept {
        return simd::select(x > simd::splat<V>(0), simd::splat<V>(1), y + simd::splat<V>(alpha));
    }
};

}  // namespace ctnn
