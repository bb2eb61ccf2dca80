// Moving a tile of samples between row order (sample after sample, as users
// store them) and lane order (feature after feature, one vector of
// simd::max_lanes<T> samples per feature), for batch inference with samples
// side by side across SIMD lanes (core/kernels/dense_lanes.hpp).
//
// Square L x L blocks are transposed in registers: a 16 x 16 block of floats
// with AVX-512 costs 64 shuffles, against 256 scalar loads and stores. xsimd
// 8.1 has no portable whole-register interleave (its zip_lo works within
// 128-bit lanes), so the three x86 cases are written with intrinsics here; any
// other target, and columns left over after the square blocks, move one value
// at a time.
#pragma once

#include <cstddef>
#include <type_traits>

#include "simd.hpp"

namespace ctnn::detail {

// The identity on a register: transpose_square's default for its outputs.
struct keep_register {
    template <class R>
    R operator()(std::size_t, R r) const noexcept {
        return r;
    }
};

// dst[c * dst_stride + r] = src[r * src_stride + c] for r, c < L, where L is
// the width of the widest float vector (16, 8 or 4). Each output row i goes
// through out(i, register) on its way to memory (rows_to_lanes applies a
// leading Normalization there, in registers).
template <class Out = keep_register>
inline void transpose_square(const float* src, std::size_t src_stride, float* dst, std::size_t dst_stride,
                             Out out = {}) noexcept {
#if CTNN_SIMD && defined(__AVX512F__)
    __m512 r[16], t[16];
    for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + static_cast<std::size_t>(i) * src_stride);
    for (int i = 0; i < 16; i += 2) {  // interleave pairs of rows, 32-bit elements
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {  // then 64-bit pairs
        r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
        r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    for (int g = 0; g < 16; g += 8) {  // then 128-bit quarters, rows 4 apart
        for (int i = 0; i < 4; ++i) {
            t[g + i] = _mm512_shuffle_f32x4(r[g + i], r[g + i + 4], 0x88);
            t[g + i + 4] = _mm512_shuffle_f32x4(r[g + i], r[g + i + 4], 0xdd);
        }
    }
    for (int i = 0; i < 8; ++i) {  // then rows 8 apart
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
    for (std::size_t i = 0; i < 16; ++i) _mm512_storeu_ps(dst + dst_stride * i, out(i, r[i]));
#elif CTNN_SIMD && defined(__AVX__)
    __m256 r[8], t[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + static_cast<std::size_t>(i) * src_stride);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
    }
    for (int i = 0; i < 4; ++i) {
        t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
        t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
    }
    for (std::size_t i = 0; i < 8; ++i) _mm256_storeu_ps(dst + dst_stride * i, out(i, t[i]));
#elif CTNN_SIMD && defined(__SSE__)
    __m128 r0 = _mm_loadu_ps(src), r1 = _mm_loadu_ps(src + src_stride), r2 = _mm_loadu_ps(src + 2 * src_stride),
           r3 = _mm_loadu_ps(src + 3 * src_stride);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    _mm_storeu_ps(dst, out(0, r0));
    _mm_storeu_ps(dst + dst_stride, out(1, r1));
    _mm_storeu_ps(dst + 2 * dst_stride, out(2, r2));
    _mm_storeu_ps(dst + 3 * dst_stride, out(3, r3));
#else
    (void)out;  // no intrinsics: rows_to_lanes moves every column one value at a time
    constexpr std::size_t L = simd::max_lanes<float>;
    for (std::size_t r = 0; r < L; ++r)
        for (std::size_t c = 0; c < L; ++c) dst[c * dst_stride + r] = src[r * src_stride + c];
#endif
}

// The block size of transpose_square's intrinsics on this target (0: none).
inline constexpr std::size_t square_transpose_lanes =
#if CTNN_SIMD && defined(__AVX512F__)
    16;
#elif CTNN_SIMD && defined(__AVX__)
    8;
#elif CTNN_SIMD && defined(__SSE__)
    4;
#else
    0;
#endif

// Whether transpose_square handles T on this target: float, with intrinsics
// for blocks as wide as the vectors the kernels use.
template <class T>
inline constexpr bool has_square_transpose =
    std::is_same_v<T, float> && square_transpose_lanes == simd::max_lanes<float>;

// Row order to lane order for L = simd::max_lanes<T> samples of `Cols` values:
// lanes[c * L + s] = rows[s * Cols + c], each column's vector v stored as
// column(c, v) (by default v itself). Applying an elementwise first layer here,
// in registers, saves it a pass over the tile: loading a vector that the
// transpose has just stored cost a Normalization about 4 cycles per feature
// (33-16-1: 44 ns of a 264 ns tile, measured with perf on an AVX2 Zen 3).
template <class T, std::size_t Cols, class Column = keep_register>
inline void rows_to_lanes(const T* __restrict rows, T* __restrict lanes, Column column = {}) noexcept {
    using V = simd::widest<T>;
    constexpr std::size_t L = simd::max_lanes<T>;
    constexpr std::size_t squares = has_square_transpose<T> ? Cols / L * L : 0;  // columns in square blocks
    if constexpr (squares > 0)
        for (std::size_t c = 0; c < squares; c += L)
            transpose_square(rows + c, Cols, lanes + c * L, L, [&](std::size_t i, auto r) {
                if constexpr (std::is_same_v<Column, keep_register>) return r;
                else return static_cast<decltype(r)>(column(c + i, V(r)));
            });
    for (std::size_t c = squares; c < Cols; ++c) {
        for (std::size_t s = 0; s < L; ++s) lanes[c * L + s] = rows[s * Cols + c];
        if constexpr (!std::is_same_v<Column, keep_register>) simd::store(lanes + c * L, column(c, simd::load<V>(lanes + c * L)));
    }
}

// Lane order back to row order: rows[s * Cols + c] = lanes[c * L + s].
template <class T, std::size_t Cols>
inline void lanes_to_rows(const T* __restrict lanes, T* __restrict rows) noexcept {
    constexpr std::size_t L = simd::max_lanes<T>;
    if constexpr (Cols == 1) {
        for (std::size_t s = 0; s < L; ++s) rows[s] = lanes[s];
    } else {
        // A square block of lane order read with stride L is the block of row
        // order transposed; leftover columns go one by one.
        constexpr std::size_t squares = has_square_transpose<T> ? Cols / L * L : 0;
        if constexpr (squares > 0)
            for (std::size_t c = 0; c < squares; c += L) transpose_square(lanes + c * L, L, rows + c, Cols);
        for (std::size_t c = squares; c < Cols; ++c)
            for (std::size_t s = 0; s < L; ++s) rows[s * Cols + c] = lanes[c * L + s];
    }
}

}  // namespace ctnn::detail
