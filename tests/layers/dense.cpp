// Dense: sizes and spelling, Keras' layout, Glorot initialization, and the
// forward kernel against a double-precision reference for widths that are and
// are not multiples of the vector width (heap-allocated models and inputs, so
// AddressSanitizer sees any read past the parameters or the input).
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/core.hpp>

#include "support/reference.hpp"

using namespace ctnn;

TEST_CASE("Dense spells itself and counts its parameters") {
    static_assert(Dense<33, 4, ReLU>::name.view() == "ctnn::Dense<33, 4, ctnn::ReLU>");
    static_assert(Dense<4, 1>::name.view() == "ctnn::Dense<4, 1, ctnn::Linear>");
    static_assert(Dense<784, 128, Softmax>::name.view() == "ctnn::Dense<784, 128, ctnn::Softmax>");
    using L = Dense<33, 4, ReLU>::bind<float>;
    static_assert(L::parameter_count == 33 * 4 + 4 && L::state_count == 0);
    static_assert(L::input_size == 33 && L::output_size == 4);
    CHECK(L::kind.view() == "Dense");
}

TEST_CASE("the kernel view uses Keras' layout: element i * Out + j links input i to output j") {
    Sequential<Dense<3, 2>> m;
    for (std::size_t k = 0; k < m.parameters().size(); ++k) m.parameters()[k] = float(k);
    auto kernel = m.layer<0>().kernel();
    static_assert(decltype(kernel)::rows == 3 && decltype(kernel)::cols == 2);
    CHECK(kernel(0, 0) == 0.f);
    CHECK(kernel(0, 1) == 1.f);
    CHECK(kernel(2, 1) == 5.f);
    CHECK(kernel.span().size() == 6);
    CHECK(m.layer<0>().bias()[0] == 6.f);
    CHECK(m.layer<0>().bias()[1] == 7.f);
    // y_j = sum_i x_i W(i, j) + b_j
    const auto y = m({1.f, 10.f, 100.f});
    CHECK(y[0] == 1 * 0 + 10 * 2 + 100 * 4 + 6);
    CHECK(y[1] == 1 * 1 + 10 * 3 + 100 * 5 + 7);
}

TEST_CASE_TEMPLATE("Glorot uniform kernels and zero biases, as Keras", T, float, double) {
    BasicSequential<T, Dense<200, 300>, Dense<300, 1>> m(Seed{3});
    const auto kernel = m.template layer<0>().kernel().span();
    const double limit = std::sqrt(6.0 / 500);
    double lowest = 0, highest = 0, sum = 0, squares = 0;
    for (T w : kernel) {
        REQUIRE(std::abs(double(w)) <= limit);
        lowest = std::min(lowest, double(w)), highest = std::max(highest, double(w));
        sum += w, squares += double(w) * w;
    }
    const double n = double(kernel.size());
    CHECK(lowest < -0.999 * limit);
    CHECK(highest > 0.999 * limit);
    CHECK(sum / n == doctest::Approx(0).epsilon(0.01 * limit));
    CHECK(squares / n == doctest::Approx(limit * limit / 3).epsilon(0.01));  // variance of U[-a, a]
    for (T b : m.template layer<0>().bias()) CHECK(b == 0);
    const double limit1 = std::sqrt(6.0 / 301);
    for (T w : m.template layer<1>().kernel().span()) REQUIRE(std::abs(double(w)) <= limit1);
}

namespace {

template <class T, std::size_t In, std::size_t Out, class Act>
void check_dense_forward() {
    using Model = BasicSequential<T, Dense<In, Out, Act>>;
    auto m = std::make_unique<Model>(Seed{In * 1000 + Out});
    for (std::size_t j = 0; j < Out; ++j) m->template layer<0>().bias()[j] = T(0.01) * T(j);
    // Rounding error grows with the size of the terms summed, not of the result:
    // allow 16 units of roundoff of sum_i |x_i W(i, j)| + |b_j| (activations here
    // have slopes of at most about 1.1).
    const double unit = std::numeric_limits<T>::epsilon() / 2;
    const auto kernel = m->template layer<0>().kernel();
    for (const auto& x : test::random_inputs<T, In>(5, unsigned(In + Out))) {
        auto input = std::make_unique<T[]>(In);  // exactly In values on the heap
        std::copy(x.begin(), x.end(), input.get());
        const auto y = (*m)(std::span<const T, In>(input.get(), In));
        const auto want = test::forward<Model>(std::span<const T>(m->parameters()), x);
        double magnitude = 0;  // the largest over outputs, as Softmax mixes them
        for (std::size_t j = 0; j < Out; ++j) {
            double terms = std::abs(double(m->template layer<0>().bias()[j]));
            for (std::size_t i = 0; i < In; ++i) terms += std::abs(double(x[i]) * double(kernel(i, j)));
            magnitude = std::max(magnitude, terms);
        }
        for (std::size_t j = 0; j < Out; ++j) {
            CAPTURE(j);
            CHECK(std::abs(double(y[j]) - want[j]) <= 16 * unit * std::max(1.0, magnitude));
        }
    }
}

}  // namespace

TEST_CASE_TEMPLATE("Dense forward matches a double-precision reference for awkward widths", T, float, double) {
    check_dense_forward<T, 1, 1, Linear>();
    check_dense_forward<T, 1, 7, ReLU>();
    check_dense_forward<T, 3, 5, Tanh>();
    check_dense_forward<T, 33, 4, ReLU>();
    check_dense_forward<T, 4, 1, Sigmoid>();
    check_dense_forward<T, 5, 1, Linear>();
    check_dense_forward<T, 40, 1, ELU>();
    check_dense_forward<T, 17, 33, SELU>();
    check_dense_forward<T, 9, 10, Softmax>();
    check_dense_forward<T, 100, 10, Swish>();
    check_dense_forward<T, 16, 64, ReLU>();
    check_dense_forward<T, 7, 129, Linear>();
    check_dense_forward<T, 300, 257, ReLU>();
}

// ---- DenseOptions{.use_bias = false}: the kernel alone -------------------------

namespace {
using NoBias = Dense<3, 4, ReLU, DenseOptions{.use_bias = false}>;
template <class View>
concept HasBias = requires(View v) { v.bias(); };
}  // namespace

TEST_CASE("Dense with use_bias = false spells its option, has no bias, and the default spells as before") {
    static_assert(std::is_same_v<Dense<3, 4, ReLU, DenseOptions{}>, Dense<3, 4, ReLU>>);
    static_assert(Dense<3, 4, ReLU, DenseOptions{.use_bias = true}>::name.view() == "ctnn::Dense<3, 4, ctnn::ReLU>");
    static_assert(NoBias::name.view() == "ctnn::Dense<3, 4, ctnn::ReLU, ctnn::DenseOptions{.use_bias = false}>");
    // The spelling compiles back to the same type.
    static_assert(std::is_same_v<NoBias, ctnn::Dense<3, 4, ctnn::ReLU, ctnn::DenseOptions{.use_bias = false}>>);
    using L = NoBias::bind<float>;
    static_assert(L::parameter_count == 3 * 4 && L::state_count == 0);
    static_assert(L::weights.size() == 1 && L::weights[0].name == "kernel" && L::weights[0].size() == 12);
    static_assert(Dense<3, 4, ReLU>::bind<float>::weights.size() == 2);
    using Model = Sequential<NoBias, Dense<4, 1>>;
    static_assert(Model::parameter_count == 12 + 4 + 1);
    Model model(Seed{1});
    static_assert(!HasBias<decltype(model.layer<0>())> && HasBias<decltype(model.layer<1>())>);
    CHECK(model.layer<0>().kernel().span().size() == 12);
    CHECK(model.layer<0>().kernel().span().data() == model.parameters().data());
    CHECK(model.layer<1>().kernel().span().data() == model.parameters().data() + 12);
}

TEST_CASE_TEMPLATE("Dense without a bias computes act(x W): one sample, a batch in lanes, and training", T, float,
                   double) {
    // Dense<3, 4, ReLU, no bias> then Dense<4, 2, Linear, no bias> (Out = 2) and a Dense<4, 1, no bias> (a dot).
    using Model = BasicSequential<T, NoBias, Dense<4, 2, Linear, DenseOptions{.use_bias = false}>>;
    using Dot = BasicSequential<T, Dense<4, 1, Linear, DenseOptions{.use_bias = false}>>;
    auto m = std::make_unique<Model>(Seed{1});
    // W0(i, j) = i - j + 1 (input-major), W1(i, j) = (i + 1) * (j ? -1 : 1) / 2.
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 4; ++j) m->template layer<0>().kernel()(i, j) = T(double(i) - double(j) + 1);
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 2; ++j) m->template layer<1>().kernel()(i, j) = T(double(i + 1) * (j ? -0.5 : 0.5));
    REQUIRE(m->parameters().size() == 12 + 8);
    // x = (1, 2, -1): z0_j = sum_i x_i (i - j + 1) = 1 (1 - j) + 2 (2 - j) - (3 - j) = 2 - 2 j,
    // so relu gives (2, 0, 0, 0); layer 1: (2 * 0.5, -2 * 0.5) = (1, -1).
    const std::array<T, 3> x{1, 2, -1};
    const auto y = (*m)(x);
    CHECK(y[0] == T(1));
    CHECK(y[1] == T(-1));
    // x = (0.5, -1, 2): z0_j = 0.5 (1 - j) - (2 - j) + 2 (3 - j) = 4.5 - 1.5 j: (4.5, 3, 1.5, 0);
    // layer 1: 0.5 * (4.5 + 2 * 3 + 3 * 1.5) = 7.5, and -7.5.
    const std::array<T, 3> x2{T(0.5), -1, 2};
    const auto y2 = (*m)(x2);
    CHECK(y2[0] == T(7.5));
    CHECK(y2[1] == T(-7.5));
    // The batch path (tiles in lane order, then the leftover samples one by one).
    std::vector<std::array<T, 3>> xs(37);
    for (std::size_t k = 0; k < xs.size(); ++k) xs[k] = k % 2 ? x2 : x;
    std::vector<std::array<T, 2>> ys(xs.size());
    m->predict(std::span<const std::array<T, 3>>(xs), std::span<std::array<T, 2>>(ys));
    for (std::size_t k = 0; k < xs.size(); ++k) CHECK(ys[k] == (k % 2 ? y2 : y));
    // Out = 1: the dot-product kernel.
    auto dot = std::make_unique<Dot>(Seed{1});
    for (std::size_t i = 0; i < 4; ++i) dot->template layer<0>().kernel()(i, 0) = T(i + 1);
    CHECK((*dot)(std::array<T, 4>{1, -1, 2, 0.25})[0] == T(1 - 2 + 6 + 1));
    // Training: the forward pass and the gradients of the kernel alone.
    using L = typename NoBias::template bind<T>;
    std::vector<T> z(2 * 4 + 16), out(2 * 4 + 16), dy(2 * 4 + 16), dx(2 * 3 + 16), dparams(12 + 16, T(-7));
    std::vector<T> xs2(2 * 3 + 16);
    std::copy(x.begin(), x.end(), xs2.begin());
    std::copy(x2.begin(), x2.end(), xs2.begin() + 3);
    Rng rng(Seed{0});
    L::forward_train(m->parameters().data(), nullptr, xs2.data(), out.data(), z.data(), 2, rng);
    const T want[8] = {2, 0, 0, 0, T(4.5), 3, T(1.5), 0};
    for (int k = 0; k < 8; ++k) CHECK(out[k] == want[k]);
    for (int k = 0; k < 8; ++k) dy[k] = T(1);
    L::template backward<false>(m->parameters().data(), nullptr, xs2.data(), out.data(), z.data(), dy.data(),
                                dx.data(), dparams.data(), 2);
    // dW(i, j) = sum over samples of x_i * relu'(z_j): z = (2, 0, 0, 0) and (4.5, 3, 1.5, 0).
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 4; ++j) {
            CAPTURE(i);
            CAPTURE(j);
            CHECK(dparams[i * 4 + j] == (j == 0 ? x[i] : T(0)) + (j < 3 ? x2[i] : T(0)));
        }
    CHECK(dparams[12] == T(-7));  // nothing written past the kernel
}
