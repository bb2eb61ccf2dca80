// Independent double-precision reference computations for the tests: the
// activations as written in Keras' documentation and a plain forward pass over
// a model's canonical parameter block. Deliberately naive, sharing no code with
// the library's kernels or activations.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include <ctnn/core.hpp>

namespace test {

inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Keras' formulas (shared/KERAS.md), elementwise; Softmax is handled by forward().
template <class Act>
double activation(double x) {
    constexpr double selu_alpha = 1.6732632423543772848170429916717;
    constexpr double selu_scale = 1.0507009873554804934193349852946;
    if (std::isnan(x)) return x;
    if constexpr (std::is_same_v<Act, ctnn::Linear>) return x;
    else if constexpr (std::is_same_v<Act, ctnn::ReLU>) return x > 0 ? x : 0.0;
    else if constexpr (std::is_same_v<Act, ctnn::ELU>) return x > 0 ? x : std::expm1(x);
    else if constexpr (std::is_same_v<Act, ctnn::SELU>) return selu_scale * (x > 0 ? x : selu_alpha * std::expm1(x));
    else if constexpr (std::is_same_v<Act, ctnn::Swish>) return x * sigmoid(x);
    else if constexpr (std::is_same_v<Act, ctnn::Sigmoid>) return sigmoid(x);
    else if constexpr (std::is_same_v<Act, ctnn::Tanh>) return std::tanh(x);
    else static_assert(std::is_same_v<Act, void>, "no reference for this activation");
}

template <class Act>
void activate(std::vector<double>& v) {
    if constexpr (std::is_same_v<Act, ctnn::Softmax>) {
        double largest = -std::numeric_limits<double>::infinity(), sum = 0;
        for (double x : v) largest = std::max(largest, x);
        for (double& x : v) sum += (x = std::exp(x - largest));
        for (double& x : v) x /= sum;
    } else {
        for (double& x : v) x = activation<Act>(x);
    }
}

// The model's forward pass in double (inference mode) from its canonical
// parameter and state blocks.
template <class Model, class T, std::size_t N>
std::vector<double> forward(std::span<const T> params, const std::array<T, N>& input,
                            std::span<const T> state = {}) {
    std::vector<double> x(input.begin(), input.end());
    ctnn::detail::static_for<Model::layer_count>([&](auto i) {
        using L = typename Model::template layer_type<i>;
        const std::string_view kind = L::kind.view();
        const T* w = params.data() + Model::template parameter_offset<i>;
        if (kind == "Dense") {
            std::vector<double> y(L::output_size);
            for (std::size_t j = 0; j < L::output_size; ++j) {
                double sum = w[L::input_size * L::output_size + j];
                for (std::size_t k = 0; k < L::input_size; ++k) sum += x[k] * double(w[k * L::output_size + j]);
                y[j] = sum;
            }
            x = y;
        } else if (kind == "BatchNormalization") {  // gamma, beta; moving mean, moving variance
            const T* s = state.data() + Model::template state_offset<i>;
            const std::size_t n = L::input_size;
            for (std::size_t j = 0; j < n; ++j)
                x[j] = (x[j] - double(s[j])) / std::sqrt(double(s[n + j]) + 1e-3) * double(w[j]) + double(w[n + j]);
        }  // Dropout and Activation leave x to the activation below (Linear for Dropout)
        activate<typename L::activation>(x);
    });
    return x;
}

// n random inputs with values uniform in [-scale, scale), from a fixed seed.
template <class T, std::size_t N>
std::vector<std::array<T, N>> random_inputs(std::size_t n, unsigned seed, double scale = 2.0) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> dist(-scale, scale);
    std::vector<std::array<T, N>> xs(n);
    for (auto& x : xs)
        for (auto& v : x) v = static_cast<T>(dist(gen));
    return xs;
}

}  // namespace test
