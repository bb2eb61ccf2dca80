// Normalization: Keras' feature normalization inside the model, so a deployed
// model takes raw features. Shape-preserving; no trainable parameters; its
// state is each feature's mean and variance (initially 0 and 1: the
// identity), set by adapt() from the training rows:
//   model.layer<0>().adapt(train);   // or adapt(train.x)
// Output: (x - mean) / max(sqrt(variance), 1e-7), the variance the biased one,
// computed as (x - mean) times the reciprocal of that divisor.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/moments.hpp"
#include "../core/detail/simd.hpp"
#include "../core/kernels/dense.hpp"
#include "../core/random.hpp"
#include "../core/weights.hpp"
#include "shape_preserving.hpp"

namespace ctnn {

template <class P, std::size_t Width>
class NormalizationView {
public:
    constexpr explicit NormalizationView(P* state) noexcept : state_(state) {}
    constexpr std::span<P, Width> mean() const noexcept { return std::span<P, Width>(state_, Width); }
    constexpr std::span<P, Width> variance() const noexcept { return std::span<P, Width>(state_ + Width, Width); }

    // Sets the mean and (biased) variance of each feature from the rows, in
    // double. No rows leaves the state as it was. On a rank-N model's samples
    // (N values, N / Width rows of the last axis each: an Input<8, 3>) each
    // channel's moments run over every row of every sample, as Keras' adapt
    // with axis -1.
    template <class T, std::size_t N>
        requires(N % Width == 0)
    void adapt(std::span<const std::array<T, N>> rows) const noexcept {
        if (rows.empty()) return;
        constexpr std::size_t per_sample = N / Width;
        for (std::size_t i = 0; i < Width; ++i) {
            const auto [mean, variance] = detail::moments(rows.size() * per_sample, [&](std::size_t r) {
                return double(rows[r / per_sample][(r % per_sample) * Width + i]);
            });
            state_[i] = static_cast<P>(mean);
            state_[Width + i] = static_cast<P>(variance);
        }
    }
    // A std::vector of rows, or a data set (its features, .x).
    template <class Rows>
    void adapt(const Rows& rows) const noexcept {
        if constexpr (requires { rows.x; }) adapt(std::span(rows.x.data(), rows.x.size()));
        else adapt(std::span(rows.data(), rows.size()));
    }

private:
    P* state_;
};

struct Normalization {
    static constexpr bool shape_preserving = true;
    static constexpr double minimum_std = 1e-7;  // Keras' floor for the divisor
    static constexpr detail::fixed_string name{"ctnn::Normalization"};

    template <class T, std::size_t Width>
    struct bind : ShapePreservingBase<T, Width> {
        static constexpr std::size_t state_count = 2 * Width;  // mean, variance
        // (Keras' Normalization also keeps a count, for adapt() in batches; ctnn
        // adapts in one pass and stores none.)
        static constexpr std::array<WeightTensor, 2> weights{
            {{"mean", false, 1, {Width}}, {"variance", false, 1, {Width}}}};
        static constexpr auto name = Normalization::name;
        static constexpr detail::fixed_string kind{"Normalization"};

        static void initialize(T*, T* state, Rng&) noexcept {
            for (std::size_t i = 0; i < Width; ++i) state[i] = T(0), state[Width + i] = T(1);
        }

        // 1 / max(sqrt(variance), 1e-7) for the features [i, i + lanes<V>): a
        // multiplier, so that a tile (below) spends one multiplication, not one
        // division, per value. A NaN or negative variance gives NaN (the select
        // keeps a NaN root, as std::max(root, floor) does).
        template <class V>
        static V inverse_divisor(const T* state, std::size_t i) noexcept {
            const V root = simd::sqrt(simd::load<V>(state + Width + i));
            const V floor = simd::splat<V>(minimum_std);
            return simd::splat<V>(1) / simd::select(root < floor, floor, root);
        }

        static void forward(const T*, const T* state, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i) y[i] = (x[i] - state[i]) * inverse_divisor<T>(state, i);
        }

        // A tile of L samples in lane order (core/layer.hpp), the same arithmetic as
        // forward: the multipliers of L features at a time from the state (its
        // last vector may read up to L - 1 values past the variances, within
        // the state block's padding: those lanes are dropped), then per
        // feature one broadcast mean and multiplier.
        static constexpr std::size_t lanes_constant_count = kernels::padded_size<T>(Width);
        static void prepare_lanes(const T*, const T* state, T* inverse) noexcept {
            using V = simd::widest<T>;
            for (std::size_t i = 0; i < Width; i += simd::lanes<V>) simd::store(inverse + i, inverse_divisor<V>(state, i));
        }
        // Feature i's vector of a tile: what a model that starts with this
        // layer applies as it moves the tile into lane order (FeatureLanesLayer).
        template <class V>
        static V forward_feature_lanes(const T*, const T* state, const T* inverse, std::size_t i, V x) noexcept {
            return (x - V(state[i])) * V(inverse[i]);
        }
        static void forward_lanes(const T* params, const T* state, const T* inverse, const T* x, T* y) noexcept {
            using V = simd::widest<T>;
            constexpr std::size_t L = simd::lanes<V>;
            for (std::size_t i = 0; i < Width; ++i)
                simd::store(y + i * L, forward_feature_lanes(params, state, inverse, i, simd::load<V>(x + i * L)));
        }
        static void forward_lanes(const T* params, const T* state, const T* x, T* y) noexcept {
            alignas(simd::block_alignment<T>) T inverse[lanes_constant_count];
            prepare_lanes(params, state, inverse);
            forward_lanes(params, state, inverse, x, y);
        }

        static void forward_train(const T* params, T* state, const T* x, T* y, T*, std::size_t n, Rng&) noexcept {
            for (std::size_t r = 0; r < n; ++r) forward(params, state, x + r * Width, y + r * Width);
        }

        template <bool FromLogits>
        static void backward(const T*, const T* state, const T*, const T*, const T*, T* dy, T* dx, T*,
                             std::size_t n) noexcept {
            if (dx == nullptr) return;
            for (std::size_t r = 0; r < n; ++r)
                for (std::size_t i = 0; i < Width; ++i)
                    dx[r * Width + i] = dy[r * Width + i] * inverse_divisor<T>(state, i);
        }

        template <class P>
        static constexpr NormalizationView<P, Width> view(P*, P* state) noexcept {
            return NormalizationView<P, Width>(state);
        }
    };
};

}  // namespace ctnn
