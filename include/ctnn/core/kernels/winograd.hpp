// A 3x3, stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3)
// (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015):
// each 2x2 tile of outputs is
//
//   Y = A^T [ sum over channels c of (G g_c G^T) * (B^T d_c B) ] A
//
// with d_c the tile's 4x4 input patch of channel c, g_c the 3x3 kernel of
// channel c (for each filter), * elementwise, and
//
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//   G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
//   A^T = [1 1 1 0; 0 1 -1 -1]
//
// so each of the 16 elements xi = (a, b) of the transformed tile is one GEMM
// over the channels, (tiles x C) times (C x F): 16 C F multiplies per tile of
// 4 outputs against the direct convolution's 36 C F. A CNN's 3x3 layers run
// at about 80% of the FMA peak directly (kernels/conv.hpp), so fewer
// multiplies are the only way left to make them faster.
//
// The loop runs xi outermost: U_xi = (G g G^T)[a][b] for all (c, f) (C x F
// values), V_xi = (B^T d B)[a][b] for a chunk of tiles (tiles x C), M_xi = V_xi
// U_xi (kernels::gemm), and M_xi added into the outputs with A^T's signs. So
// the stack holds one C x F slice and one chunk, never the 16 C F transformed
// kernel (128 KB for a 32 -> 64 layer) or the 16 slices of a tile.
//
// The same bits in every build: B^T's and A^T's entries are 0 and +-1 (adds
// and subtracts only, so -ffp-contract has nothing to fuse) and G's are powers
// of two (each product exact, so fused or not it rounds once); the GEMM is the
// one every convolution uses, the same chain over the channels in each build.
// The order of every sum is fixed (xi in order, then the terms as written), so
// the host's scalar build and the Cortex-M4F agree bit for bit, and SIMD and
// scalar builds differ only as the GEMM's fused multiply-adds do.
//
// Rounding differs from the direct convolution's (the transforms add up to 4
// inputs and scale kernels by 1/4): for float about one more bit of error,
// within the PyTorch references' tolerances (tests/conv_reference.cpp has
// cases that take this path).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

#include "elementwise.hpp"
#include "gemm.hpp"

namespace ctnn::kernels {

namespace detail {

// Bytes of stack for one chunk of tiles (V and four M) and for U, one C x F slice.
inline constexpr std::size_t winograd_chunk_bytes = 48 * 1024;
inline constexpr std::size_t winograd_slice_bytes = 32 * 1024;

// Whether G's convolution takes the Winograd path: 3x3, stride 1, dilation 1,
// one group, at least 8 channels and 8 filters (below that the GEMMs are too
// narrow to gain, and a firmware's small layers keep their stack), at least
// 2x2 outputs, and a C x F slice that fits the stack budget.
template <class T, class G>
inline constexpr bool winograd_applies =
    G::kernel_rows == 3 && G::kernel_cols == 3 && G::row_axis::stride == 1 && G::col_axis::stride == 1 &&
    G::row_axis::dilation == 1 && G::col_axis::dilation == 1 && G::groups == 1 && G::channels >= 8 &&
    G::filters >= 8 && G::out_rows >= 2 && G::out_cols >= 2 &&
    G::channels * G::filters * sizeof(T) <= winograd_slice_bytes;

// Row a of B^T as d[first] + sign * d[second] (sign +-1), the order the sum is taken in.
struct winograd_input_row {
    std::size_t first, second;
    int sign;
};
inline constexpr std::array<winograd_input_row, 4> winograd_bt{{{0, 2, -1}, {1, 2, 1}, {2, 1, -1}, {1, 3, -1}}};

// G (4 x 3) in T (so a firmware does no double arithmetic at run time) and A^T (2 x 4).
template <class T>
inline constexpr T winograd_g[4][3] = {{1, 0, 0}, {T(0.5), T(0.5), T(0.5)}, {T(0.5), T(-0.5), T(0.5)}, {0, 0, 1}};
inline constexpr int winograd_at[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

}  // namespace detail

namespace detail {

// U = sum over the taps (i, j) of G[a][i] G[b][j] g(i, j), each g(i, j) a C x F
// block of the kernel, summed in registers four vectors at a time (each sum
// is a chain of dependent FMAs). Returns U, which is the kernel's own block
// where a and b are 0 or 3 (one tap, coefficient 1), else u.
template <class T, std::size_t CF>
inline const T* winograd_kernel_slice(const T* w, std::size_t a, std::size_t b, T* u) noexcept {
    std::size_t tap[9];
    T coefficient[9];
    std::size_t terms = 0;
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            if (winograd_g<T>[a][i] * winograd_g<T>[b][j] != T(0)) {
                tap[terms] = (i * 3 + j) * CF;
                coefficient[terms++] = winograd_g<T>[a][i] * winograd_g<T>[b][j];
            }
    if (terms == 1 && coefficient[0] == T(1)) return w + tap[0];
    auto sum_taps = [&]<class V, std::size_t N>(std::size_t k) {
        constexpr std::size_t L = simd::lanes<V>;
        V sum[N];
        for (std::size_t n = 0; n < N; ++n)
            sum[n] = simd::splat<V>(coefficient[0]) * simd::load<V>(w + tap[0] + k + n * L);
        for (std::size_t t = 1; t < terms; ++t)
            for (std::size_t n = 0; n < N; ++n)
                sum[n] = simd::fma(simd::splat<V>(coefficient[t]), simd::load<V>(w + tap[t] + k + n * L), sum[n]);
        for (std::size_t n = 0; n < N; ++n) simd::store(u + k + n * L, sum[n]);
    };
    using W = simd::widest<T>;
    constexpr std::size_t block = 4 * simd::lanes<W>, whole = CF / block * block;
    for (std::size_t k = 0; k < whole; k += block) sum_taps.template operator()<W, 4>(k);
    for (std::size_t k = whole; k < CF; ++k) sum_taps.template operator()<T, 1>(k);
    return u;
}

}  // namespace detail

// y = conv(x, w) + bias for a convolution where detail::winograd_applies;
// bias may be null (zeros). The same contract as conv_forward.
//
// Per chunk of tiles and per row a of the transformed tile: the four GEMMs
// M_ab (b = 0..3), then A^T applied along b in registers, z_q = sum over b of
// A^T[q][b] M_ab, and added into the outputs along a, y(p, q) += A^T[p][a]
// z_q: 6 read-modify-writes of y per tile and vector of filters in all,
// where adding each M_ab into y took 36.
template <class T, class G>
inline void winograd_conv3x3(const T* w, const T* bias, const T* x, T* y) noexcept {
    using namespace detail;
    constexpr std::size_t C = G::channels, F = G::filters, out_rows = G::out_rows, out_cols = G::out_cols;
    constexpr std::size_t tile_cols = (out_cols + 1) / 2, tiles = (out_rows + 1) / 2 * tile_cols;
    constexpr std::size_t MR = gemm_rows<T>;
    constexpr std::size_t chunk =
        std::min(tiles, std::max(MR, winograd_chunk_bytes / ((C + 4 * F) * sizeof(T)) / MR * MR));

    for (std::size_t p = 0; p < out_rows * out_cols; ++p) {
        if (bias != nullptr) std::copy_n(bias, F, y + p * F);
        else std::fill_n(y + p * F, F, T(0));
    }
    alignas(64) T u[C * F];          // U_ab, C x F
    alignas(64) T v[chunk * C];      // V_ab for a chunk of tiles
    alignas(64) T m[4 * chunk * F];  // M_ab = V_ab U_ab for b = 0..3
    alignas(64) T zeros[C] = {};     // a patch position outside the input (padding)
    const T* patch[chunk][16];       // each tile's 4 x 4 input pixels (C values each)

    for (std::size_t t0 = 0; t0 < tiles; t0 += chunk) {
        const std::size_t count = std::min(chunk, tiles - t0);
        for (std::size_t t = 0; t < count; ++t) {
            const std::size_t ty = (t0 + t) / tile_cols, tx = (t0 + t) % tile_cols;
            for (std::size_t i = 0; i < 4; ++i)
                for (std::size_t j = 0; j < 4; ++j) {
                    const std::size_t r = G::input_row(2 * ty, i), c = G::input_col(2 * tx, j);
                    patch[t][i * 4 + j] = r < G::rows && c < G::cols ? x + (r * G::cols + c) * C : zeros;
                }
        }
        for (std::size_t a = 0; a < 4; ++a) {
            const winograd_input_row ra = winograd_bt[a];
            for (std::size_t b = 0; b < 4; ++b) {
                const T* slice = winograd_kernel_slice<T, C * F>(w, a, b, u);
                // V_ab = (d[ra.first][rb.first] +- d[ra.first][rb.second]) +- (the same of row ra.second).
                const winograd_input_row rb = winograd_bt[b];
                for (std::size_t t = 0; t < count; ++t) {
                    const T* d00 = patch[t][ra.first * 4 + rb.first];
                    const T* d01 = patch[t][ra.first * 4 + rb.second];
                    const T* d10 = patch[t][ra.second * 4 + rb.first];
                    const T* d11 = patch[t][ra.second * 4 + rb.second];
                    T* out = v + t * C;
                    for_each_vector<T>(C, [&](auto vec, std::size_t k) {
                        using V = decltype(vec);
                        const V x00 = simd::load<V>(d00 + k), x01 = simd::load<V>(d01 + k);
                        const V x10 = simd::load<V>(d10 + k), x11 = simd::load<V>(d11 + k);
                        const V first = rb.sign > 0 ? x00 + x01 : x00 - x01;
                        const V second = rb.sign > 0 ? x10 + x11 : x10 - x11;
                        simd::store(out + k, ra.sign > 0 ? first + second : first - second);
                    });
                }
                gemm<T, F>(count, C, v, C, 1, slice, F, nullptr, m + b * chunk * F, F);
            }
            // A^T = [1 1 1 0; 0 1 -1 -1]: z0 = M0 + M1 + M2, z1 = M1 - M2 - M3; then
            // y(0, q) += z_q for a < 3 and y(1, q) += A^T[1][a] z_q for a > 0.
            for (std::size_t t = 0; t < count; ++t) {
                const std::size_t ty = (t0 + t) / tile_cols, tx = (t0 + t) % tile_cols;
                const bool has_row1 = 2 * ty + 1 < out_rows, has_col1 = 2 * tx + 1 < out_cols;
                T* y0 = y + (2 * ty * out_cols + 2 * tx) * F;  // output (0, 0) of the tile
                T* y1 = y0 + out_cols * F;                      // (1, 0)
                const T* m0 = m + t * F;
                for_each_vector<T>(F, [&](auto vec, std::size_t k) {
                    using V = decltype(vec);
                    const V s0 = simd::load<V>(m0 + k), s1 = simd::load<V>(m0 + chunk * F + k);
                    const V s2 = simd::load<V>(m0 + 2 * chunk * F + k), s3 = simd::load<V>(m0 + 3 * chunk * F + k);
                    const V z0 = s0 + s1 + s2, z1 = s1 - s2 - s3;
                    if (a < 3) {
                        simd::store(y0 + k, simd::load<V>(y0 + k) + z0);
                        if (has_col1) simd::store(y0 + F + k, simd::load<V>(y0 + F + k) + z1);
                    }
                    if (a > 0 && has_row1) {
                        if (a == 1) {
                            simd::store(y1 + k, simd::load<V>(y1 + k) + z0);
                            if (has_col1) simd::store(y1 + F + k, simd::load<V>(y1 + F + k) + z1);
                        } else {
                            simd::store(y1 + k, simd::load<V>(y1 + k) - z0);
                            if (has_col1) simd::store(y1 + F + k, simd::load<V>(y1 + F + k) - z1);
                        }
                    }
                });
            }
        }
    }
}

}  // namespace ctnn::kernels
