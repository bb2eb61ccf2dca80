// The pooling loops of one sample of shape (rows, cols, channels), row-major
// and channels last: a 1D pooling is the rows axis of length 1, a global
// pooling one window as large as the input. Rows and Cols describe the two
// axes (layers/window.hpp's window_axis: length, window, output_length and
// start(o), where output o's window starts, before 0 in the padding).
//
//   pool_forward<Max, T, Rows, Cols, C>(x, y)
//       y = the max (Max) or the mean of the input entries of each window;
//       entries in the padding are skipped (Keras: padding never wins a max,
//       and a mean with same padding divides by the entries inside).
//   pool_backward<Max, T, Rows, Cols, C>(x, y, dy, dx)
//       dx += dL/dx: a max sends each output's gradient to the first
//       maximal entry of its window in row-major order (TensorFlow's and
//       PyTorch's choice for ties), found again from x and y; a mean spreads
//       dy / count over its entries. Overlapping windows add.
//   pool_backward_tiled<Max, T, Rows, Cols, C>(x, y, dy, dx)
//       dx = dL/dx (overwritten) where the windows tile the input (stride =
//       window on both axes, Keras' default): each covered entry is written
//       once, without first zeroing dx and adding into it, and only the
//       entries no window covers (a remainder past the last window) are
//       zeroed. The Fashion-MNIST CNN's zeroing of its two poolings' dx (86 KB
//       and 31 KB per sample) was 9% of its epoch.
//
// Channels are contiguous, so the loops run over them in widest vectors then
// one value at a time (for_each_vector); x and y are read and dx written
// within their values. Every window holds at least one entry inside the input
// (same padding puts less than a pool's length before it), so a max starts
// from a real value.
#pragma once

#include <algorithm>
#include <cstddef>

#include "../detail/simd.hpp"
#include "elementwise.hpp"

namespace ctnn::kernels {

namespace detail {

// The input entries [begin, end) that output o's window covers on an axis.
struct window_range {
    std::size_t begin;
    std::size_t end;
};
template <class Axis>
constexpr window_range clipped_window(std::size_t o) noexcept {
    const long long start = Axis::start(o);
    const long long end = start + static_cast<long long>(Axis::window);
    const long long length = static_cast<long long>(Axis::length);
    return {static_cast<std::size_t>(start < 0 ? 0 : start), static_cast<std::size_t>(end < length ? end : length)};
}

}  // namespace detail

template <bool Max, class T, class Rows, class Cols, std::size_t C>
inline void pool_forward(const T* __restrict x, T* __restrict y) noexcept {
    for (std::size_t orow = 0; orow < Rows::output_length; ++orow) {
        const auto r = detail::clipped_window<Rows>(orow);
        for (std::size_t ocol = 0; ocol < Cols::output_length; ++ocol) {
            const auto c = detail::clipped_window<Cols>(ocol);
            T* out = y + (orow * Cols::output_length + ocol) * C;
            const T* corner = x + (r.begin * Cols::length + c.begin) * C;
            for_each_vector<T>(C, [&](auto v, std::size_t k) {
                using V = decltype(v);
                // A max starts from the window's first entry and keeps it on
                // ties (>), a sum from zero.
                V acc = Max ? simd::load<V>(corner + k) : simd::splat<V>(0);
                for (std::size_t i = r.begin; i < r.end; ++i)
                    for (std::size_t j = c.begin; j < c.end; ++j) {
                        const V value = simd::load<V>(x + (i * Cols::length + j) * C + k);
                        if constexpr (Max) acc = simd::select(value > acc, value, acc);
                        else acc = acc + value;
                    }
                if constexpr (!Max) {
                    const double count = double((r.end - r.begin) * (c.end - c.begin));
                    acc = acc / simd::splat<V>(count);
                }
                simd::store(out + k, acc);
            });
        }
    }
}

template <bool Max, class T, class Rows, class Cols, std::size_t C, bool Assign = false>
inline void pool_backward(const T* __restrict x, const T* __restrict y, const T* __restrict dy,
                          T* __restrict dx) noexcept {
    for (std::size_t orow = 0; orow < Rows::output_length; ++orow) {
        const auto r = detail::clipped_window<Rows>(orow);
        for (std::size_t ocol = 0; ocol < Cols::output_length; ++ocol) {
            const auto c = detail::clipped_window<Cols>(ocol);
            const std::size_t o = (orow * Cols::output_length + ocol) * C;
            for_each_vector<T>(C, [&](auto v, std::size_t k) {
                using V = decltype(v);
                const V zero = simd::splat<V>(0);
                V g = simd::load<V>(dy + o + k);
                if constexpr (!Max) g = g / simd::splat<V>(double((r.end - r.begin) * (c.end - c.begin)));
                // A max: the first entry equal to y (x <= y everywhere in the
                // window, so x >= y is x == y) takes the gradient, and later
                // ones add zero.
                const V top = Max ? simd::load<V>(y + o + k) : zero;
                for (std::size_t i = r.begin; i < r.end; ++i)
                    for (std::size_t j = c.begin; j < c.end; ++j) {
                        T* d = dx + (i * Cols::length + j) * C + k;
                        // Assign (pool_backward_tiled): this window is the entry's only one.
                        auto add = [&](V value) { simd::store(d, Assign ? value : simd::load<V>(d) + value); };
                        if constexpr (Max) {
                            const auto first = simd::load<V>(x + (i * Cols::length + j) * C + k) >= top;
                            add(simd::select(first, g, zero));
                            g = simd::select(first, zero, g);
                        } else {
                            add(g);
                        }
                    }
            });
        }
    }
}

// Whether the windows of Rows and Cols tile the input: adjacent, none
// overlapping (so pool_backward_tiled applies).
template <class Rows, class Cols>
inline constexpr bool pool_windows_tile = Rows::stride == Rows::window && Cols::stride == Cols::window;

template <bool Max, class T, class Rows, class Cols, std::size_t C>
inline void pool_backward_tiled(const T* __restrict x, const T* __restrict y, const T* __restrict dy,
                                T* __restrict dx) noexcept {
    static_assert(pool_windows_tile<Rows, Cols>);
    // Adjacent windows cover [first window's begin, last window's end) on each axis.
    const auto rows = detail::window_range{detail::clipped_window<Rows>(0).begin,
                                           detail::clipped_window<Rows>(Rows::output_length - 1).end};
    const auto cols = detail::window_range{detail::clipped_window<Cols>(0).begin,
                                           detail::clipped_window<Cols>(Cols::output_length - 1).end};
    for (std::size_t i = 0; i < Rows::length; ++i) {
        T* row = dx + i * Cols::length * C;
        if (i < rows.begin || i >= rows.end) {
            std::fill_n(row, Cols::length * C, T(0));
        } else {
            std::fill_n(row, cols.begin * C, T(0));
            std::fill_n(row + cols.end * C, (Cols::length - cols.end) * C, T(0));
        }
    }
    pool_backward<Max, T, Rows, Cols, C, true>(x, y, dy, dx);
}

}  // namespace ctnn::kernels
