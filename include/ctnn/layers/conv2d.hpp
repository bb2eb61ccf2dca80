// Conv2D<Filters, KernelH, KernelW, Act, Conv{}>: Keras' Conv2D on (rows, cols,
// channels), y = activation(conv(x, W) + b), output (out_rows, out_cols,
// Filters) with layers/window.hpp's lengths.
//   ctnn::Conv2D<32, 3, 3, ctnn::ReLU, ctnn::Conv{.strides = {2, 1}, .padding = ctnn::Padding::same}>
// Parameters in Keras' get_weights() order: the kernel (KH, KW, C / groups,
// Filters), then the bias (Filters; none with use_bias = false). Filter f sees
// the input channels of group f / (Filters / groups). Initialized like Keras:
// Glorot uniform with Keras' fans for a conv kernel (receptive field rf = KH *
// KW, fan_in = rf * C / groups, fan_out = rf * Filters), zero bias.
//
// This header also holds what Conv1D and DepthwiseConv2D share with it: the
// bound layer over a kernels::conv_geometry (core/kernels/conv.hpp), the
// options' checks, and the shape errors.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../activations/linear.hpp"
#include "../core/activation.hpp"
#include "../core/detail/fixed_string.hpp"
#include "../core/kernels/conv.hpp"
#include "../core/kernels/elementwise.hpp"
#include "../core/random.hpp"
#include "../core/shape.hpp"
#include "../core/weights.hpp"
#include "window.hpp"

namespace ctnn {

// Typed access to a convolution's weights: the kernel in Keras' layout
// (kernel(i, j, ...) indexes its Rank dimensions, row-major) and the bias.
template <class P, std::size_t Rank, std::size_t Bias>
class ConvView {
public:
    constexpr ConvView(P* params, std::array<std::size_t, Rank> dims) noexcept : params_(params), dims_(dims) {}
    static constexpr std::size_t rank = Rank;
    constexpr std::array<std::size_t, Rank> kernel_shape() const noexcept { return dims_; }
    constexpr std::span<P> kernel() const noexcept { return std::span<P>(params_, kernel_values()); }
    template <class... I>
        requires(sizeof...(I) == Rank)
    constexpr P& kernel(I... i) const noexcept {
        const std::array<std::size_t, Rank> index{static_cast<std::size_t>(i)...};
        std::size_t flat = 0;
        for (std::size_t d = 0; d < Rank; ++d) flat = flat * dims_[d] + index[d];
        return params_[flat];
    }
    constexpr std::span<P, Bias> bias() const noexcept
        requires(Bias > 0)
    {
        return std::span<P, Bias>(params_ + kernel_values(), Bias);
    }

private:
    constexpr std::size_t kernel_values() const noexcept {
        std::size_t n = 1;
        for (std::size_t d : dims_) n *= d;
        return n;
    }
    P* params_;
    std::array<std::size_t, Rank> dims_;
};

namespace detail {

// ---- shape errors (reported through accepts / check, core/detail/shapes.hpp) ----

// Instantiated for a convolution whose input has another rank than it takes.
template <std::size_t Position, std::size_t Rank, std::size_t Expected>
struct conv_input_of_wrong_rank {
    static_assert(Rank == Expected,
                  "ctnn::Conv1D / Conv2D / DepthwiseConv2D: the input has the wrong rank. "
                  "conv_input_of_wrong_rank<position, rank, expected> names the layer (0-based); Conv1D takes "
                  "(steps, channels), Conv2D and DepthwiseConv2D (rows, cols, channels): declare it with "
                  "ctnn::Input<...> or Reshape<...> before the layer.");
};

// Instantiated for a grouped convolution whose groups do not divide its input's channels.
template <std::size_t Position, std::size_t Channels, std::size_t Groups>
struct conv_groups_do_not_divide_channels {
    static_assert(Channels % Groups == 0,
                  "ctnn::Conv1D / Conv2D: groups must divide the input's channels (Keras). "
                  "conv_groups_do_not_divide_channels<position, channels, groups> names the layer (0-based).");
};

// Instantiated for a valid convolution whose window (dilated) is longer than its input.
template <std::size_t Position, std::size_t Span, std::size_t Length>
struct conv_window_longer_than_input {
    static_assert(Span <= Length,
                  "ctnn::Conv1D / Conv2D / DepthwiseConv2D: with padding valid, the window (dilation * "
                  "(kernel - 1) + 1 values) must fit in the input. conv_window_longer_than_input<position, "
                  "span, length> names the layer (0-based) and the axis' numbers; use a smaller kernel or "
                  "dilation, or Padding::same.");
};

// Axis I of In, or 1 past its rank (so a wrong rank reports itself and nothing cascades).
template <class In, std::size_t I>
inline constexpr std::size_t dim_or_one = I < In::rank ? In::dims[I < In::rank ? I : 0] : 1;

// The options' checks every convolution makes; in the description, so the
// error names the layer as written.
template <Conv Options>
constexpr bool conv_options_valid() noexcept {
    static_assert(Options.strides.rows > 0 && Options.strides.cols > 0,
                  "ctnn::Conv: strides must be at least 1 (the layer is named above).");
    static_assert(Options.dilation_rate.rows > 0 && Options.dilation_rate.cols > 0,
                  "ctnn::Conv: dilation_rate must be at least 1 (the layer is named above).");
    static_assert(Options.strides == PerAxis{1} || Options.dilation_rate == PerAxis{1},
                  "ctnn::Conv: strides above 1 together with dilation_rate above 1 are not allowed "
                  "(Keras rejects them); the layer is named above.");
    return true;
}

// The convolution bound for T: geometry G (core/kernels/conv.hpp), Bias
// values of bias after the kernel (0 or G::filters), the description's
// spelling Name and Keras' class name Kind, the kernel's shape and weight name.
template <class T, class G, ActivationFunction Act, bool HasBias, auto Name, auto Kind, std::size_t KernelRank,
          std::array<std::size_t, 4> KernelShape, fixed_string KernelName>
struct conv_layer {
    using value_type = T;
    using activation = Act;
    using geometry = G;
    static constexpr std::size_t input_size = G::input_size;
    static constexpr std::size_t output_size = G::output_size;
    static constexpr std::size_t kernel_size = G::kernel_size;
    static constexpr std::size_t bias_size = HasBias ? G::filters : 0;
    static constexpr std::size_t parameter_count = kernel_size + bias_size;
    static constexpr std::size_t state_count = 0;
    static constexpr auto name = Name;
    static constexpr auto kind = Kind;
    static constexpr std::size_t positions = G::out_rows * G::out_cols;
    static constexpr auto weights = [] {
        constexpr WeightTensor kernel{KernelName.view(), true, KernelRank, KernelShape};
        if constexpr (HasBias) return std::array<WeightTensor, 2>{{kernel, {"bias", true, 1, {G::filters}}}};
        else return std::array<WeightTensor, 1>{{kernel}};
    }();

    static void initialize(T* params, T*, Rng& rng) noexcept {
        // Keras' compute_fans for a kernel of rank > 2: the receptive field
        // is the product of all but the last two dimensions.
        std::size_t receptive_field = 1;
        for (std::size_t d = 0; d + 2 < KernelRank; ++d) receptive_field *= KernelShape[d];
        const double fan_in = double(receptive_field * KernelShape[KernelRank - 2]);
        const double fan_out = double(receptive_field * KernelShape[KernelRank - 1]);
        const double limit = std::sqrt(6.0 / (fan_in + fan_out));  // Glorot uniform
        for (std::size_t k = 0; k < kernel_size; ++k) params[k] = static_cast<T>(rng.uniform(-limit, limit));
        for (std::size_t k = 0; k < bias_size; ++k) params[kernel_size + k] = T(0);
    }

    static const T* bias_of(const T* params) noexcept {
        if constexpr (HasBias) return params + kernel_size;
        else return nullptr;
    }

    // z -> y = act(z), per output position for a vector activation (Softmax over the filters).
    static void activate(const T* z, T* y, std::size_t n) noexcept {
        if constexpr (std::is_same_v<Act, Linear>) {
            if (z != y) std::copy_n(z, n * output_size, y);
        } else if constexpr (ElementwiseActivation<Act>) {
            kernels::apply<Act>(z, y, n * output_size);  // in place (z == y) at inference
        } else {
            if (z != y) std::copy_n(z, n * output_size, y);
            for (std::size_t p = 0; p < n * positions; ++p) Act::template apply_vector<T, G::filters>(y + p * G::filters);
        }
    }

    static void forward(const T* params, const T*, const T* x, T* y) noexcept {
        kernels::conv_forward<T, G>(params, bias_of(params), x, y);
        activate(y, y, 1);
    }

    // ---- training, over n samples one after the other (core/layer.hpp) ----
    // Scratch: per call, a Winograd layer's transformed kernels (made once and
    // shared by the samples, for the forward pass and dx); per sample, the
    // pre-activations z (none for Linear, where y is z).
    static constexpr bool winograd = kernels::detail::winograd_applies<T, G>;
    static constexpr std::size_t scratch_per_call = winograd ? kernels::winograd_training_values<T, G> : 0;
    static constexpr std::size_t scratch_per_sample = std::is_same_v<Act, Linear> ? 0 : output_size;

    static void forward_train(const T* params, T*, const T* x, T* y, T* scratch, std::size_t n, Rng&) noexcept {
        T* z = scratch_per_sample ? scratch + scratch_per_call : y;
        if constexpr (winograd) {
            T* u = scratch;
            kernels::winograd_transform_kernel<T, G>(params, u, u + scratch_per_call / 2);
            for (std::size_t s = 0; s < n; ++s)
                kernels::winograd_conv3x3_transformed<T, G>(u, bias_of(params), x + s * input_size, z + s * output_size);
        } else {
            for (std::size_t s = 0; s < n; ++s)
                kernels::conv_forward<T, G>(params, bias_of(params), x + s * input_size, z + s * output_size);
        }
        activate(z, y, n);
    }

    // dy holds dL/dy (dL/dz when FromLogits) and is overwritten with dL/dz.
    // Writes dL/dkernel and dL/dbias to dparams and, unless dx is null, dL/dx.
    template <bool FromLogits>
    static void backward(const T* params, const T*, const T* x, const T* y, const T* scratch, T* dy, T* dx,
                         T* dparams, std::size_t n) noexcept {
        const T* z = scratch + scratch_per_call;
        if constexpr (!FromLogits && ElementwiseActivation<Act> && !std::is_same_v<Act, Linear>) {
            kernels::multiply_by_derivative<Act>(z, y, dy, dy, n * output_size);
        } else if constexpr (!FromLogits && !ElementwiseActivation<Act>) {
            for (std::size_t p = 0; p < n * positions; ++p)
                Act::template backward_vector<T, G::filters>(y + p * G::filters, dy + p * G::filters);
        }
        const T* dz = dy;
        std::fill_n(dparams, kernel_size, T(0));
        if constexpr (winograd)
            kernels::winograd_kernel_gradient<T, G>(x, dz, n, dparams);
        else
            for (std::size_t s = 0; s < n; ++s)
                kernels::conv_kernel_gradient<T, G>(x + s * input_size, dz + s * output_size, dparams);
        if constexpr (HasBias) kernels::column_sums<T, G::filters>(dz, n * positions, dparams + kernel_size);
        if (dx == nullptr) return;
        for (std::size_t s = 0; s < n; ++s) {
            if constexpr (winograd)  // from forward_train's transformed kernels
                kernels::winograd_input_gradient<T, G>(scratch + scratch_per_call / 2, dz + s * output_size,
                                                       dx + s * input_size);
            else
                kernels::conv_input_gradient<T, G>(params, dz + s * output_size, dx + s * input_size);
        }
    }

    template <class P>
    static constexpr ConvView<P, KernelRank, bias_size> view(P* params, P*) noexcept {
        std::array<std::size_t, KernelRank> dims{};
        for (std::size_t d = 0; d < KernelRank; ++d) dims[d] = KernelShape[d];
        return ConvView<P, KernelRank, bias_size>(params, dims);
    }
};

// What Conv2D and DepthwiseConv2D share on (rows, cols, channels): the
// geometry, the output shape and the shape checks. Groups 0 means the
// input's channels (depthwise).
template <class In, std::size_t Filters, std::size_t Groups, std::size_t KH, std::size_t KW, Conv Options>
struct conv2d_shape {
    static constexpr std::size_t rows = dim_or_one<In, 0>, cols = dim_or_one<In, 1>, channels = dim_or_one<In, 2>;
    static constexpr std::size_t groups = Groups == 0 ? channels : Groups;
    static constexpr std::size_t filters = Filters == 0 ? channels * Options.depth_multiplier : Filters;
    using row_axis = window_axis<rows, KH, Options.strides.rows, Options.dilation_rate.rows, Options.padding>;
    using col_axis = window_axis<cols, KW, Options.strides.cols, Options.dilation_rate.cols, Options.padding>;
    using geometry = kernels::conv_geometry<rows, cols, channels, (filters > 0 ? filters : 1), groups, row_axis, col_axis>;
    using output = Shape<row_axis::output_length, col_axis::output_length, (filters > 0 ? filters : 1)>;
    static constexpr bool accepts = In::rank == 3 && channels % (groups > 0 ? groups : 1) == 0 && row_axis::fits &&
                                    col_axis::fits;
    template <std::size_t Position>
    static constexpr auto report() noexcept {
        if constexpr (In::rank != 3) return std::type_identity<conv_input_of_wrong_rank<Position, In::rank, 3>>{};
        else if constexpr (channels % (groups > 0 ? groups : 1) != 0)
            return std::type_identity<conv_groups_do_not_divide_channels<Position, channels, groups>>{};
        else if constexpr (!row_axis::fits)
            return std::type_identity<conv_window_longer_than_input<Position, row_axis::span, rows>>{};
        else return std::type_identity<conv_window_longer_than_input<Position, col_axis::span, cols>>{};
    }
};

}  // namespace detail

template <std::size_t Filters, std::size_t KernelH, std::size_t KernelW, ActivationFunction Act = Linear,
          Conv Options = Conv{}>
struct Conv2D {
    static_assert(Filters > 0 && KernelH > 0 && KernelW > 0,
                  "ctnn::Conv2D<Filters, KernelH, KernelW>: needs at least one filter and a kernel of at "
                  "least 1 x 1.");
    static_assert(detail::conv_options_valid<Options>());
    static_assert(Options.groups > 0 && Filters % (Options.groups > 0 ? Options.groups : 1) == 0,
                  "ctnn::Conv2D: groups must be at least 1 and divide Filters (Keras).");
    static_assert(Options.padding != Padding::causal,
                  "ctnn::Conv2D: causal padding is Conv1D's only (Keras); use valid or same.");
    static_assert(Options.depth_multiplier == 1,
                  "ctnn::Conv2D: depth_multiplier is DepthwiseConv2D's option; leave it 1.");

    static constexpr bool sees_shape = true;
    static constexpr auto name = "ctnn::Conv2D<" + detail::to_fixed_string<Filters>() + ", " +
                                 detail::to_fixed_string<KernelH>() + ", " + detail::to_fixed_string<KernelW>() +
                                 ", " + Act::name + detail::spell_conv<Options>() + ">";
    using activation = Act;
    static constexpr Conv options = Options;

    template <class In>
    using shape_of = detail::conv2d_shape<In, Filters, (Options.groups > 0 ? Options.groups : 1), KernelH, KernelW,
                                          Options>;
    template <class In>
    using output_shape = typename shape_of<In>::output;
    template <class In>
    static constexpr bool accepts = shape_of<In>::accepts;
    template <std::size_t Position, class In>
    using check = typename decltype(shape_of<In>::template report<Position>())::type;

    template <class T, class In>
    struct bind : detail::conv_layer<T, typename shape_of<In>::geometry, Act, Options.use_bias, Conv2D::name,
                                     detail::fixed_string{"Conv2D"}, 4,
                                     std::array<std::size_t, 4>{KernelH, KernelW, shape_of<In>::geometry::group_channels,
                                                                Filters},
                                     detail::fixed_string{"kernel"}> {};
};

}  // namespace ctnn
