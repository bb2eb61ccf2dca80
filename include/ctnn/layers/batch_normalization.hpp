// BatchNormalization: Keras' layer with its defaults (momentum 0.99,
// epsilon 1e-3, center and scale on). Shape-preserving.
//   parameters (trainable): gamma (1), beta (0), one per feature
//   state (non-trainable):  moving mean (0), moving variance (1)
// Training: each feature is normalized with the batch's mean and biased
// variance, y = (x - mean) / sqrt(var + eps) * gamma + beta; the moving
// statistics become moving * momentum + batch * (1 - momentum); gradients flow
// through the batch statistics. Inference: the same with the moving statistics,
// computed as (x - mean) * (gamma / sqrt(var + eps)) + beta.
//
// A training batch of one sample (e.g. the last partial batch) follows Keras:
// its variance is 0, so the output is beta, the input gradient is 0, and the
// moving variance moves toward 0 by 1 - momentum for that step. Nothing
// becomes NaN (epsilon keeps the division finite).
#pragma once

#include <cstddef>
#include <span>

#include "../detail/fixed_string.hpp"
#include "../detail/moments.hpp"
#include "../detail/simd.hpp"
#include "../kernels/dense.hpp"
#include "../kernels/elementwise.hpp"
#include "../random.hpp"
#include "../weights.hpp"
#include "shape_preserving.hpp"

namespace ctnn {

template <class P, std::size_t Width>
class BatchNormalizationView {
public:
    constexpr BatchNormalizationView(P* params, P* state) noexcept : params_(params), state_(state) {}
    constexpr std::span<P, Width> gamma() const noexcept { return std::span<P, Width>(params_, Width); }
    constexpr std::span<P, Width> beta() const noexcept { return std::span<P, Width>(params_ + Width, Width); }
    constexpr std::span<P, Width> moving_mean() const noexcept { return std::span<P, Width>(state_, Width); }
    constexpr std::span<P, Width> moving_variance() const noexcept {
        return std::span<P, Width>(state_ + Width, Width);
    }

private:
    P* params_;
    P* state_;
};

struct BatchNormalization {
    static constexpr bool shape_preserving = true;
    static constexpr double momentum = 0.99;
    static constexpr double epsilon = 1e-3;
    static constexpr detail::fixed_string name{"ctnn::BatchNormalization"};

    template <class T, std::size_t Width>
    struct bind : ShapePreservingBase<T, Width> {
        static constexpr std::size_t parameter_count = 2 * Width;  // gamma, beta
        static constexpr std::size_t state_count = 2 * Width;      // moving mean, moving variance
        static constexpr std::array<WeightTensor, 4> weights{{{"gamma", true, 1, {Width}},
                                                              {"beta", true, 1, {Width}},
                                                              {"moving_mean", false, 1, {Width}},
                                                              {"moving_variance", false, 1, {Width}}}};
        static constexpr auto name = BatchNormalization::name;
        static constexpr detail::fixed_string kind{"BatchNormalization"};

        static void initialize(T* params, T* state, Rng&) noexcept {
            for (std::size_t i = 0; i < Width; ++i) {
                params[i] = T(1), params[Width + i] = T(0);
                state[i] = T(0), state[Width + i] = T(1);
            }
        }

        // gamma / sqrt(moving variance + epsilon) for the features [i, i + lanes<V>),
        // from the canonical parameters and state on every call (no folded copy
        // that m.state(), load or an assignment to the moving statistics could
        // leave stale).
        template <class V>
        static V inference_scale(const T* params, const T* state, std::size_t i) noexcept {
            return simd::load<V>(params + i) / simd::sqrt(simd::load<V>(state + Width + i) + simd::splat<V>(epsilon));
        }

        // Inference: (x - mean) * scale + beta. (Not TensorFlow's x * scale +
        // (beta - mean * scale), one operation fewer: with a large mean and a
        // small variance its shift cancels, 0.9986 for an exact 1 in
        // tests/numerics.cpp.)
        static void forward(const T* params, const T* state, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i)
                y[i] = simd::fma(x[i] - state[i], inference_scale<T>(params, state, i), params[Width + i]);
        }

        // A tile of L samples in lane order (layer.hpp): the scales of L features
        // at a time (the last vector may read up to L - 1 values past gamma and
        // past the moving variances, into beta and the state block's padding:
        // those lanes are dropped), then per feature one broadcast mean, scale
        // and beta. A batch prepares the scales once for all its tiles
        // (Sequential::predict), one tile alone on each call.
        static constexpr std::size_t lanes_constant_count = kernels::padded_size<T>(Width);
        static void prepare_lanes(const T* params, const T* state, T* scale) noexcept {
            using V = simd::widest<T>;
            for (std::size_t i = 0; i < Width; i += simd::lanes<V>)
                simd::store(scale + i, inference_scale<V>(params, state, i));
        }
        static void forward_lanes(const T* params, const T* state, const T* scale, const T* x, T* y) noexcept {
            using V = simd::widest<T>;
            constexpr std::size_t L = simd::lanes<V>;
            for (std::size_t i = 0; i < Width; ++i)
                simd::store(y + i * L, simd::fma(simd::load<V>(x + i * L) - V(state[i]), V(scale[i]),
                                                 V(params[Width + i])));
        }
        static void forward_lanes(const T* params, const T* state, const T* x, T* y) noexcept {
            alignas(simd::block_alignment<T>) T scale[lanes_constant_count];
            prepare_lanes(params, state, scale);
            forward_lanes(params, state, scale, x, y);
        }

        // Scratch: the normalized values x_hat, for the backward pass.
        static constexpr std::size_t scratch_per_sample = Width;

        // The statistics per feature (a column, in double), then the rows in
        // vectors of features (kernels/elementwise.hpp).
        static void forward_train(const T* params, T* state, const T* x, T* y, T* x_hat, std::size_t n,
                                  Rng&) noexcept {
            T mean_of[Width], inv_std_of[Width];
            for (std::size_t i = 0; i < Width; ++i) {
                const auto [mean, variance] = batch_moments(x, n, i);
                mean_of[i] = T(mean);
                inv_std_of[i] = T(1) / simd::sqrt(T(variance) + T(epsilon));
                state[i] = T(double(state[i]) * momentum + mean * (1 - momentum));
                state[Width + i] = T(double(state[Width + i]) * momentum + variance * (1 - momentum));
            }
            for (std::size_t r = 0; r < n; ++r) {
                const std::size_t row = r * Width;
                kernels::for_each_vector<T>(Width, [&](auto v, std::size_t i) {
                    using V = decltype(v);
                    const V h = (simd::load<V>(x + row + i) - simd::load<V>(mean_of + i)) * simd::load<V>(inv_std_of + i);
                    simd::store(x_hat + row + i, h);
                    simd::store(y + row + i, h * simd::load<V>(params + i) + simd::load<V>(params + Width + i));
                });
            }
        }

        // dx = gamma / sqrt(var + eps) / n * (n dy - sum dy - x_hat sum(dy x_hat)),
        // the sums over the batch, per feature, added row after row.
        template <bool FromLogits>
        static void backward(const T* params, const T*, const T* x, const T*, const T* x_hat, T* dy, T* dx,
                             T* dparams, std::size_t n) noexcept {
            T* sum_dy_xhat = dparams;       // d gamma
            T* sum_dy = dparams + Width;    // d beta
            for (std::size_t i = 0; i < 2 * Width; ++i) dparams[i] = T(0);
            for (std::size_t r = 0; r < n; ++r) {
                const std::size_t row = r * Width;
                kernels::for_each_vector<T>(Width, [&](auto v, std::size_t i) {
                    using V = decltype(v);
                    const V g = simd::load<V>(dy + row + i);
                    simd::store(sum_dy + i, simd::load<V>(sum_dy + i) + g);
                    simd::store(sum_dy_xhat + i, simd::load<V>(sum_dy_xhat + i) + g * simd::load<V>(x_hat + row + i));
                });
            }
            if (dx == nullptr) return;
            T scale_of[Width];
            for (std::size_t i = 0; i < Width; ++i)
                scale_of[i] = params[i] / simd::sqrt(T(batch_moments(x, n, i).variance) + T(epsilon)) / T(n);
            const T count = T(n);
            for (std::size_t r = 0; r < n; ++r) {
                const std::size_t row = r * Width;
                kernels::for_each_vector<T>(Width, [&](auto v, std::size_t i) {
                    using V = decltype(v);
                    const V g = simd::load<V>(dy + row + i), h = simd::load<V>(x_hat + row + i);
                    simd::store(dx + row + i, simd::load<V>(scale_of + i) *
                                                  (V(count) * g - simd::load<V>(sum_dy + i) - h * simd::load<V>(sum_dy_xhat + i)));
                });
            }
        }

        template <class P>
        static constexpr BatchNormalizationView<P, Width> view(P* params, P* state) noexcept {
            return BatchNormalizationView<P, Width>(params, state);
        }

    private:
        // The mean and biased variance of feature i over n rows, in double.
        static detail::Moments batch_moments(const T* x, std::size_t n, std::size_t i) noexcept {
            return detail::moments(n, [&](std::size_t r) { return double(x[r * Width + i]); });
        }
    };
};

}  // namespace ctnn
