// Convolutions with few values per kernel row (KW C below 8, or C below 8
// where column dilation keeps the taps apart: a 3x3 first layer over 1 or 2 channels) as one GEMM over whole windows, through a small copy of them:
//
//   col(p, (kh, kw, c)) = x(input_row(oh, kh), input_col(ow, kw), c), or 0 in the padding
//   y = col W + bias                  (conv_forward:        p x KH KW C times KH KW C x F)
//   dW += col^T dz                    (conv_kernel_gradient: KH KW C x p times p x F)
//
// with p = (oh, ow) the output positions and W the kernel (KH, KW, C, F) read
// as its KH KW C x F matrix, exactly as stored. The direct form
// (kernels/conv.hpp) sums one GEMM per kernel row (or tap) into the outputs,
// each of depth KW C; for a 28x28 image's first layer that is 3, so each
// tile of C was loaded, given 3 FMAs per value and stored again, and the
// layer of 32 filters (5% of the Fashion-MNIST CNN's multiplies) took a fifth
// of its epoch. Here the product has depth KH KW C in the forward pass
// (written once, from the bias) and depth p (a block of positions) for the
// kernel gradient. The copy costs KH KW C values per position, against F
// times that in multiplies.
//
// Blocks of positions keep the copy on the stack: 1 KB in the forward pass,
// where the block's size only sets how many GEMM calls there are (a
// microcontroller runs it: the Cortex-M4F's causal Conv1D stack takes as many
// instructions either way, and a block of its 32 steps added 2.3 KB of
// stack), 8 KB for the kernel gradient, whose depth it is. The same bits in
// every build: the copy is exact and the product is the shared GEMM.
#pragma once

#include <algorithm>
#include <cstddef>

#include "gemm.hpp"

namespace ctnn::kernels {

namespace detail {

inline constexpr std::size_t im2col_forward_bytes = 1024, im2col_gradient_bytes = 8192;

// Values per window, in the kernel's order (kh, kw, c).
template <class G>
inline constexpr std::size_t window_values = G::kernel_rows * G::kernel_cols * G::channels;

// Windows per block of Bytes: a multiple of the GEMM's rows where it can be,
// at most all the positions.
template <class T, class G, std::size_t Bytes>
inline constexpr std::size_t im2col_block = [] {
    const std::size_t fit = Bytes / (window_values<G> * sizeof(T)), rows = gemm_rows<T>;
    return std::min(G::out_rows * G::out_cols, fit >= rows ? fit / rows * rows : fit);
}();

// Whether G's convolution takes this path: one group, more than one tap, a
// kernel row of fewer than 8 values (the depth of the direct form's GEMMs:
// from 8 on, loading and storing the outputs per row is a small part), and
// forward blocks of at least 4 windows.
template <class T, class G>
inline constexpr bool im2col_applies =
    G::groups == 1 && G::kernel_rows * G::kernel_cols > 1 &&
    (G::folds_row ? G::kernel_cols * G::channels : G::channels) < 8 &&
    im2col_forward_bytes / (window_values<G> * sizeof(T)) >= 4;

// Rows [p0, p0 + count) of col: each output position's window, zeros where a
// tap falls into the padding (input_row and input_col wrap below 0, so one
// test per axis covers both sides).
template <class T, class G>
inline void im2col_rows(const T* x, std::size_t p0, std::size_t count, T* col) noexcept {
    constexpr std::size_t C = G::channels;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t oh = (p0 + i) / G::out_cols, ow = (p0 + i) % G::out_cols;
        T* out = col + i * window_values<G>;
        for (std::size_t kh = 0; kh < G::kernel_rows; ++kh) {
            const std::size_t r = G::input_row(oh, kh);
            for (std::size_t kw = 0; kw < G::kernel_cols; ++kw, out += C) {
                const std::size_t c = G::input_col(ow, kw);
                if (r < G::rows && c < G::cols) std::copy_n(x + (r * G::cols + c) * C, C, out);
                else std::fill_n(out, C, T(0));
            }
        }
    }
}

// f(p0, count, col) for each block of windows: col holds the windows of
// output positions [p0, p0 + count), at most Bytes of them.
template <class T, class G, std::size_t Bytes, class F>
inline void for_each_window_block(const T* x, F&& f) noexcept {
    constexpr std::size_t block = im2col_block<T, G, Bytes>, positions = G::out_rows * G::out_cols;
    alignas(64) T col[block * window_values<G>];
    for (std::size_t p0 = 0; p0 < positions; p0 += block) {
        const std::size_t count = std::min(block, positions - p0);
        im2col_rows<T, G>(x, p0, count, col);
        f(p0, count, static_cast<const T*>(col));
    }
}

}  // namespace detail

// y = conv(x, w) + bias (bias may be null) where detail::im2col_applies.
template <class T, class G>
inline void im2col_conv_forward(const T* w, const T* bias, const T* x, T* y) noexcept {
    constexpr std::size_t K = detail::window_values<G>, F = G::filters;
    detail::for_each_window_block<T, G, detail::im2col_forward_bytes>(
        x, [&](std::size_t p0, std::size_t count, const T* col) {
            gemm<T, F>(count, K, col, K, 1, w, F, bias, y + p0 * F, F);
        });
}

// dw += dL/dW for one sample where detail::im2col_applies.
template <class T, class G>
inline void im2col_kernel_gradient(const T* x, const T* dz, T* dw) noexcept {
    constexpr std::size_t K = detail::window_values<G>, F = G::filters;
    detail::for_each_window_block<T, G, detail::im2col_gradient_bytes>(
        x, [&](std::size_t p0, std::size_t count, const T* col) {
            gemm_accumulate<T, F>(K, count, col, 1, K, dz + p0 * F, F, dw, F);
        });
}

}  // namespace ctnn::kernels
