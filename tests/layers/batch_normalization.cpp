// BatchNormalization: Keras' defaults, the training forward pass with batch
// statistics and the moving statistics after k steps against the formulas,
// inference with the moving statistics, a batch of one sample, and the layout
// of its parameters (gamma, beta) and state (moving mean, moving variance).
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/weight_names.hpp>

#include "support/reference.hpp"

using namespace ctnn;

using Model = BasicSequential<double, Dense<2, 3>, BatchNormalization, Dense<3, 1>>;

TEST_CASE("BatchNormalization has Keras' defaults and lives in both blocks") {
    Model model(Seed{1});
    static_assert(Model::parameter_count == 2 * 3 + 3 + 2 * 3 + 3 + 1);
    static_assert(Model::state_count == 2 * 3);
    static_assert(BatchNormalization::momentum == 0.99 && BatchNormalization::epsilon == 1e-3);
    auto bn = model.layer<1>();
    for (int i = 0; i < 3; ++i) {
        CHECK(bn.gamma()[i] == 1.0);
        CHECK(bn.beta()[i] == 0.0);
        CHECK(bn.moving_mean()[i] == 0.0);
        CHECK(bn.moving_variance()[i] == 1.0);
    }
    CHECK(bn.gamma().data() == model.parameters().data() + 9);
    CHECK(bn.beta().data() == model.parameters().data() + 12);
    CHECK(bn.moving_mean().data() == model.state().data());
    CHECK(bn.moving_variance().data() == model.state().data() + 3);
    CHECK(Model::layer_type<1>::kind.view() == "BatchNormalization");
}

TEST_CASE("training normalizes with the batch's mean and biased variance and updates the moving statistics") {
    using L = BatchNormalization::bind<double, 2>;
    const std::vector<double> gamma_beta = {2.0, 0.5, 0.1, -0.3};
    std::vector<double> state = {0.0, 0.0, 1.0, 1.0};
    const std::vector<std::vector<double>> batches = {{1, 10, 2, 20, 4, 50, 5, 40}, {0, -1, 3, 1, 3, 2, 6, 2}};
    std::vector<double> want_mean = {0, 0}, want_var = {1, 1};
    Rng rng(Seed{0});
    for (const auto& x : batches) {
        std::vector<double> y(8 + 8), x_hat(8 + 8);
        L::forward_train(gamma_beta.data(), state.data(), x.data(), y.data(), x_hat.data(), 4, rng);
        for (std::size_t i = 0; i < 2; ++i) {
            double mean = 0, var = 0;
            for (std::size_t r = 0; r < 4; ++r) mean += x[r * 2 + i] / 4;
            for (std::size_t r = 0; r < 4; ++r) var += (x[r * 2 + i] - mean) * (x[r * 2 + i] - mean) / 4;
            for (std::size_t r = 0; r < 4; ++r)
                CHECK(y[r * 2 + i] == doctest::Approx((x[r * 2 + i] - mean) / std::sqrt(var + 1e-3) *
                                                          gamma_beta[i] + gamma_beta[2 + i])
                                          .epsilon(1e-14));
            want_mean[i] = want_mean[i] * 0.99 + mean * 0.01;
            want_var[i] = want_var[i] * 0.99 + var * 0.01;
            CHECK(state[i] == doctest::Approx(want_mean[i]).epsilon(1e-14));
            CHECK(state[2 + i] == doctest::Approx(want_var[i]).epsilon(1e-14));
        }
    }
    // Inference uses the moving statistics.
    const double x[2] = {3.0, -2.0};
    double y[2 + 8];
    L::forward(gamma_beta.data(), state.data(), x, y);
    for (std::size_t i = 0; i < 2; ++i)
        CHECK(y[i] == doctest::Approx((x[i] - want_mean[i]) / std::sqrt(want_var[i] + 1e-3) * gamma_beta[i] +
                                      gamma_beta[2 + i])
                          .epsilon(1e-14));
}

TEST_CASE("a model with BatchNormalization predicts with its moving statistics") {
    Model model(Seed{3});
    Rng rng(Seed{4});
    for (double& s : model.state()) s = rng.uniform(0.5, 2.0);
    for (double& p : model.parameters()) p = rng.uniform(-1, 1);
    for (const auto& x : test::random_inputs<double, 2>(8, 5)) {
        const auto want = test::forward<Model>(std::span<const double>(model.parameters()), x,
                                               std::span<const double>(model.state()));
        CHECK(model(x)[0] == doctest::Approx(want[0]).epsilon(1e-13));
    }
}

TEST_CASE("a training batch of one sample gives beta, a zero input gradient, and nothing NaN") {
    using L = BatchNormalization::bind<float, 3>;
    const float params[6] = {1.5f, 1.f, 2.f, 0.25f, -0.5f, 0.f};
    float state[6] = {0, 0, 0, 1, 1, 1};
    const float x[3] = {4.f, -2.f, 1e6f};
    float y[3 + 16], x_hat[3 + 16], dy[3 + 16] = {1.f, -2.f, 3.f}, dx[3 + 16], dparams[6];
    Rng rng(Seed{0});
    L::forward_train(params, state, x, y, x_hat, 1, rng);
    for (int i = 0; i < 3; ++i) {
        CHECK(y[i] == params[3 + i]);
        CHECK(state[3 + i] == doctest::Approx(0.99f));
    }
    L::backward<false>(params, state, x, y, x_hat, dy, dx, dparams, 1);
    for (int i = 0; i < 3; ++i) {
        CHECK(dx[i] == 0.f);
        CHECK(std::isfinite(dparams[i]));
        CHECK(dparams[3 + i] == dy[i]);  // d beta
    }
}

// ---- Options: BatchNormalization::with<BatchNorm{...}> --------------------------

namespace {
using Momentum = BatchNormalization::with<BatchNorm{.momentum = 0.9, .epsilon = 1e-5}>;
using NoBeta = BatchNormalization::with<BatchNorm{.center = false}>;
using NoGamma = BatchNormalization::with<BatchNorm{.scale = false}>;
using Neither = BatchNormalization::with<BatchNorm{.momentum = 0.5f, .center = false, .scale = false}>;

template <class View>
concept HasGamma = requires(View v) { v.gamma(); };
template <class View>
concept HasBeta = requires(View v) { v.beta(); };
}  // namespace

TEST_CASE("BatchNormalization's options: one type for the defaults, spellings that compile back") {
    static_assert(std::is_same_v<BatchNormalization::with<BatchNorm{}>, BatchNormalization>);
    static_assert(std::is_same_v<BatchNormalization::with<BatchNorm{.momentum = 0.99f, .epsilon = 0.001}>,
                                 BatchNormalization>);
    static_assert(BatchNormalization::name.view() == "ctnn::BatchNormalization");
    static_assert(BatchNormalization::momentum == 0.99 && BatchNormalization::epsilon == 1e-3);
    static_assert(Momentum::name.view() ==
                  "ctnn::BatchNormalization::with<ctnn::BatchNorm{.momentum = 0.9f, .epsilon = 1e-05f}>");
    static_assert(std::is_same_v<Momentum, ctnn::BatchNormalization::with<
                                               ctnn::BatchNorm{.momentum = 0.9f, .epsilon = 1e-05f}>>);
    static_assert(Momentum::momentum == 0.9 && Momentum::epsilon == 1e-5);  // the decimals written, in double
    static_assert(NoBeta::name.view() == "ctnn::BatchNormalization::with<ctnn::BatchNorm{.center = false}>");
    static_assert(NoGamma::name.view() == "ctnn::BatchNormalization::with<ctnn::BatchNorm{.scale = false}>");
    static_assert(Neither::name.view() ==
                  "ctnn::BatchNormalization::with<ctnn::BatchNorm{.momentum = 0.5f, .center = false, .scale = false}>");
    static_assert(std::is_same_v<Neither, ctnn::BatchNormalization::with<ctnn::BatchNorm{
                                              .momentum = 0.5f, .center = false, .scale = false}>>);
    static_assert(Momentum::bind<float, 3>::kind.view() == "BatchNormalization");
}

TEST_CASE("center and scale off drop beta and gamma: counts, manifest, names, layout, initial values") {
    using M = BasicSequential<double, Dense<2, 3>, NoBeta, NoGamma, Neither, Dense<3, 1>>;
    static_assert(M::parameter_count == 9 + 3 + 3 + 0 + 4);
    static_assert(M::state_count == 3 * 6);
    CHECK(weight_names<M>() ==
          std::vector<std::string>{"dense/kernel (2, 3)", "dense/bias (3)", "batch_normalization/gamma (3)",
                                   "batch_normalization/moving_mean (3)", "batch_normalization/moving_variance (3)",
                                   "batch_normalization_1/beta (3)", "batch_normalization_1/moving_mean (3)",
                                   "batch_normalization_1/moving_variance (3)", "batch_normalization_2/moving_mean (3)",
                                   "batch_normalization_2/moving_variance (3)", "dense_1/kernel (3, 1)",
                                   "dense_1/bias (1)"});
    M model(Seed{1});
    static_assert(HasGamma<decltype(model.layer<1>())> && !HasBeta<decltype(model.layer<1>())>);
    static_assert(!HasGamma<decltype(model.layer<2>())> && HasBeta<decltype(model.layer<2>())>);
    static_assert(!HasGamma<decltype(model.layer<3>())> && !HasBeta<decltype(model.layer<3>())>);
    CHECK(model.layer<1>().gamma().data() == model.parameters().data() + 9);
    CHECK(model.layer<2>().beta().data() == model.parameters().data() + 12);
    CHECK(model.layer<3>().moving_mean().data() == model.state().data() + 12);
    for (int i = 0; i < 3; ++i) {
        CHECK(model.layer<1>().gamma()[i] == 1.0);
        CHECK(model.layer<2>().beta()[i] == 0.0);
        CHECK(model.layer<3>().moving_variance()[i] == 1.0);
    }
}

TEST_CASE_TEMPLATE("BatchNormalization's options in training, inference and lanes, against hand-computed values", T,
                   float, double) {
    // One feature, batch x = (1, 3): mean 2, biased variance 1.
    const T x[2] = {1, 3};
    T y[2 + 16], x_hat[2 + 16];
    Rng rng(Seed{0});
    const double inv = 1 / std::sqrt(1 + 1e-5);  // epsilon 1e-5
    {  // momentum 0.9, epsilon 1e-5, gamma 2, beta 0.5
        using L = typename Momentum::template bind<T, 1>;
        const T params[2 + 16] = {2, T(0.5)};
        T state[2 + 16] = {0, 1};
        L::forward_train(params, state, x, y, x_hat, 2, rng);
        CHECK(double(y[0]) == doctest::Approx(-inv * 2 + 0.5).epsilon(1e-6));
        CHECK(double(y[1]) == doctest::Approx(inv * 2 + 0.5).epsilon(1e-6));
        CHECK(double(state[0]) == doctest::Approx(0.2).epsilon(1e-6));                // 0 * 0.9 + 2 * 0.1
        CHECK(double(state[1]) == doctest::Approx(1.0).epsilon(1e-6));                // 1 * 0.9 + 1 * 0.1
        const T z[1] = {T(2.2)};
        T out[1 + 16];
        L::forward(params, state, z, out);                                             // (2.2 - 0.2) / sqrt(1 + 1e-5) * 2 + 0.5
        CHECK(double(out[0]) == doctest::Approx(2 * inv * 2 + 0.5).epsilon(1e-6));
    }
    {  // no beta: gamma 2 alone; no gamma: beta 0.5 alone; neither: x_hat itself
        using B = typename NoBeta::template bind<T, 1>;
        using G = typename NoGamma::template bind<T, 1>;
        using N = typename Neither::template bind<T, 1>;
        static_assert(B::parameter_count == 1 && G::parameter_count == 1 && N::parameter_count == 0);
        const double inv3 = 1 / std::sqrt(1 + 1e-3);
        const T gamma[1 + 16] = {2}, beta[1 + 16] = {T(0.5)};
        T state[2 + 16] = {0, 1};
        B::forward_train(gamma, state, x, y, x_hat, 2, rng);
        CHECK(double(y[0]) == doctest::Approx(-2 * inv3).epsilon(1e-6));
        CHECK(double(y[1]) == doctest::Approx(2 * inv3).epsilon(1e-6));
        G::forward_train(beta, state, x, y, x_hat, 2, rng);
        CHECK(double(y[0]) == doctest::Approx(-inv3 + 0.5).epsilon(1e-6));
        CHECK(double(y[1]) == doctest::Approx(inv3 + 0.5).epsilon(1e-6));
        state[0] = 0, state[1] = 1;
        N::forward_train(nullptr, state, x, y, x_hat, 2, rng);
        CHECK(double(y[0]) == doctest::Approx(-inv3).epsilon(1e-6));
        CHECK(double(state[0]) == doctest::Approx(1.0).epsilon(1e-6));  // momentum 0.5: 0 * 0.5 + 2 * 0.5
        // Inference with moving mean 1 and variance 4 - 1e-3: (x - 1) / 2 * gamma + beta.
        T moving[2 + 16] = {1, T(4 - 1e-3)};
        const T z[1] = {5};
        T out[1 + 16];
        B::forward(gamma, moving, z, out);
        CHECK(double(out[0]) == doctest::Approx(4).epsilon(1e-6));
        G::forward(beta, moving, z, out);
        CHECK(double(out[0]) == doctest::Approx(2.5).epsilon(1e-6));
        N::forward(nullptr, moving, z, out);
        CHECK(double(out[0]) == doctest::Approx(2).epsilon(1e-6));
        // The input gradient with gamma = 1 (no scale): dx = (n dy - sum dy - x_hat sum(dy x_hat)) / n / std,
        // with dy = (1, 2), x_hat = (-1, 1) / std, std = sqrt(1 + 1e-3).
        T dy[2 + 16] = {1, 2}, dx[2 + 16], dparams[1 + 16] = {T(-7), T(-7)};
        G::forward_train(beta, state, x, y, x_hat, 2, rng);
        G::template backward<false>(beta, state, x, y, x_hat, dy, dx, dparams, 2);
        const double h0 = -inv3, h1 = inv3, s = 1 * h0 + 2 * h1;
        CHECK(double(dx[0]) == doctest::Approx((2 * 1 - 3 - h0 * s) / 2 * inv3).epsilon(1e-5));
        CHECK(double(dx[1]) == doctest::Approx((2 * 2 - 3 - h1 * s) / 2 * inv3).epsilon(1e-5));
        CHECK(double(dparams[0]) == doctest::Approx(3));  // d beta = sum dy
        CHECK(dparams[1] == T(-7));                        // nothing else written
    }
}

TEST_CASE_TEMPLATE("a model with each BatchNormalization option predicts the same one sample at a time and in lanes",
                   T, float, double) {
    using M = BasicSequential<T, Dense<3, 5, Tanh>, Momentum, NoBeta, NoGamma, Neither, Dense<5, 2>>;
    M model(Seed{3});
    Rng rng(Seed{4});
    for (auto& s : model.state()) s = T(rng.uniform(0.5, 2.0));
    for (auto& p : model.parameters()) p = T(rng.uniform(-1, 1));
    const auto xs = test::random_inputs<T, 3>(21, 5);
    std::vector<std::array<T, 2>> ys(xs.size());
    model.predict(std::span<const std::array<T, 3>>(xs), std::span<std::array<T, 2>>(ys));
    for (std::size_t k = 0; k < xs.size(); ++k) {
        const auto y = model(xs[k]);
        for (std::size_t j = 0; j < 2; ++j) CHECK(double(ys[k][j]) == doctest::Approx(double(y[j])).epsilon(1e-5));
    }
}
