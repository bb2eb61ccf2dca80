// Dropout<Rate>: Keras' inverted dropout. In training each value is kept with
// probability 1 - rate and divided by 1 - rate, or set to 0 (masks from the
// trainer's seeded generator); at inference and in evaluate() it is the
// identity. Shape-preserving; no parameters.
//
// The rate is a template argument written Dropout<0.3f> or Dropout<0.3>: both
// are the same type, because the argument is a small structural class that
// keeps the float's bits (clang 14 has no floating-point template arguments;
// core/detail/float_bits.hpp), spelled as the shortest float literal that reads
// back, in fixed notation down to 1e-9 as before ("0.3f", "0.00001f").
#pragma once

#include <cstddef>

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/float_bits.hpp"
#include "../core/detail/simd.hpp"
#include "../core/kernels/elementwise.hpp"
#include "../core/random.hpp"
#include "shape_preserving.hpp"

namespace ctnn {

// The rate's type: the float-bits class every numeric option uses.
using DropoutRate = FloatBits;

template <DropoutRate Rate>
struct Dropout {
    static_assert(Rate.value() >= 0.0f && Rate.value() < 1.0f,
                  "ctnn::Dropout<rate>: the rate is the fraction of values dropped in training; "
                  "expected 0 <= rate < 1.");
    static constexpr bool shape_preserving = true;
    static constexpr bool elementwise = true;  // the model binds it with the whole input (core/sequential.hpp)
    static constexpr float rate = Rate.value();
    static constexpr auto name = "ctnn::Dropout<" + detail::spell_float<Rate, -9>() + ">";

    template <class T, std::size_t Width>
    struct bind : ShapePreservingBase<T, Width> {
        static constexpr auto name = Dropout::name;
        static constexpr detail::fixed_string kind{"Dropout"};
        static constexpr bool passes_through = true;  // core/layer.hpp: not run at inference

        static void forward(const T*, const T*, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i) y[i] = x[i];
        }
        static void forward_lanes(const T*, const T*, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width * simd::max_lanes<T>; ++i) y[i] = x[i];
        }

        // Scratch: the mask, each value 0 or 1 / (1 - rate).
        static constexpr std::size_t scratch_per_sample = Width;

        static void forward_train(const T*, T*, const T* x, T* y, T* mask, std::size_t n, Rng& rng) noexcept {
            const T scale = T(1) / (T(1) - T(rate));
            for (std::size_t k = 0; k < n * Width; ++k) mask[k] = rng.uniform() < double(rate) ? T(0) : scale;
            kernels::multiply(x, mask, y, n * Width);
        }

        template <bool FromLogits>
        static void backward(const T*, const T*, const T*, const T*, const T* mask, T* dy, T* dx, T*,
                             std::size_t n) noexcept {
            if (dx == nullptr) return;
            kernels::multiply(dy, mask, dx, n * Width);
        }
    };
};

}  // namespace ctnn
