// What an activation is. An activation is a stateless type with a C++
// spelling (`name`, e.g. "ctnn::ReLU") and one of two forms:
//
// - elementwise: `template <class V> static V apply(V x) noexcept`, written once
//   for scalars and SIMD batches against the vocabulary of detail/simd.hpp, so
//   kernels can apply it in registers before storing a result;
// - vector: `template <class T, std::size_t N> static void apply_vector(T* x)
//   noexcept`, which transforms N values in place (Softmax).
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
};

template <class A>
concept VectorActivation = requires(float* f, double* d) {
    A::name;
    A::template apply_vector<float, 4>(f);
    A::template apply_vector<double, 4>(d);
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
