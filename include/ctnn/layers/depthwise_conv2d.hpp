// DepthwiseConv2D<KernelH, KernelW, Act, Conv{}>: Keras' DepthwiseConv2D on
// (rows, cols, channels): each input channel c convolved alone with
// depth_multiplier M kernels, output (out_rows, out_cols, C * M), output
// channel c * M + m (Keras' order).
//   ctnn::DepthwiseConv2D<3, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::same, .depth_multiplier = 2}>
// Parameters in Keras' get_weights() order: the depthwise_kernel (KH, KW, C,
// M), then the bias (C * M; none with use_bias = false). Initialized like
// Keras: Glorot uniform with fan_in = KH * KW * C, fan_out = KH * KW * M (Keras'
// compute_fans on that shape), zero bias. It runs as the groups = C case of
// Conv2D with C * M filters, whose kernel layout is the same (core/kernels/conv.hpp).
#pragma once

#include <array>
#include <cstddef>

#include "conv2d.hpp"

namespace ctnn {

template <std::size_t KernelH, std::size_t KernelW, ActivationFunction Act = Linear, Conv Options = Conv{}>
struct DepthwiseConv2D {
    static_assert(KernelH > 0 && KernelW > 0,
                  "ctnn::DepthwiseConv2D<KernelH, KernelW>: needs a kernel of at least 1 x 1.");
    static_assert(detail::conv_options_valid<Options>());
    static_assert(Options.depth_multiplier > 0, "ctnn::DepthwiseConv2D: depth_multiplier must be at least 1.");
    static_assert(Options.groups == 1,
                  "ctnn::DepthwiseConv2D: groups is Conv1D's and Conv2D's option (a depthwise convolution "
                  "has one group per channel); leave it 1.");
    static_assert(Options.padding != Padding::causal,
                  "ctnn::DepthwiseConv2D: causal padding is Conv1D's only (Keras); use valid or same.");

    static constexpr bool sees_shape = true;
    static constexpr auto name = "ctnn::DepthwiseConv2D<" + detail::to_fixed_string<KernelH>() + ", " +
                                 detail::to_fixed_string<KernelW>() + ", " + Act::name +
                                 detail::spell_conv<Options>() + ">";
    using activation = Act;
    static constexpr Conv options = Options;
    static constexpr std::size_t multiplier = Options.depth_multiplier > 0 ? Options.depth_multiplier : 1;

    // Filters 0 and groups 0: C * M filters in C groups.
    template <class In>
    using shape_of = detail::conv2d_shape<In, 0, 0, KernelH, KernelW, Conv{Options.strides, Options.padding,
                                          Options.dilation_rate, 1, Options.use_bias, multiplier}>;
    template <class In>
    using output_shape = typename shape_of<In>::output;
    template <class In>
    static constexpr bool accepts = shape_of<In>::accepts;
    template <std::size_t Position, class In>
    using check = typename decltype(shape_of<In>::template report<Position>())::type;

    template <class T, class In>
    struct bind : detail::conv_layer<T, typename shape_of<In>::geometry, Act, Options.use_bias,
                                     DepthwiseConv2D::name, detail::fixed_string{"DepthwiseConv2D"}, 4,
                                     std::array<std::size_t, 4>{KernelH, KernelW, shape_of<In>::channels, multiplier},
                                     detail::fixed_string{"depthwise_kernel"}> {};
};

}  // namespace ctnn
