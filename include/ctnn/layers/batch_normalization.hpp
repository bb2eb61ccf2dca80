// BatchNormalization: Keras' layer with its defaults (momentum 0.99,
// epsilon 1e-3, center and scale on). Shape-preserving.
//   parameters (trainable): gamma (1), beta (0), one per feature
//   state (non-trainable):  moving mean (0), moving variance (1)
// Training: each feature is normalized with the batch's mean and biased
// variance, y = (x - mean) / sqrt(var + eps) * gamma + beta; the moving
// statistics become moving * momentum + batch * (1 - momentum); gradients flow
// through the batch statistics. Inference: the same with the moving statistics.
//
// A training batch of one sample (e.g. the last partial batch) follows Keras:
// its variance is 0, so the output is beta, the input gradient is 0, and the
// moving variance moves toward 0 by 1 - momentum for that step. Nothing
// becomes NaN (epsilon keeps the division finite).
#pragma once

#include <cmath>
#include <cstddef>
#include <span>

#include "../detail/fixed_string.hpp"
#include "../detail/moments.hpp"
#include "../random.hpp"
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
        static constexpr auto name = BatchNormalization::name;
        static constexpr detail::fixed_string kind{"BatchNormalization"};

        static void initialize(T* params, T* state, Rng&) noexcept {
            for (std::size_t i = 0; i < Width; ++i) {
                params[i] = T(1), params[Width + i] = T(0);
                state[i] = T(0), state[Width + i] = T(1);
            }
        }

        static void forward(const T* params, const T* state, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i)
                y[i] = (x[i] - state[i]) / std::sqrt(state[Width + i] + T(epsilon)) * params[i] + params[Width + i];
        }

        // Scratch: the normalized values x_hat, for the backward pass.
        static constexpr std::size_t scratch_per_sample = Width;

        static void forward_train(const T* params, T* state, const T* x, T* y, T* x_hat, std::size_t n,
                                  Rng&) noexcept {
            for (std::size_t i = 0; i < Width; ++i) {
                const auto [mean, variance] = batch_moments(x, n, i);
                const T inv_std = T(1) / std::sqrt(T(variance) + T(epsilon));
                for (std::size_t r = 0; r < n; ++r) {
                    const std::size_t k = r * Width + i;
                    x_hat[k] = (x[k] - T(mean)) * inv_std;
                    y[k] = x_hat[k] * params[i] + params[Width + i];
                }
                state[i] = T(double(state[i]) * momentum + mean * (1 - momentum));
                state[Width + i] = T(double(state[Width + i]) * momentum + variance * (1 - momentum));
            }
        }

        // With g = dy * gamma: dx = inv_std / n * (n g - sum g - x_hat sum(g x_hat)).
        template <bool FromLogits>
        static void backward(const T* params, const T*, const T* x, const T*, const T* x_hat, T* dy, T* dx,
                             T* dparams, std::size_t n) noexcept {
            for (std::size_t i = 0; i < Width; ++i) {
                T sum_dy = 0, sum_dy_xhat = 0;
                for (std::size_t r = 0; r < n; ++r) {
                    const std::size_t k = r * Width + i;
                    sum_dy += dy[k];
                    sum_dy_xhat += dy[k] * x_hat[k];
                }
                dparams[i] = sum_dy_xhat;  // d gamma
                dparams[Width + i] = sum_dy;  // d beta
                if (dx == nullptr) continue;
                const double variance = batch_moments(x, n, i).variance;
                const T scale = params[i] / std::sqrt(T(variance) + T(epsilon)) / T(n);
                for (std::size_t r = 0; r < n; ++r) {
                    const std::size_t k = r * Width + i;
                    dx[k] = scale * (T(n) * dy[k] - sum_dy - x_hat[k] * sum_dy_xhat);
                }
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
