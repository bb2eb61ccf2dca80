// BatchNormalization: Keras' layer with its defaults (momentum 0.99,
// epsilon 1e-3, center and scale on). Shape-preserving.
//   parameters (trainable): gamma (1), beta (0), one per feature
//   state (non-trainable):  moving mean (0), moving variance (1)
// Other options through BatchNormalization::with<ctnn::BatchNorm{.momentum =
// 0.9, .epsilon = 1e-5, .center = true, .scale = true}>: as in Keras, center
// false drops beta (no shift) and scale false drops gamma (a scale of 1), from
// the parameters, the weight manifest, the view and every pass. The plain
// ctnn::BatchNormalization is with<BatchNorm{}> and spells itself
// "ctnn::BatchNormalization"; other options spell only what differs from the
// defaults: "ctnn::BatchNormalization::with<ctnn::BatchNorm{.momentum = 0.9f}>".
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
#include <type_traits>

#include "../core/detail/fixed_string.hpp"
#include "../core/detail/float_bits.hpp"
#include "../core/detail/moments.hpp"
#include "../core/detail/simd.hpp"
#include "../core/kernels/dense.hpp"
#include "../core/kernels/elementwise.hpp"
#include "../core/random.hpp"
#include "../core/weights.hpp"
#include "shape_preserving.hpp"

namespace ctnn {

// The options, Keras' defaults. momentum and epsilon keep a float's bits
// (core/detail/float_bits.hpp) and are used as the decimals written.
struct BatchNorm {
    FloatBits momentum = 0.99;
    FloatBits epsilon = 1e-3;
    bool center = true;  // beta
    bool scale = true;   // gamma
    friend constexpr bool operator==(const BatchNorm&, const BatchNorm&) noexcept = default;
};

template <class P, std::size_t Width, bool Scale = true, bool Center = true>
class BatchNormalizationView {
public:
    constexpr BatchNormalizationView(P* params, P* state) noexcept : params_(params), state_(state) {}
    constexpr std::span<P, Width> gamma() const noexcept
        requires Scale
    {
        return std::span<P, Width>(params_, Width);
    }
    constexpr std::span<P, Width> beta() const noexcept
        requires Center
    {
        return std::span<P, Width>(params_ + (Scale ? Width : 0), Width);
    }
    constexpr std::span<P, Width> moving_mean() const noexcept { return std::span<P, Width>(state_, Width); }
    constexpr std::span<P, Width> moving_variance() const noexcept {
        return std::span<P, Width>(state_ + Width, Width);
    }

private:
    P* params_;
    P* state_;
};

namespace detail {

// "ctnn::BatchNorm{.momentum = 0.9f, .center = false}": the options that differ from the defaults.
template <BatchNorm O>
constexpr auto spell_batch_norm() noexcept {
    constexpr auto momentum = [] {
        if constexpr (O.momentum == BatchNorm{}.momentum) return fixed_string{""};
        else return ", .momentum = " + spell_float<O.momentum>();
    }();
    constexpr auto epsilon = [] {
        if constexpr (O.epsilon == BatchNorm{}.epsilon) return fixed_string{""};
        else return ", .epsilon = " + spell_float<O.epsilon>();
    }();
    constexpr auto center = [] {
        if constexpr (O.center == BatchNorm{}.center) return fixed_string{""};
        else return fixed_string{", .center = false"};
    }();
    constexpr auto scale = [] {
        if constexpr (O.scale == BatchNorm{}.scale) return fixed_string{""};
        else return fixed_string{", .scale = false"};
    }();
    constexpr auto all = momentum + epsilon + center + scale;  // ", .a = x, .b = y"
    fixed_string<all.size() - 2> fields;
    for (std::size_t i = 0; i + 2 < all.size(); ++i) fields.chars[i] = all.chars[i + 2];
    return "ctnn::BatchNorm{" + fields + "}";
}

template <BatchNorm Options>
struct BatchNormalizationLayer {
    static_assert(Options.momentum.finite() && Options.momentum.value() >= 0.0f && Options.momentum.value() <= 1.0f,
                  "ctnn::BatchNorm: momentum is the weight of the old moving statistics; expected 0 <= momentum <= 1.");
    static_assert(Options.epsilon.finite() && Options.epsilon.value() > 0.0f,
                  "ctnn::BatchNorm: epsilon keeps the division by the standard deviation finite; expected "
                  "epsilon > 0.");
    static constexpr bool shape_preserving = true;
    static constexpr BatchNorm options = Options;
    static constexpr double momentum = Options.momentum.decimal();
    static constexpr double epsilon = Options.epsilon.decimal();
    static constexpr bool center = Options.center, scale = Options.scale;
    static constexpr auto name = [] {
        if constexpr (Options == BatchNorm{}) return fixed_string{"ctnn::BatchNormalization"};
        else return "ctnn::BatchNormalization::with<" + spell_batch_norm<Options>() + ">";
    }();

    template <class T, std::size_t Width>
    struct bind : ShapePreservingBase<T, Width> {
        // Where gamma and beta start in the layer's parameters (each there only if on).
        static constexpr std::size_t gamma_at = 0, beta_at = scale ? Width : 0;
        static constexpr std::size_t parameter_count = (scale + center) * Width;  // gamma, beta
        static constexpr std::size_t state_count = 2 * Width;                     // moving mean, moving variance
        static constexpr auto weights = [] {
            constexpr WeightTensor gamma{"gamma", true, 1, {Width}}, beta{"beta", true, 1, {Width}},
                mean{"moving_mean", false, 1, {Width}}, variance{"moving_variance", false, 1, {Width}};
            if constexpr (scale && center) return std::array<WeightTensor, 4>{{gamma, beta, mean, variance}};
            else if constexpr (scale) return std::array<WeightTensor, 3>{{gamma, mean, variance}};
            else if constexpr (center) return std::array<WeightTensor, 3>{{beta, mean, variance}};
            else return std::array<WeightTensor, 2>{{mean, variance}};
        }();
        static constexpr auto name = BatchNormalizationLayer::name;
        static constexpr fixed_string kind{"BatchNormalization"};

        static void initialize(T* params, T* state, Rng&) noexcept {
            for (std::size_t i = 0; i < Width; ++i) {
                if constexpr (scale) params[gamma_at + i] = T(1);
                if constexpr (center) params[beta_at + i] = T(0);
                state[i] = T(0), state[Width + i] = T(1);
            }
        }

        // gamma[i], or 1 without gamma; beta[i], or 0 without beta.
        static T gamma(const T* params, std::size_t i) noexcept {
            if constexpr (scale) return params[gamma_at + i];
            else return T(1);
        }

        // gamma / sqrt(moving variance + epsilon) for the features [i, i + lanes<V>),
        // from the canonical parameters and state on every call (no folded copy
        // that m.state(), load or an assignment to the moving statistics could
        // leave stale).
        template <class V>
        static V inference_scale(const T* params, const T* state, std::size_t i) noexcept {
            const V inv = simd::sqrt(simd::load<V>(state + Width + i) + simd::splat<V>(epsilon));
            if constexpr (scale) return simd::load<V>(params + gamma_at + i) / inv;
            else return simd::splat<V>(1) / inv;
        }

        // Inference: (x - mean) * scale + beta. (Not TensorFlow's x * scale +
        // (beta - mean * scale), one operation fewer: with a large mean and a
        // small variance its shift cancels, 0.9986 for an exact 1 in
        // tests/numerics.cpp.)
        static void forward(const T* params, const T* state, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i) {
                if constexpr (center)
                    y[i] = simd::fma(x[i] - state[i], inference_scale<T>(params, state, i), params[beta_at + i]);
                else
                    y[i] = (x[i] - state[i]) * inference_scale<T>(params, state, i);
            }
        }

        // A tile of L samples in lane order (core/layer.hpp): the scales of L features
        // at a time (the last vector may read up to L - 1 values past gamma and
        // past the moving variances, into beta and the state block's padding:
        // those lanes are dropped), then per feature one broadcast mean, scale
        // and beta. A batch prepares the scales once for all its tiles
        // (Sequential::predict), one tile alone on each call.
        static constexpr std::size_t lanes_constant_count = kernels::padded_size<T>(Width);
        static void prepare_lanes(const T* params, const T* state, T* scale_of) noexcept {
            using V = simd::widest<T>;
            for (std::size_t i = 0; i < Width; i += simd::lanes<V>)
                simd::store(scale_of + i, inference_scale<V>(params, state, i));
        }
        static void forward_lanes(const T* params, const T* state, const T* scale_of, const T* x, T* y) noexcept {
            using V = simd::widest<T>;
            constexpr std::size_t L = simd::lanes<V>;
            for (std::size_t i = 0; i < Width; ++i) {
                if constexpr (center)
                    simd::store(y + i * L, simd::fma(simd::load<V>(x + i * L) - V(state[i]), V(scale_of[i]),
                                                     V(params[beta_at + i])));
                else
                    simd::store(y + i * L, (simd::load<V>(x + i * L) - V(state[i])) * V(scale_of[i]));
            }
        }
        static void forward_lanes(const T* params, const T* state, const T* x, T* y) noexcept {
            alignas(simd::block_alignment<T>) T scale_of[lanes_constant_count];
            prepare_lanes(params, state, scale_of);
            forward_lanes(params, state, scale_of, x, y);
        }

        // Scratch: the normalized values x_hat, for the backward pass.
        static constexpr std::size_t scratch_per_sample = Width;
        // Its training pass couples the batch's rows: the trainer runs it over
        // the whole batch at once, not chunk by chunk (train/backprop.hpp).
        static constexpr bool batch_statistics = true;

        // The statistics per feature (a column, in double), then the rows in
        // vectors of features (core/kernels/elementwise.hpp).
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
                    if constexpr (scale && center)
                        simd::store(y + row + i, h * simd::load<V>(params + gamma_at + i) +
                                                     simd::load<V>(params + beta_at + i));
                    else if constexpr (scale)
                        simd::store(y + row + i, h * simd::load<V>(params + gamma_at + i));
                    else if constexpr (center)
                        simd::store(y + row + i, h + simd::load<V>(params + beta_at + i));
                    else
                        simd::store(y + row + i, h);
                });
            }
        }

        // dx = gamma / sqrt(var + eps) / n * (n dy - sum dy - x_hat sum(dy x_hat)),
        // the sums over the batch, per feature, added row after row (into the
        // gradients of gamma and beta, or into local sums for the ones that are off).
        template <bool FromLogits>
        static void backward(const T* params, const T*, const T* x, const T*, const T* x_hat, T* dy, T* dx,
                             T* dparams, std::size_t n) noexcept {
            alignas(simd::block_alignment<T>) T local[(scale ? 0 : kernels::padded_size<T>(Width)) +
                                                      (center ? 0 : kernels::padded_size<T>(Width)) + 1];
            T* sum_dy_xhat = scale ? dparams + gamma_at : local;  // d gamma
            T* sum_dy = center ? dparams + beta_at : local + (scale ? 0 : kernels::padded_size<T>(Width));  // d beta
            for (std::size_t i = 0; i < Width; ++i) sum_dy_xhat[i] = T(0), sum_dy[i] = T(0);
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
                scale_of[i] = gamma(params, i) / simd::sqrt(T(batch_moments(x, n, i).variance) + T(epsilon)) / T(n);
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
        static constexpr BatchNormalizationView<P, Width, scale, center> view(P* params, P* state) noexcept {
            return BatchNormalizationView<P, Width, scale, center>(params, state);
        }

    private:
        // The mean and biased variance of feature i over n rows, in double.
        static Moments batch_moments(const T* x, std::size_t n, std::size_t i) noexcept {
            return moments(n, [&](std::size_t r) { return double(x[r * Width + i]); });
        }
    };
};

}  // namespace detail

struct BatchNormalization : detail::BatchNormalizationLayer<BatchNorm{}> {
    template <BatchNorm Options>
    using with = std::conditional_t<Options == BatchNorm{}, BatchNormalization, detail::BatchNormalizationLayer<Options>>;
};

}  // namespace ctnn
