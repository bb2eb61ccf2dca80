// Conv1D<Filters, KernelSize, Act, Conv{}>: Keras' Conv1D on (steps,
// channels), y = activation(conv(x, W) + b), output (out_steps, Filters)
// with layers/window.hpp's lengths (causal padding: d(K - 1) zeros before,
// so output t sees inputs up to t only).
//   ctnn::Conv1D<8, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 2}>
// Parameters in Keras' get_weights() order: the kernel (KernelSize, C /
// groups, Filters), then the bias (Filters; none with use_bias = false).
// Filter f sees the input channels of group f / (Filters / groups).
// Initialized like Keras: Glorot uniform with fan_in = K * C / groups, fan_out
// = K * Filters; zero bias. It runs as a Conv2D of one row (core/kernels/conv.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include "conv2d.hpp"

namespace ctnn {

namespace detail {

// Conv1D on (steps, channels): a Conv2D of one row and a one-tap row axis.
template <class In, std::size_t Filters, std::size_t Groups, std::size_t K, Conv Options>
struct conv1d_shape {
    static constexpr std::size_t steps = dim_or_one<In, 0>, channels = dim_or_one<In, 1>;
    using row_axis = window_axis<1, 1, 1, 1, Padding::valid>;
    using col_axis = window_axis<steps, K, Options.strides.rows, Options.dilation_rate.rows, Options.padding>;
    using geometry = kernels::conv_geometry<1, steps, channels, Filters, Groups, row_axis, col_axis>;
    using output = Shape<col_axis::output_length, Filters>;
    static constexpr bool accepts = In::rank == 2 && channels % Groups == 0 && col_axis::fits;
    template <std::size_t Position>
    static constexpr auto report() noexcept {
        if constexpr (In::rank != 2) return std::type_identity<conv_input_of_wrong_rank<Position, In::rank, 2>>{};
        else if constexpr (channels % Groups != 0)
            return std::type_identity<conv_groups_do_not_divide_channels<Position, channels, Groups>>{};
        else return std::type_identity<conv_window_longer_than_input<Position, col_axis::span, steps>>{};
    }
};

}  // namespace detail

template <std::size_t Filters, std::size_t KernelSize, ActivationFunction Act = Linear, Conv Options = Conv{}>
struct Conv1D {
    static_assert(Filters > 0 && KernelSize > 0,
                  "ctnn::Conv1D<Filters, KernelSize>: needs at least one filter and a kernel of at least 1.");
    static_assert(detail::conv_options_valid<Options>());
    static_assert(Options.strides.uniform() && Options.dilation_rate.uniform(),
                  "ctnn::Conv1D: a Conv1D has one axis; give strides and dilation_rate one value each.");
    static_assert(Options.groups > 0 && Filters % (Options.groups > 0 ? Options.groups : 1) == 0,
                  "ctnn::Conv1D: groups must be at least 1 and divide Filters (Keras).");
    static_assert(Options.depth_multiplier == 1,
                  "ctnn::Conv1D: depth_multiplier is DepthwiseConv2D's option; leave it 1.");

    static constexpr bool sees_shape = true;
    static constexpr auto name = "ctnn::Conv1D<" + detail::to_fixed_string<Filters>() + ", " +
                                 detail::to_fixed_string<KernelSize>() + ", " + Act::name +
                                 detail::spell_conv<Options>() + ">";
    using activation = Act;
    static constexpr Conv options = Options;

    template <class In>
    using shape_of = detail::conv1d_shape<In, Filters, (Options.groups > 0 ? Options.groups : 1), KernelSize, Options>;
    template <class In>
    using output_shape = typename shape_of<In>::output;
    template <class In>
    static constexpr bool accepts = shape_of<In>::accepts;
    template <std::size_t Position, class In>
    using check = typename decltype(shape_of<In>::template report<Position>())::type;

    template <class T, class In>
    struct bind
        : detail::conv_layer<T, typename shape_of<In>::geometry, Act, Options.use_bias, Conv1D::name,
                             detail::fixed_string{"Conv1D"}, 3,
                             std::array<std::size_t, 4>{KernelSize, shape_of<In>::geometry::group_channels, Filters},
                             detail::fixed_string{"kernel"}> {};
};

}  // namespace ctnn
