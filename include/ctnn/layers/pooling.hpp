// Keras' pooling layers: MaxPooling1D<Pool, Pooling{}> and
// AveragePooling1D<Pool, Pooling{}> on (steps, channels),
// MaxPooling2D<PoolH, PoolW, Pooling{}> and AveragePooling2D<PoolH, PoolW,
// Pooling{}> on (rows, cols, channels). Each channel is pooled alone over
// windows of the pool's size, `strides` apart (0, the default: the pool size,
// as Keras' strides=None); output lengths as Keras (layers/window.hpp): valid
// floor((L - P) / s) + 1, same ceil(L / s) with TensorFlow's padding split.
// A max skips the padding, and an average with same padding divides by the
// entries inside the input (Keras; PyTorch's count_include_pad differs).
// No parameters; trained through their backward pass.
//   ctnn::Sequential<ctnn::Input<28, 28, 1>, ctnn::MaxPooling2D<2, 2>, ctnn::Flatten, ctnn::Dense<196, 10>>
//   ctnn::AveragePooling1D<3, ctnn::Pooling{.strides = 1, .padding = ctnn::Padding::same}>
//
// What every pooling shares (the global ones too, layers/global_pooling.hpp):
// the view of an input as (rows, cols, channels), the bound layer over two
// window axes, and the shape errors.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include "../activations/linear.hpp"
#include "../core/detail/fixed_string.hpp"
#include "../core/kernels/pooling.hpp"
#include "../core/random.hpp"
#include "../core/shape.hpp"
#include "../core/weights.hpp"
#include "shape_preserving.hpp"
#include "window.hpp"

namespace ctnn {

namespace detail {

// Instantiated for a 1D pooling whose input is not (steps, channels).
template <std::size_t Position, std::size_t Rank>
struct pooling1d_wrong_rank {
    static_assert(Rank == 2,
                  "ctnn::Sequential: MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D and GlobalAveragePooling1D "
                  "take a (steps, channels) input. pooling1d_wrong_rank<position, rank> names the layer (0-based) "
                  "and its input's rank; open the model with ctnn::Input<steps, channels> or put a "
                  "ctnn::Reshape<steps, channels> before the layer (a 2D pooling takes (rows, cols, channels)).");
};

// Instantiated for a 2D pooling whose input is not (rows, cols, channels).
template <std::size_t Position, std::size_t Rank>
struct pooling2d_wrong_rank {
    static_assert(Rank == 3,
                  "ctnn::Sequential: MaxPooling2D, AveragePooling2D, GlobalMaxPooling2D and GlobalAveragePooling2D "
                  "take a (rows, cols, channels) input. pooling2d_wrong_rank<position, rank> names the layer "
                  "(0-based) and its input's rank; open the model with ctnn::Input<rows, cols, channels> or put a "
                  "ctnn::Reshape<rows, cols, channels> before the layer (a 1D pooling takes (steps, channels)).");
};

// Instantiated for a valid pooling whose pool is longer than its input on an
// axis (the first such axis: rows, then columns).
template <std::size_t Position, std::size_t Pool, std::size_t Length>
struct pooling_window_longer_than_input {
    static_assert(Pool <= Length,
                  "ctnn::Sequential: a pooling with Padding::valid has a pool longer than its input, so it has "
                  "no output. pooling_window_longer_than_input<position, pool, length> names the layer (0-based), "
                  "the pool size and the input's length on that axis; make the pool at most that long, or pad: "
                  "ctnn::Pooling{.padding = ctnn::Padding::same}.");
};

// An input shape as (rows, cols, channels): a 1D pooling's (steps, channels)
// is one row of `steps` columns. For an input of another rank (reported by
// check) the axes are still well defined, with as many values, so nothing
// after the error cascades.
template <class In, std::size_t Spatial>
struct pooling_input {
    static constexpr std::size_t channels = In::channels;
    static constexpr std::size_t rows = Spatial == 2 && In::rank >= 2 ? In::dims[0] : 1;
    static constexpr std::size_t cols = In::rows / rows;
    static constexpr bool right_rank = In::rank == Spatial + 1;
};

// The report for a pooling of Spatial axes on input In (check_passed when fine).
struct pooling_check_passed {};
template <std::size_t Position, class In, std::size_t Spatial, class Rows, class Cols>
constexpr auto pooling_report() noexcept {
    if constexpr (In::rank != Spatial + 1) {
        if constexpr (Spatial == 1) return std::type_identity<pooling1d_wrong_rank<Position, In::rank>>{};
        else return std::type_identity<pooling2d_wrong_rank<Position, In::rank>>{};
    } else if constexpr (!Rows::fits) {
        return std::type_identity<pooling_window_longer_than_input<Position, Rows::window, Rows::length>>{};
    } else if constexpr (!Cols::fits) {
        return std::type_identity<pooling_window_longer_than_input<Position, Cols::window, Cols::length>>{};
    } else {
        return std::type_identity<pooling_check_passed>{};
    }
}

// A pooling bound for T on input In: Rows and Cols are its window axes
// (window_axis), C its channels; Out its output shape.
template <class T, class In, class Out, bool Max, class Rows, class Cols>
struct pooling_bind {
    using value_type = T;
    using activation = Linear;
    static constexpr std::size_t channels = In::channels;
    static_assert(Rows::length * Cols::length * channels == In::size && Out::size ==
                  Rows::output_length * Cols::output_length * channels);
    static constexpr std::size_t input_size = In::size;
    static constexpr std::size_t output_size = Out::size;
    static constexpr std::size_t parameter_count = 0;
    static constexpr std::size_t state_count = 0;
    static constexpr std::size_t scratch_per_sample = 0;  // a max's winners are found again from x and y
    static constexpr std::array<WeightTensor, 0> weights{};

    static void initialize(T*, T*, Rng&) noexcept {}

    template <class P>
    static constexpr EmptyView view(P*, P*) noexcept {
        return {};
    }

    static void forward(const T*, const T*, const T* x, T* y) noexcept {
        kernels::pool_forward<Max, T, Rows, Cols, channels>(x, y);
    }

    static void forward_train(const T*, T*, const T* x, T* y, T*, std::size_t n, Rng&) noexcept {
        for (std::size_t s = 0; s < n; ++s)
            kernels::pool_forward<Max, T, Rows, Cols, channels>(x + s * input_size, y + s * output_size);
    }

    template <bool FromLogits>
    static void backward(const T*, const T*, const T* x, const T* y, const T*, T* dy, T* dx, T*,
                         std::size_t n) noexcept {
        if (dx == nullptr) return;
        if constexpr (kernels::pool_windows_tile<Rows, Cols>) {
            for (std::size_t s = 0; s < n; ++s)
                kernels::pool_backward_tiled<Max, T, Rows, Cols, channels>(
                    x + s * input_size, y + s * output_size, dy + s * output_size, dx + s * input_size);
            return;
        }
        std::fill_n(dx, n * input_size, T(0));
        for (std::size_t s = 0; s < n; ++s)
            kernels::pool_backward<Max, T, Rows, Cols, channels>(x + s * input_size, y + s * output_size,
                                                                 dy + s * output_size, dx + s * input_size);
    }
};

// What the four windowed poolings share: Spatial axes (1: steps; 2: rows and
// columns), a pool of PoolH x PoolW (PoolH 1 for 1D), Keras' options.
template <bool Max, std::size_t Spatial, std::size_t PoolH, std::size_t PoolW, Pooling Options>
struct window_pooling {
    static constexpr bool sees_shape = true;
    static constexpr Pooling options = Options;
    // A pool of 0 and causal padding are reported by the layer itself; the
    // geometry stays defined (a pool of at least 1) so that is the one error.
    static constexpr std::size_t pool_rows = PoolH > 0 ? PoolH : 1;
    static constexpr std::size_t pool_cols = PoolW > 0 ? PoolW : 1;
    static constexpr std::size_t stride_rows = Spatial == 1 ? 1 : Options.strides > 0 ? Options.strides : pool_rows;
    static constexpr std::size_t stride_cols = Options.strides > 0 ? Options.strides : pool_cols;

    template <class In>
    using rows_axis = window_axis<pooling_input<In, Spatial>::rows, pool_rows, stride_rows, 1,
                                  Spatial == 1 ? Padding::valid : Options.padding>;
    template <class In>
    using cols_axis = window_axis<pooling_input<In, Spatial>::cols, pool_cols, stride_cols, 1, Options.padding>;

    template <class In>
    using output_shape =
        std::conditional_t<Spatial == 1, Shape<cols_axis<In>::output_length, In::channels>,
                           Shape<rows_axis<In>::output_length, cols_axis<In>::output_length, In::channels>>;
    template <class In>
    static constexpr bool accepts =
        std::is_same_v<decltype(pooling_report<0, In, Spatial, rows_axis<In>, cols_axis<In>>()),
                       std::type_identity<pooling_check_passed>>;
    template <std::size_t Position, class In>
    using check = typename decltype(pooling_report<Position, In, Spatial, rows_axis<In>, cols_axis<In>>())::type;

    template <class T, class In>
    using bound = pooling_bind<T, In, output_shape<In>, Max, rows_axis<In>, cols_axis<In>>;
};

}  // namespace detail

template <std::size_t Pool, Pooling Options = Pooling{}>
struct MaxPooling1D : detail::window_pooling<true, 1, 1, Pool, Options> {
    static_assert(Pool > 0, "ctnn::MaxPooling1D<Pool>: a pool holds at least one value; the pool size is in the "
                            "template arguments above.");
    static_assert(Options.padding != Padding::causal,
                  "ctnn::MaxPooling1D<Pool, Options>: a pooling pads with Padding::valid or Padding::same (causal "
                  "padding is Conv1D's, as in Keras).");
    static constexpr auto name =
        "ctnn::MaxPooling1D<" + detail::to_fixed_string<Pool>() + detail::spell_pooling<Options>() + ">";
    template <class T, class In>
    struct bind : MaxPooling1D::template bound<T, In> {
        static constexpr auto name = MaxPooling1D::name;
        static constexpr detail::fixed_string kind{"MaxPooling1D"};
    };
};

template <std::size_t Pool, Pooling Options = Pooling{}>
struct AveragePooling1D : detail::window_pooling<false, 1, 1, Pool, Options> {
    static_assert(Pool > 0, "ctnn::AveragePooling1D<Pool>: a pool holds at least one value; the pool size is in "
                            "the template arguments above.");
    static_assert(Options.padding != Padding::causal,
                  "ctnn::AveragePooling1D<Pool, Options>: a pooling pads with Padding::valid or Padding::same "
                  "(causal padding is Conv1D's, as in Keras).");
    static constexpr auto name =
        "ctnn::AveragePooling1D<" + detail::to_fixed_string<Pool>() + detail::spell_pooling<Options>() + ">";
    template <class T, class In>
    struct bind : AveragePooling1D::template bound<T, In> {
        static constexpr auto name = AveragePooling1D::name;
        static constexpr detail::fixed_string kind{"AveragePooling1D"};
    };
};

template <std::size_t PoolH, std::size_t PoolW, Pooling Options = Pooling{}>
struct MaxPooling2D : detail::window_pooling<true, 2, PoolH, PoolW, Options> {
    static_assert(PoolH > 0 && PoolW > 0, "ctnn::MaxPooling2D<PoolH, PoolW>: a pool holds at least one value on "
                                          "each axis; the pool sizes are in the template arguments above.");
    static_assert(Options.padding != Padding::causal,
                  "ctnn::MaxPooling2D<PoolH, PoolW, Options>: a pooling pads with Padding::valid or Padding::same "
                  "(causal padding is Conv1D's, as in Keras).");
    static constexpr auto name = "ctnn::MaxPooling2D<" + detail::to_fixed_string<PoolH>() + ", " +
                                 detail::to_fixed_string<PoolW>() + detail::spell_pooling<Options>() + ">";
    template <class T, class In>
    struct bind : MaxPooling2D::template bound<T, In> {
        static constexpr auto name = MaxPooling2D::name;
        static constexpr detail::fixed_string kind{"MaxPooling2D"};
    };
};

template <std::size_t PoolH, std::size_t PoolW, Pooling Options = Pooling{}>
struct AveragePooling2D : detail::window_pooling<false, 2, PoolH, PoolW, Options> {
    static_assert(PoolH > 0 && PoolW > 0, "ctnn::AveragePooling2D<PoolH, PoolW>: a pool holds at least one value "
                                          "on each axis; the pool sizes are in the template arguments above.");
    static_assert(Options.padding != Padding::causal,
                  "ctnn::AveragePooling2D<PoolH, PoolW, Options>: a pooling pads with Padding::valid or "
                  "Padding::same (causal padding is Conv1D's, as in Keras).");
    static constexpr auto name = "ctnn::AveragePooling2D<" + detail::to_fixed_string<PoolH>() + ", " +
                                 detail::to_fixed_string<PoolW>() + detail::spell_pooling<Options>() + ">";
    template <class T, class In>
    struct bind : AveragePooling2D::template bound<T, In> {
        static constexpr auto name = AveragePooling2D::name;
        static constexpr detail::fixed_string kind{"AveragePooling2D"};
    };
};

}  // namespace ctnn
