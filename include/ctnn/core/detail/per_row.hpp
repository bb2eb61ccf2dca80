// A last-axis layer on a rank-N input: per_row<L, Rows> runs the bound layer L
// (bound for the last axis, L::input_size values) on each of a sample's Rows
// rows, so Dense on (steps, features) is Keras' Dense (a TimeDistributed Dense)
// and BatchNormalization normalizes per channel with statistics over the batch
// and the steps. Training passes need no loop: n samples of Rows rows each are
// n * Rows rows of the layer's width, stored the same way, so the layer's own
// batch functions run on them unchanged (and sum the gradients over steps, as
// Keras does). The weights, their names and their view are L's.
#pragma once

#include <algorithm>
#include <cstddef>

#include "../kernels/dense.hpp"
#include "../layer.hpp"
#include "../random.hpp"
#include "simd.hpp"

namespace ctnn::detail {

template <class L, std::size_t Rows>
struct per_row : L {
    using value_type = typename L::value_type;
    using T = value_type;
    static constexpr std::size_t rows = Rows;
    static constexpr std::size_t row_input_size = L::input_size;
    static constexpr std::size_t row_output_size = L::output_size;
    static constexpr std::size_t input_size = Rows * L::input_size;
    static constexpr std::size_t output_size = Rows * L::output_size;

    // L's forward may write up to padded_size(row_output_size) values from
    // each row's start; rows before the last overwrite that with the next
    // row, and the last row goes through a buffer where it would pass the
    // room the model gives (padded_size(output_size)).
    static constexpr bool last_row_fits =
        (Rows - 1) * row_output_size + kernels::padded_size<T>(row_output_size) <= kernels::padded_size<T>(output_size);

    static void forward(const T* params, const T* state, const T* x, T* y) noexcept
        requires ForwardLayer<L, T>
    {
        for (std::size_t r = 0; r + 1 < Rows; ++r)
            L::forward(params, state, x + r * row_input_size, y + r * row_output_size);
        const T* last_x = x + (Rows - 1) * row_input_size;
        T* last_y = y + (Rows - 1) * row_output_size;
        if constexpr (last_row_fits) {
            L::forward(params, state, last_x, last_y);
        } else {
            alignas(simd::block_alignment<T>) T row[kernels::padded_size<T>(row_output_size)];
            L::forward(params, state, last_x, row);
            std::copy_n(row, row_output_size, last_y);
        }
    }

    // A tile in lane order: feature (r, c) of sample s at (r * C + c) * lanes
    // + s, so row r is a tile of L's width at r * C * lanes.
    static void forward_lanes(const T* params, const T* state, const T* x, T* y) noexcept
        requires LanesLayer<L>
    {
        constexpr std::size_t lanes = simd::max_lanes<T>;
        for (std::size_t r = 0; r < Rows; ++r)
            L::forward_lanes(params, state, x + r * row_input_size * lanes, y + r * row_output_size * lanes);
    }
    static void forward_lanes(const T* params, const T* state, const T* constants, const T* x, T* y) noexcept
        requires PreparedLanesLayer<L>
    {
        constexpr std::size_t lanes = simd::max_lanes<T>;
        for (std::size_t r = 0; r < Rows; ++r)
            L::forward_lanes(params, state, constants, x + r * row_input_size * lanes,
                             y + r * row_output_size * lanes);
    }
    template <class V>
    static V forward_feature_lanes(const T* params, const T* state, const T* constants, std::size_t i, V v) noexcept
        requires FeatureLanesLayer<L>
    {
        return L::forward_feature_lanes(params, state, constants, i % row_input_size, v);
    }

    // ---- training: n samples are n * Rows rows --------------------------------
    static constexpr std::size_t scratch_per_sample = [] {
        if constexpr (requires { L::scratch_per_sample; }) return Rows * L::scratch_per_sample;
        else return std::size_t{0};
    }();

    static void forward_train(const T* params, T* state, const T* x, T* y, T* scratch, std::size_t n,
                              Rng& rng) noexcept
        requires ForwardTrainLayer<L, T>
    {
        L::forward_train(params, state, x, y, scratch, n * Rows, rng);
    }

    template <bool FromLogits>
    static void backward(const T* params, const T* state, const T* x, const T* y, const T* scratch, T* dy, T* dx,
                         T* dparams, std::size_t n) noexcept
        requires BackwardLayer<L, T>
    {
        L::template backward<FromLogits>(params, state, x, y, scratch, dy, dx, dparams, n * Rows);
    }
};

}  // namespace ctnn::detail
