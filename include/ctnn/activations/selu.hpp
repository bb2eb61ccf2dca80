// SELU (Klambauer et al. 2017) with Keras' constants: scale * elu(x, alpha).
#pragma once

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/simd.hpp"

namespace ctnn {

struct SELU {
    static constexpr detail::fixed_string name{"ctnn::SELU"};
    static constexpr double alpha = 1.6732632423543772848170429916717;
    static constexpr double scale = 1.0507009873554804934193349852946;
    template <class V>
    static V apply(V x) noexcept {
        return simd::splat<V>(scale) *
               simd::select(x > simd::splat<V>(0), x, simd::splat<V>(alpha) * simd::expm1(x));
    }

    // scale for x > 0, else scale * alpha * exp(x) = y + scale * alpha.
    template <class V>
    static V derivative(V x, V y) noexcept {
        return simd::select(x > simd::splat<V>(0), simd::splat<V>(scale), y + simd::splat<V>(scale * alpha));
    }
};

}  // namespace ctnn
