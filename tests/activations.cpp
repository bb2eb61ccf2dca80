// Activations: Keras' formulas at ordinary and edge values, NaN propagation,
// saturation without NaN, and agreement between the scalar and SIMD forms.
#include <array>
#include <cmath>
#include <limits>

#include <doctest/doctest.h>

#include <ctnn/core.hpp>

#include "support/reference.hpp"

namespace {

constexpr double inputs[] = {0.0,   -0.0,  1e-6,  -1e-6, 1e-3,  -1e-3, 0.5,    -0.5,    1.0,   -1.0,
                             3.0,   -3.0,  10.0,  -10.0, 20.0,  -20.0, 88.0,   -88.0,   100.0, -100.0,
                             1e3,   -1e3,  1e30,  -1e30};

template <class T>
bool close(T got, double want, double tol) {
    if (std::isnan(want)) return std::isnan(got);
    if (std::isinf(want)) return got == want;
    return std::abs(double(got) - want) <= tol * std::max(1.0, std::abs(want));
}

}  // namespace

TEST_CASE_TEMPLATE("activations match Keras' formulas in float and double", Act, ctnn::Linear,
                   ctnn::ReLU, ctnn::ELU, ctnn::SELU, ctnn::Swish, ctnn::Sigmoid, ctnn::Tanh) {
    for (double x : inputs) {
        const double want = test::activation<Act>(x);
        CAPTURE(x);
        CHECK(close(Act::apply(x), want, 1e-14));
        if (std::abs(x) < 1e30) CHECK(close(Act::apply(float(x)), want, 2e-7));
        CHECK(std::isfinite(Act::apply(float(x))) == std::isfinite(want));
    }
}

TEST_CASE_TEMPLATE("every activation propagates NaN", Act, ctnn::Linear, ctnn::ReLU, ctnn::ELU,
                   ctnn::SELU, ctnn::Swish, ctnn::Sigmoid, ctnn::Tanh) {
    CHECK(std::isnan(Act::apply(std::numeric_limits<float>::quiet_NaN())));
    CHECK(std::isnan(Act::apply(std::numeric_limits<double>::quiet_NaN())));
    float v[3] = {1.f, std::numeric_limits<float>::quiet_NaN(), -1.f};
    ctnn::activate<Act, float, 3>(v);
    CHECK(std::isnan(v[1]));
    CHECK_FALSE(std::isnan(v[0]));
}

TEST_CASE("activations saturate to exact limits, never NaN") {
    CHECK(ctnn::Sigmoid::apply(-1000.f) == 0.f);
    CHECK(ctnn::Sigmoid::apply(1000.f) == 1.f);
    CHECK(ctnn::Sigmoid::apply(0.f) == 0.5f);
    CHECK(ctnn::Tanh::apply(1000.f) == 1.f);
    CHECK(ctnn::Tanh::apply(-1000.f) == -1.f);
    CHECK(ctnn::ReLU::apply(-1000.f) == 0.f);
    CHECK(ctnn::ReLU::apply(0.f) == 0.f);
    CHECK(ctnn::ELU::apply(-1000.f) == -1.f);
    CHECK(ctnn::SELU::apply(-1000.0) == doctest::Approx(-1.0507009873554805 * 1.6732632423543772).epsilon(1e-15));
    CHECK(ctnn::Swish::apply(-1000.f) == 0.f);
    CHECK(ctnn::Swish::apply(1000.f) == 1000.f);
    CHECK(ctnn::ELU::alpha == 1.0);
    CHECK(ctnn::SELU::alpha == 1.6732632423543772848170429916717);
    CHECK(ctnn::SELU::scale == 1.0507009873554804934193349852946);
}

TEST_CASE("Softmax subtracts the maximum: huge logits stay finite and normalized") {
    float v[4] = {1000.f, 999.f, -1000.f, 0.f};
    ctnn::Softmax::apply_vector<float, 4>(v);
    std::vector<double> want = {1000, 999, -1000, 0};
    test::activate<ctnn::Softmax>(want);
    float sum = 0;
    for (int i = 0; i < 4; ++i) {
        CHECK(std::isfinite(v[i]));
        CHECK(v[i] == doctest::Approx(want[i]).epsilon(1e-6));
        sum += v[i];
    }
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));
    CHECK(v[0] == doctest::Approx(1.0 / (1.0 + std::exp(-1.0))).epsilon(1e-6));

    double one[1] = {-1e300};
    ctnn::Softmax::apply_vector<double, 1>(one);
    CHECK(one[0] == 1.0);

    float with_nan[3] = {1.f, std::numeric_limits<float>::quiet_NaN(), 2.f};
    ctnn::Softmax::apply_vector<float, 3>(with_nan);
    for (float x : with_nan) CHECK(std::isnan(x));
}

#if CTNN_SIMD
TEST_CASE_TEMPLATE("the SIMD form of each activation agrees with the scalar form", Act, ctnn::Linear,
                   ctnn::ReLU, ctnn::ELU, ctnn::SELU, ctnn::Swish, ctnn::Sigmoid, ctnn::Tanh) {
    using V = ctnn::simd::widest<float>;
    constexpr std::size_t L = ctnn::simd::lanes<V>;
    constexpr std::size_t n = std::size(inputs) + 1;
    std::array<float, (n + L - 1) / L * L> x{}, y{};
    for (std::size_t i = 0; i < std::size(inputs); ++i) x[i] = float(inputs[i]);
    x[n - 1] = std::numeric_limits<float>::quiet_NaN();
    for (std::size_t i = 0; i < x.size(); i += L) ctnn::simd::store(&y[i], Act::apply(ctnn::simd::load<V>(&x[i])));
    for (std::size_t i = 0; i < x.size(); ++i) {
        CAPTURE(x[i]);
        const float scalar = Act::apply(x[i]);
        if (std::isnan(scalar)) {
            CHECK(std::isnan(y[i]));
        } else {
            CHECK(close(y[i], double(scalar), 4e-7));
        }
    }
}
#endif
