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

    template <class T>
    void step(std::span<T> w, std::span<const T> g, State<T>& state) const noexcept {
        const double t = double(state.iterations + 1);
        const T a = T(learning_rate * std::sqrt(1 - std::pow(beta_2, t)) / (1 - std::pow(beta_1, t)));
        const T one_minus_b1 = T(1 - beta_1), one_minus_b2 = T(1 - beta_2), eps = T(epsilon);
        T* __restrict weights = w.data();
        const T* __restrict grads = g.data();
        T* __restrict m = state.m.data();
        T* __restrict v = state.v.data();
        for (std::size_t k = 0, n = w.size(); k < n; ++k) {
            m[k] += (grads[k] - m[k]) * one_minus_b1;
            v[k] += (grads[k] * grads[k] - v[k]) * one_minus_b2;
            weights[k] -= a * m[k] / (std::sqrt(v[k]) + eps);
        }
        ++state.iterations;
    }
};

}  // namespace ctnn
