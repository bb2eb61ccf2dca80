// Normalization: Keras' feature normalization inside the model, so a deployed
// model takes raw features. Shape-preserving; no trainable parameters; its
// state is each feature's mean and variance (initially 0 and 1: the
// identity), set by adapt() from the training rows:
//   model.layer<0>().adapt(train);   // or adapt(train.x)
// Output: (x - mean) / max(sqrt(variance), 1e-7), the variance the biased one.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>

#include "../detail/fixed_string.hpp"
#include "../detail/moments.hpp"
#include "../random.hpp"
#include "shape_preserving.hpp"

namespace ctnn {

template <class P, std::size_t Width>
class NormalizationView {
public:
    constexpr explicit NormalizationView(P* state) noexcept : state_(state) {}
    constexpr std::span<P, Width> mean() const noexcept { return std::span<P, Width>(state_, Width); }
    constexpr std::span<P, Width> variance() const noexcept { return std::span<P, Width>(state_ + Width, Width); }

    // Sets the mean and (biased) variance of each feature from the rows, in
    // double. No rows leaves the state as it was.
    template <class T>
    void adapt(std::span<const std::array<T, Width>> rows) const noexcept {
        if (rows.empty()) return;
        for (std::size_t i = 0; i < Width; ++i) {
            const auto [mean, variance] =
                detail::moments(rows.size(), [&](std::size_t r) { return double(rows[r][i]); });
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
        static constexpr auto name = Normalization::name;
        static constexpr detail::fixed_string kind{"Normalization"};

        static void initialize(T*, T* state, Rng&) noexcept {
            for (std::size_t i = 0; i < Width; ++i) state[i] = T(0), state[Width + i] = T(1);
        }

        static T divisor(const T* state, std::size_t i) noexcept {
            return std::max(std::sqrt(state[Width + i]), T(minimum_std));
        }

        static void forward(const T*, const T* state, const T* x, T* y) noexcept {
            for (std::size_t i = 0; i < Width; ++i) y[i] = (x[i] - state[i]) / divisor(state, i);
        }

        static void forward_train(const T* params, T* state, const T* x, T* y, T*, std::size_t n, Rng&) noexcept {
            for (std::size_t r = 0; r < n; ++r) forward(params, state, x + r * Width, y + r * Width);
        }

        template <bool FromLogits>
        static void backward(const T*, const T* state, const T*, const T*, const T*, T* dy, T* dx, T*,
                             std::size_t n) noexcept {
            if (dx == nullptr) return;
            for (std::size_t r = 0; r < n; ++r)
                for (std::size_t i = 0; i < Width; ++i) dx[r * Width + i] = dy[r * Width + i] / divisor(state, i);
        }

        template <class P>
        static constexpr NormalizationView<P, Width> view(P*, P* state) noexcept {
            return NormalizationView<P, Width>(state);
        }
    };
};

}  // namespace ctnn
