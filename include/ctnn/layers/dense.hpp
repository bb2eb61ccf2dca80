// Dense<In, Out, Activation>: y = activation(x W + b), Keras' Dense layer.
// Parameters, in Keras' get_weights() order: the kernel W (In x Out,
// input-major: element i * Out + j links input i to output j), then the bias b
// (Out). Initialized like Keras: Glorot uniform kernel, zero bias.
//
// Options, a fourth template argument: Dense<In, Out, Act,
// DenseOptions{.use_bias = false}> is y = activation(x W), with the kernel
// alone (Keras' use_bias=False), decided at compile time. Dense<In, Out, Act>
// spells itself as before; the options are spelled only when they differ from
// the defaults: "ctnn::Dense<3, 4, ctnn::ReLU, ctnn::DenseOptions{.use_bias = false}>".
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../core/activation.hpp"
#include "../activations/linear.hpp"
#include "../core/detail/fixed_string.hpp"
#include "../core/kernels/dense.hpp"
#include "../core/kernels/dense_lanes.hpp"
#include "../core/kernels/elementwise.hpp"
#include "../core/kernels/gemm.hpp"
#include "../core/matrix_view.hpp"
#include "../core/weights.hpp"
#include "../core/random.hpp"

namespace ctnn {

struct DenseOptions {
    bool use_bias = true;
    friend constexpr bool operator==(const DenseOptions&, const DenseOptions&) noexcept = default;
};

namespace detail {
// ", ctnn::DenseOptions{.use_bias = false}", or nothing for the defaults.
template <DenseOptions Options>
constexpr auto spell_dense_options() noexcept {
    if constexpr (Options == DenseOptions{}) return fixed_string{""};
    else return fixed_string{", ctnn::DenseOptions{.use_bias = false}"};
}
}  // namespace detail

template <class P, std::size_t In, std::size_t Out, bool Bias = true>
class DenseView {
public:
    constexpr explicit DenseView(P* params) noexcept : params_(params) {}
    constexpr MatrixView<P, In, Out> kernel() const noexcept { return MatrixView<P, In, Out>(params_); }
    constexpr std::span<P, Out> bias() const noexcept
        requires Bias
    {
        return std::span<P, Out>(params_ + In * Out, Out);
    }

private:
    P* params_;
};

template <std::size_t In, std::size_t Out, ActivationFunction Act = Linear, DenseOptions Options = DenseOptions{}>
struct Dense {
    static_assert(In > 0 && Out > 0,
                  "ctnn::Dense<In, Out>: a Dense layer needs at least one input and one output; "
                  "the widths are in the template arguments above.");
    static constexpr std::size_t input_size = In;
    static constexpr std::size_t output_size = Out;
    static constexpr auto name = "ctnn::Dense<" + detail::to_fixed_string<In>() + ", " +
                                 detail::to_fixed_string<Out>() + ", " + Act::name +
                                 detail::spell_dense_options<Options>() + ">";
    using activation = Act;
    static constexpr DenseOptions options = Options;

    template <class T, std::size_t Width = In>
    struct bind {
        using value_type = T;
        using activation = Act;
        static constexpr std::size_t input_size = In;
        static constexpr std::size_t output_size = Out;
        static constexpr bool has_bias = Options.use_bias;
        static constexpr std::size_t parameter_count = In * Out + (has_bias ? Out : 0);
        static constexpr std::size_t state_count = 0;
        static constexpr auto name = Dense::name;
        static constexpr detail::fixed_string kind{"Dense"};
        static constexpr auto weights = [] {
            if constexpr (has_bias)
                return std::array<WeightTensor, 2>{{{"kernel", true, 2, {In, Out}}, {"bias", true, 1, {Out}}}};
            else
                return std::array<WeightTensor, 1>{{{"kernel", true, 2, {In, Out}}}};
        }();

        static void initialize(T* params, T*, Rng& rng) noexcept {
            const double limit = std::sqrt(6.0 / static_cast<double>(In + Out));  // Glorot uniform
            for (std::size_t k = 0; k < In * Out; ++k) params[k] = static_cast<T>(rng.uniform(-limit, limit));
            if constexpr (has_bias)
                for (std::size_t j = 0; j < Out; ++j) params[In * Out + j] = T(0);
        }

        // The bias, or null without one.
        static const T* bias_of(const T* params) noexcept {
            if constexpr (has_bias) return params + In * Out;
            else return nullptr;
        }

        static void forward(const T* params, const T*, const T* x, T* y) noexcept {
            kernels::dense_forward<T, In, Out, Act, has_bias>(params, bias_of(params), x, y);
        }

        // A tile of L samples in lane order (core/layer.hpp): an elementwise activation
        // is applied in registers by the kernel; Softmax runs on the Out vectors
        // of pre-activations afterwards, in lane order too.
        static void forward_lanes(const T* params, const T*, const T* x, T* y) noexcept
            requires kernels::LanesActivation<Act, T, Out>
        {
            if constexpr (ElementwiseActivation<Act>) {
                kernels::dense_forward_lanes<T, In, Out, Act, has_bias>(params, bias_of(params), x, y);
            } else {
                kernels::dense_forward_lanes<T, In, Out, Linear, has_bias>(params, bias_of(params), x, y);
                Act::template apply_lanes<simd::widest<T>, Out>(y);
            }
        }

        // ---- training, over n samples stored row after row (core/layer.hpp) ----
        // Scratch: the pre-activations z, kept for the activation's derivative
        // (none for Linear, where y is z).
        static constexpr std::size_t scratch_per_sample = std::is_same_v<Act, Linear> ? 0 : Out;

        static void forward_train(const T* params, T*, const T* x, T* y, T* scratch, std::size_t n,
                                  Rng&) noexcept {
            T* z = scratch_per_sample ? scratch : y;
            kernels::gemm<T, Out>(n, In, x, In, 1, params, Out, bias_of(params), z, Out);  // z = x W + b
            if constexpr (ElementwiseActivation<Act> && !std::is_same_v<Act, Linear>) {
                kernels::apply<Act>(z, y, n * Out);
            } else if constexpr (!ElementwiseActivation<Act>) {
                std::copy_n(z, n * Out, y);
                for (std::size_t r = 0; r < n; ++r) Act::template apply_vector<T, Out>(y + r * Out);
            }
        }

        // dy holds dL/dy (dL/dz when FromLogits: the loss was fused with the
        // activation) and is overwritten with dL/dz. Writes dL/dW and dL/db (if any) to
        // dparams and, unless dx is null (the first layer), dL/dx to dx.
        template <bool FromLogits>
        static void backward(const T* params, const T*, const T* x, const T* y, const T* scratch, T* dy, T* dx,
                             T* dparams, std::size_t n) noexcept {
            if constexpr (!FromLogits && ElementwiseActivation<Act> && !std::is_same_v<Act, Linear>) {
                kernels::multiply_by_derivative<Act>(scratch, y, dy, dy, n * Out);
            } else if constexpr (!FromLogits && !ElementwiseActivation<Act>) {
                for (std::size_t r = 0; r < n; ++r) Act::template backward_vector<T, Out>(y + r * Out, dy + r * Out);
            }
            const T* __restrict dz = dy;
            kernels::gemm<T, Out>(In, n, x, 1, In, dz, Out, nullptr, dparams, Out);  // dW = x^T dz
            if constexpr (has_bias) {
                T* __restrict db = dparams + In * Out;
                kernels::column_sums<T, Out>(dz, n, db);  // db = the column sums of dz
            }
            if (dx != nullptr) {
                for (std::size_t r = 0; r < n; ++r) {
                    const T* __restrict dz_row = dz + r * Out;
                    for (std::size_t i = 0; i < In; ++i) {
                        const T* __restrict w_row = params + i * Out;
                        T sum = 0;
                        for (std::size_t j = 0; j < Out; ++j) sum += dz_row[j] * w_row[j];
                        dx[r * In + i] = sum;
                    }
                }
            }
        }

        template <class P>
        static constexpr DenseView<P, In, Out, has_bias> view(P* params, P*) noexcept {
            return DenseView<P, In, Out, has_bias>(params);
        }
    };
};

}  // namespace ctnn
