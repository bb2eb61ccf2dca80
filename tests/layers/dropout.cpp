// Dropout: one type for 0.3f and 0.3, inverted scaling in training (the
// fraction of zeros and the mean over many samples), the identity at
// inference and in evaluate(), gradients only through kept units.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

TEST_CASE("Dropout<0.3f> and Dropout<0.3> are one type that spells its rate") {
    static_assert(std::is_same_v<Dropout<0.3f>, Dropout<0.3>>);
    static_assert(Dropout<0.3>::rate == 0.3f);
    static_assert(Dropout<0.3f>::name.view() == "ctnn::Dropout<0.3f>");
    static_assert(Dropout<0.5>::name.view() == "ctnn::Dropout<0.5f>");
    static_assert(Dropout<0.0f>::name.view() == "ctnn::Dropout<0.0f>");
    static_assert(Dropout<0.125>::name.view() == "ctnn::Dropout<0.125f>");
    static_assert(Dropout<0.123456f>::name.view() == "ctnn::Dropout<0.123456f>");
    using Model = Sequential<Dense<3, 8>, Dropout<0.3f>, Dense<8, 1>>;
    static_assert(Model::layer_type<1>::output_size == 8 && Model::layer_type<1>::parameter_count == 0);
    CHECK(Model::layer_type<1>::kind.view() == "Dropout");
}

TEST_CASE("in training, Dropout zeroes a fraction rate of values and scales the rest by 1 / (1 - rate)") {
    using L = Dropout<0.3f>::bind<double, 1000>;
    constexpr std::size_t n = 50;
    std::vector<double> x(n * 1000), y(x.size() + 8), mask(x.size() + 8);
    for (std::size_t k = 0; k < x.size(); ++k) x[k] = 1.0 + double(k % 7);
    Rng rng(Seed{3});
    L::forward_train(nullptr, nullptr, x.data(), y.data(), mask.data(), n, rng);
    std::size_t zeros = 0;
    double sum_x = 0, sum_y = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        if (y[k] == 0.0) {
            ++zeros;
        } else {
            REQUIRE(y[k] == doctest::Approx(x[k] / (1 - double(0.3f))).epsilon(1e-15));
        }
        sum_x += x[k], sum_y += y[k];
    }
    const double fraction = double(zeros) / double(x.size());
    CHECK(fraction == doctest::Approx(0.3).epsilon(0.02));      // 50,000 draws: 3 sigma is 0.006
    CHECK(sum_y / sum_x == doctest::Approx(1.0).epsilon(0.02));  // inverted dropout keeps the mean

    // The gradient passes through kept units only, with the same scale.
    std::vector<double> dy(x.size() + 8, 1.0), dx(x.size() + 8);
    L::backward<false>(nullptr, nullptr, x.data(), y.data(), mask.data(), dy.data(), dx.data(), nullptr, n);
    for (std::size_t k = 0; k < x.size(); ++k) REQUIRE(dx[k] == (y[k] == 0.0 ? 0.0 : 1.0 / (1 - double(0.3f))));
}

TEST_CASE("Dropout is the identity at inference and in evaluate()") {
    using Model = Sequential<Dense<4, 16, ReLU>, Dropout<0.5>, Dense<16, 1>>;
    using Plain = Sequential<Dense<4, 16, ReLU>, Dense<16, 1>>;
    Model model(Seed{2});
    Plain plain(Seed{2});
    const std::array<float, 4> x{0.5f, -1.f, 2.f, 0.f};
    CHECK(model(x) == plain(x));
    Dataset<float, 4, 1> data{{x, x}, {{1.f}, {0.f}}};
    auto with = compile(model, SGD{}, MSE{});
    auto without = compile(plain, SGD{}, MSE{});
    CHECK(with.evaluate(data)["loss"] == without.evaluate(data)["loss"]);
    for (int k = 0; k < 3; ++k) CHECK(with.evaluate(data)["loss"] == with.evaluate(data)["loss"]);
}
