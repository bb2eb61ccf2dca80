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
// The loop runs per chunk of tiles, then per row a of the transformed tile:
// U_ab = (G g G^T)[a][b] for b = 0..3 (four C x F slices, from one pass over
// the kernel), then per b V_ab = (B^T d B)[a][b] for the chunk (tiles x C) and
// M_ab = V_ab U_ab (kernels::gemm), then A^T applied to the four M_ab and
// added into the outputs. So the stack holds four slices and one chunk, never
// the 16 C F transformed kernel (128 KB for a 32 -> 64 layer) or the 16
// slices of a tile.
//
// The same bits in every build: B^T's and A^T's entries are 0 and +-1 (adds
// and subtracts only, so -ffp-contract has nothing to fuse) and G's are 1 and
// 1/2 (each product exact, so fused or not it rounds the same); the GEMM is the
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

// Bytes of stack for one chunk of tiles (V and four M), and at most for one C x F
// slice of U (four are kept: one row of the transformed tile).
inline constexpr std::size_t winograd_chunk_bytes = 48 * 1024;
inline constexpr std::size_t winograd_slice_bytes = 16 * 1024;

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

// A^T (2 x 4). (G, 1 and 1/2 by rows, is written out in winograd_kernel_row.)
inline constexpr int winograd_at[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

// Row a of the transformed kernel, U_ab = (G g G^T)[a][b] for b = 0..3, each
// a C x F slice (CF values): per vector of the kernel's (c, f) values, the
// taps of G's row a give H_j = sum over i of G[a][i] g(i, j) (j = 0..2), and
// U_a0 = H_0, U_a1 = (H_0 + H_1 + H_2) / 2, U_a2 = (H_0 - H_1 + H_2) / 2,
// U_a3 = H_2, all in registers: the kernel is read once per row a (24 tap
// reads in all, where a slice at a time read 60 from L2, most of the
// transform's cost). Where a is 0 or 3, H_j is tap (0, j) or (2, j) itself,
// so U_a0 and U_a3 are the kernel's own blocks and are not copied. Every
// product is by 1/2 (exact), so fused or not the bits are the same.
template <class T, std::size_t CF>
inline std::array<const T*, 4> winograd_kernel_row(const T* w, std::size_t a, T* u) noexcept {
    const bool edge = a == 0 || a == 3;
    const T* g0 = w + (a == 3 ? 6 : 0) * CF;  // taps (i, 0), (i, 1), (i, 2) of the edge rows' only i
    auto row = [&]<class V>(std::size_t k) {
        const V half = simd::splat<V>(T(0.5));
        V h[3];
        for (std::size_t j = 0; j < 3; ++j) {
            if (edge) {
                h[j] = simd::load<V>(g0 + j * CF + k);
            } else {
                const V t0 = simd::load<V>(w + j * CF + k), t1 = simd::load<V>(w + (3 + j) * CF + k);
                const V t2 = simd::load<V>(w + (6 + j) * CF + k);
                h[j] = (a == 1 ? t0 + t1 + t2 : t0 - t1 + t2) * half;
            }
        }
        if (!edge) {
            simd::store(u + k, h[0]);
            simd::store(u + 3 * CF + k, h[2]);
        }
        simd::store(u + CF + k, (h[0] + h[1] + h[2]) * half);
        simd::store(u + 2 * CF + k, (h[0] - h[1] + h[2]) * half);
    };
    for_each_vector<T>(CF, [&](auto vec, std::size_t k) { row.template operator()<decltype(vec)>(k); });
    if (edge) return {g0, u + CF, u + 2 * CF, g0 + 2 * CF};
    return {u, u + CF, u + 2 * CF, u + 3 * CF};
}

// The 16 input pixels (C values each) of tile (ty, tx): where they start in
// x, or zeros where they fall into the padding.
template <class T, class G>
inline void winograd_patch(const T* x, std::size_t ty, std::size_t tx, const T* zeros, const T** patch) noexcept {
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j) {
            const std::size_t r = G::input_row(2 * ty, i), c = G::input_col(2 * tx, j);
            patch[i * 4 + j] = r < G::rows && c < G::cols ? x + (r * G::cols + c) * G::channels : zeros;
        }
}

// V_ab = (B^T d B)[a][b] of one tile (C values), ra and rb rows a and b of
// B^T: (d[ra.first][rb.first] +- d[ra.first][rb.second]) +- (the same of row ra.second).
template <class T, std::size_t C>
inline void winograd_input_transform(const T* const* patch, winograd_input_row ra, winograd_input_row rb,
                                     T* v) noexcept {
    const T* d00 = patch[ra.first * 4 + rb.first];
    const T* d01 = patch[ra.first * 4 + rb.second];
    const T* d10 = patch[ra.second * 4 + rb.first];
    const T* d11 = patch[ra.second * 4 + rb.second];
    for_each_vector<T>(C, [&](auto vec, std::size_t k) {
        using V = decltype(vec);
        const V x00 = simd::load<V>(d00 + k), x01 = simd::load<V>(d01 + k);
        const V x10 = simd::load<V>(d10 + k), x11 = simd::load<V>(d11 + k);
        const V first = rb.sign > 0 ? x00 + x01 : x00 - x01;
        const V second = rb.sign > 0 ? x10 + x11 : x10 - x11;
        simd::store(v + k, ra.sign > 0 ? first + second : first - second);
    });
}

// The geometry of a 3x3 stride-1 convolution's input gradient as a
// convolution of its own: dx is dz correlated with the kernel rotated by 180
// degrees, channels and filters swapped, with 2 - padding_before before
// (dx(i) = sum over k of dz(i + k - (2 - p)) W(2 - k)). The fields
// winograd_tiles reads; input_row and input_col wrap below 0 like
// conv_geometry's.
template <class G>
struct winograd_input_gradient_geometry {
    static constexpr std::size_t rows = G::out_rows, cols = G::out_cols;
    static constexpr std::size_t channels = G::filters, filters = G::channels;
    static constexpr std::size_t out_rows = G::rows, out_cols = G::cols;
    static constexpr std::size_t input_row(std::size_t o, std::size_t k) noexcept {
        return o + k + G::row_axis::padding_before - 2;
    }
    static constexpr std::size_t input_col(std::size_t o, std::size_t k) noexcept {
        return o + k + G::col_axis::padding_before - 2;
    }
};

// y = conv(x, w) + bias from the transformed kernel: slices(a) gives row a
// of it (U_ab for b = 0..3); bias may be null (zeros).
//
// Per chunk of tiles and per row a of the transformed tile: the four GEMMs
// M_ab (b = 0..3), then A^T applied along b in registers, z_q = sum over b of
// A^T[q][b] M_ab, and added into the outputs along a, y(p, q) += A^T[p][a]
// z_q: 6 read-modify-writes of y per tile and vector of filters in all,
// where adding each M_ab into y took 36.
template <class T, class G, class Slices>
inline void winograd_tiles(Slices&& slices_of_row, const T* bias, const T* x, T* y) noexcept {
    constexpr std::size_t C = G::channels, F = G::filters, out_rows = G::out_rows, out_cols = G::out_cols;
    constexpr std::size_t tile_cols = (out_cols + 1) / 2, tiles = (out_rows + 1) / 2 * tile_cols;
    constexpr std::size_t MR = gemm_rows<T>;
    constexpr std::size_t chunk =
        std::min(tiles, std::max(MR, winograd_chunk_bytes / ((C + 4 * F) * sizeof(T)) / MR * MR));

    for (std::size_t p = 0; p < out_rows * out_cols; ++p) {
        if (bias != nullptr) std::copy_n(bias, F, y + p * F);
        else std::fill_n(y + p * F, F, T(0));
    }
    alignas(64) T v[chunk * C];      // V_ab for a chunk of tiles
    alignas(64) T m[4 * chunk * F];  // M_ab = V_ab U_ab for b = 0..3
    alignas(64) T zeros[C] = {};     // a patch position outside the input (padding)
    const T* patch[chunk][16];       // each tile's 4 x 4 input pixels (C values each)

    for (std::size_t t0 = 0; t0 < tiles; t0 += chunk) {
        const std::size_t count = std::min(chunk, tiles - t0);
        for (std::size_t t = 0; t < count; ++t)
            winograd_patch<T, G>(x, (t0 + t) / tile_cols, (t0 + t) % tile_cols, zeros, patch[t]);
        for (std::size_t a = 0; a < 4; ++a) {
            const winograd_input_row ra = winograd_bt[a];
            const std::array<const T*, 4> slices = slices_of_row(a);
            for (std::size_t b = 0; b < 4; ++b) {
                const T* slice = slices[b];
                const winograd_input_row rb = winograd_bt[b];
                for (std::size_t t = 0; t < count; ++t) {
                    winograd_input_transform<T, C>(patch[t], ra, rb, v + t * C);
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

}  // namespace detail

// y = conv(x, w) + bias for a convolution where detail::winograd_applies;
// bias may be null (zeros). The same contract as conv_forward: the kernel is
// transformed here, a row of the tile at a time (four C x F slices on the stack).
template <class T, class G>
inline void winograd_conv3x3(const T* w, const T* bias, const T* x, T* y) noexcept {
    constexpr std::size_t CF = G::channels * G::filters;
    alignas(64) T u[4 * CF];
    detail::winograd_tiles<T, G>([&](std::size_t a) { return detail::winograd_kernel_row<T, CF>(w, a, u); }, bias, x, y);
}

// Training transforms the kernel once per pass over a chunk of samples
// (winograd_training_values of its scratch) and shares it:
//   u:  U_ab for the 16 (a, b), slice 4a + b at (4a + b) C F, C x F each;
//   ut: the input gradient's (winograd_input_gradient_geometry), whose kernel
//       is W rotated and transposed: as G rotated is P G with P swapping rows
//       0 and 3, its slice (a, b) is U_{s(a) s(b)} transposed (F x C), s
//       swapping 0 and 3.
// Every value is the one winograd_conv3x3 computes (copies are exact), so
// training's forward pass has inference's bits.
template <class T, class G>
inline constexpr std::size_t winograd_training_values = 32 * G::channels * G::filters;

template <class T, class G>
inline void winograd_transform_kernel(const T* w, T* u, T* ut) noexcept {
    constexpr std::size_t C = G::channels, F = G::filters, CF = C * F;
    constexpr std::size_t swapped[4] = {3, 1, 2, 0};
    for (std::size_t a = 0; a < 4; ++a) {
        const std::array<const T*, 4> row = detail::winograd_kernel_row<T, CF>(w, a, u + 4 * a * CF);
        for (std::size_t b = 0; b < 4; ++b) {
            T* slice = u + (4 * a + b) * CF;
            if (row[b] != slice) std::copy_n(row[b], CF, slice);
            T* to = ut + (4 * swapped[a] + swapped[b]) * CF;
            for (std::size_t c = 0; c < C; ++c)
                for (std::size_t f = 0; f < F; ++f) to[f * C + c] = slice[c * F + f];
        }
    }
}

// y = conv(x, w) + bias from winograd_transform_kernel's u.
template <class T, class G>
inline void winograd_conv3x3_transformed(const T* u, const T* bias, const T* x, T* y) noexcept {
    constexpr std::size_t CF = G::channels * G::filters;
    detail::winograd_tiles<T, G>(
        [&](std::size_t a) {
            const T* row = u + 4 * a * CF;
            return std::array<const T*, 4>{row, row + CF, row + 2 * CF, row + 3 * CF};
        },
        bias, x, y);
}

// dx = dL/dx (overwritten) from dz and winograd_transform_kernel's ut.
template <class T, class G>
inline void winograd_input_gradient(const T* ut, const T* dz, T* dx) noexcept {
    winograd_conv3x3_transformed<T, detail::winograd_input_gradient_geometry<G>>(ut, nullptr, dz, dx);
}

// dw += dL/dW over n samples (x and dz: n inputs and n output gradients,
// one after the other) for a convolution where detail::winograd_applies, by
// Winograd's own backward pass: as each tile's outputs are A^T M A with M_ab
// = sum over c of V_ab U_ab,
//
//   dM_ab = (A dY A^T)_ab            (dY the tile's 2x2 output gradients)
//   dU_ab = sum over tiles of V_ab^T dM_ab   (a GEMM of depth tiles, C x F)
//   dW(i, j) = sum over a, b of G[a][i] dU_ab G[b][j]
//
// 16 C F multiplies per tile where the direct form takes 36 C F per 4
// outputs. A row a at a time (dU_ab for b = 0..3 on the stack, four C x F
// slices), the chunks of tiles running across the samples so that each GEMM
// is deep; then G^T applied to the row, in registers, and added into dw. A
// and G's coefficients are 0, +-1 and 1/2, so every build rounds the same.
template <class T, class G>
inline void winograd_kernel_gradient(const T* x, const T* dz, std::size_t n, T* dw) noexcept {
    using namespace detail;
    constexpr std::size_t C = G::channels, F = G::filters, CF = C * F;
    constexpr std::size_t out_rows = G::out_rows, out_cols = G::out_cols;
    constexpr std::size_t tile_cols = (out_cols + 1) / 2, tiles = (out_rows + 1) / 2 * tile_cols;
    constexpr std::size_t MR = gemm_rows<T>;
    constexpr std::size_t chunk = std::max(MR, winograd_chunk_bytes / ((C + F) * sizeof(T)) / MR * MR);
    alignas(64) T du[4 * CF];            // dU_ab for b = 0..3
    alignas(64) T v[chunk * C];          // V_ab for a chunk of tiles
    alignas(64) T dm[chunk * F];         // dM_ab for the chunk
    alignas(64) T zeros[C > F ? C : F] = {};  // positions outside the input or the outputs
    const T* patch[chunk][16];           // each tile's 4 x 4 input pixels
    const T* grad[chunk][4];             // and its 2 x 2 output gradients
    // Row k of A (4 x 2) times (u, w): A = [1 0; 1 1; 1 -1; 0 -1].
    auto by_a = [](std::size_t k, auto u, auto w) {
        using V = decltype(u);
        return k == 0 ? u : k == 1 ? u + w : k == 2 ? u - w : V(T(0)) - w;
    };

    for (std::size_t a = 0; a < 4; ++a) {
        const winograd_input_row ra = winograd_bt[a];
        std::fill_n(du, 4 * CF, T(0));
        for (std::size_t t0 = 0; t0 < n * tiles; t0 += chunk) {
            const std::size_t count = std::min(chunk, n * tiles - t0);
            for (std::size_t t = 0; t < count; ++t) {
                const std::size_t s = (t0 + t) / tiles, tile = (t0 + t) % tiles;
                const std::size_t ty = tile / tile_cols, tx = tile % tile_cols;
                const T* dzs = dz + s * G::output_size;
                winograd_patch<T, G>(x + s * G::input_size, ty, tx, zeros, patch[t]);
                for (std::size_t p = 0; p < 2; ++p)
                    for (std::size_t q = 0; q < 2; ++q) {
                        const std::size_t r = 2 * ty + p, c = 2 * tx + q;
                        grad[t][p * 2 + q] = r < out_rows && c < out_cols ? dzs + (r * out_cols + c) * F : zeros;
                    }
            }
            for (std::size_t b = 0; b < 4; ++b) {
                const winograd_input_row rb = winograd_bt[b];
                for (std::size_t t = 0; t < count; ++t) {
                    winograd_input_transform<T, C>(patch[t], ra, rb, v + t * C);
                    const T* const* g = grad[t];
                    T* to = dm + t * F;
                    for_each_vector<T>(F, [&](auto vec, std::size_t k) {
                        using V = decltype(vec);
                        const V r0 = by_a(a, simd::load<V>(g[0] + k), simd::load<V>(g[2] + k));  // (A dY) row a, q = 0
                        const V r1 = by_a(a, simd::load<V>(g[1] + k), simd::load<V>(g[3] + k));  // q = 1
                        simd::store(to + k, by_a(b, r0, r1));
                    });
                }
                gemm_accumulate<T, F>(C, count, v, 1, C, dm, F, du + b * CF, F);
            }
        }
        // h_j = sum over b of dU_ab G[b][j]; dW(i, j) += G[a][i] h_j, G[a] = (1, 0, 0),
        // (1/2, 1/2, 1/2), (1/2, -1/2, 1/2) or (0, 0, 1).
        for_each_vector<T>(CF, [&](auto vec, std::size_t k) {
            using V = decltype(vec);
            const V half = simd::splat<V>(T(0.5));
            const V u0 = simd::load<V>(du + k), u1 = simd::load<V>(du + CF + k);
            const V u2 = simd::load<V>(du + 2 * CF + k), u3 = simd::load<V>(du + 3 * CF + k);
            const V sum = (u1 + u2) * half;
            const V h[3] = {u0 + sum, (u1 - u2) * half, sum + u3};
            for (std::size_t i = 0; i < 3; ++i) {
                if ((a == 0 && i > 0) || (a == 3 && i < 2)) continue;
                const V term = a == 0 || a == 3 ? V(T(1)) : (a == 2 && i == 1 ? V(T(-0.5)) : half);
                for (std::size_t j = 0; j < 3; ++j) {
                    T* at = dw + (i * 3 + j) * CF + k;
                    simd::store(at, simd::load<V>(at) + h[j] * term);
                }
            }
        });
    }
}

}  // namespace ctnn::kernels
