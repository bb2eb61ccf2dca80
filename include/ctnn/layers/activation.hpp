// Activation<F>: applies F to each value (or, for Softmax, to the vector), as
// Keras' Activation layer. Shape-preserving; no parameters.
#pragma once

#include <algorithm>
#include <cstddef>

#include "../core/activation.hpp"
#include "../core/detail/fixed_string.hpp"
#include "../core/detail/simd.hpp"
#include "../core/kernels/dense_lanes.hpp"
#include "../core/kernels/elementwise.hpp"
#include "../core/random.hpp"
#include "shape_preserving.hpp"

namespace ctnn {

template <ActivationFunction F>
struct Activation {
    static constexpr bool shape_preserving = true;
    // Softmax acts on the last axis; the others on each value (core/layer.hpp).
    static constexpr bool elementwise = ElementwiseActivation<F>;
    static constexpr auto name = "ctnn::Activation<" + F::name + ">";
    using activation = F;

    template <class T, std::size_t Width>
    struct bind : ShapePreservingBase<T, Width> {
        using activation = F;
        static constexpr auto name = Activation::name;
        static constexpr detail::fixed_string kind{"Activation"};

        static void forward(const T*, const T*, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i) y[i] = x[i];
            activate<F, T, Width>(y);
        }

        // A tile of L samples in lane order (core/layer.hpp).
        static void forward_lanes(const T*, const T*, const T* x, T* y) noexcept
            requires kernels::LanesActivation<F, T, Width>
        {
            using V = simd::widest<T>;
            constexpr std::size_t L = simd::lanes<V>;
            if constexpr (ElementwiseActivation<F>) {
                for (std::size_t i = 0; i < Width; ++i) simd::store(y + i * L, F::apply(simd::load<V>(x + i * L)));
            } else {
                for (std::size_t i = 0; i < Width * L; ++i) y[i] = x[i];
                F::template apply_lanes<V, Width>(y);
            }
        }

        // ---- training (core/layer.hpp); the input x serves as the derivative's argument ----
        static void forward_train(const T*, T*, const T* x, T* y, T*, std::size_t n, Rng&) noexcept {
            if constexpr (ElementwiseActivation<F>) {
                kernels::apply<F>(x, y, n * Width);
            } else {
                std::copy_n(x, n * Width, y);
                for (std::size_t r = 0; r < n; ++r) F::template apply_vector<T, Width>(y + r * Width);
            }
        }

        template <bool FromLogits>
        static void backward(const T*, const T*, const T* x, const T* y, const T*, T* dy, T* dx, T*,
                             std::size_t n) noexcept {
            if (dx == nullptr) return;
            if constexpr (FromLogits) {
                std::copy_n(dy, n * Width, dx);
            } else if constexpr (ElementwiseActivation<F>) {
                kernels::multiply_by_derivative<F>(x, y, dy, dx, n * Width);
            } else {
                for (std::size_t r = 0; r < n; ++r) F::template backward_vector<T, Width>(y + r * Width, dy + r * Width);
                std::copy_n(dy, n * Width, dx);
            }
        }
    };
};

}  // namespace ctnn
