// The matrix product behind training's Dense layers, register-tiled:
//
//   C[M x N] = A[M x K] B[K x N] (+ bias, broadcast over rows, if given)
//   C[M x N] += A[M x K] B[K x N]                     (gemm_accumulate)
//
// N, the number of columns, is a layer width and known at compile time; M and
// K may be the batch size. A is read through strides, a(m, k) = a[m * a_m +
// k * a_k], so the same kernel computes the forward pass Z = X W (A = X) and
// the weight gradient dW = X^T dZ (A = X^T, read from X without a copy). B's
// rows are contiguous, with stride ldb; C's rows have stride ldc.
//
// The kernel keeps a tile of MR rows x NV vectors of C in registers and walks
// k: per step, NV vector loads of B and MR broadcasts of A feed MR x NV FMAs,
// so each value loaded serves several FMAs (with AVX-512, 6 x 4 vectors: 24
// FMAs for 4 loads and 6 broadcasts, and 29 of the 32 registers). Columns left
// over after whole tiles take narrower vectors, then scalars; rows left over,
// one-row tiles. C is only ever written within its M x N values.
#pragma once

#include <algorithm>
#include <cstddef>

#include "../detail/simd.hpp"

namespace ctnn::kernels {

namespace detail {

// Rows of C held at once: enough FMAs per loaded vector of B, within the
// register file (32 vector registers with AVX-512, 16 with AVX2).
template <class T>
inline constexpr std::size_t gemm_rows = simd::max_lanes<T> * sizeof(T) >= 64 ? 6 : 4;
template <class T>
inline constexpr std::size_t gemm_vectors = simd::max_lanes<T> * sizeof(T) >= 64 ? 4 : 2;

// C[MR x (NV * lanes<V>)] for one tile: rows [0, MR) of a, columns from b.
template <class V, std::size_t MR, std::size_t NV, bool Accumulate, class T>
inline void gemm_tile(const T* __restrict a, std::size_t a_m, std::size_t a_k, const T* __restrict b,
                      std::size_t ldb, std::size_t k_count, const T* __restrict bias, T* __restrict c,
                      std::size_t ldc) noexcept {
    constexpr std::size_t L = simd::lanes<V>;
    // Loops over m and v that the compiler unrolls completely (MR, NV <= 8),
    // so acc[][] lives in registers. They were static_for calls, which made
    // a lambda per loop and index: most of the CNN example's functions before
    // inlining, and 0.4 s of its 3.6 s under g++ -O2 (issue 15). The machine
    // code's speed and the results did not change (benchmarks/training.cpp,
    // conv.cpp: the same epoch times and test accuracies).
    V acc[MR][NV];
#pragma GCC unroll 8
    for (std::size_t v = 0; v < NV; ++v) {
        if constexpr (Accumulate) {
#pragma GCC unroll 8
            for (std::size_t m = 0; m < MR; ++m) acc[m][v] = simd::load<V>(c + m * ldc + v * L);
        } else {
            const V start = bias ? simd::load<V>(bias + v * L) : V(T(0));
#pragma GCC unroll 8
            for (std::size_t m = 0; m < MR; ++m) acc[m][v] = start;
        }
    }
    for (std::size_t k = 0; k < k_count; ++k) {
        const T* b_row = b + k * ldb;
        V bv[NV];
#pragma GCC unroll 8
        for (std::size_t v = 0; v < NV; ++v) bv[v] = simd::load<V>(b_row + v * L);
#pragma GCC unroll 8
        for (std::size_t m = 0; m < MR; ++m) {
            const V am(a[m * a_m + k * a_k]);
#pragma GCC unroll 8
            for (std::size_t v = 0; v < NV; ++v) acc[m][v] = simd::fma(am, bv[v], acc[m][v]);
        }
    }
#pragma GCC unroll 8
    for (std::size_t m = 0; m < MR; ++m)
#pragma GCC unroll 8
        for (std::size_t v = 0; v < NV; ++v) simd::store(c + m * ldc + v * L, acc[m][v]);
}

// All rows of C for columns [First, First + NV * lanes<V>).
template <class V, std::size_t NV, std::size_t First, bool Accumulate, class T>
inline void gemm_columns(std::size_t m_count, std::size_t k_count, const T* a, std::size_t a_m, std::size_t a_k,
                         const T* b, std::size_t ldb, const T* bias, T* c, std::size_t ldc) noexcept {
    constexpr std::size_t MR = gemm_rows<T>;
    const T* bias_at = bias ? bias + First : nullptr;
    std::size_t m = 0;
    for (; m + MR <= m_count; m += MR)
        gemm_tile<V, MR, NV, Accumulate>(a + m * a_m, a_m, a_k, b + First, ldb, k_count, bias_at, c + m * ldc + First, ldc);
    // The rows left over (fewer than MR), one at a time: every value of C is
    // the same chain of FMAs over k whichever tile computes it, so this is
    // bit-identical to a shorter tile, and instantiates one tile per column
    // group where a tile per leftover count made MR - 1 (compile time, issue 14).
    // The bound r + 1 < MR is always true here (rest < MR); it tells g++ the
    // loop is short (without it, -Waggressive-loop-optimizations warns).
    const std::size_t rest = m_count - m;
    for (std::size_t r = 0; r < rest && r + 1 < MR; ++r, ++m)
        gemm_tile<V, 1, NV, Accumulate>(a + m * a_m, a_m, a_k, b + First, ldb, k_count, bias_at, c + m * ldc + First, ldc);
}

// Columns [First, N): whole tiles of the widest vector, then narrower ones.
template <class T, std::size_t N, std::size_t First, bool Accumulate>
inline void gemm_from(std::size_t m_count, std::size_t k_count, const T* a, std::size_t a_m, std::size_t a_k,
                      const T* b, std::size_t ldb, const T* bias, T* c, std::size_t ldc) noexcept {
    if constexpr (First < N) {
        constexpr std::size_t L = simd::lanes_within<T>(N - First);
        constexpr std::size_t NV = std::min(gemm_vectors<T>, (N - First) / L);
        using V = simd::with_lanes<T, L>;
        gemm_columns<V, NV, First, Accumulate>(m_count, k_count, a, a_m, a_k, b, ldb, bias, c, ldc);
        gemm_from<T, N, First + NV * L, Accumulate>(m_count, k_count, a, a_m, a_k, b, ldb, bias, c, ldc);
    }
}

}  // namespace detail

// C = A B (+ bias): see the top of this file. m_count rows, k_count terms, N
// columns; bias (N values) may be null.
template <class T, std::size_t N>
inline void gemm(std::size_t m_count, std::size_t k_count, const T* a, std::size_t a_m, std::size_t a_k,
                 const T* b, std::size_t ldb, const T* bias, T* c, std::size_t ldc) noexcept {
    detail::gemm_from<T, N, 0, false>(m_count, k_count, a, a_m, a_k, b, ldb, bias, c, ldc);
}

// C += A B: the same product added to what C holds (a convolution sums one
// product per tap of its window into the same outputs).
template <class T, std::size_t N>
inline void gemm_accumulate(std::size_t m_count, std::size_t k_count, const T* a, std::size_t a_m, std::size_t a_k,
                            const T* b, std::size_t ldb, T* c, std::size_t ldc) noexcept {
    detail::gemm_from<T, N, 0, true>(m_count, k_count, a, a_m, a_k, b, ldb, nullptr, c, ldc);
}

}  // namespace ctnn::kernels
