// LeakyReLU: x for x >= 0, negative_slope * x otherwise, with Keras'
// activation function's default slope 0.2 (keras.activations.leaky_relu, what
// Dense(activation="leaky_relu") and Activation("leaky_relu") use), as every
// ctnn activation mirrors Keras' activation function. Keras' LeakyReLU *layer*
// defaults to 0.3: write it Activation<LeakyReLU::with<0.3>>. LeakyReLU keeps
// the plain spelling "ctnn::LeakyReLU"; with<0.2> is LeakyReLU itself, another
// slope spells itself "ctnn::LeakyReLU::with<0.3f>" (core/detail/float_bits.hpp).
#pragma once

#include <type_traits>

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/float_bits.hpp"
#include "../core/detail/simd.hpp"

namespace ctnn {

namespace detail {

template <FloatBits Slope>
struct LeakyRelu {
    static_assert(Slope.finite() && Slope.value() >= 0.0f,
                  "ctnn::LeakyReLU::with<negative_slope>: the slope must be >= 0, as Keras' LeakyReLU layer "
                  "requires.");
    static constexpr double negative_slope = Slope.decimal();
    static constexpr auto name = [] {
        if constexpr (Slope == FloatBits(0.2f)) return fixed_string{"ctnn::LeakyReLU"};
        else return "ctnn::LeakyReLU::with<" + spell_float<Slope>() + ">";
    }();

    // A select, not max(x, slope * x), so that NaN propagates (as ReLU).
    template <class V>
    static V apply(V x) noexcept {
        return simd::select(x < simd::splat<V>(0), simd::splat<V>(negative_slope) * x, x);
    }

    // 1 where x > 0, else the slope (the slope at the kink, as TensorFlow's LeakyReluGrad).
    template <class V>
    static V derivative(V x, V) noexcept {
        return simd::select(x > simd::splat<V>(0), simd::splat<V>(1), simd::splat<V>(negative_slope));
    }
};

}  // namespace detail

struct LeakyReLU : detail::LeakyRelu<0.2f> {
    template <FloatBits Slope>
    using with = std::conditional_t<Slope == FloatBits(0.2f), LeakyReLU, detail::LeakyRelu<Slope>>;
};

}  // namespace ctnn
