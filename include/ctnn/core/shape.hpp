// Shapes as types, channels last (Keras' default data_format): Shape<28, 28, 1>
// is an image, Shape<256, 1> 256 time steps of one feature. The data stay flat:
// a sample of Shape<D...> is D0 * D1 * ... values in row-major order (the last
// axis varies fastest), so Dataset, the loaders and the scalers see vectors.
//
// Input<D...> may open a model and declares its input shape:
//   ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Dense<3, 4>, ctnn::Flatten, ctnn::Dense<32, 1>>
// It is not a layer (Keras' model.layers has no InputLayer either): layer<0>
// is the first layer after it. Without it a model's input is a vector, the
// width of its first fixed-shape layer.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "detail/fixed_string.hpp"

namespace ctnn {

template <std::size_t... D>
struct Shape {
    static_assert(sizeof...(D) > 0, "ctnn::Shape<D...>: a shape has at least one axis.");
    static_assert(((D > 0) && ...), "ctnn::Shape<D...>: every axis needs at least one element.");
    static constexpr std::size_t rank = sizeof...(D);
    static constexpr std::array<std::size_t, rank> dims{D...};
    static constexpr std::size_t size = (D * ...);
    // The last axis (the channels, or a vector's width) and how many rows of
    // it a sample holds: a last-axis layer runs once per row.
    static constexpr std::size_t channels = dims[rank - 1];
    static constexpr std::size_t rows = size / channels;
    // Keras' spelling of a batch of this shape, "(None, 8, 3)" (summary).
    static constexpr auto keras_spelling = "(None, " + detail::join_with_commas<detail::to_fixed_string<D>()...>() + ")";
};

template <std::size_t... D>
struct Input {
    using shape = Shape<D...>;
    static constexpr auto name = "ctnn::Input<" + detail::join_with_commas<detail::to_fixed_string<D>()...>() + ">";
};

namespace detail {

template <class L>
struct is_input : std::false_type {};
template <std::size_t... D>
struct is_input<Input<D...>> : std::true_type {};

// Shape<D...> with its last axis replaced by C: what a last-axis layer of C
// outputs makes of its input.
template <class S, std::size_t C>
struct with_channels;
template <std::size_t... D, std::size_t C>
struct with_channels<Shape<D...>, C> {
    template <std::size_t... I>
    static auto make(std::index_sequence<I...>) -> Shape<(I + 1 < sizeof...(D) ? Shape<D...>::dims[I] : C)...>;
    using type = decltype(make(std::make_index_sequence<sizeof...(D)>{}));
};

}  // namespace detail

}  // namespace ctnn
