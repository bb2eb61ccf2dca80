// Dropout<Rate>: Keras' inverted dropout. In training each value is kept with
// probability 1 - rate and divided by 1 - rate, or set to 0 (masks from the
// trainer's seeded generator); at inference and in evaluate() it is the
// identity. Shape-preserving; no parameters.
//
// The rate is a template argument written Dropout<0.3f> or Dropout<0.3>: both
// are the same type, because the argument is a small structural class that
// keeps the float's bits (clang 14 has no floating-point template arguments).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "../detail/fixed_string.hpp"
#include "../detail/simd.hpp"
#include "../kernels/elementwise.hpp"
#include "../random.hpp"
#include "shape_preserving.hpp"

namespace ctnn {

struct DropoutRate {
    std::uint32_t bits;  // of the rate as a float

    constexpr DropoutRate(float rate) noexcept : bits(std::bit_cast<std::uint32_t>(rate)) {}
    constexpr DropoutRate(double rate) noexcept : DropoutRate(static_cast<float>(rate)) {}
    constexpr float value() const noexcept { return std::bit_cast<float>(bits); }
};

namespace detail {

// The shortest decimal "0.ddd" (at most 9 digits) that reads back as `value`,
// a number in [0, 1): how Dropout<0.3f> spells its rate.
template <DropoutRate Rate>
constexpr auto spell_rate() noexcept {
    constexpr auto digits = [] {
        const double v = Rate.value();
        std::uint64_t scale = 10;
        for (std::size_t count = 1; count < 9; ++count, scale *= 10) {
            const auto scaled = static_cast<std::uint64_t>(v * double(scale) + 0.5);
            if (static_cast<float>(double(scaled) / double(scale)) == Rate.value()) return std::pair{count, scaled};
        }
        return std::pair{std::size_t{9}, static_cast<std::uint64_t>(v * 1e9 + 0.5)};
    }();
    fixed_string<digits.first> text;
    std::uint64_t n = digits.second;
    for (std::size_t i = digits.first; i-- > 0; n /= 10) text.chars[i] = static_cast<char>('0' + n % 10);
    return "0." + text + "f";
}

}  // namespace detail

template <DropoutRate Rate>
struct Dropout {
    static_assert(Rate.value() >= 0.0f && Rate.value() < 1.0f,
                  "ctnn::Dropout<rate>: the rate is the fraction of values dropped in training; "
                  "expected 0 <= rate < 1.");
    static constexpr bool shape_preserving = true;
    static constexpr bool elementwise = true;  // the model binds it with the whole input (sequential.hpp)
    static constexpr float rate = Rate.value();
    static constexpr auto name = "ctnn::Dropout<" + detail::spell_rate<Rate>() + ">";

    template <class T, std::size_t Width>
    struct bind : ShapePreservingBase<T, Width> {
        static constexpr auto name = Dropout::name;
        static constexpr detail::fixed_string kind{"Dropout"};

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
