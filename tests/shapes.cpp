// Shapes beyond vectors (core/shape.hpp, core/detail/shapes.hpp, core/detail/per_row.hpp):
// Shape and Input, the shapes a model infers, last-axis semantics of Dense,
// BatchNormalization, Normalization, Activation (Softmax) and Dropout on rank-N
// inputs against loops written here, Flatten and Reshape, batches in lane order
// against single samples, and summary's Keras shapes. The rank-2 model trained
// against PyTorch is in batch_normalization_reference.cpp; gradients of rank-N
// models against finite differences in gradients.cpp.
#include <array>
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/core.hpp>
#include <ctnn/io/summary.hpp>

using namespace ctnn;

namespace {

template <class Model>
void fill_parameters(Model& m, double scale = 0.3) {
    std::size_t k = 0;
    for (auto& w : m.parameters()) w = typename Model::value_type(scale * std::sin(1.7 * double(k++) + 0.3));
}

template <class T, std::size_t N>
std::array<T, N> inputs(double phase = 0) {
    std::array<T, N> x{};
    for (std::size_t i = 0; i < N; ++i) x[i] = T(1.5 * std::cos(0.9 * double(i) + phase));
    return x;
}

}  // namespace

TEST_CASE("Shape and Input: sizes, last axis, rows and spellings") {
    using S = Shape<28, 28, 1>;
    static_assert(S::rank == 3 && S::size == 784 && S::channels == 1 && S::rows == 784);
    static_assert(Shape<8, 3>::rows == 8 && Shape<8, 3>::channels == 3 && Shape<5>::rows == 1);
    static_assert(S::keras_spelling.view() == "(None, 28, 28, 1)");
    static_assert(Input<256, 1>::name.view() == "ctnn::Input<256, 1>");
    static_assert(std::is_same_v<detail::with_channels<Shape<8, 3>, 5>::type, Shape<8, 5>>);
    static_assert(std::is_same_v<detail::with_channels<Shape<3>, 5>::type, Shape<5>>);
}

TEST_CASE("a model infers each layer's shape; Input is not a layer and is part of the name") {
    using M = Sequential<Input<8, 3>, Dense<3, 4, Tanh>, BatchNormalization, Flatten, Dense<32, 2>, Reshape<2, 1>>;
    static_assert(M::layer_count == 5);
    static_assert(std::is_same_v<M::input_shape, Shape<8, 3>> && M::input_size == 24);
    static_assert(std::is_same_v<M::layer_output_shape<0>, Shape<8, 4>>);
    static_assert(std::is_same_v<M::layer_output_shape<1>, Shape<8, 4>>);
    static_assert(std::is_same_v<M::layer_output_shape<2>, Shape<32>>);
    static_assert(std::is_same_v<M::layer_output_shape<3>, Shape<2>>);
    static_assert(std::is_same_v<M::output_shape, Shape<2, 1>> && M::output_size == 2);
    // Dense on the last axis: one 3 x 4 kernel for all 8 steps; BN per channel.
    static_assert(M::parameter_count == (3 * 4 + 4) + (4 + 4) + (32 * 2 + 2) && M::state_count == 8);
    static_assert(M::name.view() == "ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Dense<3, 4, ctnn::Tanh>, "
                                    "ctnn::BatchNormalization, ctnn::Flatten, ctnn::Dense<32, 2, ctnn::Linear>, "
                                    "ctnn::Reshape<2, 1>>");
    // Without Input the rule of today holds, and a vector model is unchanged.
    using V = Sequential<BatchNormalization, Dense<5, 2>>;
    static_assert(std::is_same_v<V::input_shape, Shape<5>> && std::is_same_v<V::output_shape, Shape<2>>);
    static_assert(std::is_same_v<V::layer_type<1>, Dense<5, 2>::bind<float, 5>>);
    // Input on a vector model is the same model with another spelling.
    using W = Sequential<Input<5>, BatchNormalization, Dense<5, 2>>;
    static_assert(std::is_same_v<W::layer_type<0>, V::layer_type<0>> && W::parameter_count == V::parameter_count);
    // Models over shapes cannot stream with today's layers (no per-step layer yet).
    static_assert(V::can_stream && !M::can_stream);
}

TEST_CASE_TEMPLATE("Dense on (steps, features) is one Dense per step (Keras' Dense, TimeDistributed)", T, float, double) {
    // One output per row: with any number of lanes above 1, the last row goes
    // through a buffer (its padding would pass the end of the 4 outputs).
    using M = BasicSequential<T, Input<4, 3>, Dense<3, 1, ReLU>>;
    static_assert(!M::template layer_type<0>::last_row_fits || simd::max_lanes<T> == 1);
    M m;
    fill_parameters(m);
    const auto x = inputs<T, 12>();
    const auto y = m(x);
    const auto dense = m.template layer<0>();
    for (std::size_t r = 0; r < 4; ++r)
        for (std::size_t j = 0; j < 1; ++j) {
            double want = double(dense.bias()[j]);
            for (std::size_t i = 0; i < 3; ++i) want += double(x[r * 3 + i]) * double(dense.kernel()(i, j));
            CAPTURE(r);
            CAPTURE(j);
            CHECK(double(y[r + j]) == doctest::Approx(std::max(want, 0.0)).epsilon(1e-6));
        }
}

TEST_CASE("Softmax and BatchNormalization act on the last axis; ReLU and Dropout on each value") {
    using M = BasicSequential<double, Input<4, 3>, BatchNormalization, Activation<Softmax>>;
    M m;
    auto bn = m.layer<0>();
    for (std::size_t c = 0; c < 3; ++c) {
        bn.gamma()[c] = 0.5 + double(c);
        bn.beta()[c] = 0.1 * double(c);
        bn.moving_mean()[c] = -0.2 * double(c);
        bn.moving_variance()[c] = 1.0 + double(c);
    }
    const auto x = inputs<double, 12>();
    const auto y = m(x);
    for (std::size_t r = 0; r < 4; ++r) {
        std::array<double, 3> z{};
        double total = 0;
        for (std::size_t c = 0; c < 3; ++c) {
            z[c] = (0.5 + double(c)) * (x[r * 3 + c] + 0.2 * double(c)) / std::sqrt(1.0 + double(c) + 1e-3) +
                   0.1 * double(c);
            total += std::exp(z[c]);
        }
        for (std::size_t c = 0; c < 3; ++c) CHECK(y[r * 3 + c] == doctest::Approx(std::exp(z[c]) / total).epsilon(1e-12));
    }
    // Elementwise layers are bound once for all the values, not once per row.
    using E = BasicSequential<double, Input<4, 3>, Activation<ReLU>, Dropout<0.5>, Dense<3, 1>>;
    static_assert(std::is_same_v<E::layer_type<0>, Activation<ReLU>::bind<double, 12>>);
    static_assert(std::is_same_v<E::layer_type<1>, Dropout<0.5>::bind<double, 12>>);
    static_assert(std::is_same_v<M::layer_type<1>, detail::per_row<Activation<Softmax>::bind<double, 3>, 4>>);
}

TEST_CASE("Flatten and Reshape keep the values in row-major order") {
    using M = BasicSequential<double, Input<2, 3, 2>, Reshape<6, 2>, Dense<2, 1>, Flatten, Reshape<3, 2>>;
    static_assert(std::is_same_v<M::layer_output_shape<0>, Shape<6, 2>>);
    static_assert(std::is_same_v<M::layer_output_shape<1>, Shape<6, 1>>);
    static_assert(std::is_same_v<M::output_shape, Shape<3, 2>>);
    M m;
    auto dense = m.layer<1>();
    dense.kernel()(0, 0) = 1;
    dense.kernel()(1, 0) = 10;
    dense.bias()[0] = 0;
    std::array<double, 12> x{};
    for (std::size_t i = 0; i < 12; ++i) x[i] = double(i);
    const auto y = m(x);
    for (std::size_t r = 0; r < 6; ++r) CHECK(y[r] == double(2 * r) + 10.0 * double(2 * r + 1));
}

TEST_CASE_TEMPLATE("a batch of rank-N samples in lane order gives each sample's own outputs", T, float, double) {
    // Normalization first runs inside the transpose, per channel (i % 3).
    using M = BasicSequential<T, Input<6, 3>, Normalization, Dense<3, 5, Tanh>, BatchNormalization, Activation<Softmax>,
                              Flatten, Dense<30, 2, Sigmoid>>;
    static_assert(M::batch_in_lanes == (simd::max_lanes<T> > 1));
    M m;
    fill_parameters(m);
    auto norm = m.template layer<0>();
    for (std::size_t c = 0; c < 3; ++c) {
        norm.mean()[c] = T(0.3) * T(c);
        norm.variance()[c] = T(1) + T(c);
    }
    std::vector<std::array<T, 18>> xs;
    for (std::size_t k = 0; k < 21; ++k) xs.push_back(inputs<T, 18>(0.37 * double(k)));
    std::vector<std::array<T, 2>> ys(xs.size());
    m.predict(xs, ys);
    for (std::size_t k = 0; k < xs.size(); ++k) {
        const auto one = m(xs[k]);
        CAPTURE(k);
        CHECK(ys[k][0] == doctest::Approx(one[0]).epsilon(1e-6));
        CHECK(ys[k][1] == doctest::Approx(one[1]).epsilon(1e-6));
    }
}

TEST_CASE("summary prints Keras' output shapes") {
    using M = Sequential<Input<8, 3>, Dense<3, 4, Tanh>, BatchNormalization, Flatten, Dense<32, 1, Sigmoid>>;
    std::ostringstream os;
    summary(M{}, os);
    const std::string text = os.str();
    CHECK(text.find("dense (Dense)                              (None, 8, 4)          16") != std::string::npos);
    CHECK(text.find("batch_normalization (BatchNormalization)   (None, 8, 4)          16") != std::string::npos);
    CHECK(text.find("flatten (Flatten)                          (None, 32)             0") != std::string::npos);
    CHECK(text.find("dense_1 (Dense)                            (None, 1)             33") != std::string::npos);
}

TEST_CASE("Normalization on (steps, channels) adapts each channel over every step of every sample") {
    using M = BasicSequential<double, Input<2, 2>, Normalization, Flatten, Dense<4, 1>>;
    M m;
    // Channel 0 takes 1, 3 | 5, 7 (mean 4, variance 5); channel 1: 0, 0 | 0, 8 (mean 2, variance 12).
    const std::vector<std::array<double, 4>> rows = {{1, 0, 3, 0}, {5, 0, 7, 8}};
    m.layer<0>().adapt(rows);
    CHECK(m.layer<0>().mean()[0] == 4.0);
    CHECK(m.layer<0>().variance()[0] == 5.0);
    CHECK(m.layer<0>().mean()[1] == 2.0);
    CHECK(m.layer<0>().variance()[1] == 12.0);
}
