// Adam with Keras' options and formula (which differs from PyTorch's in where
// epsilon sits). With t = iterations + 1:
//   m += (g - m)(1 - beta_1);  v += (g^2 - v)(1 - beta_2)
//   a = lr sqrt(1 - beta_2^t) / (1 - beta_1^t);  w -= a m / (sqrt(v) + epsilon)
// PyTorch computes lr mhat / (sqrt(vhat) + epsilon), i.e. Keras' update with
// epsilon scaled by sqrt(1 - beta_2^t); the two agree when epsilon is small
// against sqrt(v).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "../../core/detail/simd.hpp"
#include "../optimizer.hpp"

namespace ctnn {

struct Adam {
    double learning_rate = 0.001;
    double beta_1 = 0.9;
    double beta_2 = 0.999;
    double epsilon = 1e-7;

    template <class T>
    struct State {
        std::vector<T> m, v;
        std::uint64_t iterations = 0;
    };

    template <class T>
    State<T> make_state(std::size_t n) const {
        return State<T>{std::vector<T>(n), std::vector<T>(n), 0};
    }

    // Betas of 1 would divide by 1 - beta^t = 0 in the bias correction; an
    // epsilon of 0 divides 0 by 0 wherever a gradient has always been 0.
    void check() const {
        detail::check_option("Adam", "learning_rate", learning_rate, learning_rate >= 0, "a number >= 0");
        detail::check_option("Adam", "beta_1", beta_1, beta_1 >= 0 && beta_1 < 1, "a number in [0, 1)");
        detail::check_option("Adam", "beta_2", beta_2, beta_2 >= 0 && beta_2 < 1, "a number in [0, 1)");
        detail::check_option("Adam", "epsilon", epsilon, epsilon > 0, "a number > 0");
    }

    template <class T>
    void step(std::span<T> w, std::span<const T> g, State<T>& state) const noexcept {
        const double t = double(state.iterations + 1);
        const T a = T(learning_rate * std::sqrt(1 - std::pow(beta_2, t)) / (1 - std::pow(beta_1, t)));
        const T one_minus_b1 = T(1 - beta_1), one_minus_b2 = T(1 - beta_2), eps = T(epsilon);
        T* __restrict weights = w.data();
        const T* __restrict grads = g.data();
        T* __restrict m = state.m.data();
        T* __restrict v = state.v.data();
        // In vectors, then the rest one by one: the same formula either way.
        // (Written out because g++ does not vectorize std::sqrt, which may set errno.)
        using V = simd::widest<T>;
        constexpr std::size_t L = simd::lanes<V>;
        const std::size_t n = w.size(), whole = n / L * L;
        for (std::size_t k = 0; k < whole; k += L)
            update(weights + k, grads + k, m + k, v + k, V(a), V(one_minus_b1), V(one_minus_b2), V(eps));
        for (std::size_t k = whole; k < n; ++k)
            update(weights + k, grads + k, m + k, v + k, a, one_minus_b1, one_minus_b2, eps);
        ++state.iterations;
    }

private:
    template <class V, class T>
    static void update(T* weight, const T* grad, T* m, T* v, V a, V one_minus_b1, V one_minus_b2, V eps) noexcept {
        const V g = simd::load<V>(grad);
        const V m_new = simd::load<V>(m) + (g - simd::load<V>(m)) * one_minus_b1;
        const V v_new = simd::load<V>(v) + (g * g - simd::load<V>(v)) * one_minus_b2;
        simd::store(m, m_new);
        simd::store(v, v_new);
        simd::store(weight, simd::load<V>(weight) - a * m_new / (simd::sqrt(v_new) + eps));
    }
};

}  // namespace ctnn
