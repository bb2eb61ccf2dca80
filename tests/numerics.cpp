// Numerical edge cases (issue 8), in both kernel builds (xsimd and scalar):
// NaN and infinity through single-sample and batch inference (the lane-tile
// path and the one-sample-at-a-time path, with a partial tile) without
// touching the other rows; activations, Softmax and the cross-entropies at
// huge logits; denormal inputs, weights, exp results and training data; a
// diverging Adam and a gradient that overflows while the loss stays finite;
// zero variance in BatchNormalization and the scalers.
#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "support/reference.hpp"

using namespace ctnn;

namespace {

template <class T>
constexpr T nan_v = std::numeric_limits<T>::quiet_NaN();
template <class T>
constexpr T inf_v = std::numeric_limits<T>::infinity();
template <class T>
constexpr T max_v = std::numeric_limits<T>::max();

template <class T, std::size_t N>
bool same_bits(const std::array<T, N>& a, const std::array<T, N>& b) {
    return std::memcmp(a.data(), b.data(), sizeof(T) * N) == 0;
}

// Non-zero biases everywhere, so the bias path is exercised too.
template <class Model>
void randomize_biases(Model& m, std::uint64_t seed) {
    using T = typename Model::value_type;
    Rng rng(Seed{seed});
    detail::static_for<Model::layer_count>([&](auto i) {
        if constexpr (requires { m.template layer<i>().bias(); })  // Dense layers
            for (T& b : m.template layer<i>().bias()) b = T(rng.uniform(-0.5, 0.5));
    });
}

// `got` against a double-precision reference: NaN exactly where the reference
// is NaN, the same infinity where it is infinite, else within `tolerance`.
template <class T>
void check_against_reference(T got, double want, double tolerance) {
    CAPTURE(got);
    CAPTURE(want);
    if (std::isnan(want)) {
        CHECK(std::isnan(got));
    } else if (std::isinf(want)) {
        CHECK(double(got) == want);
    } else {
        REQUIRE(std::isfinite(got));
        CHECK(std::abs(double(got) - want) <= tolerance);
    }
}

}  // namespace

// ---- 1. NaN and infinity at inference ----------------------------------------

// Three kinds of model, float and double: a first Tanh layer saturates an
// infinite input to +-1 (the outputs are then finite); ReLU then Linear lets
// infinities through (to +-inf, or NaN where infinities of both signs meet,
// whatever the reference gives); a Softmax model never takes the lane-tile
// path (Softmax is not elementwise).
using TanhFirst = Sequential<Dense<6, 12, Tanh>, Dense<12, 8, ReLU>, Dense<8, 3, Sigmoid>>;
using ReluLinear = Sequential<Dense<6, 12, ReLU>, Dense<12, 2>>;
using SoftmaxOut = Sequential<Dense<6, 12, Tanh>, Dense<12, 3, Softmax>>;
using TanhFirstDouble = BasicSequential<double, Dense<6, 12, Tanh>, Dense<12, 8, ReLU>, Dense<8, 3, Sigmoid>>;
using ReluLinearDouble = BasicSequential<double, Dense<6, 12, ReLU>, Dense<12, 2>>;
using SoftmaxOutDouble = BasicSequential<double, Dense<6, 12, Tanh>, Dense<12, 3, Softmax>>;

TEST_CASE_TEMPLATE("NaN and +-inf rows in a batch: NaN where expected, the other rows bit-identical to a clean batch",
                   Model, TanhFirst, ReluLinear, SoftmaxOut, TanhFirstDouble, ReluLinearDouble, SoftmaxOutDouble) {
    using T = typename Model::value_type;
    constexpr std::size_t In = Model::input_size, Out = Model::output_size;
    // The batch path under test: lane tiles whenever the target has vectors
    // (the Softmax model too, since issue 13).
    CHECK(Model::batch_in_lanes == (simd::max_lanes<T> > 1));
    auto m = std::make_unique<Model>(Seed{77});
    randomize_biases(*m, 78);

    // 37 rows: two whole tiles of 16 floats (AVX-512) and 5 rows left over,
    // or four tiles of 8 doubles and 5 left over; poisoned rows sit at the
    // first and last lane of a tile and in the rows left over.
    constexpr std::size_t rows = 37;
    const auto clean = test::random_inputs<T, In>(rows, 19);
    auto dirty = clean;
    dirty[0][0] = nan_v<T>;
    dirty[5][2] = inf_v<T>;
    dirty[15][5] = -inf_v<T>;
    for (T& v : dirty[16]) v = nan_v<T>;
    dirty[20][1] = inf_v<T>, dirty[20][3] = -inf_v<T>;
    dirty[33][4] = nan_v<T>;
    dirty[36][0] = inf_v<T>;
    const std::vector<std::size_t> nan_rows = {0, 16, 33}, inf_rows = {5, 15, 20, 36};

    std::vector<std::array<T, Out>> ys_clean(rows), ys_dirty(rows);
    m->predict(clean, ys_clean);
    m->predict(dirty, ys_dirty);

    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;
    std::size_t poisoned = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        CAPTURE(r);
        const bool has_nan = std::find(nan_rows.begin(), nan_rows.end(), r) != nan_rows.end();
        const bool has_inf = std::find(inf_rows.begin(), inf_rows.end(), r) != inf_rows.end();
        const auto single = (*m)(dirty[r]);
        const auto want = test::forward<Model>(std::span<const T>(m->parameters()), dirty[r]);
        if (!has_nan && !has_inf) {
            // Untouched by the neighbours in its tile: the same bits as in the clean batch.
            CHECK(same_bits(ys_dirty[r], ys_clean[r]));
            for (std::size_t j = 0; j < Out; ++j) CHECK(std::isfinite(ys_dirty[r][j]));
            continue;
        }
        ++poisoned;
        for (std::size_t j = 0; j < Out; ++j) {
            CAPTURE(j);
            if (has_nan) {  // every output depends on every input
                CHECK(std::isnan(ys_dirty[r][j]));
                CHECK(std::isnan(single[j]));
            } else if (!std::is_same_v<Model, ReluLinear> && !std::is_same_v<Model, ReluLinearDouble> && r != 20) {
                // One infinite input: tanh(+-inf) = +-1, nothing infinite reaches
                // the next layer. (Row 20 has +inf and -inf: inf - inf is NaN
                // wherever the two weights have the same sign.)
                CHECK(std::isfinite(ys_dirty[r][j]));
            }
            check_against_reference(ys_dirty[r][j], want[j], tolerance);
            check_against_reference(single[j], want[j], tolerance);
        }
        if constexpr (!Model::batch_in_lanes) CHECK(same_bits(ys_dirty[r], single));  // the same kernel
    }
    CHECK(poisoned == 7);
    if constexpr (std::is_same_v<Model, ReluLinear> || std::is_same_v<Model, ReluLinearDouble>) {
        // The infinite rows really carry an infinity (or its NaN) to the output.
        std::size_t not_finite = 0;
        for (std::size_t r : inf_rows)
            for (std::size_t j = 0; j < Out; ++j) not_finite += !std::isfinite(ys_dirty[r][j]);
        CHECK(not_finite > 0);
    }
}

TEST_CASE("a NaN weight makes NaN only the outputs it feeds, in lane tiles and in the rows left over") {
    // Dense<4, 3> with W[2][1] = NaN: output 1 of every row is NaN, outputs 0
    // and 2 are exact; in the lane tiles and the rows left over alike.
    Sequential<Dense<4, 3>> m(std::array<float, 15>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0.5f, -0.5f, 0.25f});
    m.parameters()[2 * 3 + 1] = nan_v<float>;
    std::vector<std::array<float, 4>> xs(37);
    for (std::size_t r = 0; r < xs.size(); ++r) xs[r] = {float(r), 1.f, -1.f, 0.5f};
    std::vector<std::array<float, 3>> ys(xs.size());
    m.predict(xs, ys);
    for (std::size_t r = 0; r < xs.size(); ++r) {
        CAPTURE(r);
        CHECK(ys[r][0] == float(r) * 1 + 4 - 7 + 0.5f * 10 + 0.5f);
        CHECK(std::isnan(ys[r][1]));
        CHECK(ys[r][2] == float(r) * 3 + 6 - 9 + 0.5f * 12 + 0.25f);
    }
}

// ---- 2. Huge logits ----------------------------------------------------------

namespace {

// Keras' formulas in long double (x86: 64-bit significand).
template <class Act>
long double reference_activation(long double x) {
    constexpr long double alpha = 1.6732632423543772848170429916717L;
    constexpr long double scale = 1.0507009873554804934193349852946L;
    const long double sigmoid = 1.0L / (1.0L + std::exp(-x));
    if constexpr (std::is_same_v<Act, Sigmoid>) return sigmoid;
    else if constexpr (std::is_same_v<Act, Tanh>) return std::tanh(x);
    else if constexpr (std::is_same_v<Act, ELU>) return x > 0 ? x : std::expm1(x);
    else if constexpr (std::is_same_v<Act, SELU>) return scale * (x > 0 ? x : alpha * std::expm1(x));
    else return x * sigmoid;  // Swish
}

// The activation's range, lower end (upper ends: Sigmoid and Tanh 1, others none).
template <class Act>
constexpr double lower_bound() {
    if constexpr (std::is_same_v<Act, Sigmoid>) return 0;
    else if constexpr (std::is_same_v<Act, Tanh>) return -1;
    else if constexpr (std::is_same_v<Act, ELU>) return -1;
    else if constexpr (std::is_same_v<Act, SELU>) return -SELU::scale * SELU::alpha;
    else return -0.27846454276107380;  // min of x sigmoid(x), at x = -1.2784645
}

template <class T>
std::vector<T> huge_logits() {
    if constexpr (std::is_same_v<T, float>)
        return {1e30f, -1e30f, FLT_MAX, -FLT_MAX, 1e4f, -1e4f, 88.8f, -88.8f, 104.f, -104.f};
    else  // exp overflows past 709.78 and underflows to 0 past -745.13
        return {1e300, -1e300, DBL_MAX, -DBL_MAX, 1e4, -1e4, 709.8, -709.8, 745.2, -745.2};
}

// The value at x against the reference: finite and in range where the true
// value rounds to a finite T (SELU(FLT_MAX) = 1.05 FLT_MAX does not: +inf),
// relative error 2e-6 (float) or 1e-14 (double), absolute 1e-36 or 1e-300
// below that. The absolute floor is for denormal results (sigmoid(x) and
// swish(x) at x near -ln(max), about 1e-39 and 3e-37), which have fewer bits.
template <class Act, class T>
void check_activation_value(T x, T got) {
    CAPTURE(x);
    CAPTURE(got);
    const long double want = reference_activation<Act>(static_cast<long double>(x));
    CAPTURE(double(want));
    REQUIRE_FALSE(std::isnan(got));
    if (std::isinf(static_cast<T>(want))) {
        CHECK(got == static_cast<T>(want));
        return;
    }
    REQUIRE(std::isfinite(got));
    const double relative = std::is_same_v<T, float> ? 2e-6 : 1e-14;
    const double absolute = std::is_same_v<T, float> ? 1e-36 : 1e-300;
    CHECK(std::abs(static_cast<long double>(got) - want) <= relative * std::abs(want) + absolute);
    const double low = lower_bound<Act>();
    CHECK(double(got) >= low - 1e-6 * std::abs(low));
    if constexpr (std::is_same_v<Act, Sigmoid> || std::is_same_v<Act, Tanh>) CHECK(got <= T(1));
}

template <class Act, class T>
void check_activation_at_huge_logits() {
    const std::vector<T> xs = huge_logits<T>();
    // Scalar apply.
    for (T x : xs) check_activation_value<Act>(x, Act::apply(x));
    // The widest vector (the scalar build: T again), a different logit in each lane.
    using V = simd::widest<T>;
    constexpr std::size_t L = simd::lanes<V>;
    std::vector<T> in(xs.size() + L), out(xs.size() + L);
    for (std::size_t k = 0; k < in.size(); ++k) in[k] = xs[k % xs.size()];
    for (std::size_t k = 0; k + L <= in.size(); k += L) simd::store(out.data() + k, Act::apply(simd::load<V>(in.data() + k)));
    for (std::size_t k = 0; k < in.size() / L * L; ++k) check_activation_value<Act>(in[k], out[k]);

    // Inside a model: Dense<1, 10, Act> whose weights are the logits, input 1
    // (z = 1 * w + 0 exactly), one sample and a batch of 37 (lane tiles, rest).
    using Model = BasicSequential<T, Dense<1, 10, Act>>;
    std::array<T, 20> params{};
    std::copy(xs.begin(), xs.end(), params.begin());
    const Model m(params);
    const auto single = m({T(1)});
    for (std::size_t j = 0; j < 10; ++j) check_activation_value<Act>(xs[j], single[j]);
    const std::vector<std::array<T, 1>> ones(37, {T(1)});
    std::vector<std::array<T, 10>> ys(37);
    m.predict(ones, ys);
    for (const auto& y : ys)
        for (std::size_t j = 0; j < 10; ++j) check_activation_value<Act>(xs[j], y[j]);
}

}  // namespace

TEST_CASE_TEMPLATE("Sigmoid, Tanh, ELU, SELU and Swish at +-1e30, +-max, +-1e4 and past exp's limits", T, float,
                   double) {
    SUBCASE("Sigmoid") { check_activation_at_huge_logits<Sigmoid, T>(); }
    SUBCASE("Tanh") { check_activation_at_huge_logits<Tanh, T>(); }
    SUBCASE("ELU") { check_activation_at_huge_logits<ELU, T>(); }
    SUBCASE("SELU") { check_activation_at_huge_logits<SELU, T>(); }
    SUBCASE("Swish") { check_activation_at_huge_logits<Swish, T>(); }
    // The one logit whose true value does not fit: SELU(max) = 1.0507 max.
    CHECK(SELU::apply(max_v<T>) == inf_v<T>);
    CHECK(SELU::apply(-max_v<T>) == doctest::Approx(-SELU::scale * SELU::alpha));
}

TEST_CASE_TEMPLATE("Softmax of {max, 0, -max} is {1, 0, 0}, finite and normalized for other huge logits", T, float,
                   double) {
    const T big = max_v<T>;
    auto softmax = [](std::array<T, 3> x) {
        Softmax::apply_vector<T, 3>(x.data());
        return x;
    };
    CHECK(softmax({big, 0, -big}) == std::array<T, 3>{1, 0, 0});
    CHECK(softmax({-big, 0, big}) == std::array<T, 3>{0, 0, 1});
    CHECK(softmax({T(1e30), T(0), T(-1e30)}) == std::array<T, 3>{1, 0, 0});
    CHECK(softmax({big, big, -big}) == std::array<T, 3>{T(0.5), T(0.5), 0});
    CHECK(softmax({-big, -big, -big}) == std::array<T, 3>{T(1) / 3, T(1) / 3, T(1) / 3});
    const auto tail = softmax({T(0), T(-104), T(-750)});  // exp underflows to a denormal, then to 0
    CHECK(tail[0] == T(1));
    // exp(-104) = 6.8e-46: 0 or the smallest denormal in float, a normal double.
    CHECK(std::abs(double(tail[1]) - std::exp(-104.0)) <= (std::is_same_v<T, float> ? 1.5e-45 : 1e-15 * std::exp(-104.0)));
    CHECK(tail[2] == T(0));
    // Through a model: Dense<1, 3, Softmax> with weights {max, 0, -max}.
    const BasicSequential<T, Dense<1, 3, Softmax>> m(std::array<T, 6>{big, 0, -big, 0, 0, 0});
    CHECK(m({T(1)}) == std::array<T, 3>{1, 0, 0});
    CHECK(m({T(-1)}) == std::array<T, 3>{0, 0, 1});
    const std::vector<std::array<T, 1>> xs(37, {T(1)});
    std::vector<std::array<T, 3>> ys(37);
    m.predict(xs, ys);
    for (const auto& y : ys) CHECK(y == std::array<T, 3>{1, 0, 0});
}

namespace {

// -log(1e-7), the clipped cross-entropy of a confident wrong prediction.
const double clipped_loss = -std::log(1e-7);
// -log(1 - 1e-7), that of a confident right one (relative comparisons: doctest's
// Approx adds an absolute epsilon by default, hence scale(0)).
const auto clipped_right = doctest::Approx(-std::log1p(-1e-7)).scale(0).epsilon(1e-6);

// A training pass on a model whose logits are +-Logit: two rows, x = e0 and
// e1, kernel rows {+L, -L} / {-L, +L}. Returns the loss and the gradient.
template <class Model, class L>
std::pair<double, std::vector<typename Model::value_type>> pass_on(Model& model, L loss,
                                                                   const std::vector<typename Model::value_type>& targets) {
    using T = typename Model::value_type;
    Backprop<Model, L> pass(loss, 2);
    const T inputs[4] = {1, 0, 0, 1};
    std::copy(inputs, inputs + 4, pass.inputs());
    std::copy(targets.begin(), targets.end(), pass.targets());
    std::vector<T> gradient(Model::parameter_count);
    Rng rng(Seed{0});
    const double value = pass.run(model, 2, std::span<T, Model::parameter_count>(gradient), rng);
    return {value, gradient};
}

template <class T>
bool all_finite(const std::vector<T>& v) {
    return std::all_of(v.begin(), v.end(), [](T x) { return std::isfinite(x); });
}

}  // namespace

TEST_CASE_TEMPLATE("cross-entropies at logits of +-1e30 and +-max: finite losses, exact finite fused gradients", T,
                   float, double) {
    for (const T logit : {T(1e30), max_v<T>}) {
        CAPTURE(logit);
        SUBCASE("Dense -> Sigmoid with binary cross-entropy (fused)") {
            using Model = BasicSequential<T, Dense<2, 1, Sigmoid>>;
            Model model(std::array<T, 3>{logit, -logit, 0});  // row e0: p = 1, row e1: p = 0
            CHECK(model({T(1), T(0)})[0] == T(1));
            CHECK(model({T(0), T(1)})[0] == T(0));
            // Both labels wrong: the clipped loss; the fused gradient (p - y) / n.
            const auto [wrong, g] = pass_on(model, BinaryCrossentropy{}, {0, 1});
            CHECK(wrong == doctest::Approx(clipped_loss).epsilon(1e-6));
            CHECK(g == std::vector<T>{T(0.5), T(-0.5), T(0)});
            // Both right: about 1e-7, and no gradient at all.
            const auto [right, g_right] = pass_on(model, BinaryCrossentropy{}, {1, 0});
            CHECK(right == clipped_right);
            CHECK(g_right == std::vector<T>{0, 0, 0});
            // One SGD step through the trainer: a finite loss in History, finite weights.
            Dataset<T, 2, 1> data{{{1, 0}, {0, 1}}, {{0}, {1}}};
            auto trainer = compile(model, SGD{.learning_rate = 0.1}, BinaryCrossentropy{});
            const History h = trainer.fit(data, {.batch_size = 2, .epochs = 1, .verbose = 0});
            CHECK(h.stop_reason.empty());
            REQUIRE(h.epochs() == 1);
            CHECK(h["loss"][0] == doctest::Approx(clipped_loss).epsilon(1e-6));
            CHECK(model.parameters()[0] == logit - T(0.1) * T(0.5));  // = logit: the step is below its ulp
            CHECK(model.parameters()[2] == T(0));
            for (T w : model.parameters()) CHECK(std::isfinite(w));
        }
        SUBCASE("Dense -> Softmax with categorical cross-entropy (fused)") {
            using Model = BasicSequential<T, Dense<2, 3, Softmax>>;
            Model model(std::array<T, 9>{logit, 0, -logit, -logit, 0, logit, 0, 0, 0});  // p = {1,0,0}, {0,0,1}
            CHECK(model({T(1), T(0)}) == std::array<T, 3>{1, 0, 0});
            // The middle class, wrong for both rows: the clipped loss; p - y over 2 rows.
            const auto [wrong, g] = pass_on(model, CategoricalCrossentropy{}, {0, 1, 0, 0, 1, 0});
            CHECK(wrong == doctest::Approx(clipped_loss).epsilon(1e-6));
            CHECK(g == std::vector<T>{T(0.5), T(-0.5), 0, 0, T(-0.5), T(0.5), T(0.5), T(-1), T(0.5)});
            const auto [right, g_right] = pass_on(model, CategoricalCrossentropy{}, {1, 0, 0, 0, 0, 1});
            CHECK(right == clipped_right);
            CHECK(g_right == std::vector<T>(9, T(0)));
            Dataset<T, 2, 3> data{{{1, 0}, {0, 1}}, {{0, 1, 0}, {0, 1, 0}}};
            auto trainer = compile(model, Adam{}, CategoricalCrossentropy{});
            const History h = trainer.fit(data, {.batch_size = 2, .epochs = 1, .verbose = 0});
            CHECK(h.stop_reason.empty());
            REQUIRE(h.epochs() == 1);
            CHECK(h["loss"][0] == doctest::Approx(clipped_loss).epsilon(1e-6));
            for (T w : model.parameters()) CHECK(std::isfinite(w));
        }
        SUBCASE("not fused: binary cross-entropy after Softmax, categorical after Sigmoid") {
            // Every probability is clipped, so no gradient passes (as TensorFlow's clip).
            using SoftmaxModel = BasicSequential<T, Dense<2, 3, Softmax>>;
            SoftmaxModel s(std::array<T, 9>{logit, 0, -logit, -logit, 0, logit, 0, 0, 0});
            const auto [bce, g] = pass_on(s, BinaryCrossentropy{}, {0, 1, 0, 0, 1, 0});
            CHECK(bce == doctest::Approx(2 * clipped_loss / 3).epsilon(1e-6));
            CHECK(g == std::vector<T>(9, T(0)));
            using SigmoidModel = BasicSequential<T, Dense<2, 2, Sigmoid>>;
            SigmoidModel p(std::array<T, 6>{logit, -logit, -logit, logit, 0, 0});  // p = {1,0}, {0,1}
            const auto [cce, g2] = pass_on(p, CategoricalCrossentropy{}, {0, 1, 1, 0});
            CHECK(cce == doctest::Approx(clipped_loss).epsilon(1e-6));
            CHECK(all_finite(g2));
        }
    }
}

// ---- 3. Denormals ------------------------------------------------------------

namespace {

template <class T>
constexpr T denormal_scale = std::is_same_v<T, float> ? T(1e-40) : T(1e-310);
// About 70 (float) or 2000 (double) units in the last place of the denormals.
template <class T>
constexpr double denormal_tolerance = std::is_same_v<T, float> ? 1e-43 : 1e-320;

}  // namespace

using DenormalLanes = Sequential<Dense<4, 8, ReLU>, Dense<8, 8, ELU>, Dense<8, 3, Tanh>>;
using DenormalSelu = Sequential<Dense<4, 8, SELU>, Dense<8, 4, Swish>, Dense<4, 2>>;
using DenormalWide = Sequential<Dense<4, 80, ReLU>, Dense<80, 2, Tanh>>;  // wider than 64: one sample at a time
using DenormalLanesDouble = BasicSequential<double, Dense<4, 8, ReLU>, Dense<8, 8, ELU>, Dense<8, 3, Tanh>>;
using DenormalSeluDouble = BasicSequential<double, Dense<4, 8, SELU>, Dense<8, 4, Swish>, Dense<4, 2>>;
using DenormalWideDouble = BasicSequential<double, Dense<4, 80, ReLU>, Dense<80, 2, Tanh>>;

TEST_CASE_TEMPLATE("denormal inputs and weights: one sample and batches equal the double reference, never NaN",
                   Model, DenormalLanes, DenormalSelu, DenormalWide, DenormalLanesDouble, DenormalSeluDouble,
                   DenormalWideDouble) {
    using T = typename Model::value_type;
    constexpr std::size_t In = Model::input_size, Out = Model::output_size;
    constexpr T tiny = denormal_scale<T>;
    static_assert(tiny < std::numeric_limits<T>::min() && tiny > 0);
    const double tolerance = denormal_tolerance<T>;
    const Model glorot(Seed{3});
    const auto normal_inputs = test::random_inputs<T, In>(37, 23);
    auto tiny_inputs = normal_inputs;
    for (auto& x : tiny_inputs)
        for (T& v : x) v *= tiny;

    enum Case { tiny_inputs_case, tiny_first_weights, everything_tiny };
    for (const Case c : {tiny_inputs_case, tiny_first_weights, everything_tiny}) {
        CAPTURE(int(c));
        auto m = std::make_unique<Model>(glorot);  // zero biases: nothing lifts the values out of the denormals
        if (c != tiny_inputs_case) {
            auto kernel = m->template layer<0>().kernel();
            for (std::size_t i = 0; i < In; ++i)
                for (std::size_t j = 0; j < Model::template layer_type<0>::output_size; ++j) kernel(i, j) *= tiny;
        }
        const auto& xs = c == tiny_first_weights ? normal_inputs : tiny_inputs;
        std::vector<std::array<T, Out>> ys(xs.size());
        m->predict(xs, ys);
        double largest = 0;
        for (std::size_t r = 0; r < xs.size(); ++r) {
            CAPTURE(r);
            const auto want = test::forward<Model>(std::span<const T>(m->parameters()), xs[r]);
            const auto single = (*m)(xs[r]);
            for (std::size_t j = 0; j < Out; ++j) {
                REQUIRE_FALSE(std::isnan(ys[r][j]));
                REQUIRE_FALSE(std::isnan(single[j]));
                CHECK(std::abs(double(ys[r][j]) - want[j]) <= tolerance);
                CHECK(std::abs(double(single[j]) - want[j]) <= tolerance);
                largest = std::max(largest, std::abs(want[j]));
            }
        }
        // The outputs are denormals themselves (not zeros that would pass any
        // tolerance), except when inputs and weights are both tiny: products
        // of two denormals round to 0.
        if (c == everything_tiny) {
            CHECK(largest < tolerance);
        } else {
            CHECK(largest > 100 * tolerance);
            CHECK(largest < double(std::numeric_limits<T>::min()));
        }
    }
}

TEST_CASE("ctnn's exp on float arguments whose result is denormal or underflows: >= 0, denormals as glibc's") {
    // Every float in [-110, -86]: simd::exp<float> (the scalar kernels') and
    // simd::exp on the widest vector (the scalar build: float again). Below
    // FLT_MIN the result is a denormal within one denormal step of exp (the
    // factor 2^k is applied as two normal halves, core/detail/exp.hpp); above it,
    // within 1 unit in the last place.
    using V = simd::widest<float>;
    constexpr std::size_t L = simd::lanes<V>;
    std::vector<float> args;
    for (float a = -110.f; a <= -86.f; a = std::nextafter(a, 0.f)) args.push_back(a);
    while (args.size() % L) args.push_back(-86.f);
    std::vector<float> vector_results(args.size());
    for (std::size_t k = 0; k < args.size(); k += L) simd::store(vector_results.data() + k, simd::exp(simd::load<V>(args.data() + k)));
    std::size_t failures = 0, denormal_results = 0;
    double worst_relative = 0;
    auto check = [&](float a, float got, const char* which) {
        const double want = std::exp(double(a));
        const bool ok = got >= 0.f && std::isfinite(got) &&
                        (want < FLT_MIN ? std::abs(double(got) - want) <= 0x1p-149
                                        : std::abs(double(got) - want) <= 0x1p-23 * want);
        if (want >= FLT_MIN) worst_relative = std::max(worst_relative, std::abs(double(got) - want) / want);
        if (got > 0.f && got < FLT_MIN) ++denormal_results;
        if (!ok && ++failures <= 5) FAIL_CHECK(which << "(" << a << ") = " << got << ", exp gives " << want);
    };
    for (std::size_t k = 0; k < args.size(); ++k) {
        check(args[k], simd::exp(args[k]), "simd::exp<float>");
        check(args[k], vector_results[k], "simd::exp<vector>");
    }
    MESSAGE(args.size() << " arguments, worst relative error above FLT_MIN " << worst_relative);
    CHECK(failures == 0);
    CHECK(denormal_results > 1'000'000);
    CHECK(args.size() > 3'000'000);
    CHECK(simd::exp(-87.5f) > 0.f);  // denormal: 1.0e-38
    CHECK(simd::exp(-103.9f) == 0x1p-149f);
    CHECK(simd::exp(-104.f) == 0.f);
    CHECK(simd::exp(-std::numeric_limits<float>::infinity()) == 0.f);
    CHECK(simd::exp(-FLT_MAX) == 0.f);
}

TEST_CASE("ctnn's exp on double arguments from -700 to -760: >= 0, close to exp; denormal results within DBL_MIN") {
    using V = simd::widest<double>;
    constexpr std::size_t L = simd::lanes<V>;
    std::vector<double> args;
    for (int k = 0; k <= 60000; ++k) args.push_back(-700.0 - 60.0 * k / 60000);
    // Each side of the thresholds: xsimd's minlog, the last normal and the last non-zero result.
    for (double t : {-708.3964185322641, std::log(DBL_MIN), -744.44007192138126, -745.13321910194110})
        for (double a = t, b = t, i = 0; i < 4; ++i) {
            args.push_back(a = std::nextafter(a, 0.0));
            args.push_back(b = std::nextafter(b, -1000.0));
        }
    while (args.size() % L) args.push_back(-750);
    std::vector<double> vector_results(args.size());
    for (std::size_t k = 0; k < args.size(); k += L) simd::store(vector_results.data() + k, simd::exp(simd::load<V>(args.data() + k)));
    std::size_t failures = 0;
    auto check = [&](double a, double got, const char* which) {
        const long double want = std::exp(static_cast<long double>(a));
        const bool ok = got >= 0 && std::isfinite(got) &&
                        (want < DBL_MIN ? std::abs(got - want) <= DBL_MIN : std::abs(got - want) <= 4 * 0x1p-53 * want);
        if (!ok && ++failures <= 5) FAIL_CHECK(which << "(" << a << ") = " << got << ", exp gives " << double(want));
    };
    for (std::size_t k = 0; k < args.size(); ++k) {
        check(args[k], simd::exp(args[k]), "simd::exp<double>");
        check(args[k], vector_results[k], "simd::exp<vector>");
    }
    CHECK(failures == 0);
}

TEST_CASE_TEMPLATE("Sigmoid(-100) and Sigmoid(-1000) are 0 or tiny positive, never negative or NaN", T, float, double) {
    using V = simd::widest<T>;
    constexpr std::size_t L = simd::lanes<V>;
    for (const T x : {T(-100), T(-1000), T(-88.5), -max_v<T>}) {
        CAPTURE(x);
        std::array<T, L> lanes;
        simd::store(lanes.data(), Sigmoid::apply(V(x)));
        const double want = 1 / (1 + std::exp(-double(x)));  // 3.7e-44 at -100: a float denormal, a double normal
        for (const T y : {Sigmoid::apply(x), lanes[0], lanes[L - 1]}) {
            CHECK(y >= T(0));
            CHECK(y <= T(1e-38));
            CHECK(std::abs(double(y) - want) <= (std::is_same_v<T, float> ? 1e-38 : 1e-15 * want));
        }
    }
}

TEST_CASE("gradients on denormal inputs equal the double ones; training on data scaled to 1e-39 stays finite") {
    using Model = Sequential<Dense<3, 4, Tanh>, Dense<4, 1, Sigmoid>>;
    using ModelDouble = BasicSequential<double, Dense<3, 4, Tanh>, Dense<4, 1, Sigmoid>>;
    Model m(Seed{6});
    randomize_biases(m, 7);
    ModelDouble md;
    std::copy(m.parameters().begin(), m.parameters().end(), md.parameters().begin());
    constexpr std::size_t n = 16;
    const auto xs = test::random_inputs<float, 3>(n, 8);
    Backprop<Model, BinaryCrossentropy> pass(BinaryCrossentropy{}, n);
    Backprop<ModelDouble, BinaryCrossentropy> pass_double(BinaryCrossentropy{}, n);
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t i = 0; i < 3; ++i) {
            pass.inputs()[r * 3 + i] = xs[r][i] * 1e-39f;  // denormal
            pass_double.inputs()[r * 3 + i] = double(pass.inputs()[r * 3 + i]);
            pass.targets()[r] = pass_double.targets()[r] = float(r % 2);
        }
    std::vector<float> g(Model::parameter_count);
    std::vector<double> gd(Model::parameter_count);
    Rng rng(Seed{0});
    const double loss = pass.run(m, n, std::span<float, Model::parameter_count>(g), rng);
    const double loss_double = pass_double.run(md, n, std::span<double, Model::parameter_count>(gd), rng);
    CHECK(loss == doctest::Approx(loss_double).epsilon(1e-6));
    double largest_first_layer = 0;
    for (std::size_t k = 0; k < Model::parameter_count; ++k) {
        CAPTURE(k);
        REQUIRE(std::isfinite(g[k]));
        if (k < 12) {  // the first kernel's gradient: x^T dz, denormal
            CHECK(std::abs(double(g[k]) - gd[k]) <= 1e-43);
            largest_first_layer = std::max(largest_first_layer, std::abs(gd[k]));
        } else {
            CHECK(std::abs(double(g[k]) - gd[k]) <= 1e-6 * std::abs(gd[k]) + 1e-7);
        }
    }
    CHECK(largest_first_layer > 1e-41);
    CHECK(largest_first_layer < FLT_MIN);

    Dataset<float, 3, 1> data;
    for (const auto& x : test::random_inputs<float, 3>(64, 9)) {
        data.x.push_back({x[0] * 1e-39f, x[1] * 1e-39f, x[2] * 1e-39f});
        data.y.push_back({float(x[0] > 0)});
    }
    auto trainer = compile(m, Adam{.learning_rate = 0.01}, BinaryCrossentropy{});
    const History h = trainer.fit(data, {.batch_size = 16, .epochs = 5, .verbose = 0});
    CHECK(h.stop_reason.empty());
    CHECK(h.epochs() == 5);
    for (double l : h["loss"]) CHECK(std::isfinite(l));
    for (float w : m.parameters()) CHECK(std::isfinite(w));
    // The biases moved (their gradients are not denormal): training did happen.
    CHECK(m.parameters()[12 + 3] != md.parameters()[12 + 3]);
}

// ---- 4. A diverging learning rate --------------------------------------------

namespace {

template <class Model>
std::vector<typename Model::value_type> blocks_of(const Model& m) {
    return {m.parameters().begin(), m.parameters().end()};
}

}  // namespace

TEST_CASE("Adam with a huge learning rate: the loss overflows, training stops with the weights of the step before") {
    using Model = Sequential<Dense<3, 8, ReLU>, Dense<8, 1>>;
    Dataset<float, 3, 1> data;
    data.x = test::random_inputs<float, 3>(32, 4);
    for (const auto& x : data.x) data.y.push_back({x[0] > 0 ? 1.f : 0.f});
    const Adam adam{.learning_rate = 1e30};  // one step throws the weights to about 3e29
    // One step per epoch (the batch is the whole set), so "the weights after
    // the last completed step" are those of a run limited to fewer epochs.
    Model model(Seed{2});
    auto trainer = compile(model, adam, MSE{});
    std::ostringstream out;
    trainer.set_progress_stream(out);
    const History h = trainer.fit(data, {.batch_size = 32, .epochs = 20, .verbose = 1});
    INFO(h.stop_reason);
    const std::string prefix = "epoch 2/20, step 1/1: the loss is ";
    REQUIRE(h.stop_reason.rfind(prefix, 0) == 0);
    const std::string value = h.stop_reason.substr(prefix.size(), h.stop_reason.find(';') - prefix.size());
    CHECK((value == "inf" || value == "nan" || value == "-nan"));
    CHECK(h.stop_reason.find("; training stopped, the model keeps its weights from before this step") !=
          std::string::npos);
    CHECK(out.str().find("ctnn: " + h.stop_reason) != std::string::npos);
    CHECK(h.epochs() == 1);  // the stopped epoch is not recorded
    CHECK(std::isfinite(h["loss"][0]));
    CHECK(trainer.optimizer_state().iterations == 1);  // the optimizer did not take the failed step

    Model again(Seed{2});
    auto one_epoch = compile(again, adam, MSE{});
    const History h1 = one_epoch.fit(data, {.batch_size = 32, .epochs = 1, .verbose = 0});
    CHECK(h1.stop_reason.empty());
    CHECK(blocks_of(model) == blocks_of(again));  // bit for bit
    CHECK(trainer.optimizer_state().m == one_epoch.optimizer_state().m);
    CHECK(trainer.optimizer_state().v == one_epoch.optimizer_state().v);
    CHECK(h["loss"] == h1["loss"]);
    for (float w : model.parameters()) REQUIRE(std::isfinite(w));
    // And the model it kept really diverges on the next step.
    CHECK_FALSE(std::isfinite(one_epoch.evaluate(data)["loss"]));
}

TEST_CASE("SGD whose float gradient overflows while the loss (in double) is still finite stops on the gradient") {
    // y = w x + b with x = +-1e10 and targets 0: each step multiplies w by
    // 1 - 2 lr x^2 = -19. The float gradient 2e20 w overflows once |w| passes
    // 1.7e18, while the prediction (1e10 w) and the loss (1e20 w^2, summed in
    // double) are still finite.
    using Model = Sequential<Dense<1, 1>>;
    const Dataset<float, 1, 1> data{{{1e10f}, {-1e10f}, {1e10f}, {-1e10f}}, {{0.f}, {0.f}, {0.f}, {0.f}}};
    const SGD sgd{.learning_rate = 1e-19};
    Model model(Seed{1});
    auto trainer = compile(model, sgd, MSE{});
    std::ostringstream out;
    trainer.set_progress_stream(out);
    const History h = trainer.fit(data, {.batch_size = 4, .epochs = 100, .verbose = 1});
    INFO(h.stop_reason);
    const std::size_t completed = h.epochs();
    REQUIRE(completed > 5);
    REQUIRE(completed < 99);
    CHECK(h.stop_reason == "epoch " + std::to_string(completed + 1) +
                               "/100, step 1/1: the gradient is not finite; training stopped, the model keeps its "
                               "weights from before this step");
    CHECK(out.str().find("ctnn: " + h.stop_reason) != std::string::npos);
    for (double l : h["loss"]) CHECK(std::isfinite(l));
    for (float w : model.parameters()) REQUIRE(std::isfinite(w));
    CHECK(std::abs(model.parameters()[0]) > 1e17f);
    // The loss at the kept weights is finite: the gradient, not the loss, stopped it.
    const double loss_now = trainer.evaluate(data)["loss"];
    CHECK(std::isfinite(loss_now));
    CHECK(loss_now > 1e50);
    // Rerun for exactly the completed epochs: the same weights, bit for bit.
    Model again(Seed{1});
    auto limited = compile(again, sgd, MSE{});
    const History h2 = limited.fit(data, {.batch_size = 4, .epochs = completed, .verbose = 0});
    CHECK(h2.stop_reason.empty());
    CHECK(blocks_of(model) == blocks_of(again));
    CHECK(h2["loss"] == h["loss"]);
    CHECK(trainer.optimizer_state().iterations == completed);
}

TEST_CASE("a batch variance beyond float's range: finite loss and gradient, but training stops on the state") {
    // BatchNormalization's batch moments are in double: a batch with a value
    // of 1e30 has a variance of about 1e59, inf as a float. The batch then
    // normalizes to 0 (x_hat = (x - mean) / sqrt(inf)), so the loss and the
    // gradient stay finite, but the moving variance would become inf and
    // every later prediction would normalize that feature to 0.
    using Model = Sequential<BatchNormalization, Dense<3, 1, Sigmoid>>;
    Dataset<float, 3, 1> data;
    data.x = test::random_inputs<float, 3>(24, 5);
    for (const auto& x : data.x) data.y.push_back({x[0] > 0 ? 1.f : 0.f});
    data.x[20][1] = 1e30f;  // step 3 of 3, in order
    Model model(Seed{1});
    auto trainer = compile(model, Adam{}, BinaryCrossentropy{});
    const History h = trainer.fit(data, {.batch_size = 8, .epochs = 2, .shuffle = false, .verbose = 0});
    CHECK(h.stop_reason == "epoch 1/2, step 3/3: the state (BatchNormalization's moving statistics) is not finite; "
                           "training stopped, the model keeps its weights from before this step");
    CHECK(trainer.optimizer_state().iterations == 2);

    // The model is the one trained on the rows of the two completed steps.
    Model again(Seed{1});
    const Dataset<float, 3, 1> first16{{data.x.begin(), data.x.begin() + 16}, {data.y.begin(), data.y.begin() + 16}};
    auto two_steps = compile(again, Adam{}, BinaryCrossentropy{});
    CHECK(two_steps.fit(first16, {.batch_size = 8, .epochs = 1, .shuffle = false, .verbose = 0}).stop_reason.empty());
    CHECK(blocks_of(model) == blocks_of(again));
    CHECK(std::ranges::equal(model.state(), again.state()));
    for (float s : model.state()) CHECK(std::isfinite(s));

    // The failed step, run alone: its loss and gradient are finite, its moving variance is not.
    Backprop<Model, BinaryCrossentropy> pass(BinaryCrossentropy{}, 8);
    for (std::size_t r = 0; r < 8; ++r) {
        std::copy(data.x[16 + r].begin(), data.x[16 + r].end(), pass.inputs() + 3 * r);
        pass.targets()[r] = data.y[16 + r][0];
    }
    std::vector<float> gradient(Model::parameter_count);
    Rng rng(Seed{0});
    CHECK(std::isfinite(pass.run(again, 8, std::span<float, Model::parameter_count>(gradient), rng)));
    for (float g : gradient) CHECK(std::isfinite(g));
    CHECK(std::isinf(again.layer<0>().moving_variance()[1]));
}

TEST_CASE("an optimizer update that overflows the weights is undone: the model of the last completed step") {
    // Targets of 1e18 and SGD at 1e19: every step's loss and gradient are
    // finite, but learning rate x gradient passes float's range in step 2.
    // fit replays the epoch's completed steps from the copy it took when the
    // epoch began (before, the next step stopped on a NaN loss claiming to
    // keep the weights from before it, which were infinite).
    SUBCASE("at the first step of an epoch") {
        using Model = Sequential<Dense<3, 1>>;
        Dataset<float, 3, 1> data;
        data.x = test::random_inputs<float, 3>(16, 1);
        data.y.assign(16, {1e18f});
        Model model(Seed{2});
        auto trainer = compile(model, SGD{.learning_rate = 1e19}, MSE{});
        const History h = trainer.fit(data, {.batch_size = 16, .epochs = 5, .verbose = 0});
        CHECK(h.stop_reason == "epoch 2/5, step 1/1: the optimizer's update made the weights non-finite (is the "
                               "learning rate too large for the gradient?); training stopped, the model keeps its "
                               "weights from before this step");
        CHECK(h.epochs() == 1);
        CHECK(std::isfinite(h["loss"][0]));
        Model again(Seed{2});
        auto one_epoch = compile(again, SGD{.learning_rate = 1e19}, MSE{});
        CHECK(one_epoch.fit(data, {.batch_size = 16, .epochs = 1, .verbose = 0}).stop_reason.empty());
        CHECK(blocks_of(model) == blocks_of(again));
    }
    SUBCASE("inside an epoch, with momentum, state and dropout: the completed steps are replayed bit for bit") {
        using Model = Sequential<Dense<3, 4>, BatchNormalization, Dropout<0.25f>, Dense<4, 1>>;
        Dataset<float, 3, 1> data;
        data.x = test::random_inputs<float, 3>(16, 1);
        data.y.assign(16, {1e6f});  // BatchNormalization keeps the loss finite a step longer
        const SGD sgd{.learning_rate = 1e6, .momentum = 0.5};
        Model model(Seed{2});
        auto trainer = compile(model, sgd, MSE{});
        const History h = trainer.fit(data, {.batch_size = 4, .epochs = 5, .shuffle = false, .verbose = 0});
        CHECK(h.stop_reason == "epoch 1/5, step 2/4: the optimizer's update made the weights non-finite (is the "
                               "learning rate too large for the gradient?); training stopped, the model keeps its "
                               "weights from before this step");
        // The model, its moving statistics and the momentum of a fit of the first step's rows alone.
        Model again(Seed{2});
        auto one_step = compile(again, sgd, MSE{});
        const Dataset<float, 3, 1> first4{{data.x.begin(), data.x.begin() + 4}, {data.y.begin(), data.y.begin() + 4}};
        CHECK(one_step.fit(first4, {.batch_size = 4, .epochs = 1, .shuffle = false, .verbose = 0}).stop_reason.empty());
        CHECK(blocks_of(model) == blocks_of(again));
        CHECK(std::ranges::equal(model.state(), again.state()));
        CHECK(trainer.optimizer_state().velocity == one_step.optimizer_state().velocity);
        CHECK(trainer.optimizer_state().iterations == 1);
        for (float p : model.parameters()) CHECK(std::isfinite(p));
    }
}

// ---- 5. Zero variance --------------------------------------------------------

TEST_CASE_TEMPLATE("BatchNormalization on a batch whose features are constant: beta, finite gradients, Keras' moving "
                   "variance",
                   T, float, double) {
    constexpr std::size_t W = 4;
    using L = BatchNormalization::bind<T, W>;
    // Constant values whose mean does not come out exact in double: 0.1 x 3
    // sums to 0.30000000000000004, 1e30 x 3 and x 7 round too.
    const T values[W] = {T(0.1), T(123.456), T(1e30), T(-7.25e15)};
    const T params[2 * W] = {2, -1.5, 0.5, 3, 0.25, -4, 1, 0.125};  // gamma, beta
    for (const std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{7}, std::size_t{32}}) {
        CAPTURE(n);
        T state[2 * W] = {1, -2, 0, 5, 1, 0.5, 2, 0};  // moving mean, moving variance
        T before[2 * W];
        std::copy(state, state + 2 * W, before);
        constexpr std::size_t pad = simd::max_lanes<T>;
        std::vector<T> x(n * W + pad), y(n * W + pad), x_hat(n * W + pad), dy(n * W + pad), dx(n * W + pad);
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t i = 0; i < W; ++i) {
                x[r * W + i] = values[i];
                dy[r * W + i] = T(0.5) * T(r + 1) - T(i);  // any upstream gradient
            }
        Rng rng(Seed{0});
        L::forward_train(params, state, x.data(), y.data(), x_hat.data(), n, rng);
        for (std::size_t i = 0; i < W; ++i) {
            CAPTURE(i);
            for (std::size_t r = 0; r < n; ++r) {
                CHECK(x_hat[r * W + i] == T(0));
                CHECK(y[r * W + i] == params[W + i]);  // beta, exactly: (x - mean) is 0
            }
            // Keras: moving = moving * momentum + batch * (1 - momentum), batch variance 0.
            CHECK(state[i] == doctest::Approx(double(before[i]) * 0.99 + double(values[i]) * 0.01).epsilon(1e-6));
            CHECK(state[W + i] == T(double(before[W + i]) * 0.99));
        }
        T dparams[2 * W];
        L::template backward<false>(params, state, x.data(), y.data(), x_hat.data(), dy.data(), dx.data(), dparams, n);
        for (std::size_t i = 0; i < W; ++i) {
            CAPTURE(i);
            double sum_dy = 0;
            for (std::size_t r = 0; r < n; ++r) sum_dy += double(dy[r * W + i]);
            CHECK(dparams[i] == T(0));  // d gamma = sum dy x_hat
            CHECK(dparams[W + i] == doctest::Approx(sum_dy));
            // dx = gamma / sqrt(eps) (dy - mean(dy)): finite, mean-free.
            for (std::size_t r = 0; r < n; ++r) {
                REQUIRE(std::isfinite(dx[r * W + i]));
                const double want = double(params[i]) / std::sqrt(1e-3) * (double(dy[r * W + i]) - sum_dy / double(n));
                CHECK(double(dx[r * W + i]) == doctest::Approx(want).epsilon(1e-5));
            }
        }
    }
}

TEST_CASE_TEMPLATE("BatchNormalization at inference with a moving variance of 0 divides by sqrt(epsilon)", T, float,
                   double) {
    using Model = BasicSequential<T, Dense<2, 3>, BatchNormalization, Dense<3, 1>>;
    Model model(Seed{3});
    randomize_biases(model, 4);
    auto bn = model.template layer<1>();
    const T gamma[3] = {1.5, -0.5, 2}, beta[3] = {0.25, 0, -1}, mean[3] = {0.5, -1, 1e3};
    for (std::size_t i = 0; i < 3; ++i) {
        bn.gamma()[i] = gamma[i], bn.beta()[i] = beta[i];
        bn.moving_mean()[i] = mean[i], bn.moving_variance()[i] = 0;
    }
    const double tolerance = std::is_same_v<T, float> ? 1e-4 : 1e-12;
    for (const auto& x : test::random_inputs<T, 2>(8, 5)) {
        const auto want = test::forward<Model>(std::span<const T>(model.parameters()), x,
                                               std::span<const T>(model.state()));
        const T got = model(x)[0];
        REQUIRE(std::isfinite(got));
        CHECK(got == doctest::Approx(want[0]).epsilon(tolerance));
    }
    // The layer alone: (x - mean) / sqrt(0 + 1e-3) * gamma + beta.
    using Layer = BatchNormalization::bind<T, 3>;
    const T x[3] = {1, -1, 1e3};
    T y[3 + simd::max_lanes<T>];
    Layer::forward(model.parameters().data() + Model::template parameter_offset<1>,
                   model.state().data() + Model::template state_offset<1>, x, y);
    for (std::size_t i = 0; i < 3; ++i)
        CHECK(double(y[i]) ==
              doctest::Approx((double(x[i]) - double(mean[i])) / std::sqrt(1e-3) * double(gamma[i]) + double(beta[i]))
                  .epsilon(1e-5));
    CHECK(y[2] == beta[2]);  // x equals the moving mean: exactly beta
}

TEST_CASE("training through BatchNormalization with a constant input column gives finite gradients") {
    using Model = BasicSequential<float, BatchNormalization, Dense<3, 1, Sigmoid>>;
    Model model(Seed{1});
    Dataset<float, 3, 1> data;
    for (const auto& x : test::random_inputs<float, 3>(40, 2)) {
        data.x.push_back({x[0], 1e30f, x[2]});  // the middle column never varies
        data.y.push_back({float(x[0] > 0)});
    }
    auto trainer = compile(model, Adam{.learning_rate = 0.01}, BinaryCrossentropy{});
    const History h = trainer.fit(data, {.batch_size = 8, .epochs = 3, .verbose = 0});
    CHECK(h.stop_reason.empty());
    CHECK(h.epochs() == 3);
    for (float w : model.parameters()) CHECK(std::isfinite(w));
    auto bn = model.layer<0>();
    CHECK(bn.gamma()[1] == 1.f);  // its d gamma is exactly 0 every step, so Adam never moves it
    CHECK(bn.moving_variance()[1] == doctest::Approx(std::pow(0.99, 15)).epsilon(1e-5));  // 15 steps of * 0.99
    CHECK(bn.moving_mean()[1] == doctest::Approx(1e30 * (1 - std::pow(0.99, 15))).epsilon(1e-5));
}

TEST_CASE("StandardScaler and MinMaxScaler: a single row, and a column constant at 1e30") {
    const std::vector<std::array<double, 3>> one = {{1e30, -2.5, 0}};
    StandardScaler standard;
    standard.fit(one);
    MinMaxScaler minmax;
    minmax.fit(one);
    for (std::size_t c = 0; c < 3; ++c) {
        CHECK(standard.scale[c] == 1.0);
        CHECK(minmax.scale[c] == 1.0);
    }
    auto a = one, b = one;
    standard.transform(a);
    minmax.transform(b);
    CHECK(a[0] == std::array<double, 3>{0, 0, 0});
    CHECK(b[0] == std::array<double, 3>{0, 0, 0});
    standard.inverse_transform(a);
    CHECK(a == one);

    // A float column constant at 1e30 over 5 rows, next to a varying one.
    const std::vector<std::array<float, 2>> rows = {{1e30f, 1}, {1e30f, 2}, {1e30f, 3}, {1e30f, 4}, {1e30f, 5}};
    MinMaxScaler mm;
    mm.fit(rows);
    auto m = rows;
    mm.transform(m);
    for (const auto& row : m) CHECK(row[0] == 0.f);
    CHECK(m[4][1] == 1.f);
}

// sum / n of a constant column is not always its value (0.1 x 3 rows:
// 0.10000000000000002); before the corrected mean (scalers.hpp) the column was
// scaled by 1.4e-17 into -1 or +1 instead of 0 (1e30 x 3 rows: by 1.4e14).
TEST_CASE("StandardScaler and Normalization map a constant column to 0 even when its mean rounds") {
    // One assertion for all the cases, so a failure prints one report.
    std::ostringstream wrong;
    for (const double v : {0.1, 123.456, 1e30}) {
        for (const std::size_t n : {std::size_t{3}, std::size_t{5}, std::size_t{7}}) {
            std::vector<std::array<double, 2>> rows(n);
            for (std::size_t r = 0; r < n; ++r) rows[r] = {v, double(r)};
            StandardScaler scaler;
            scaler.fit(rows);
            auto t = rows;
            scaler.transform(t);
            if (scaler.scale[0] != 1.0 || t[0][0] != 0.0)
                wrong << v << " x " << n << " rows: scale " << scaler.scale[0] << ", scaled to " << t[0][0] << "\n";
            // The same through the Normalization layer (adapt: mean and variance).
            BasicSequential<double, Normalization, Dense<2, 1>> model(std::array<double, 3>{1, 0, 0});
            model.layer<0>().adapt(rows);
            const double mean = model.layer<0>().mean()[0], variance = model.layer<0>().variance()[0];
            if (mean != v || variance != 0.0 || model(rows[0])[0] != 0.0)
                wrong << v << " x " << n << " rows: Normalization mean " << mean << ", variance " << variance
                      << ", output " << model(rows[0])[0] << "\n";
        }
    }
    INFO(wrong.str());
    CHECK(wrong.str().empty());
}
