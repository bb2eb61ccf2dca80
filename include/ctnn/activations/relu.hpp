// ReLU: max(x, 0). Written as a select rather than max so that NaN propagates
// whatever the instruction set's max does with NaN operands (x86 maxps returns
// its second operand; xsimd 14 changed xsimd::max to behave like std::max).
#pragma once

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/simd.hpp"

namespace ctnn {

struct ReLU {
    static constexpr detail::fixed_string name{"ctnn::ReLU"};
    template <class V>
    static V apply(V x) noexcept {
        return simd::select(x < simd::splat<V>(0), simd::splat<V>(0), x);
    }

    // 1 where x > 0, else 0 (0 at the kink, as TensorFlow and PyTorch).
    template <class V>
    static V derivative(V x, V) noexcept {
        return simd::select(x > simd::splat<V>(0), simd::splat<V>(1), simd::splat<V>(0));
    }
};

}  // namespace ctnn
