// Flatten and Reshape<D...>: Keras' layers that change a sample's shape but
// not its values. Data are flat and row-major (core/shape.hpp), so both copy x to y
// unchanged, and in training pass the gradient back the same way.
//   ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Dense<3, 4>, ctnn::Flatten, ctnn::Dense<32, 1>>
#pragma once

#include <algorithm>
#include <cstddef>

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/simd.hpp"
#include "../core/random.hpp"
#include "../core/shape.hpp"
#include "shape_preserving.hpp"

namespace ctnn {

namespace detail {

// What Flatten and Reshape do to Size values: copy them.
template <class T, std::size_t Size>
struct copy_layer : ShapePreservingBase<T, Size> {
    static constexpr bool passes_through = true;  // core/layer.hpp: not run at inference
    static void forward(const T*, const T*, const T* x, T* y) noexcept { std::copy_n(x, Size, y); }
    static void forward_lanes(const T*, const T*, const T* x, T* y) noexcept {
        std::copy_n(x, Size * simd::max_lanes<T>, y);
    }
    static void forward_train(const T*, T*, const T* x, T* y, T*, std::size_t n, Rng&) noexcept {
        std::copy_n(x, n * Size, y);
    }
    template <bool FromLogits>
    static void backward(const T*, const T*, const T*, const T*, const T*, T* dy, T* dx, T*, std::size_t n) noexcept {
        if (dx != nullptr) std::copy_n(dy, n * Size, dx);
    }
};

// Instantiated for a Reshape whose shape holds another number of values than
// its input.
template <std::size_t Position, std::size_t Given, std::size_t Wanted>
struct reshape_mismatch {
    static_assert(Given == Wanted,
                  "ctnn::Reshape<D...>: the new shape holds another number of values than the layer's "
                  "input. reshape_mismatch<position, given, wanted> names the layer (0-based), the input's "
                  "values and the new shape's; make the product of D... equal the input's.");
};

}  // namespace detail

// (steps, ..., channels) -> (steps * ... * channels), row-major.
struct Flatten {
    static constexpr bool sees_shape = true;
    static constexpr detail::fixed_string name{"ctnn::Flatten"};
    template <class In>
    using output_shape = Shape<In::size>;

    template <class T, class In>
    struct bind : detail::copy_layer<T, In::size> {
        static constexpr auto name = Flatten::name;
        static constexpr detail::fixed_string kind{"Flatten"};
    };
};

// Any shape -> Shape<D...> of the same number of values, row-major.
template <std::size_t... D>
struct Reshape {
    static constexpr bool sees_shape = true;
    static constexpr auto name = "ctnn::Reshape<" + detail::join_with_commas<detail::to_fixed_string<D>()...>() + ">";
    template <class In>
    using output_shape = Shape<D...>;
    template <class In>
    static constexpr bool accepts = In::size == Shape<D...>::size;
    template <std::size_t Position, class In>
    using check = detail::reshape_mismatch<Position, In::size, Shape<D...>::size>;

    template <class T, class In>
    struct bind : detail::copy_layer<T, In::size> {
        static constexpr auto name = Reshape::name;
        static constexpr detail::fixed_string kind{"Reshape"};
    };
};

}  // namespace ctnn
