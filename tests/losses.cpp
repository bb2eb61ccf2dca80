// Losses and metrics against Keras' formulas, edge values (clipping), and the
// fused gradients against the unfused ones composed with the activation.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

TEST_CASE("per-sample losses: means over the outputs, a sum for categorical cross-entropy") {
    const double p[3] = {0.5, -1.0, 2.0}, y[3] = {0.0, 1.0, 2.5};
    CHECK(MSE{}.value(p, y, 3) == doctest::Approx((0.25 + 4.0 + 0.25) / 3));
    CHECK(MAE{}.value(p, y, 3) == doctest::Approx((0.5 + 2.0 + 0.5) / 3));
    // Huber, delta 1: 0.5 e^2 inside, |e| - 0.5 outside.
    CHECK(Huber{}.value(p, y, 3) == doctest::Approx((0.125 + 1.5 + 0.125) / 3));
    CHECK(Huber{.delta = 0.4}.value(p, y, 3) == doctest::Approx(3 * 0.4 * (0.5 + 2.0 + 0.5) / 9 - 0.5 * 0.16));
    CHECK(MSE::name.view() == "mse");
    CHECK(MeanAbsoluteError::name.view() == "mae");
    static_assert(std::is_same_v<MSE, MeanSquaredError> && std::is_same_v<MAE, MeanAbsoluteError>);

    const double q[2] = {0.8, 0.3}, t[2] = {1.0, 0.0};
    CHECK(BinaryCrossentropy{}.value(q, t, 2) == doctest::Approx(-(std::log(0.8) + std::log(0.7)) / 2));
    const double probs[3] = {0.2, 0.5, 0.3}, onehot[3] = {0, 1, 0};
    CHECK(CategoricalCrossentropy{}.value(probs, onehot, 3) == doctest::Approx(-std::log(0.5)));
    // Keras normalizes the predictions to sum 1 first.
    const double unnormalized[3] = {0.4, 1.0, 0.6};
    CHECK(CategoricalCrossentropy{}.value(unnormalized, onehot, 3) == doctest::Approx(-std::log(0.5)));
    const double soft[3] = {0.2, 0.5, 0.3};
    CHECK(CategoricalCrossentropy{}.value(probs, soft, 3) ==
          doctest::Approx(-(0.2 * std::log(0.2) + 0.5 * std::log(0.5) + 0.3 * std::log(0.3))));
}

TEST_CASE("cross-entropies clip probabilities to [1e-7, 1 - 1e-7]: finite losses, zero gradients") {
    const float zero_one[2] = {0.f, 1.f}, wrong[2] = {1.f, 0.f};
    const double bce = BinaryCrossentropy{}.value(zero_one, wrong, 2);
    CHECK(std::isfinite(bce));
    CHECK(bce == doctest::Approx(-std::log(1e-7)).epsilon(1e-6));
    float g[2];
    BinaryCrossentropy{}.gradient(zero_one, wrong, g, 2, 1.f);
    CHECK(g[0] == 0.f);
    CHECK(g[1] == 0.f);
    const double p[2] = {1.0, 0.0}, y[2] = {0.0, 1.0};
    CHECK(CategoricalCrossentropy{}.value(p, y, 2) == doctest::Approx(-std::log(1e-7)));
}

TEST_CASE("fused gradients equal the loss gradient composed with the activation") {
    const double z[3] = {0.3, -1.2, 2.0}, y[3] = {1.0, 0.0, 1.0};
    double p[3], through[3], fused[3];
    for (int j = 0; j < 3; ++j) p[j] = Sigmoid::apply(z[j]);
    BinaryCrossentropy{}.gradient(p, y, through, 3, 0.5);
    for (int j = 0; j < 3; ++j) through[j] *= Sigmoid::derivative(z[j], p[j]);
    BinaryCrossentropy{}.fused_gradient<Sigmoid>(p, y, fused, 3, 0.5);
    for (int j = 0; j < 3; ++j) CHECK(fused[j] == doctest::Approx(through[j]).epsilon(1e-12));

    const double onehot[3] = {0, 0, 1};
    double s[3] = {z[0], z[1], z[2]};
    Softmax::apply_vector<double, 3>(s);
    CategoricalCrossentropy{}.gradient(s, onehot, through, 3, 0.5);
    Softmax::backward_vector<double, 3>(s, through);
    CategoricalCrossentropy{}.fused_gradient<Softmax>(s, onehot, fused, 3, 0.5);
    for (int j = 0; j < 3; ++j) CHECK(fused[j] == doctest::Approx(through[j]).epsilon(1e-12));
    static_assert(FusedLoss<BinaryCrossentropy, Sigmoid> && !FusedLoss<BinaryCrossentropy, Softmax>);
    static_assert(FusedLoss<CategoricalCrossentropy, Softmax> && !FusedLoss<MSE, Linear>);
}

TEST_CASE("binary accuracy: p > threshold strictly; categorical accuracy: argmax") {
    const float p[4] = {0.5f, 0.51f, 0.2f, 0.9f}, y[4] = {0.f, 1.f, 0.f, 0.f};
    CHECK(BinaryAccuracy{}.value(p, y, 4) == 0.75);  // 0.5 is not above 0.5
    CHECK(BinaryAccuracy{.threshold = 0.95}.value(p, y, 4) == 0.75);
    CHECK(BinaryAccuracy{.threshold = 0.1}.value(p, y, 4) == 0.25);
    CHECK(BinaryAccuracy::name.view() == "binary_accuracy");
    const double probs[3] = {0.1, 0.7, 0.2}, right[3] = {0, 1, 0}, wrong[3] = {1, 0, 0};
    CHECK(CategoricalAccuracy{}.value(probs, right, 3) == 1.0);
    CHECK(CategoricalAccuracy{}.value(probs, wrong, 3) == 0.0);
    const double tie[3] = {0.4, 0.4, 0.2};
    CHECK(CategoricalAccuracy{}.value(tie, wrong, 3) == 1.0);  // the first of equal values
    static_assert(Metric<MAE> && Metric<Huber> && Metric<BinaryAccuracy> && Metric<CategoricalAccuracy>);
}
