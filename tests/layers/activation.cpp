// Activation<F>: a shape-preserving layer that takes its width from the layer
// before it, or at the front of a model from the layer after it.
#include <doctest/doctest.h>

#include <ctnn/core.hpp>

#include "support/reference.hpp"

using namespace ctnn;

TEST_CASE("Activation layers take their width from their neighbours") {
    using Front = Sequential<Activation<Tanh>, Dense<3, 2>>;
    static_assert(Front::input_size == 3 && Front::output_size == 2);
    static_assert(Front::layer_type<0>::input_size == 3 && Front::layer_type<0>::output_size == 3);
    using Middle = Sequential<Dense<5, 7>, Activation<ReLU>, Activation<Softmax>, Dense<7, 2>, Activation<Sigmoid>>;
    static_assert(Middle::layer_type<1>::output_size == 7 && Middle::layer_type<2>::output_size == 7);
    static_assert(Middle::output_size == 2 && Middle::layer_count == 5);
    static_assert(Middle::parameter_count == 5 * 7 + 7 + 7 * 2 + 2);
    static_assert(Activation<ReLU>::name.view() == "ctnn::Activation<ctnn::ReLU>");
    CHECK(Front::layer_type<0>::kind.view() == "Activation");
}

TEST_CASE("an Activation layer applies its function (Softmax over the whole vector)") {
    using Model = Sequential<Dense<4, 3>, Activation<Softmax>>;
    Model m(Seed{5});
    const std::array<float, 4> x{0.5f, -1.f, 2.f, 0.25f};
    const auto y = m(x);
    const auto want = test::forward<Model>(std::span<const float>(m.parameters()), x);
    float sum = 0;
    for (std::size_t j = 0; j < 3; ++j) {
        CHECK(y[j] == doctest::Approx(want[j]).epsilon(1e-6));
        sum += y[j];
    }
    CHECK(sum == doctest::Approx(1.f));

    using Plain = Sequential<Dense<4, 3>>;
    Plain linear(Seed{5});
    const auto z = linear(x);
    CHECK(std::exp(z[0] - z[1]) == doctest::Approx(y[0] / y[1]).epsilon(1e-5));
}
