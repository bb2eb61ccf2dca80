// ELU (Keras): x for x > 0, alpha * expm1(x) otherwise; alpha = 1 (Keras'
// default, for the activation function and the layer), or another alpha with
// ELU::with<0.5>. ctnn::ELU keeps its plain spelling "ctnn::ELU";
// ELU::with<1.0> is ELU itself, another alpha spells itself
// "ctnn::ELU::with<0.5f>" (core/detail/float_bits.hpp).
#pragma once

#include <type_traits>

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/float_bits.hpp"
#include "../core/detail/simd.hpp"

namespace ctnn {

namespace detail {

template <FloatBits Alpha>
struct Elu {
    static_assert(Alpha.finite(), "ctnn::ELU::with<alpha>: alpha must be finite.");
    static constexpr double alpha = Alpha.decimal();
    static constexpr auto name = [] {
        if constexpr (Alpha == FloatBits(1.0f)) return fixed_string{"ctnn::ELU"};
        else return "ctnn::ELU::with<" + spell_float<Alpha>() + ">";
    }();

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

}  // namespace detail

struct ELU : detail::Elu<1.0f> {
    template <FloatBits Alpha>
    using with = std::conditional_t<Alpha == FloatBits(1.0f), ELU, detail::Elu<Alpha>>;
};

}  // namespace ctnn
