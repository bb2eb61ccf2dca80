// What an activation is. An activation is a stateless type with a C++
// spelling (`name`, e.g. "ctnn::ReLU") and one of two forms:
//
// - elementwise: `template <class V> static V apply(V x) noexcept`, written once
//   for scalars and SIMD batches against the vocabulary of core/detail/simd.hpp, so
//   kernels can apply it in registers before storing a result; and for
//   training `static V derivative(V x, V y) noexcept`, the slope at x given
//   y = apply(x) (whichever is cheaper to use);
// - vector: `template <class T, std::size_t N> static void apply_vector(T* x)
//   noexcept`, which transforms N values in place (Softmax), and
//   `backward_vector<T, N>(const T* y, T* g)`, which turns dL/dy into dL/dx.
//
// Formulas and constants are Keras' (shared/KERAS.md). Every activation
// propagates NaN: a NaN input gives a NaN output.
#pragma once

#include <concepts>
#include <cstddef>

namespace ctnn {

template <class A>
concept ElementwiseActivation = requires(float f, double d) {
    A::name;
    { A::apply(f) } -> std::same_as<float>;
    { A::apply(d) } -> std::same_as<double>;
    { A::derivative(f, f) } -> std::same_as<float>;
    { A::derivative(d, d) } -> std::same_as<double>;
};

template <class A>
concept VectorActivation = requires(float* f, double* d) {
    A::name;
    A::template apply_vector<float, 4>(f);
    A::template apply_vector<double, 4>(d);
    A::template backward_vector<float, 4>(f, f);
    A::template backward_vector<double, 4>(d, d);
};

template <class A>
concept ActivationFunction = ElementwiseActivation<A> || VectorActivation<A>;

// Applies an activation to N contiguous values in place.
template <ActivationFunction A, class T, std::size_t N>
inline void activate(T* x) noexcept {
    if constexpr (ElementwiseActivation<A>) {
        for (std::size_t i = 0; i < N; ++i) x[i] = A::apply(x[i]);
    } else {
        A::template apply_vector<T, N>(x);
    }
}

}  // namespace ctnn
