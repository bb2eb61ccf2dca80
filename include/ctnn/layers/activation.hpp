// Activation<F>: applies F to each value (or, for Softmax, to the vector), as
// Keras' Activation layer. Shape-preserving; no parameters.
#pragma once

#include <cstddef>

#include "../activation.hpp"
#include "../detail/fixed_string.hpp"
#include "../random.hpp"

namespace ctnn {

struct EmptyView {};

template <ActivationFunction F>
struct Activation {
    static constexpr bool shape_preserving = true;
    static constexpr auto name = "ctnn::Activation<" + F::name + ">";
    using activation = F;

    template <class T, std::size_t Width>
    struct bind {
        using value_type = T;
        using activation = F;
        static constexpr std::size_t input_size = Width;
        static constexpr std::size_t output_size = Width;
        static constexpr std::size_t parameter_count = 0;
        static constexpr std::size_t state_count = 0;
        static constexpr auto name = Activation::name;
        static constexpr detail::fixed_string kind{"Activation"};

        static void initialize(T*, T*, Rng&) noexcept {}

        static void forward(const T*, const T*, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i) y[i] = x[i];
            activate<F, T, Width>(y);
        }

        template <class P>
        static constexpr EmptyView view(P*, P*) noexcept {
            return {};
        }
    };
};

}  // namespace ctnn
