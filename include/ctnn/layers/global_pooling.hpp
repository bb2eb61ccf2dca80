// Keras' global poolings: GlobalAveragePooling1D and GlobalMaxPooling1D,
// (steps, channels) -> (channels); GlobalAveragePooling2D and
// GlobalMaxPooling2D, (rows, cols, channels) -> (channels). The mean or the
// max of each channel over the whole sample (Keras' keepdims=False). They are
// layers/pooling.hpp's poolings with one window as large as the input.
//   ctnn::Sequential<ctnn::Input<64, 8>, ctnn::Dense<8, 16, ctnn::ReLU>, ctnn::GlobalAveragePooling1D, ctnn::Dense<16, 1>>
#pragma once

#include <cstddef>
#include <type_traits>

#include "../core/detail/fixed_string.hpp"
#include "../core/shape.hpp"
#include "pooling.hpp"
#include "window.hpp"

namespace ctnn {

namespace detail {

// A global pooling of Spatial axes: each axis one window of its whole length.
template <bool Max, std::size_t Spatial>
struct global_pooling {
    static constexpr bool sees_shape = true;

    template <class In>
    using rows_axis = window_axis<pooling_input<In, Spatial>::rows, pooling_input<In, Spatial>::rows, 1, 1,
                                  Padding::valid>;
    template <class In>
    using cols_axis = window_axis<pooling_input<In, Spatial>::cols, pooling_input<In, Spatial>::cols, 1, 1,
                                  Padding::valid>;

    template <class In>
    using output_shape = Shape<In::channels>;
    template <class In>
    static constexpr bool accepts = In::rank == Spatial + 1;
    template <std::size_t Position, class In>
    using check = typename decltype(pooling_report<Position, In, Spatial, rows_axis<In>, cols_axis<In>>())::type;

    template <class T, class In>
    using bound = pooling_bind<T, In, output_shape<In>, Max, rows_axis<In>, cols_axis<In>>;
};

}  // namespace detail

struct GlobalAveragePooling1D : detail::global_pooling<false, 1> {
    static constexpr detail::fixed_string name{"ctnn::GlobalAveragePooling1D"};
    template <class T, class In>
    struct bind : bound<T, In> {
        static constexpr auto name = GlobalAveragePooling1D::name;
        static constexpr detail::fixed_string kind{"GlobalAveragePooling1D"};
    };
};

struct GlobalMaxPooling1D : detail::global_pooling<true, 1> {
    static constexpr detail::fixed_string name{"ctnn::GlobalMaxPooling1D"};
    template <class T, class In>
    struct bind : bound<T, In> {
        static constexpr auto name = GlobalMaxPooling1D::name;
        static constexpr detail::fixed_string kind{"GlobalMaxPooling1D"};
    };
};

struct GlobalAveragePooling2D : detail::global_pooling<false, 2> {
    static constexpr detail::fixed_string name{"ctnn::GlobalAveragePooling2D"};
    template <class T, class In>
    struct bind : bound<T, In> {
        static constexpr auto name = GlobalAveragePooling2D::name;
        static constexpr detail::fixed_string kind{"GlobalAveragePooling2D"};
    };
};

struct GlobalMaxPooling2D : detail::global_pooling<true, 2> {
    static constexpr detail::fixed_string name{"ctnn::GlobalMaxPooling2D"};
    template <class T, class In>
    struct bind : bound<T, In> {
        static constexpr auto name = GlobalMaxPooling2D::name;
        static constexpr detail::fixed_string kind{"GlobalMaxPooling2D"};
    };
};

}  // namespace ctnn
