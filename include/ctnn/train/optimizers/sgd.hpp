// Stochastic gradient descent with Keras' options and formulas:
//   no momentum:  w -= lr g
//   momentum m:   v = m v - lr g; w += v
//   Nesterov:     v = m v - lr g; w += m v - lr g   (with the updated v)
// v starts at 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "../optimizer.hpp"

namespace ctnn {

struct SGD {
    double learning_rate = 0.01;
    double momentum = 0.0;
    bool nesterov = false;

    template <class T>
    struct State {
        std::vector<T> velocity;  // empty without momentum
        std::uint64_t iterations = 0;
    };

    template <class T>
    State<T> make_state(std::size_t n) const {
        return State<T>{std::vector<T>(momentum != 0.0 ? n : 0), 0};
    }

    // Keras' ranges: a non-negative learning rate, momentum in [0, 1].
    void check() const {
        detail::check_option("SGD", "learning_rate", learning_rate, learning_rate >= 0, "a number >= 0");
        detail::check_option("SGD", "momentum", momentum, momentum >= 0 && momentum <= 1, "a number in [0, 1]");
    }

    template <class T>
    void step(std::span<T> w, std::span<const T> g, State<T>& state) const noexcept {
        const T lr = T(learning_rate), m = T(momentum);
        T* __restrict weights = w.data();
        const T* __restrict grads = g.data();
        const std::size_t n = w.size();
        if (state.velocity.size() != n) {  // no momentum
            for (std::size_t k = 0; k < n; ++k) weights[k] -= lr * grads[k];
        } else {
            T* __restrict v = state.velocity.data();
            if (nesterov) {
                for (std::size_t k = 0; k < n; ++k) {
                    v[k] = m * v[k] - lr * grads[k];
                    weights[k] += m * v[k] - lr * grads[k];
                }
            } else {
                for (std::size_t k = 0; k < n; ++k) {
                    v[k] = m * v[k] - lr * grads[k];
                    weights[k] += v[k];
                }
            }
        }
        ++state.iterations;
    }
};

}  // namespace ctnn
