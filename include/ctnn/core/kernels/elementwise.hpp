// The elementwise loops of training, written once against the vector
// vocabulary (core/detail/simd.hpp): whole widest vectors, then the values left
// over one at a time, the same formula for both. Without this, g++ vectorizes
// such loops at -O3 only, and not at all when they call an activation with a
// library function inside (exp, expm1, tanh); -O2, the project's default
// build, then runs them one value at a time.
//
//   for_each_vector<T>(n, f)        f(V{}, k) on [k, k + lanes<V>) for k < n
//   apply<Act>(z, y, n)             y = act(z)
//   multiply_by_derivative<Act>(x, y, g, out, n)
//                                   out = g * act'(x) (y = act(x)); out may be g
//   multiply(a, b, out, n)          out = a * b; out may be a or b
//   column_sums<T, N>(a, rows, sums)
//                                   sums[j] = sum of a[r * N + j] over rows r, in
//                                   row order (the same sums a plain loop gives)
//
// Every buffer is read and written within its n values (no padding needed).
#pragma once

#include <algorithm>
#include <cstddef>

#include "../activation.hpp"
#include "../detail/simd.hpp"

namespace ctnn::kernels {

// Calls f(V{}, k) for k = 0, L, 2L, ... while a whole widest vector V of L
// lanes fits in n values, then f(T{}, k) for each value left over. f reads and
// writes its values through simd::load<V> and simd::store.
template <class T, class F>
inline void for_each_vector(std::size_t n, F f) noexcept {
    using V = simd::widest<T>;
    constexpr std::size_t L = simd::lanes<V>;
    // The bound of whole vectors first (as Adam's step): with `k + L <= n` as
    // the condition, g++ 12 -O2 warns that a later iteration "invokes
    // undefined behavior" for batch sizes it can see.
    // (Without vectors, V is T and the first loop does it all.)
    const std::size_t whole = n / L * L;
    for (std::size_t k = 0; k < whole; k += L) f(V(T(0)), k);
    for (std::size_t k = whole; k < n; ++k) f(T(0), k);
}

// y[k] = Act::apply(z[k]) for k < n. y may be z (inference applies a
// convolution's activation in place): each vector is loaded before its
// store, so no __restrict.
template <ElementwiseActivation Act, class T>
inline void apply(const T* z, T* y, std::size_t n) noexcept {
    for_each_vector<T>(n, [&](auto v, std::size_t k) {
        using V = decltype(v);
        simd::store(y + k, Act::apply(simd::load<V>(z + k)));
    });
}

// out[k] = g[k] * Act::derivative(x[k], y[k]) for k < n, where y = act(x):
// the backward step through an elementwise activation. out may be g.
template <ElementwiseActivation Act, class T>
inline void multiply_by_derivative(const T* x, const T* y, const T* g, T* out, std::size_t n) noexcept {
    for_each_vector<T>(n, [&](auto v, std::size_t k) {
        using V = decltype(v);
        simd::store(out + k, simd::load<V>(g + k) * Act::derivative(simd::load<V>(x + k), simd::load<V>(y + k)));
    });
}

// out[k] = a[k] * b[k] for k < n. out may be a or b.
template <class T>
inline void multiply(const T* a, const T* b, T* out, std::size_t n) noexcept {
    for_each_vector<T>(n, [&](auto v, std::size_t k) {
        using V = decltype(v);
        simd::store(out + k, simd::load<V>(a + k) * simd::load<V>(b + k));
    });
}

namespace detail {

// How many vectors of sums one pass over the rows keeps in registers.
inline constexpr std::size_t column_vectors = 8;

// Columns [First, N): passes over the rows with up to column_vectors vectors
// of the widest available width that fits in the columns left (as the GEMM's
// column tiles), down to single columns.
template <class T, std::size_t N, std::size_t First>
inline void column_sums_from(const T* __restrict a, std::size_t rows, T* __restrict sums) noexcept {
    if constexpr (First < N) {
        constexpr std::size_t L = simd::lanes_within<T>(N - First);
        constexpr std::size_t NV = std::min(column_vectors, (N - First) / L);
        using V = simd::with_lanes<T, L>;
        // Loops unrolled completely, acc[] in registers (kernels/gemm.hpp says why not static_for).
        V acc[NV];
#pragma GCC unroll 16
        for (std::size_t v = 0; v < NV; ++v) acc[v] = V(T(0));
        for (std::size_t r = 0; r < rows; ++r) {
            const T* row = a + r * N + First;
#pragma GCC unroll 16
            for (std::size_t v = 0; v < NV; ++v) acc[v] = acc[v] + simd::load<V>(row + v * L);
        }
#pragma GCC unroll 16
        for (std::size_t v = 0; v < NV; ++v) simd::store(sums + First + v * L, acc[v]);
        column_sums_from<T, N, First + NV * L>(a, rows, sums);
    }
}

}  // namespace detail

// sums[j] = a[j] + a[N + j] + ... + a[(rows - 1) * N + j] for j < N: the
// column sums of a row-major rows x N matrix (a bias gradient), each added in
// row order. Zero rows give zeros.
template <class T, std::size_t N>
inline void column_sums(const T* __restrict a, std::size_t rows, T* __restrict sums) noexcept {
    detail::column_sums_from<T, N, 0>(a, rows, sums);
}

}  // namespace ctnn::kernels
