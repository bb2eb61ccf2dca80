// The generic finite-difference gradient check, in double: every layer, every
// activation and every loss, through Backprop (the trainer's pass), against
// central differences of the batch loss. Relative error below 1e-6.
#include <cmath>
#include <span>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "support/finite_differences.hpp"
#include "support/reference.hpp"

using namespace ctnn;

namespace {

using test::check_gradient;  // support/finite_differences.hpp

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

TEST_CASE("gradients through the layer options (Dense without bias, BatchNormalization without beta or gamma, "
          "ELU and LeakyReLU with other constants) match finite differences") {
    constexpr DenseOptions no_bias{.use_bias = false};
    check_gradient<BasicSequential<double, Dense<4, 5, Tanh, no_bias>, Dense<5, 3, Linear, no_bias>>>(MSE{}, -1, 1);
    check_gradient<BasicSequential<double, Dense<4, 6, ELU::with<0.5>, no_bias>, Dense<6, 1, Sigmoid, no_bias>>>(
        BinaryCrossentropy{}, 0, 1);
    check_gradient<BasicSequential<double, Dense<4, 6, LeakyReLU>, Dense<6, 3, LeakyReLU::with<0.3>>, Dense<3, 2>>>(
        MSE{}, -1, 1);
    using NoBeta = BatchNormalization::with<BatchNorm{.momentum = 0.9, .epsilon = 1e-5, .center = false}>;
    using NoGamma = BatchNormalization::with<BatchNorm{.scale = false}>;
    using Neither = BatchNormalization::with<BatchNorm{.center = false, .scale = false}>;
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, NoBeta, Dense<6, 3>>>(MSE{}, -1, 1);
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh>, NoGamma, Dense<6, 3>>>(MSE{}, -1, 1);
    check_gradient<BasicSequential<double, Dense<4, 6, Tanh, no_bias>, Neither, Dense<6, 3>>>(MSE{}, -1, 1);
    // At the front (the input gradient of BatchNormalization is not needed there).
    check_gradient<BasicSequential<double, NoGamma, Dense<4, 3, ELU>>>(Huber{}, -2, 2);
    // On the last axis of a rank-2 input.
    check_gradient<BasicSequential<double, Input<4, 3>, Dense<3, 4, LeakyReLU, no_bias>, NoBeta, Flatten, Dense<16, 2>>>(
        MSE{}, -1, 1);
}
