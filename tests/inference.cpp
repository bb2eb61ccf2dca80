// Inference: the card's model and the three benchmark models against an
// independent double-precision forward pass (max abs error below 1e-5), the
// input forms, batch predict, compile-time rejection of wrong-length braced
// inputs, NaN propagation and no allocation. (Concurrent calls on a const model:
// tests/threads.cpp.)
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/core.hpp>

#include "support/allocation_counter.hpp"
#include "support/reference.hpp"

using namespace ctnn;

using Card = Sequential<Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>>;
using Wide = Sequential<Dense<16, 64, ReLU>, Dense<64, 64, ReLU>, Dense<64, 1>>;
using Mnist = Sequential<Dense<784, 128, ReLU>, Dense<128, 10, Softmax>>;
using CardDouble = BasicSequential<double, Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>>;

TEST_CASE_TEMPLATE("models match an independent double-precision forward pass", Model, Card, Wide, Mnist,
                   CardDouble) {
    using T = typename Model::value_type;
    auto m = std::make_unique<Model>(Seed{2024});
    // Non-zero biases, so that the bias path is exercised too.
    Rng rng(Seed{9});
    detail::static_for<Model::layer_count>([&](auto i) {
        for (T& b : m->template layer<i>().bias()) b = T(rng.uniform(-0.5, 0.5));
    });
    const auto xs = test::random_inputs<T, Model::input_size>(64, 11);
    double worst = 0;
    for (const auto& x : xs) {
        const auto y = (*m)(x);
        const auto want = test::forward<Model>(std::span<const T>(m->parameters()), x);
        for (std::size_t j = 0; j < Model::output_size; ++j) worst = std::max(worst, std::abs(double(y[j]) - want[j]));
    }
    MESSAGE("max abs error " << worst);
    CHECK(worst < (std::is_same_v<T, float> ? 1e-5 : 1e-12));
}

TEST_CASE("array, span, braced list and predict give the same result; batch predict too") {
    Card m(Seed{4});
    const auto xs = test::random_inputs<float, 33>(10, 3);
    const auto y = m(xs[0]);
    CHECK(m.predict(xs[0]) == y);
    CHECK(m(std::span<const float, 33>(xs[0])) == y);
    CHECK(m.predict(std::span<const float, 33>(xs[0])) == y);
    const auto& x = xs[0];
    CHECK(m({x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12], x[13], x[14], x[15],
             x[16], x[17], x[18], x[19], x[20], x[21], x[22], x[23], x[24], x[25], x[26], x[27], x[28], x[29], x[30],
             x[31], x[32]}) == y);

    // Batch predict: the rows of whole tiles go through the lane kernels, which
    // add in another order (within rounding, not bit for bit); the rest one by one.
    std::vector<std::array<float, 1>> ys(xs.size());
    m.predict(xs, ys);
    for (std::size_t k = 0; k < xs.size(); ++k) CHECK(ys[k][0] == doctest::Approx(m(xs[k])[0]).epsilon(1e-6));
}

// Batches run max_lanes samples at a time in lane order when every layer can
// (core/detail/transpose.hpp, core/kernels/dense_lanes.hpp): 2.5 tiles here, so full
// tiles and the rows left over are both checked, against the double-precision
// forward pass (the lane kernel adds in another order, so not bit for bit).
using Stacked = Sequential<Dense<20, 8, Tanh>, Dropout<0.2f>, Activation<ELU>, Dense<8, 3, Swish>,
                           Dense<3, 2, Sigmoid>>;
TEST_CASE_TEMPLATE("batch predict matches the double-precision forward pass, whole tiles and the rest", Model,
                   Card, Wide, CardDouble, Stacked, Mnist) {
    using T = typename Model::value_type;
    constexpr std::size_t L = simd::max_lanes<T>;
    if constexpr (L > 1) CHECK(Model::batch_in_lanes == !std::is_same_v<Model, Mnist>);
    static_assert(!Mnist::batch_in_lanes);  // 784 inputs: one sample at a time fills the lanes already
    auto m = std::make_unique<Model>(Seed{31});
    Rng rng(Seed{5});
    detail::static_for<Model::layer_count>([&](auto i) {
        if constexpr (Model::template layer_type<i>::parameter_count > 0)
            for (T& b : m->template layer<i>().bias()) b = T(rng.uniform(-0.5, 0.5));
    });
    const std::size_t rows = 2 * L + L / 2 + 1;
    const auto xs = test::random_inputs<T, Model::input_size>(rows, 17);
    std::vector<std::array<T, Model::output_size>> ys(rows);
    m->predict(xs, ys);
    double worst = 0;
    for (std::size_t k = 0; k < rows; ++k) {
        const auto want = test::forward<Model>(std::span<const T>(m->parameters()), xs[k]);
        for (std::size_t j = 0; j < Model::output_size; ++j) worst = std::max(worst, std::abs(double(ys[k][j]) - want[j]));
    }
    MESSAGE("max abs error " << worst << " over " << rows << " rows");
    CHECK(worst < (std::is_same_v<T, float> ? 1e-5 : 1e-12));
}

// Normalization (the README's deployment pattern), BatchNormalization and
// Softmax outputs have lane-order paths too: such models batch in tiles, and a
// tile gives what one sample at a time gives (2.5 tiles again; the lane kernels
// add in another order, so within rounding, not bit for bit), with non-trivial
// statistics and gammas, and a feature of variance 0 (Normalization's floor).
template <class T>
using NormalizedSoftmax = BasicSequential<T, Normalization, Dense<8, 16, ReLU>, BatchNormalization, Dense<16, 4, Softmax>>;
template <class T>
using NormalizedSigmoid = BasicSequential<T, Normalization, Dense<33, 4, ReLU>, BatchNormalization, Dense<4, 4, ReLU>,
                                          Dense<4, 1, Sigmoid>>;
template <class T>
using SoftmaxActivation = BasicSequential<T, Dense<20, 8, Tanh>, Dropout<0.2f>, BatchNormalization, Dense<8, 5>,
                                          Activation<Softmax>>;
TEST_CASE_TEMPLATE("models with Normalization, BatchNormalization or a Softmax output batch in tiles, as one sample at "
                   "a time",
                   Model, NormalizedSoftmax<float>, NormalizedSoftmax<double>, NormalizedSigmoid<float>,
                   NormalizedSigmoid<double>, SoftmaxActivation<float>, SoftmaxActivation<double>) {
    using T = typename Model::value_type;
    constexpr std::size_t L = simd::max_lanes<T>;
    if constexpr (L > 1) CHECK(Model::batch_in_lanes);
    constexpr bool normalized =
        std::is_same_v<typename Model::template layer_type<0>, Normalization::bind<T, Model::input_size>>;
    CHECK(Model::first_tile_layer == (normalized ? 1 : 0));  // a leading Normalization runs in the transpose
    auto m = std::make_unique<Model>(Seed{12});
    Rng rng(Seed{6});
    for (T& p : m->parameters()) p = T(p + T(rng.uniform(-0.3, 0.3)));  // gammas and betas away from 1 and 0
    std::size_t offset = 0;
    detail::static_for<Model::layer_count>([&](auto i) {  // each layer's state: means, then variances
        using Layer = typename Model::template layer_type<i>;
        for (std::size_t j = 0; j < Layer::state_count; ++j)
            m->state()[offset + j] = j < Layer::state_count / 2 ? T(rng.uniform(-0.5, 0.5)) : T(rng.uniform(0.2, 3.0));
        offset += Layer::state_count;
    });
    if constexpr (normalized) m->template layer<0>().variance()[2] = 0;  // divides by Keras' floor, 1e-7: that feature is constant below
    const std::size_t rows = 2 * L + L / 2 + 1;
    auto xs = test::random_inputs<T, Model::input_size>(rows, 23);
    if constexpr (normalized)
        for (auto& x : xs) x[2] = m->template layer<0>().mean()[2];
    std::vector<std::array<T, Model::output_size>> ys(rows);
    m->predict(xs, ys);
    double worst = 0;
    for (std::size_t k = 0; k < rows; ++k) {
        const auto want = (*m)(xs[k]);
        for (std::size_t j = 0; j < Model::output_size; ++j) worst = std::max(worst, std::abs(double(ys[k][j]) - want[j]));
    }
    MESSAGE("max abs difference " << worst << " over " << rows << " rows");
    CHECK(worst < (std::is_same_v<T, float> ? 1e-6 : 1e-14));
}

// The layers alone on one tile: every lane as forward on that sample gives it
// (Normalization bit for bit, the same two operations; BatchNormalization
// within rounding, as a compiler may fuse the scalar multiply-add), including
// Normalization's floor for a variance of 0 and NaN for a NaN or negative
// variance (as std::max(sqrt(v), 1e-7) gives), and BatchNormalization from its
// canonical state.
TEST_CASE_TEMPLATE("Normalization and BatchNormalization tiles equal forward on each lane, NaN included", T, float,
                   double) {
    constexpr std::size_t L = simd::max_lanes<T>, W = 4;
    const T nan = std::numeric_limits<T>::quiet_NaN();
    // State (and parameters) padded as in a model's blocks: a tile may read a vector past the end.
    std::vector<T> state(2 * W + L, T(0)), params(2 * W + L, T(0));
    const T mean[W] = {1, 2, 3, -4}, variance[W] = {4, 0, nan, -1};
    for (std::size_t i = 0; i < W; ++i) state[i] = mean[i], state[W + i] = variance[i];
    std::vector<T> x(W * L), y(W * L, T(7)), one(W), out(W + L);
    for (std::size_t f = 0; f < W; ++f)
        for (std::size_t s = 0; s < L; ++s) x[f * L + s] = T(0.75) * T(s) - T(f);
    const auto same = [](T a, T b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    const auto close = [](T a, T b) {
        return std::abs(double(a) - double(b)) <= (std::is_same_v<T, float> ? 1e-6 : 1e-15) * std::max(1.0, std::abs(double(b)));
    };

    using N = Normalization::bind<T, W>;
    N::forward_lanes(nullptr, state.data(), x.data(), y.data());
    bool lanes_match = true;
    for (std::size_t s = 0; s < L; ++s) {
        for (std::size_t f = 0; f < W; ++f) one[f] = x[f * L + s];
        N::forward(nullptr, state.data(), one.data(), out.data());
        for (std::size_t f = 0; f < W; ++f) lanes_match = lanes_match && same(y[f * L + s], out[f]);
        CHECK(double(y[0 * L + s]) == doctest::Approx((double(one[0]) - 1) / 2));
        CHECK(double(y[1 * L + s]) == doctest::Approx((double(one[1]) - 2) / 1e-7).epsilon(1e-6));
        CHECK(std::isnan(y[2 * L + s]));
        CHECK(std::isnan(y[3 * L + s]));
    }
    CHECK(lanes_match);

    using B = BatchNormalization::bind<T, W>;
    const T gamma[W] = {1.5, -0.5, 2, 0.25}, beta[W] = {0.25, 0, -1, 3}, moving_variance[W] = {4, 0, 0.5, 2};
    for (std::size_t i = 0; i < W; ++i) params[i] = gamma[i], params[W + i] = beta[i], state[W + i] = moving_variance[i];
    B::forward_lanes(params.data(), state.data(), x.data(), y.data());
    lanes_match = true;
    for (std::size_t s = 0; s < L; ++s) {
        for (std::size_t f = 0; f < W; ++f) one[f] = x[f * L + s];
        B::forward(params.data(), state.data(), one.data(), out.data());
        for (std::size_t f = 0; f < W; ++f) {
            lanes_match = lanes_match && close(y[f * L + s], out[f]);
            const double want = (double(one[f]) - double(mean[f])) / std::sqrt(double(moving_variance[f]) + 1e-3) *
                                    double(gamma[f]) + double(beta[f]);
            CHECK(double(y[f * L + s]) == doctest::Approx(want).epsilon(1e-5));
        }
    }
    CHECK(lanes_match);
}

namespace {
template <class M>
concept takes_three_values = requires(const M& m) { m({1.f, 2.f, 3.f}); };
}  // namespace

// A wrong length is a compile error that names both numbers: that is what the
// compile-fail cases braced_input_wrong_length and array_input_wrong_length
// check (a static_assert inside the overload, which a concept cannot see).
// Here: the right length compiles and computes what an array does.
TEST_CASE("a braced input of the right length works like an array") {
    using Three = Sequential<Dense<3, 1>>;
    static_assert(takes_three_values<Three>);
    Three m;
    CHECK(m({1.f, 2.f, 3.f}) == m(std::array<float, 3>{1.f, 2.f, 3.f}));
}

TEST_CASE("inference is noexcept and allocates nothing") {
    const Mnist m(Seed{1});
    const auto xs = test::random_inputs<float, 784>(4, 1);
    std::vector<std::array<float, 10>> ys(xs.size());
    static_assert(noexcept(m(xs[0])));
    static_assert(noexcept(m.predict(xs[0])));
    static_assert(noexcept(m.predict(std::span<const std::array<float, 784>>(xs), std::span<std::array<float, 10>>(ys))));
    const long before = test::allocation_count();
    float sink = 0;
    for (const auto& x : xs) sink += m(x)[3];
    m.predict(xs, ys);
    CHECK(test::allocation_count() == before);
    CHECK(std::isfinite(sink));
}

TEST_CASE("NaN and infinity in the input reach the output, without a crash") {
    Card m(Seed{8});
    std::array<float, 33> x{};
    x[5] = std::numeric_limits<float>::quiet_NaN();
    CHECK(std::isnan(m(x)[0]));
    Sequential<Dense<4, 3, Softmax>> s(Seed{1});
    const auto y = s({std::numeric_limits<float>::quiet_NaN(), 0.f, 0.f, 0.f});
    for (float v : y) CHECK(std::isnan(v));
    Sequential<Dense<1, 2, Tanh>> t(std::array<float, 4>{1, -1, 0, 0});
    const auto z = t({std::numeric_limits<float>::infinity()});
    CHECK(z[0] == 1.f);
    CHECK(z[1] == -1.f);
}
