// Activations: Keras' formulas at ordinary and edge values, NaN propagation,
// saturation without NaN, and agreement between the scalar and SIMD forms.
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

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
                   ctnn::SELU, ctnn::Swish, ctnn::Sigmoid, ctnn::Tanh, ctnn::LeakyReLU, ctnn::LeakyReLU::with<0.3>,
                   ctnn::ELU::with<0.5>) {
    CHECK(std::isnan(Act::apply(std::numeric_limits<float>::quiet_NaN())));
    CHECK(std::isnan(Act::apply(std::numeric_limits<double>::quiet_NaN())));
    float v[3] = {1.f, std::numeric_limits<float>::quiet_NaN(), -1.f};
    ctnn::activate<Act, float, 3>(v);
    CHECK(std::isnan(v[1]));
    CHECK_FALSE(std::isnan(v[0]));
}

TEST_CASE("ELU::with<alpha> and LeakyReLU: spellings, Keras' defaults, values and slopes by hand") {
    using ctnn::ELU, ctnn::LeakyReLU;
    static_assert(ELU::name.view() == "ctnn::ELU" && ELU::alpha == 1.0);
    static_assert(std::is_same_v<ELU::with<1.0>, ELU> && std::is_same_v<ELU::with<0.5f>, ELU::with<0.5>>);
    static_assert(ELU::with<0.5>::name.view() == "ctnn::ELU::with<0.5f>");
    static_assert(std::is_same_v<ctnn::ELU::with<0.5f>, ELU::with<0.5>>);  // the spelling compiles back
    static_assert(ELU::with<0.3>::alpha == 0.3);                           // the decimal written, in double
    // keras.activations.leaky_relu's slope 0.2; Keras' LeakyReLU layer's 0.3 is LeakyReLU::with<0.3>.
    static_assert(LeakyReLU::name.view() == "ctnn::LeakyReLU" && LeakyReLU::negative_slope == 0.2);
    static_assert(std::is_same_v<LeakyReLU::with<0.2>, LeakyReLU>);
    static_assert(LeakyReLU::with<0.3>::name.view() == "ctnn::LeakyReLU::with<0.3f>");
    static_assert(std::is_same_v<ctnn::LeakyReLU::with<0.3f>, LeakyReLU::with<0.3>>);
    static_assert(LeakyReLU::with<0.01>::name.view() == "ctnn::LeakyReLU::with<0.01f>");
    static_assert(ctnn::ElementwiseActivation<LeakyReLU> && ctnn::ElementwiseActivation<ELU::with<0.5>>);
    // ELU with alpha 0.5: x for x > 0, 0.5 (e^x - 1) otherwise; slope 1, or y + 0.5.
    using E = ELU::with<0.5>;
    CHECK(E::apply(2.0) == 2.0);
    CHECK(E::apply(-1.0) == doctest::Approx(0.5 * (0.36787944117144233 - 1)).epsilon(1e-15));
    CHECK(E::apply(-1.f) == doctest::Approx(0.5 * (0.36787944117144233 - 1)).epsilon(1e-7));
    CHECK(E::apply(-1e30) == -0.5);
    CHECK(E::derivative(-1.0, E::apply(-1.0)) == doctest::Approx(0.5 * 0.36787944117144233).epsilon(1e-15));
    CHECK(E::derivative(3.0, 3.0) == 1.0);
    CHECK(ELU::apply(-1.0) == doctest::Approx(0.36787944117144233 - 1).epsilon(1e-15));
    // LeakyReLU: x for x >= 0, slope x otherwise; slope 1 for x > 0, else the slope (at 0 too).
    CHECK(LeakyReLU::apply(-2.0) == -0.4);
    CHECK(LeakyReLU::apply(-2.f) == -0.4f);
    CHECK(LeakyReLU::apply(3.0) == 3.0);
    CHECK(LeakyReLU::apply(0.0) == 0.0);
    CHECK(LeakyReLU::with<0.3>::apply(-10.0) == -3.0);
    CHECK(LeakyReLU::with<0.3>::apply(-10.f) == -3.f);
    CHECK(LeakyReLU::with<0.3>::apply(-1e30f) == 0.3f * -1e30f);  // in float, no NaN or overflow
    CHECK(LeakyReLU::derivative(-1.0, -0.2) == 0.2);
    CHECK(LeakyReLU::derivative(0.0, 0.0) == 0.2);
    CHECK(LeakyReLU::derivative(1.0, 1.0) == 1.0);
    CHECK(LeakyReLU::with<0.3>::derivative(-1.f, -0.3f) == 0.3f);
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
                   ctnn::ReLU, ctnn::ELU, ctnn::SELU, ctnn::Swish, ctnn::Sigmoid, ctnn::Tanh, ctnn::LeakyReLU,
                   ctnn::LeakyReLU::with<0.3>, ctnn::ELU::with<0.5>) {
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

// ---- ctnn's exp, expm1 and tanh (core/detail/exp.hpp) -----------------------------

namespace {

// |got - want| in units in the last place of T at want (the denormal step below
// T's smallest normal); 0 when both are the same infinity or both NaN.
template <class T>
double ulps(T got, long double want) {
    if (std::isnan(want)) return std::isnan(got) ? 0 : 1e30;
    if (std::isinf(static_cast<T>(want))) return got == static_cast<T>(want) ? 0 : 1e30;
    if (!std::isfinite(got)) return 1e30;
    const T w = std::abs(static_cast<T>(want));
    const long double step = w < std::numeric_limits<T>::min()
                                 ? std::numeric_limits<T>::denorm_min()
                                 : std::nextafter(w, std::numeric_limits<T>::infinity()) - w;
    return double(std::abs(static_cast<long double>(got) - want) / step);
}

// Arguments from -limit to limit, spaced by bit pattern (so as densely near 0
// as near the ends), plus the signed zeros.
template <class T>
std::vector<T> arguments(T limit, std::size_t per_sign) {
    using Bits = ctnn::simd::bits_t<T>;
    const Bits top = std::bit_cast<Bits>(limit), step = top / Bits(per_sign);
    std::vector<T> xs = {T(0), T(-0.0)};
    for (Bits b = step; b <= top; b += step) {
        xs.push_back(std::bit_cast<T>(b));
        xs.push_back(-std::bit_cast<T>(b));
    }
    return xs;
}

struct Function {
    const char* name;
    long double (*reference)(long double);
    double max_ulps;
};

// The scalar form and the widest vector give the same bits, within max_ulps of
// the long-double reference.
template <class T, class F>
void check_function(const Function& f, F apply, const std::vector<T>& xs) {
    using V = ctnn::simd::widest<T>;
    constexpr std::size_t L = ctnn::simd::lanes<V>;
    std::vector<T> in = xs, vector_results(xs.size() + L);
    in.resize((xs.size() + L - 1) / L * L, T(0));
    for (std::size_t k = 0; k < in.size(); k += L) ctnn::simd::store(&vector_results[k], apply(ctnn::simd::load<V>(&in[k])));
    double worst = 0;
    T worst_at = 0;
    std::size_t different = 0;
    for (std::size_t k = 0; k < xs.size(); ++k) {
        const T scalar = apply(xs[k]);
        const double e = ulps(scalar, f.reference(static_cast<long double>(xs[k])));
        if (e > worst) worst = e, worst_at = xs[k];
        if (std::bit_cast<ctnn::simd::bits_t<T>>(scalar) != std::bit_cast<ctnn::simd::bits_t<T>>(vector_results[k]) &&
            !(std::isnan(scalar) && std::isnan(vector_results[k])) && ++different <= 5)
            FAIL_CHECK(std::string(f.name) << "(" << xs[k] << "): scalar " << scalar << ", vector " << vector_results[k]);
    }
    const std::string type = sizeof(T) == 4 ? "<float>" : "<double>";
    MESSAGE(std::string(f.name) << type << ": " << xs.size() << " arguments, worst " << worst << " ulp at " << worst_at);
    CHECK(different == 0);
    CHECK(worst <= f.max_ulps);
}

}  // namespace

TEST_CASE_TEMPLATE("ctnn's exp, expm1 and tanh: within 1, 2 and 2.5 ulp of long double over the whole range; scalar "
                   "and vector bit-identical", T, float, double) {
    // Past the ends: exp overflows above 88.72 (709.78) and is 0 below -103.97
    // (-745.13); expm1 is -1 below -17.3 (-37.4); tanh is +-1 above 9.01 (19.06).
    const T limit = std::is_same_v<T, float> ? T(120) : T(800);
    const auto xs = arguments<T>(limit, 400'000);
    check_function<T>({"exp", [](long double x) { return std::exp(x); }, 1.0},
                      [](auto x) { return ctnn::simd::exp(x); }, xs);
    check_function<T>({"expm1", [](long double x) { return std::expm1(x); }, 2.0},
                      [](auto x) { return ctnn::simd::expm1(x); }, xs);
    check_function<T>({"tanh", [](long double x) { return std::tanh(x); }, 2.5},
                      [](auto x) { return ctnn::simd::tanh(x); }, xs);
}

TEST_CASE_TEMPLATE("exp, expm1 and tanh at their edges: near 0, at the thresholds, +-inf and NaN", T, float, double) {
    using ctnn::simd::exp, ctnn::simd::expm1, ctnn::simd::tanh;
    constexpr T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
    constexpr T max = std::numeric_limits<T>::max(), tiny = std::numeric_limits<T>::denorm_min();
    // Near 0: relative accuracy, no cancellation (expm1(x) = x + x^2/2 + ...).
    for (T x : {T(1e-30), T(-1e-30), T(1e-10), T(-1e-10), T(1e-5), T(-1e-5), T(0.01), T(-0.01), tiny, -tiny}) {
        CAPTURE(x);
        CHECK(ulps(expm1(x), std::expm1(static_cast<long double>(x))) <= 1);
        CHECK(ulps(tanh(x), std::tanh(static_cast<long double>(x))) <= 2.5);
        CHECK(ulps(exp(x), std::exp(static_cast<long double>(x))) <= 1);
    }
    CHECK(exp(T(0)) == T(1));
    CHECK(expm1(T(0)) == T(0));
    CHECK(tanh(T(0)) == T(0));
    CHECK(std::signbit(tanh(T(-0.0))));
    CHECK(tanh(tiny) == tiny);
    // The ends of the range.
    const T last_finite = std::is_same_v<T, float> ? T(0x1.62e42ep6) : T(0x1.62e42fefa39efp9);
    CHECK(std::isfinite(exp(last_finite)));
    CHECK(ulps(exp(last_finite), std::exp(static_cast<long double>(last_finite))) <= 1);
    CHECK(exp(std::nextafter(last_finite, inf)) == inf);
    CHECK(std::isfinite(expm1(last_finite)));
    CHECK(expm1(std::nextafter(last_finite, inf)) == inf);
    const T smallest = std::is_same_v<T, float> ? T(-103.9) : T(-745.1);  // exp gives the smallest denormal
    CHECK(exp(smallest) == tiny);
    CHECK(exp(smallest - 1) == T(0));
    CHECK(expm1(T(-50)) == T(-1));
    for (T x : {T(20), T(40), T(41), T(1e4), max, inf}) {
        CAPTURE(x);
        CHECK(tanh(x) == T(1));
        CHECK(tanh(-x) == T(-1));
    }
    // Infinities and NaN.
    CHECK(exp(inf) == inf);
    CHECK(exp(-inf) == T(0));
    CHECK(expm1(inf) == inf);
    CHECK(expm1(-inf) == T(-1));
    CHECK(exp(max) == inf);
    CHECK(exp(-max) == T(0));
    CHECK(std::isnan(exp(nan)));
    CHECK(std::isnan(expm1(nan)));
    CHECK(std::isnan(tanh(nan)));
    CHECK(std::isnan(exp(-nan)));
    CHECK(std::isnan(tanh(-nan)));
}

TEST_CASE_TEMPLATE("simd::sqrt is correctly rounded and gives NaN for negative arguments", T, float, double) {
    for (T x : {T(0), T(1), T(2), T(1e-3), T(3.0e-39), T(12345.678), std::numeric_limits<T>::max(),
                std::numeric_limits<T>::denorm_min()}) {
        CAPTURE(x);
        CHECK(ctnn::simd::sqrt(x) == std::sqrt(x));  // IEEE 754: both correctly rounded
    }
    CHECK(std::signbit(ctnn::simd::sqrt(T(-0.0))));
    CHECK(std::isnan(ctnn::simd::sqrt(T(-1))));
    CHECK(std::isnan(ctnn::simd::sqrt(std::numeric_limits<T>::quiet_NaN())));
    CHECK(ctnn::simd::sqrt(std::numeric_limits<T>::infinity()) == std::numeric_limits<T>::infinity());
}

TEST_CASE_TEMPLATE("Softmax::apply_lanes: each lane is the softmax of its own sample, bit for bit", T, float, double) {
    using V = ctnn::simd::widest<T>;
    constexpr std::size_t L = ctnn::simd::lanes<V>, N = 5;
    std::array<std::array<T, N>, L> samples;
    for (std::size_t s = 0; s < L; ++s)
        for (std::size_t f = 0; f < N; ++f) samples[s][f] = T(int(s * 7 + f * 3) % 11 - 5) * T(1.7) + T(s == 1 ? 900 : 0);
    if (L > 2) samples[2][3] = std::numeric_limits<T>::quiet_NaN();  // a NaN poisons its own lane only
    std::array<T, N * L> lanes;
    for (std::size_t s = 0; s < L; ++s)
        for (std::size_t f = 0; f < N; ++f) lanes[f * L + s] = samples[s][f];
    ctnn::Softmax::apply_lanes<V, N>(lanes.data());
    for (std::size_t s = 0; s < L; ++s) {
        ctnn::Softmax::apply_vector<T, N>(samples[s].data());
        for (std::size_t f = 0; f < N; ++f) {
            CAPTURE(s);
            CAPTURE(f);
            if (std::isnan(samples[s][f])) CHECK(std::isnan(lanes[f * L + s]));
            else CHECK(std::bit_cast<ctnn::simd::bits_t<T>>(lanes[f * L + s]) == std::bit_cast<ctnn::simd::bits_t<T>>(samples[s][f]));
        }
    }
    if (L > 2) CHECK(std::isnan(lanes[0 * L + 2]));
    if (L > 1) CHECK(std::isfinite(lanes[0 * L + 1]));
}
