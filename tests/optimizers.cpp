// Optimizer steps against Keras' formulas, computed here step by step.
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

namespace {
const std::vector<std::vector<double>> gradients = {{0.5, -1.0, 2.0}, {0.25, 0.5, -3.0}, {-1.0, 0.125, 0.0},
                                                    {2.0, -0.5, 1.5}};
const std::vector<double> start = {1.0, -2.0, 0.5};
}  // namespace

TEST_CASE("SGD options have Keras' defaults and order") {
    constexpr SGD sgd{};
    CHECK(sgd.learning_rate == 0.01);
    CHECK(sgd.momentum == 0.0);
    CHECK_FALSE(sgd.nesterov);
    constexpr SGD custom{.learning_rate = 0.1, .momentum = 0.9, .nesterov = true};
    CHECK(custom.nesterov);
    constexpr Adam adam{};
    CHECK(adam.learning_rate == 0.001);
    CHECK(adam.beta_1 == 0.9);
    CHECK(adam.beta_2 == 0.999);
    CHECK(adam.epsilon == 1e-7);
}

TEST_CASE("SGD without momentum: w -= lr g") {
    const SGD sgd{.learning_rate = 0.1};
    auto state = sgd.make_state<double>(3);
    std::vector<double> w = start, want = start;
    for (const auto& g : gradients) {
        sgd.step(std::span<double>(w), std::span<const double>(g), state);
        for (int k = 0; k < 3; ++k) want[k] -= 0.1 * g[k];
        for (int k = 0; k < 3; ++k) CHECK(w[k] == want[k]);
    }
    CHECK(state.iterations == 4);
}

TEST_CASE("SGD with momentum and with Nesterov momentum, as Keras") {
    for (bool nesterov : {false, true}) {
        CAPTURE(nesterov);
        const SGD sgd{.learning_rate = 0.05, .momentum = 0.9, .nesterov = nesterov};
        auto state = sgd.make_state<double>(3);
        std::vector<double> w = start, want = start, v(3, 0.0);
        for (const auto& g : gradients) {
            sgd.step(std::span<double>(w), std::span<const double>(g), state);
            for (int k = 0; k < 3; ++k) {
                v[k] = 0.9 * v[k] - 0.05 * g[k];
                want[k] += nesterov ? 0.9 * v[k] - 0.05 * g[k] : v[k];
                CHECK(w[k] == doctest::Approx(want[k]).epsilon(1e-15));
            }
        }
    }
}

TEST_CASE("Adam with Keras' bias correction at t = 1, 2, 3, 4") {
    const Adam adam{.learning_rate = 0.01, .beta_1 = 0.8, .beta_2 = 0.95, .epsilon = 1e-3};
    auto state = adam.make_state<double>(3);
    std::vector<double> w = start, want = start, m(3, 0.0), v(3, 0.0);
    int t = 0;
    for (const auto& g : gradients) {
        ++t;
        adam.step(std::span<double>(w), std::span<const double>(g), state);
        const double a = 0.01 * std::sqrt(1 - std::pow(0.95, t)) / (1 - std::pow(0.8, t));
        for (int k = 0; k < 3; ++k) {
            m[k] += (g[k] - m[k]) * (1 - 0.8);
            v[k] += (g[k] * g[k] - v[k]) * (1 - 0.95);
            want[k] -= a * m[k] / (std::sqrt(v[k]) + 1e-3);
            CAPTURE(t);
            CHECK(w[k] == doctest::Approx(want[k]).epsilon(1e-14));
        }
    }
    // t = 1: the first step moves each weight by about lr * sign(g) (m/sqrt(v) = g/|g|).
    std::vector<double> one = start;
    auto fresh = adam.make_state<double>(3);
    adam.step(std::span<double>(one), std::span<const double>(gradients[0]), fresh);
    CHECK(one[2] - start[2] == doctest::Approx(-0.01 * 2.0 / (2.0 + 1e-3 / std::sqrt(0.05) * 1.0)).epsilon(1e-12));
    CHECK(state.iterations == 4);
}

TEST_CASE("optimizers step float blocks too") {
    const Adam adam{};
    auto state = adam.make_state<float>(2);
    std::vector<float> w = {1.f, 1.f}, g = {1.f, -1.f};
    adam.step(std::span<float>(w), std::span<const float>(g), state);
    CHECK(w[0] == doctest::Approx(1.f - 0.001f).epsilon(1e-5));
    CHECK(w[1] == doctest::Approx(1.f + 0.001f).epsilon(1e-5));
}

TEST_CASE("options out of range are an Error from compile, before any training") {
    Sequential<Dense<2, 1>> model;
    auto message = [&](auto optimizer) {
        try {
            (void)compile(model, optimizer, MSE{});
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    CHECK(message(SGD{.learning_rate = -0.1}) == "ctnn: compile: SGD's learning_rate is -0.1; expected a number >= 0");
    CHECK(message(SGD{.momentum = 1.5}) == "ctnn: compile: SGD's momentum is 1.5; expected a number in [0, 1]");
    CHECK(message(SGD{.learning_rate = std::nan("")}).find("learning_rate is nan") != std::string::npos);
    CHECK(message(Adam{.beta_1 = 1.0}) == "ctnn: compile: Adam's beta_1 is 1; expected a number in [0, 1)");
    CHECK(message(Adam{.beta_2 = -0.5}).find("beta_2 is -0.5") != std::string::npos);
    CHECK(message(Adam{.epsilon = 0.0}) == "ctnn: compile: Adam's epsilon is 0; expected a number > 0");
    CHECK(message(Adam{.learning_rate = INFINITY}).find("learning_rate is inf") != std::string::npos);
    // The bounds themselves are fine.
    CHECK(message(SGD{.learning_rate = 0.0, .momentum = 1.0}) == "(no error)");
    CHECK(message(Adam{.beta_1 = 0.0, .beta_2 = 0.0}) == "(no error)");
}
