// The generic finite-difference gradient check, in double: every layer, every
// activation and every loss, through Backprop (the trainer's pass), against
// central differences of the batch loss. Relative error below 1e-6.
#include <cmath>
#include <span>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "support/reference.hpp"

using namespace ctnn;

namespace {

// Fills the model with random weights, builds a batch, and compares the
// analytic gradient with central differences (h = 1e-6).
template <class Model, class L>
void check_gradient(L loss, double target_low, double target_high, bool one_hot = false, unsigned seed = 1) {
    constexpr std::size_t n = 5, P = Model::parameter_count;
    Model model(Seed{seed});
    Rng rng(Seed{seed + 100});
    for (double& w : model.parameters()) w = rng.uniform(-0.8, 0.8);
    Backprop<Model, L> pass(loss, n);
    const auto xs = test::random_inputs<double, Model::input_size>(n, seed, 1.5);
    auto load = [&] {
        for (std::size_t r = 0; r < n; ++r) {
            for (std::size_t i = 0; i < Model::input_size; ++i) pass.inputs()[r * Model::input_size + i] = xs[r][i];
            for (std::size_t j = 0; j < Model::output_size; ++j) {
                double& t = pass.targets()[r * Model::output_size + j];
                t = one_hot ? (j == (r % Model::output_size) ? 1.0 : 0.0)
                            : target_low + (target_high - target_low) * double((r * 7 + j * 3) % 11) / 10.0;
            }
        }
    };
    std::vector<double> analytic(P), ignored(P);
    // Each run draws the same dropout masks, so the loss is one function of the weights.
    auto run = [&](std::vector<double>& gradient) {
        Rng masks(Seed{seed});
        load();
        return pass.run(model, n, std::span<double, P>(gradient), masks);
    };
    run(analytic);

    const double h = 1e-6;
    double diff2 = 0, norm2 = 0;
    for (std::size_t k = 0; k < P; ++k) {
        const double saved = model.parameters()[k];
        model.parameters()[k] = saved + h;
        const double up = run(ignored);
        model.parameters()[k] = saved - h;
        const double down = run(ignored);
        model.parameters()[k] = saved;
        const double numeric = (up - down) / (2 * h);
        CAPTURE(k);
        CHECK(std::abs(analytic[k] - numeric) <= 1e-6 * std::max(std::abs(numeric), 1e-3));
        diff2 += (analytic[k] - numeric) * (analytic[k] - numeric);
        norm2 += numeric * numeric;
    }
    CHECK(norm2 > 0);
    CHECK(std::sqrt(diff2 / norm2) < 1e-6);
}

template <class A>
using DenseWith = BasicSequential<double, Dense<4, 5, A>, Dense<5, 3>>;
template <class A>
using ActivationLayerWith = BasicSequential<double, Dense<4, 5>, Activation<A>, Dense<5, 3>>;

}  // namespace

TEST_CASE_TEMPLATE("gradients through Dense and each activation match finite differences", A, Linear, ReLU, ELU,
                   SELU, Swish, Sigmoid, Tanh, Softmax) {
    check_gradient<DenseWith<A>>(MSE{}, -1, 1);
    check_gradient<ActivationLayerWith<A>>(MSE{}, -1, 1);
    // A shape-preserving layer at the front (its input gradient is never needed).
    check_gradient<BasicSequential<double, Activation<A>, Dense<4, 2>>>(MSE{}, -1, 1);
}

TEST_CASE("gradients of each loss match finite differences") {
    using Regression = BasicSequential<double, Dense<4, 6, Tanh>, Dense<6, 3>>;
    check_gradient<Regression>(MSE{}, -2, 2);
    check_gradient<Regression>(MAE{}, -2, 2);
    check_gradient<Regression>(Huber{}, -0.5, 0.5);   // mostly the quadratic part
    check_gradient<Regression>(Huber{}, -4, 4);       // both parts
    check_gradient<Regression>(Huber{.delta = 0.25}, -2, 2);
    // Binary cross-entropy: fused with a Sigmoid Dense, fused through an
    // Activation<Sigmoid> layer, and through the probabilities (after Softmax).
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, Dense<6, 3, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, Dense<6, 3>, Activation<Sigmoid>>>(
        BinaryCrossentropy{}, 0, 1);
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, Dense<6, 3, Softmax>>>(BinaryCrossentropy{}, 0, 1);
    // Categorical cross-entropy: fused with Softmax (one-hot and soft targets),
    // and through the normalization of Sigmoid outputs.
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, Dense<6, 3, Softmax>>>(CategoricalCrossentropy{}, 0, 1,
                                                                                     true);
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, Dense<6, 3, Softmax>>>(CategoricalCrossentropy{}, 0,
                                                                                     0.5);
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, Dense<6, 3, Sigmoid>>>(CategoricalCrossentropy{}, 0, 1,
                                                                                     true);
}

TEST_CASE("gradients through Dropout and BatchNormalization (batch statistics) match finite differences") {
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, Dropout<0.4>, Dense<6, 3>>>(MSE{}, -1, 1);
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, BatchNormalization, Dense<6, 3>>>(MSE{}, -1, 1);
    check_gradient<BasicSequential<double, Dense<4, 6>, BatchNormalization, Activation<ReLU>, Dropout<0.25>,
                                   Dense<6, 2, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    // At the front: BatchNormalization of the raw inputs.
    check_gradient<BasicSequential<double, BatchNormalization, Dense<4, 3, ELU>>>(Huber{}, -2, 2);
}

TEST_CASE("gradients through a Normalization layer in the middle match finite differences") {
    using Model = BasicSequential<double, Dense<4, 5, Tanh>, Normalization, Dense<5, 2>>;
    check_gradient<Model>(MSE{}, -1, 1);
}

TEST_CASE("gradients of rank-N models (last-axis layers, Flatten, Reshape) match finite differences") {
    // Dense on the last axis twice: the kernels' gradients sum over the steps.
    check_gradient<BasicSequential<double, Input<4, 3>, Dense<3, 5, Tanh>, Dense<5, 2>>>(MSE{}, -1, 1);
    // The rank-2 model: BatchNormalization per channel over batch and steps.
    check_gradient<BasicSequential<double, Input<4, 3>, Dense<3, 4, Tanh>, BatchNormalization, Flatten,
                                   Dense<16, 2, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    // Softmax over the last axis, elementwise layers bound once, a Reshape.
    check_gradient<BasicSequential<double, Input<2, 3, 2>, Reshape<6, 2>, Dense<2, 3, ELU>, Activation<Softmax>,
                                   Dropout<0.3>, Flatten, Dense<18, 1>>>(Huber{}, -2, 2);
    check_gradient<BasicSequential<double, Input<3, 4>, Normalization, Dense<4, 2, ReLU>, Flatten, Dense<6, 3>>>(
        MSE{}, -1, 1);
}
