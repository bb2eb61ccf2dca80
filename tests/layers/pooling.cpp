// The pooling layers (layers/pooling.hpp, layers/global_pooling.hpp): names,
// output shapes, the forward pass against naive loops written here from
// Keras' rules (output lengths, TensorFlow's padding split, a max over the
// entries inside the input, a same-padded average over the valid entries),
// hand-checked small cases, the max's ties in both passes, and gradients by
// finite differences through whole models.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/layers/global_pooling.hpp>
#include <ctnn/layers/pooling.hpp>

#include "support/finite_differences.hpp"
#include "support/reference.hpp"

using namespace ctnn;

// ---- names --------------------------------------------------------------------

static_assert(MaxPooling1D<2>::name.view() == "ctnn::MaxPooling1D<2>");
static_assert(AveragePooling1D<3, Pooling{.strides = 1, .padding = Padding::same}>::name.view() ==
              "ctnn::AveragePooling1D<3, ctnn::Pooling{.strides = 1, .padding = ctnn::Padding::same}>");
static_assert(MaxPooling1D<4, Pooling{.strides = 2}>::name.view() == "ctnn::MaxPooling1D<4, ctnn::Pooling{.strides = 2}>");
static_assert(MaxPooling2D<2, 2>::name.view() == "ctnn::MaxPooling2D<2, 2>");
static_assert(AveragePooling2D<3, 2, Pooling{.padding = Padding::same}>::name.view() ==
              "ctnn::AveragePooling2D<3, 2, ctnn::Pooling{.padding = ctnn::Padding::same}>");
static_assert(GlobalAveragePooling1D::name.view() == "ctnn::GlobalAveragePooling1D");
static_assert(GlobalMaxPooling1D::name.view() == "ctnn::GlobalMaxPooling1D");
static_assert(GlobalAveragePooling2D::name.view() == "ctnn::GlobalAveragePooling2D");
static_assert(GlobalMaxPooling2D::name.view() == "ctnn::GlobalMaxPooling2D");

// ---- output shapes --------------------------------------------------------------

template <class L, class In>
using out_of = typename L::template output_shape<In>;

// valid: floor((L - P) / s) + 1; same: ceil(L / s); strides 0: the pool size.
static_assert(std::is_same_v<out_of<MaxPooling1D<2>, Shape<9, 3>>, Shape<4, 3>>);
static_assert(std::is_same_v<out_of<MaxPooling1D<2, Pooling{.padding = Padding::same}>, Shape<9, 3>>, Shape<5, 3>>);
static_assert(std::is_same_v<out_of<MaxPooling1D<3, Pooling{.strides = 2}>, Shape<10, 4>>, Shape<4, 4>>);
static_assert(std::is_same_v<out_of<AveragePooling1D<3, Pooling{.strides = 2, .padding = Padding::same}>, Shape<10, 4>>,
                             Shape<5, 4>>);
static_assert(std::is_same_v<out_of<AveragePooling1D<3, Pooling{.strides = 1}>, Shape<3, 2>>, Shape<1, 2>>);
static_assert(std::is_same_v<out_of<MaxPooling2D<2, 2>, Shape<28, 28, 1>>, Shape<14, 14, 1>>);
static_assert(std::is_same_v<out_of<MaxPooling2D<2, 2>, Shape<7, 7, 3>>, Shape<3, 3, 3>>);
static_assert(std::is_same_v<out_of<MaxPooling2D<2, 2, Pooling{.padding = Padding::same}>, Shape<7, 7, 3>>, Shape<4, 4, 3>>);
static_assert(std::is_same_v<out_of<AveragePooling2D<3, 2, Pooling{.strides = 1}>, Shape<5, 4, 2>>, Shape<3, 3, 2>>);
static_assert(std::is_same_v<out_of<GlobalAveragePooling1D, Shape<9, 5>>, Shape<5>>);
static_assert(std::is_same_v<out_of<GlobalMaxPooling2D, Shape<4, 6, 17>>, Shape<17>>);
// In a model: Model::output_shape, and the sizes the bound layer declares.
using Pooled = Sequential<Input<28, 28, 1>, MaxPooling2D<2, 2>, AveragePooling2D<3, 3, Pooling{.strides = 2}>,
                          GlobalMaxPooling2D>;
static_assert(std::is_same_v<Pooled::layer_output_shape<0>, Shape<14, 14, 1>>);
static_assert(std::is_same_v<Pooled::layer_output_shape<1>, Shape<6, 6, 1>>);
static_assert(std::is_same_v<Pooled::output_shape, Shape<1>>);
static_assert(Pooled::layer_type<0>::input_size == 784 && Pooled::layer_type<0>::output_size == 196);
static_assert(Pooled::parameter_count == 0 && Pooled::state_count == 0);

TEST_CASE("poolings have Keras' class names as kinds and no weights") {
    using M = Sequential<Input<6, 4, 3>, MaxPooling2D<2, 2>, AveragePooling2D<1, 2>, Reshape<3, 3>, MaxPooling1D<2>,
                         AveragePooling1D<1>, GlobalAveragePooling1D>;
    CHECK(M::layer_type<0>::kind.view() == "MaxPooling2D");
    CHECK(M::layer_type<1>::kind.view() == "AveragePooling2D");
    CHECK(M::layer_type<3>::kind.view() == "MaxPooling1D");
    CHECK(M::layer_type<4>::kind.view() == "AveragePooling1D");
    CHECK(M::layer_type<5>::kind.view() == "GlobalAveragePooling1D");
    CHECK(Sequential<Input<4, 2>, GlobalMaxPooling1D>::layer_type<0>::kind.view() == "GlobalMaxPooling1D");
    CHECK(Sequential<Input<4, 2, 2>, GlobalAveragePooling2D>::layer_type<0>::kind.view() == "GlobalAveragePooling2D");
    CHECK(Sequential<Input<4, 2, 2>, GlobalMaxPooling2D>::layer_type<0>::kind.view() == "GlobalMaxPooling2D");
    static_assert(M::layer_type<0>::weights.empty() && M::layer_type<0>::parameter_count == 0);
    static_assert(std::is_same_v<M::output_shape, Shape<3>>);
}

// ---- forward against naive loops ----------------------------------------------

namespace {

// One axis as Keras and TensorFlow define it, written out again here.
struct Axis {
    std::size_t out, before;
};
constexpr Axis axis_of(std::size_t length, std::size_t pool, std::size_t stride, Padding padding) {
    if (padding == Padding::valid) return {(length - pool) / stride + 1, 0};
    const std::size_t out = (length + stride - 1) / stride;
    const std::size_t needed = (out - 1) * stride + pool;
    return {out, needed > length ? (needed - length) / 2 : 0};  // the smaller half before
}

// The pooling of an (R, W, C) input by a PH x PW pool, in double.
std::vector<double> naive_pool(const std::vector<double>& x, std::size_t R, std::size_t W, std::size_t C,
                               std::size_t PH, std::size_t PW, std::size_t SH, std::size_t SW, Padding padding,
                               bool max) {
    const Axis ar = axis_of(R, PH, SH, padding), ac = axis_of(W, PW, SW, padding);
    std::vector<double> y;
    for (std::size_t i = 0; i < ar.out; ++i)
        for (std::size_t j = 0; j < ac.out; ++j)
            for (std::size_t c = 0; c < C; ++c) {
                double best = -std::numeric_limits<double>::infinity(), sum = 0;
                int count = 0;
                for (std::size_t di = 0; di < PH; ++di)
                    for (std::size_t dj = 0; dj < PW; ++dj) {
                        const long long r = (long long)(i * SH + di) - (long long)ar.before;
                        const long long w = (long long)(j * SW + dj) - (long long)ac.before;
                        if (r < 0 || w < 0 || r >= (long long)R || w >= (long long)W) continue;
                        const double v = x[(std::size_t(r) * W + std::size_t(w)) * C + c];
                        best = std::max(best, v);
                        sum += v;
                        ++count;
                    }
                REQUIRE(count > 0);
                y.push_back(max ? best : sum / count);
            }
    return y;
}

template <class T, class Model, std::size_t... Dims>
void check_against_naive(std::size_t PH, std::size_t PW, std::size_t SH, std::size_t SW, Padding padding, bool max,
                         unsigned seed) {
    constexpr std::array<std::size_t, sizeof...(Dims)> dims{Dims...};
    constexpr std::size_t R = dims.size() == 3 ? dims[0] : 1, W = dims[dims.size() - 2], C = dims.back();
    auto m = std::make_unique<Model>();
    for (const auto& input : test::random_inputs<T, Model::input_size>(3, seed)) {
        const auto y = (*m)(input);
        const auto want = naive_pool(std::vector<double>(input.begin(), input.end()), R, W, C, PH, PW, SH, SW,
                                     padding, max);
        REQUIRE(want.size() == Model::output_size);
        for (std::size_t k = 0; k < want.size(); ++k) {
            CAPTURE(k);
            if (max) CHECK(double(y[k]) == want[k]);  // a max is one of its inputs, exactly
            else CHECK(std::abs(double(y[k]) - want[k]) <= 4 * std::numeric_limits<T>::epsilon() * 2);
        }
    }
}

// Pools of 2 and 3 (2D: square and not), strides default, 1, 2, 3, valid and
// same, odd and even lengths, 3, 5 and 17 channels (17: two float vectors of
// AVX and one value over), float and double, max and average.
template <class T, bool Max, std::size_t Pool, Pooling O, std::size_t L, std::size_t C>
void case_1d() {
    using Layer = std::conditional_t<Max, MaxPooling1D<Pool, O>, AveragePooling1D<Pool, O>>;
    CAPTURE(Layer::name.view());
    const std::size_t s = O.strides ? O.strides : Pool;
    check_against_naive<T, BasicSequential<T, Input<L, C>, Layer>, L, C>(1, Pool, 1, s, O.padding, Max, L * 10 + C);
}
template <class T, bool Max, std::size_t PH, std::size_t PW, Pooling O, std::size_t R, std::size_t W, std::size_t C>
void case_2d() {
    using Layer = std::conditional_t<Max, MaxPooling2D<PH, PW, O>, AveragePooling2D<PH, PW, O>>;
    CAPTURE(Layer::name.view());
    const std::size_t sh = O.strides ? O.strides : PH, sw = O.strides ? O.strides : PW;
    check_against_naive<T, BasicSequential<T, Input<R, W, C>, Layer>, R, W, C>(PH, PW, sh, sw, O.padding, Max,
                                                                               unsigned(R * 100 + W * 10 + C));
}

constexpr Padding valid = Padding::valid, same = Padding::same;

template <class T, bool Max>
void all_1d() {
    case_1d<T, Max, 2, Pooling{}, 9, 3>();
    case_1d<T, Max, 2, Pooling{.padding = same}, 9, 5>();
    case_1d<T, Max, 3, Pooling{}, 11, 17>();
    case_1d<T, Max, 3, Pooling{.padding = same}, 10, 3>();
    case_1d<T, Max, 2, Pooling{.strides = 1}, 7, 17>();
    case_1d<T, Max, 3, Pooling{.strides = 1, .padding = same}, 7, 5>();
    case_1d<T, Max, 3, Pooling{.strides = 2}, 9, 3>();
    case_1d<T, Max, 2, Pooling{.strides = 2, .padding = same}, 7, 17>();
    case_1d<T, Max, 2, Pooling{.strides = 3}, 11, 5>();
    case_1d<T, Max, 3, Pooling{.strides = 3, .padding = same}, 11, 3>();
    case_1d<T, Max, 3, Pooling{.strides = 1, .padding = valid}, 3, 17>();  // the pool as long as the input
}
template <class T, bool Max>
void all_2d() {
    case_2d<T, Max, 2, 2, Pooling{}, 7, 5, 3>();
    case_2d<T, Max, 2, 2, Pooling{.padding = same}, 7, 5, 17>();
    case_2d<T, Max, 3, 2, Pooling{}, 9, 6, 5>();
    case_2d<T, Max, 2, 3, Pooling{.padding = same}, 5, 7, 3>();
    case_2d<T, Max, 3, 3, Pooling{.strides = 1}, 5, 5, 17>();
    case_2d<T, Max, 3, 3, Pooling{.strides = 1, .padding = same}, 5, 4, 5>();
    case_2d<T, Max, 2, 3, Pooling{.strides = 2}, 7, 7, 3>();
    case_2d<T, Max, 3, 2, Pooling{.strides = 2, .padding = same}, 6, 5, 5>();
    case_2d<T, Max, 2, 2, Pooling{.strides = 3}, 7, 8, 17>();
    case_2d<T, Max, 3, 3, Pooling{.strides = 3, .padding = same}, 7, 5, 3>();
}

template <class T, class Layer, std::size_t... Dims>
void case_global(bool max) {
    using Model = BasicSequential<T, Input<Dims...>, Layer>;
    constexpr std::array<std::size_t, sizeof...(Dims)> dims{Dims...};
    constexpr std::size_t C = dims.back(), positions = Model::input_size / C;
    static_assert(Model::output_size == C);
    CAPTURE(Layer::name.view());
    Model m;
    for (const auto& x : test::random_inputs<T, Model::input_size>(3, unsigned(positions + C))) {
        const auto y = m(x);
        for (std::size_t c = 0; c < C; ++c) {
            double best = x[c], sum = 0;
            for (std::size_t p = 0; p < positions; ++p) best = std::max(best, double(x[p * C + c])), sum += x[p * C + c];
            if (max) CHECK(double(y[c]) == best);
            else CHECK(std::abs(double(y[c]) - sum / positions) <= 8 * std::numeric_limits<T>::epsilon());
        }
    }
}

}  // namespace

TEST_CASE_TEMPLATE("1D poolings against naive loops", T, float, double) {
    all_1d<T, true>();
    all_1d<T, false>();
}

TEST_CASE_TEMPLATE("2D poolings against naive loops", T, float, double) {
    all_2d<T, true>();
    all_2d<T, false>();
}

TEST_CASE_TEMPLATE("global poolings against naive loops", T, float, double) {
    case_global<T, GlobalAveragePooling1D, 7, 3>(false);
    case_global<T, GlobalAveragePooling1D, 4, 17>(false);
    case_global<T, GlobalMaxPooling1D, 9, 5>(true);
    case_global<T, GlobalMaxPooling1D, 1, 17>(true);
    case_global<T, GlobalAveragePooling2D, 5, 7, 3>(false);
    case_global<T, GlobalAveragePooling2D, 3, 3, 17>(false);
    case_global<T, GlobalMaxPooling2D, 4, 6, 5>(true);
    case_global<T, GlobalMaxPooling2D, 3, 5, 17>(true);
}

// ---- hand-checked cases ---------------------------------------------------------

TEST_CASE("a same-padded average divides by the entries inside the input (Keras), padding split smaller half first") {
    // Pool 3, stride 1 on 4 steps: 2 values of padding, 1 before, 1 after.
    BasicSequential<double, Input<4, 1>, AveragePooling1D<3, Pooling{.strides = 1, .padding = Padding::same}>> a;
    CHECK(a({1, 2, 3, 4}) == std::array<double, 4>{1.5, 2, 3, 3.5});
    // Pool 4, stride 1 on 5 steps: 3 values of padding, 1 before and 2 after
    // (TensorFlow's split; 2 before would give 1.5 first).
    BasicSequential<double, Input<5, 1>, AveragePooling1D<4, Pooling{.strides = 1, .padding = Padding::same}>> b;
    CHECK(b({1, 2, 3, 4, 5}) == std::array<double, 5>{2, 2.5, 3.5, 4, 4.5});
    // Pool 2x2, strides 2 on 3x3: one row and one column of padding, after.
    //   1 2 3        (1+2+4+5)/4 (3+6)/2        3   4.5
    //   4 5 6   ->                          =
    //   7 8 9        (7+8)/2     9/1            7.5 9
    BasicSequential<double, Input<3, 3, 1>, AveragePooling2D<2, 2, Pooling{.padding = Padding::same}>> c;
    CHECK(c({1, 2, 3, 4, 5, 6, 7, 8, 9}) == std::array<double, 4>{3, 4.5, 7.5, 9});
    BasicSequential<double, Input<3, 3, 1>, MaxPooling2D<2, 2, Pooling{.padding = Padding::same}>> d;
    CHECK(d({1, 2, 3, 4, 5, 6, 7, 8, 9}) == std::array<double, 4>{5, 6, 8, 9});
    // Two channels pooled apart, valid, the last step left over.
    BasicSequential<float, Input<5, 2>, AveragePooling1D<2>> e;
    CHECK(e({1, 10, 2, 20, 3, 30, 4, 40, 5, 50}) == std::array<float, 4>{1.5f, 15, 3.5f, 35});
}

TEST_CASE("a max never takes the padding, even when every entry is negative") {
    BasicSequential<float, Input<3, 1>, MaxPooling1D<3, Pooling{.strides = 1, .padding = Padding::same}>> m;
    CHECK(m({-1, -3, -2}) == std::array<float, 3>{-1, -1, -2});
    BasicSequential<float, Input<3, 3, 1>, MaxPooling2D<2, 2, Pooling{.padding = Padding::same}>> m2;
    CHECK(m2({-9, -8, -7, -6, -5, -4, -3, -2, -1}) == std::array<float, 4>{-5, -4, -2, -1});
    BasicSequential<float, Input<2, 2>, GlobalMaxPooling1D> g;
    CHECK(g({-4, -3, -2, -6}) == std::array<float, 2>{-2, -3});
}

// ---- backward --------------------------------------------------------------------

namespace {

// The bound layer of a one-layer model, backward on one sample: dL/dx.
template <class Model, std::size_t In = Model::input_size, std::size_t Out = Model::output_size>
std::vector<double> input_gradient(const std::array<typename Model::value_type, In>& x,
                                   const std::array<typename Model::value_type, Out>& dy_given) {
    using T = typename Model::value_type;
    using B = typename Model::template layer_type<0>;
    auto y = std::make_unique<T[]>(Out);
    auto dy = std::make_unique<T[]>(Out);
    auto dx = std::make_unique<T[]>(In);
    std::fill_n(dx.get(), In, T(-77));  // backward overwrites it
    std::copy(dy_given.begin(), dy_given.end(), dy.get());
    Rng rng(Seed{1});
    B::forward_train(nullptr, nullptr, x.data(), y.get(), nullptr, 1, rng);
    B::template backward<false>(nullptr, nullptr, x.data(), y.get(), nullptr, dy.get(), dx.get(), nullptr, 1);
    B::template backward<false>(nullptr, nullptr, x.data(), y.get(), nullptr, dy.get(), nullptr, nullptr, 1);
    return std::vector<double>(dx.get(), dx.get() + In);
}

}  // namespace

TEST_CASE_TEMPLATE("a max's gradient goes to the first maximal entry of each window, and overlapping windows add", T,
                   float, double) {
    // Windows [0, 2), [1, 3), [2, 4) of 5 5 5 1: each picks its first 5.
    using M = BasicSequential<T, Input<4, 1>, MaxPooling1D<2, Pooling{.strides = 1}>>;
    CHECK(input_gradient<M>({5, 5, 5, 1}, {1, 10, 100}) == std::vector<double>{1, 10, 100, 0});
    // 1 3 3 2 with pool 3: both windows pick index 1, whose gradients add.
    CHECK(input_gradient<M>({1, 3, 3, 2}, {1, 10, 100}) == std::vector<double>{0, 11, 100, 0});
    using M3 = BasicSequential<T, Input<4, 1>, MaxPooling1D<3, Pooling{.strides = 1}>>;
    CHECK(input_gradient<M3>({1, 3, 3, 2}, {1, 10}) == std::vector<double>{0, 11, 0, 0});
    // Row-major order in a 2D window: (0, 1) comes before (1, 0).
    using M2 = BasicSequential<T, Input<2, 2, 2>, MaxPooling2D<2, 2>>;
    CHECK(input_gradient<M2>({7, 1, 7, 3, 7, 3, 7, 2}, {1, 10}) == std::vector<double>{1, 0, 0, 10, 0, 0, 0, 0});
    // Windows that tile the input leave a remainder no window covers: its
    // gradient is 0 (dx is written, not added to, there and everywhere).
    using R1 = BasicSequential<T, Input<5, 1>, MaxPooling1D<2>>;
    CHECK(input_gradient<R1>({1, 2, 4, 3, 9}, {10, 100}) == std::vector<double>{0, 10, 100, 0, 0});
    using R2 = BasicSequential<T, Input<3, 3, 1>, AveragePooling2D<2, 2>>;  // row 2 and column 2 uncovered
    CHECK(input_gradient<R2>({1, 2, 3, 4, 5, 6, 7, 8, 9}, {8}) == std::vector<double>{2, 2, 0, 2, 2, 0, 0, 0, 0});
    static_assert(ctnn::kernels::pool_windows_tile<ctnn::detail::window_axis<5, 2, 2, 1, Padding::valid>,
                                                   ctnn::detail::window_axis<1, 1, 1, 1, Padding::valid>>);
    // 17 channels (whole vectors and values over), each tied across its window
    // except that channel c's largest value appears first at step c % 3.
    using M17 = BasicSequential<T, Input<3, 17>, GlobalMaxPooling1D>;
    std::array<T, 51> x{};
    std::array<T, 17> dy{};
    std::vector<double> want(51, 0.0);
    for (std::size_t c = 0; c < 17; ++c) {
        for (std::size_t s = 0; s < 3; ++s) x[s * 17 + c] = s >= c % 3 ? T(2) : T(1);
        dy[c] = T(c + 1);
        want[(c % 3) * 17 + c] = double(c + 1);
    }
    CHECK(input_gradient<M17>(x, dy) == want);
    // Same padding (3 -> 2 windows a side, the padding after): the windows hold
    // {-9, -8, -6, -10}, {-7, -4}, {-3, -2} and {-1}; padding never wins.
    using MS = BasicSequential<T, Input<3, 3, 1>, MaxPooling2D<2, 2, Pooling{.strides = 2, .padding = Padding::same}>>;
    CHECK(input_gradient<MS>({-9, -8, -7, -6, -10, -4, -3, -2, -1}, {1, 10, 100, 1000}) ==
          std::vector<double>{0, 0, 0, 1, 0, 10, 0, 100, 1000});
}

TEST_CASE_TEMPLATE("an average spreads dy / count over its window's entries", T, float, double) {
    using M = BasicSequential<T, Input<4, 1>, AveragePooling1D<3, Pooling{.strides = 1, .padding = Padding::same}>>;
    // Windows {0, 1}, {0, 1, 2}, {1, 2, 3}, {2, 3}.
    const auto dx = input_gradient<M>({1, 2, 3, 4}, {2, 3, 6, 4});
    const std::vector<double> want{2.0 / 2 + 3.0 / 3, 2.0 / 2 + 3.0 / 3 + 6.0 / 3, 3.0 / 3 + 6.0 / 3 + 4.0 / 2,
                                   6.0 / 3 + 4.0 / 2};
    for (std::size_t k = 0; k < 4; ++k) CHECK(dx[k] == doctest::Approx(want[k]).epsilon(1e-6));
    using G = BasicSequential<T, Input<2, 2, 3>, GlobalAveragePooling2D>;
    const auto dg = input_gradient<G>({}, {4, 8, -2});
    for (std::size_t p = 0; p < 4; ++p) {
        CHECK(dg[p * 3 + 0] == 1);
        CHECK(dg[p * 3 + 1] == 2);
        CHECK(dg[p * 3 + 2] == -0.5);
    }
}

// ---- gradients by finite differences -------------------------------------------
// Random inputs and weights keep the entries of a max's window apart by far
// more than the finite differences' step, so the max is differentiable there.

TEST_CASE("the poolings' gradients match finite differences through whole models") {
    using D = double;
    test::check_gradient<BasicSequential<D, Input<9, 3>, Dense<3, 3, Tanh>,
                                         AveragePooling1D<2, Pooling{.strides = 1, .padding = Padding::same}>, Flatten,
                                         Dense<27, 2, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    test::check_gradient<BasicSequential<D, Input<9, 3>, Dense<3, 3, Tanh>, MaxPooling1D<3, Pooling{.strides = 2}>,
                                         Flatten, Dense<12, 2, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    test::check_gradient<BasicSequential<D, Input<8, 2>, Dense<2, 5, Tanh>,
                                         MaxPooling1D<3, Pooling{.strides = 1, .padding = Padding::same}>, Flatten,
                                         Dense<40, 1, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    test::check_gradient<BasicSequential<D, Input<5, 5, 2>, Dense<2, 3, Tanh>,
                                         MaxPooling2D<2, 2, Pooling{.padding = Padding::same}>, Flatten,
                                         Dense<27, 2, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    test::check_gradient<BasicSequential<D, Input<4, 5, 2>, Dense<2, 3, Tanh>, AveragePooling2D<3, 2, Pooling{.strides = 1}>,
                                         Flatten, Dense<24, 2, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    test::check_gradient<BasicSequential<D, Input<5, 4, 2>, Dense<2, 3, Tanh>,
                                         AveragePooling2D<3, 3, Pooling{.strides = 2, .padding = Padding::same}>,
                                         Flatten, Dense<18, 2, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    test::check_gradient<BasicSequential<D, Input<6, 3>, Dense<3, 4, Tanh>, GlobalAveragePooling1D, Dense<4, 2, Sigmoid>>>(
        BinaryCrossentropy{}, 0, 1);
    test::check_gradient<BasicSequential<D, Input<6, 3>, Dense<3, 4, Tanh>, GlobalMaxPooling1D, Dense<4, 2, Sigmoid>>>(
        BinaryCrossentropy{}, 0, 1);
    test::check_gradient<BasicSequential<D, Input<3, 4, 2>, Dense<2, 4, Tanh>, GlobalAveragePooling2D,
                                         Dense<4, 2, Sigmoid>>>(BinaryCrossentropy{}, 0, 1);
    test::check_gradient<BasicSequential<D, Input<3, 4, 2>, Dense<2, 4, Tanh>, GlobalMaxPooling2D, Dense<4, 2, Sigmoid>>>(
        BinaryCrossentropy{}, 0, 1);
    // A pooling first: its dx is null (the model's input needs none).
    test::check_gradient<BasicSequential<D, Input<6, 2>, MaxPooling1D<2>, Flatten, Dense<6, 1, Sigmoid>>>(
        BinaryCrossentropy{}, 0, 1);
}

TEST_CASE("a model with poolings trains with the trainer") {
    // Which of two channels holds a bump somewhere along 12 steps.
    Sequential<Input<12, 2>, Dense<2, 4, Tanh>, MaxPooling1D<2>, AveragePooling1D<3, Pooling{.strides = 1}>,
               GlobalMaxPooling1D, Dense<4, 1, Sigmoid>>
        model(Seed{4});
    Dataset<float, 24, 1> data;
    for (std::size_t i = 0; i < 48; ++i) {
        std::array<float, 24> x{};
        const std::size_t channel = i % 2, at = (i * 5) % 12;
        x[at * 2 + channel] = 1;
        data.x.push_back(x);
        data.y.push_back({float(channel)});
    }
    auto trainer = compile(model, Adam{.learning_rate = 0.05}, BinaryCrossentropy{}, BinaryAccuracy{});
    const double before = trainer.evaluate(data)["loss"];
    const History history = trainer.fit(data, {.batch_size = 8, .epochs = 100, .verbose = 0});
    CHECK(trainer.evaluate(data)["loss"] < 0.5 * before);
    CHECK(history["binary_accuracy"].back() == 1.0);
}
