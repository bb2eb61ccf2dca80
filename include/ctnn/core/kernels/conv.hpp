// The convolution kernel shared by Conv1D, Conv2D and DepthwiseConv2D, one
// sample at a time, channels last:
//
//   y(oh, ow, f) = b(f) + sum over taps (kh, kw) inside the input and over the
//                  channels c of f's group of x(ih, iw, c) W(kh, kw, c - group start, f)
//   with ih = oh * stride_h + kh * dilation_h - padding_before_h (likewise iw)
//
// Keras' kernel layout (KH, KW, C / groups, F): a Conv1D is a Conv2D with one
// row, and a DepthwiseConv2D with multiplier M is the groups = C case with F =
// C * M, whose kernel (KH, KW, 1, C * M) is exactly Keras' (KH, KW, C, M) and
// whose output channel c * M + m is filter f = c * M + m of group c.
//
// Each tap is one GEMM accumulate (kernels::gemm_accumulate, C += A B) over
// the outputs whose tap lands inside the input (window_axis::first_output /
// end_output): A = those input pixels (a row stride of stride_w * C), B = the
// tap's kernel slice (C / groups rows of F), C = the outputs. Padding is never
// copied: a tap that falls into it simply has no outputs there, so valid,
// same, causal, strides and dilation are all one code path. With groups 1 and
// column dilation 1, the taps of one kernel row are contiguous in the input,
// so the interior columns (where every tap is inside) take one GEMM of depth
// KW * C, and only the edge columns go tap by tap.
#pragma once

#include <algorithm>
#include <cstddef>

#include "gemm.hpp"
#include "im2col.hpp"
#include "winograd.hpp"

namespace ctnn::kernels {

// The geometry of one convolution: input (Rows, Cols, Channels), Filters
// outputs per position, Groups, and each axis' window (layers/window.hpp's
// detail::window_axis; a Conv1D's row axis is one row of one tap).
template <std::size_t Rows, std::size_t Cols, std::size_t Channels, std::size_t Filters, std::size_t Groups,
          class RowAxis, class ColAxis>
struct conv_geometry {
    using row_axis = RowAxis;
    using col_axis = ColAxis;
    static constexpr std::size_t rows = Rows, cols = Cols, channels = Channels, filters = Filters;
    static constexpr std::size_t groups = Groups > 0 ? Groups : 1;
    static constexpr std::size_t group_channels = Channels / groups > 0 ? Channels / groups : 1;
    static constexpr std::size_t group_filters = Filters / groups > 0 ? Filters / groups : 1;
    static constexpr std::size_t kernel_rows = RowAxis::window, kernel_cols = ColAxis::window;
    static constexpr std::size_t out_rows = RowAxis::output_length, out_cols = ColAxis::output_length;
    static constexpr std::size_t input_size = Rows * Cols * Channels;
    static constexpr std::size_t output_size = out_rows * out_cols * Filters;
    static constexpr std::size_t kernel_size = kernel_rows * kernel_cols * group_channels * Filters;
    // Values between one output column's inputs, and between two taps' weights.
    static constexpr std::size_t column_step = ColAxis::stride * Channels;
    static constexpr std::size_t tap_size = group_channels * Filters;
    // The interior columns, where every tap of a kernel row is inside the
    // input: [interior_begin, interior_end) (empty if begin >= end).
    static constexpr std::size_t interior_begin = ColAxis::first_output(0);
    static constexpr std::size_t interior_end = ColAxis::end_output(kernel_cols - 1);
    static constexpr bool folds_row =
        groups == 1 && ColAxis::dilation == 1 && kernel_cols > 1 && interior_begin < interior_end;

    // The input row of output row oh's tap kh, and column of output column ow's tap kw.
    static constexpr std::size_t input_row(std::size_t oh, std::size_t kh) noexcept {
        return oh * RowAxis::stride + kh * RowAxis::dilation - RowAxis::padding_before;
    }
    static constexpr std::size_t input_col(std::size_t ow, std::size_t kw) noexcept {
        return ow * ColAxis::stride + kw * ColAxis::dilation - ColAxis::padding_before;
    }
};

namespace detail {

// Calls f(kw, ow_begin, ow_end) for every tap of a kernel row and the output
// columns it covers that the folded interior GEMM does not (all of them when
// the row is not folded).
template <class G, class F>
inline void for_each_edge_tap(F&& f) noexcept {
    using C = typename G::col_axis;
    for (std::size_t kw = 0; kw < G::kernel_cols; ++kw) {
        const std::size_t begin = C::first_output(kw), end = C::end_output(kw);
        if constexpr (G::folds_row) {
            f(kw, begin, std::min(end, G::interior_begin));
            f(kw, std::max(begin, G::interior_end), end);
        } else {
            f(kw, begin, end);
        }
    }
}

// Calls f(kh, oh) for every output row oh whose tap row kh is inside the input.
template <class G, class F>
inline void for_each_row_tap(F&& f) noexcept {
    using R = typename G::row_axis;
    for (std::size_t kh = 0; kh < G::kernel_rows; ++kh)
        for (std::size_t oh = R::first_output(kh); oh < R::end_output(kh); ++oh) f(kh, oh);
}

// conv_forward's direct form: per kernel row and output row, one GEMM over
// the interior columns (a folded row) or per tap over its valid columns. Its
// own function so that layers taking another form do not instantiate it.
template <class T, class G>
inline void direct_conv_forward(const T* w, const T* bias, const T* x, T* y) noexcept {
    constexpr std::size_t F = G::filters, C = G::channels, Cg = G::group_channels, Fg = G::group_filters;
    for (std::size_t p = 0; p < G::out_rows * G::out_cols; ++p) {
        if (bias != nullptr) std::copy_n(bias, F, y + p * F);
        else std::fill_n(y + p * F, F, T(0));
    }
    detail::for_each_row_tap<G>([&](std::size_t kh, std::size_t oh) {
        const T* x_row = x + G::input_row(oh, kh) * G::cols * C;
        const T* w_row = w + kh * G::kernel_cols * G::tap_size;
        T* y_row = y + oh * G::out_cols * F;
        if constexpr (G::folds_row) {
            constexpr std::size_t b = G::interior_begin;
            gemm_accumulate<T, F>(G::interior_end - b, G::kernel_cols * C, x_row + G::input_col(b, 0) * C,
                                  G::column_step, 1, w_row, F, y_row + b * F, F);
        }
        detail::for_each_edge_tap<G>([&](std::size_t kw, std::size_t begin, std::size_t end) {
            if (begin >= end) return;
            for (std::size_t g = 0; g < G::groups; ++g)
                gemm_accumulate<T, Fg>(end - begin, Cg, x_row + G::input_col(begin, kw) * C + g * Cg,
                                       G::column_step, 1, w_row + kw * G::tap_size + g * Fg, F,
                                       y_row + begin * F + g * Fg, F);
        });
    });
}

// conv_kernel_gradient's direct form, the forward pass's loops transposed.
template <class T, class G>
inline void direct_kernel_gradient(const T* x, const T* dz, T* dw) noexcept {
    constexpr std::size_t F = G::filters, C = G::channels, Cg = G::group_channels, Fg = G::group_filters;
    detail::for_each_row_tap<G>([&](std::size_t kh, std::size_t oh) {
        const T* x_row = x + G::input_row(oh, kh) * G::cols * C;
        const T* dz_row = dz + oh * G::out_cols * F;
        T* dw_row = dw + kh * G::kernel_cols * G::tap_size;
        if constexpr (G::folds_row) {
            constexpr std::size_t b = G::interior_begin;
            gemm_accumulate<T, F>(G::kernel_cols * C, G::interior_end - b, x_row + G::input_col(b, 0) * C, 1,
                                  G::column_step, dz_row + b * F, F, dw_row, F);
        }
        detail::for_each_edge_tap<G>([&](std::size_t kw, std::size_t begin, std::size_t end) {
            if (begin >= end) return;
            for (std::size_t g = 0; g < G::groups; ++g)
                gemm_accumulate<T, Fg>(Cg, end - begin, x_row + G::input_col(begin, kw) * C + g * Cg, 1,
                                       G::column_step, dz_row + begin * F + g * Fg, F,
                                       dw_row + kw * G::tap_size + g * Fg, F);
        });
    });
}

}  // namespace detail

// y = conv(x, w) + bias, before the activation; bias may be null (zeros).
// 3x3 stride-1 layers with enough channels take Winograd's F(2x2, 3x3)
// (kernels/winograd.hpp: 16 multiplies per 4 outputs where this takes 36),
// and layers with few values per kernel row one GEMM over whole windows
// (kernels/im2col.hpp).
template <class T, class G>
inline void conv_forward(const T* w, const T* bias, const T* x, T* y) noexcept {
    if constexpr (detail::winograd_applies<T, G>) {
        winograd_conv3x3<T, G>(w, bias, x, y);
    } else if constexpr (detail::im2col_applies<T, G>) {
        im2col_conv_forward<T, G>(w, bias, x, y);
    } else {
        detail::direct_conv_forward<T, G>(w, bias, x, y);
    }
}

// dw += dL/dW for one sample: per tap, x's pixels transposed (read through
// strides) times dz (through whole windows where detail::im2col_applies).
template <class T, class G>
inline void conv_kernel_gradient(const T* x, const T* dz, T* dw) noexcept {
    if constexpr (detail::im2col_applies<T, G>) {
        im2col_kernel_gradient<T, G>(x, dz, dw);
    } else {
        detail::direct_kernel_gradient<T, G>(x, dz, dw);
    }
}

// dx = dL/dx for one sample (overwritten): per tap, dx(pixels it reached) +=
// dz(outputs) W(tap)^T, a GEMM over the filters like the forward pass's over
// the channels. W(tap) is C x F, so its transpose is copied first, in blocks of
// filters that keep the copy small on the stack (the GEMM accumulates, so the
// blocks add up); per output row the copy serves out_cols rows of the GEMM. A
// dot product per input value instead (a chain of dependent adds over F, which
// the compiler may not reorder) took most of a CNN's training time.
template <class T, class G>
inline void conv_input_gradient(const T* w, const T* dz, T* dx) noexcept {
    constexpr std::size_t F = G::filters, C = G::channels, Cg = G::group_channels, Fg = G::group_filters;
    constexpr std::size_t block = std::max<std::size_t>(1, std::min<std::size_t>(Fg, 4096 / Cg));
    using Row = typename G::row_axis;
    using Col = typename G::col_axis;
    std::fill_n(dx, G::input_size, T(0));
    T w_t[block * Cg];  // W(tap)'s block of filters, transposed: block x Cg
    for (std::size_t kh = 0; kh < G::kernel_rows; ++kh) {
        for (std::size_t kw = 0; kw < G::kernel_cols; ++kw) {
            const std::size_t ow_begin = Col::first_output(kw), ow_end = Col::end_output(kw);
            if (ow_begin >= ow_end) continue;
            const T* w_tap = w + (kh * G::kernel_cols + kw) * G::tap_size;
            for (std::size_t g = 0; g < G::groups; ++g) {
                for (std::size_t f0 = 0; f0 < Fg; f0 += block) {
                    const std::size_t fs = std::min(block, Fg - f0);
                    for (std::size_t c = 0; c < Cg; ++c)
                        for (std::size_t f = 0; f < fs; ++f) w_t[f * Cg + c] = w_tap[c * F + g * Fg + f0 + f];
                    for (std::size_t oh = Row::first_output(kh); oh < Row::end_output(kh); ++oh)
                        gemm_accumulate<T, Cg>(ow_end - ow_begin, fs, dz + (oh * G::out_cols + ow_begin) * F + g * Fg + f0,
                                               F, 1, w_t, Cg,
                                               dx + (G::input_row(oh, kh) * G::cols + G::input_col(ow_begin, kw)) * C + g * Cg,
                                               G::column_step);
                }
            }
        }
    }
}

}  // namespace ctnn::kernels
