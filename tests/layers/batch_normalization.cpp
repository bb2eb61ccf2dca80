// BatchNormalization: Keras' defaults, the training forward pass with batch
// statistics and the moving statistics after k steps against the formulas,
// inference with the moving statistics, a batch of one sample, and the layout
// of its parameters (gamma, beta) and state (moving mean, moving variance).
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

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
