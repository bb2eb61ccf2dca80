// Dense<In, Out, Activation>: y = activation(x W + b), Keras' Dense layer.
// Parameters, in Keras' get_weights() order: the kernel W (In x Out,
// input-major: element i * Out + j links input i to output j), then the bias b
// (Out). Initialized like Keras: Glorot uniform kernel, zero bias.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>

#include "../activation.hpp"
#include "../activations/linear.hpp"
#include "../detail/fixed_string.hpp"
#include "../kernels/dense.hpp"
#include "../matrix_view.hpp"
#include "../random.hpp"

namespace ctnn {

template <class P, std::size_t In, std::size_t Out>
class DenseView {
public:
    constexpr explicit DenseView(P* params) noexcept : params_(params) {}
    constexpr MatrixView<P, In, Out> kernel() const noexcept { return MatrixView<P, In, Out>(params_); }
    constexpr std::span<P, Out> bias() const noexcept { return std::span<P, Out>(params_ + In * Out, Out); }

private:
    P* params_;
};

template <std::size_t In, std::size_t Out, ActivationFunction Act = Linear>
struct Dense {
    static_assert(In > 0 && Out > 0,
                  "ctnn::Dense<In, Out>: a Dense layer needs at least one input and one output; "
                  "the widths are in the template arguments above.");
    static constexpr std::size_t input_size = In;
    static constexpr std::size_t output_size = Out;
    static constexpr auto name = "ctnn::Dense<" + detail::to_fixed_string<In>() + ", " +
                                 detail::to_fixed_string<Out>() + ", " + Act::name + ">";
    using activation = Act;

    template <class T, std::size_t Width = In>
    struct bind {
        using value_type = T;
        using activation = Act;
        static constexpr std::size_t input_size = In;
        static constexpr std::size_t output_size = Out;
        static constexpr std::size_t parameter_count = In * Out + Out;
        static constexpr std::size_t state_count = 0;
        static constexpr auto name = Dense::name;
        static constexpr detail::fixed_string kind{"Dense"};

        static void initialize(T* params, T*, Rng& rng) noexcept {
            const double limit = std::sqrt(6.0 / static_cast<double>(In + Out));  // Glorot uniform
            for (std::size_t k = 0; k < In * Out; ++k) params[k] = static_cast<T>(rng.uniform(-limit, limit));
            for (std::size_t j = 0; j < Out; ++j) params[In * Out + j] = T(0);
        }

        static void forward(const T* params, const T*, const T* x, T* y) noexcept {
            kernels::dense_forward<T, In, Out, Act>(params, params + In * Out, x, y);
        }

        template <class P>
        static constexpr DenseView<P, In, Out> view(P* params, P*) noexcept {
            return DenseView<P, In, Out>(params);
        }
    };
};

}  // namespace ctnn
