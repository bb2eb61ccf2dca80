// Conv1D, Conv2D, DepthwiseConv2D: spelling, Keras' output shapes, weight
// manifests and fans; the forward pass against a naive reference written here
// with explicit index math and padding (every padding, strides 1-3, dilation
// 1-3, per-axis strides and dilation, groups, depth multipliers, no bias,
// channels that are not multiples of a vector); gradients by finite
// differences (a Dense before the convolution, so its input gradient is
// checked too); save/load and summary.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/layers/conv1d.hpp>
#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/depthwise_conv2d.hpp>

#include "support/finite_differences.hpp"
#include "support/reference.hpp"
#include "support/temp_dir.hpp"

using namespace ctnn;

namespace {

// ---- the reference, from Keras' definitions -------------------------------
struct Spec {
    std::size_t rows, cols, channels, filters, groups, kh, kw, sh, sw, dh, dw;
    Padding padding;
    bool bias;
    std::size_t multiplier;  // 0: not depthwise
};

std::size_t out_length(std::size_t length, std::size_t k, std::size_t s, std::size_t d, Padding p) {
    const std::size_t span = d * (k - 1) + 1;
    return p == Padding::valid ? (length - span) / s + 1 : (length + s - 1) / s;
}

long long pad_before(std::size_t length, std::size_t k, std::size_t s, std::size_t d, Padding p) {
    if (p == Padding::valid) return 0;
    if (p == Padding::causal) return static_cast<long long>(d * (k - 1));
    const long long out = static_cast<long long>(out_length(length, k, s, d, p));
    const long long total = std::max((out - 1) * (long long)s + (long long)(d * (k - 1) + 1) - (long long)length, 0LL);
    return total / 2;  // TensorFlow: the smaller half first
}

// Pre-activations y(oh, ow, f) in row-major order.
std::vector<double> reference(const Spec& s, const std::vector<double>& x, const std::vector<double>& params) {
    const std::size_t oh_n = out_length(s.rows, s.kh, s.sh, s.dh, s.padding);
    const std::size_t ow_n = out_length(s.cols, s.kw, s.sw, s.dw, s.padding);
    const long long ph = pad_before(s.rows, s.kh, s.sh, s.dh, s.padding);
    const long long pw = pad_before(s.cols, s.kw, s.sw, s.dw, s.padding);
    const std::size_t C = s.channels, F = s.filters;
    const std::size_t kernel_values = s.multiplier ? s.kh * s.kw * C * s.multiplier : s.kh * s.kw * (C / s.groups) * F;
    std::vector<double> y;
    for (std::size_t oh = 0; oh < oh_n; ++oh)
        for (std::size_t ow = 0; ow < ow_n; ++ow)
            for (std::size_t f = 0; f < F; ++f) {
                double sum = s.bias ? params[kernel_values + f] : 0.0;
                for (std::size_t kh = 0; kh < s.kh; ++kh)
                    for (std::size_t kw = 0; kw < s.kw; ++kw) {
                        const long long ih = (long long)(oh * s.sh + kh * s.dh) - ph;
                        const long long iw = (long long)(ow * s.sw + kw * s.dw) - pw;
                        if (ih < 0 || iw < 0 || ih >= (long long)s.rows || iw >= (long long)s.cols) continue;  // zeros
                        const std::size_t pixel = ((std::size_t)ih * s.cols + (std::size_t)iw) * C;
                        if (s.multiplier) {  // (KH, KW, C, M), output c * M + m
                            const std::size_t c = f / s.multiplier, m = f % s.multiplier;
                            sum += x[pixel + c] * params[((kh * s.kw + kw) * C + c) * s.multiplier + m];
                        } else {  // (KH, KW, C / groups, F)
                            const std::size_t cg = C / s.groups, g = f / (F / s.groups);
                            for (std::size_t c = 0; c < cg; ++c)
                                sum += x[pixel + g * cg + c] * params[((kh * s.kw + kw) * cg + c) * F + f];
                        }
                    }
                y.push_back(sum);
            }
    return y;
}

template <class L>
struct spec_of;
template <std::size_t F, std::size_t K, class A, Conv O>
struct spec_of<Conv1D<F, K, A, O>> {
    static Spec make(std::size_t steps, std::size_t c) {
        return {1, steps, c, F, O.groups, 1, K, 1, O.strides.rows, 1, O.dilation_rate.rows, O.padding, O.use_bias, 0};
    }
};
template <std::size_t F, std::size_t KH, std::size_t KW, class A, Conv O>
struct spec_of<Conv2D<F, KH, KW, A, O>> {
    static Spec make(std::size_t r, std::size_t w, std::size_t c) {
        return {r, w, c, F, O.groups, KH, KW, O.strides.rows, O.strides.cols, O.dilation_rate.rows,
                O.dilation_rate.cols, O.padding, O.use_bias, 0};
    }
};
template <std::size_t KH, std::size_t KW, class A, Conv O>
struct spec_of<DepthwiseConv2D<KH, KW, A, O>> {
    static Spec make(std::size_t r, std::size_t w, std::size_t c) {
        return {r, w, c, c * O.depth_multiplier, c, KH, KW, O.strides.rows, O.strides.cols, O.dilation_rate.rows,
                O.dilation_rate.cols, O.padding, O.use_bias, O.depth_multiplier};
    }
};

double activate(double z, std::string_view act) {
    if (act == "ctnn::Tanh") return std::tanh(z);
    if (act == "ctnn::ReLU") return z > 0 ? z : 0;
    REQUIRE(act == "ctnn::Linear");
    return z;
}

// The layer alone in a model of T, random weights and input, against the reference.
template <class T, class L, std::size_t... D>
void check_forward(unsigned seed = 1) {
    using M = BasicSequential<T, Input<D...>, L>;
    M m(Seed{seed});
    Rng rng(Seed{seed + 7});
    for (T& w : m.parameters()) w = static_cast<T>(rng.uniform(-1, 1));
    const auto x = test::random_inputs<T, M::input_size>(1, seed)[0];
    const auto y = m(x);
    const std::vector<double> xd(x.begin(), x.end());
    const std::vector<double> pd(m.parameters().begin(), m.parameters().end());
    const auto z = reference(spec_of<L>::make(D...), xd, pd);
    REQUIRE(z.size() == M::output_size);
    const double tolerance = std::is_same_v<T, float> ? 1e-4 : 1e-12;
    double largest = 0;
    for (std::size_t i = 0; i < z.size(); ++i) {
        const double want = activate(z[i], typename L::activation{}.name.view());
        CAPTURE(i);
        CHECK(std::abs(double(y[i]) - want) <= tolerance * std::max(1.0, std::abs(want)));
        largest = std::max(largest, std::abs(want));
    }
    CHECK(largest > 0.1);  // the outputs are not all zero
}

// L between a Dense<C, C, Tanh> (so L's input gradient is checked through the
// Dense's weights) and a Flatten and a Dense<N, 2, Sigmoid>.
template <class L, std::size_t... D>
struct around {
    static constexpr std::size_t C = Shape<D...>::channels;
    using inner = BasicSequential<double, Input<D...>, Dense<C, C, Tanh>, L>;
    using type = BasicSequential<double, Input<D...>, Dense<C, C, Tanh>, L, Flatten, Dense<inner::output_size, 2, Sigmoid>>;
};

template <class L, std::size_t... D>
void check_gradient() {
    test::check_gradient<typename around<L, D...>::type>(BinaryCrossentropy{}, 0, 1);
}

}  // namespace

TEST_CASE("convolutions spell themselves as C++ and name Keras' class") {
    static_assert(Conv1D<8, 3, ReLU>::name.view() == "ctnn::Conv1D<8, 3, ctnn::ReLU>");
    static_assert(Conv1D<8, 3>::name.view() == "ctnn::Conv1D<8, 3, ctnn::Linear>");
    static_assert(Conv1D<8, 3, ReLU, Conv{.padding = Padding::causal, .dilation_rate = 2}>::name.view() ==
                  "ctnn::Conv1D<8, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 2}>");
    static_assert(Conv2D<32, 3, 3, ReLU, Conv{.strides = {2, 1}, .padding = Padding::same}>::name.view() ==
                  "ctnn::Conv2D<32, 3, 3, ctnn::ReLU, ctnn::Conv{.strides = {2, 1}, .padding = ctnn::Padding::same}>");
    static_assert(Conv2D<4, 1, 2, Tanh, Conv{.groups = 2, .use_bias = false}>::name.view() ==
                  "ctnn::Conv2D<4, 1, 2, ctnn::Tanh, ctnn::Conv{.groups = 2, .use_bias = false}>");
    static_assert(DepthwiseConv2D<3, 3, Linear, Conv{.depth_multiplier = 2}>::name.view() ==
                  "ctnn::DepthwiseConv2D<3, 3, ctnn::Linear, ctnn::Conv{.depth_multiplier = 2}>");
    CHECK(Conv1D<8, 3>::bind<float, Shape<10, 2>>::kind.view() == "Conv1D");
    CHECK(Conv2D<8, 3, 3>::bind<float, Shape<10, 10, 2>>::kind.view() == "Conv2D");
    CHECK(DepthwiseConv2D<3, 3>::bind<float, Shape<10, 10, 2>>::kind.view() == "DepthwiseConv2D");
}

TEST_CASE("output shapes follow Keras' formulas") {
    // valid: floor((L - d(K - 1) - 1) / s) + 1
    static_assert(std::is_same_v<Conv1D<4, 3>::output_shape<Shape<10, 2>>, Shape<8, 4>>);
    static_assert(std::is_same_v<Conv1D<4, 3, Linear, Conv{.strides = 3}>::output_shape<Shape<10, 2>>, Shape<3, 4>>);
    static_assert(std::is_same_v<Conv1D<4, 3, Linear, Conv{.dilation_rate = 3}>::output_shape<Shape<10, 2>>, Shape<4, 4>>);
    static_assert(std::is_same_v<Conv1D<4, 10>::output_shape<Shape<10, 2>>, Shape<1, 4>>);
    // same and causal: ceil(L / s)
    static_assert(std::is_same_v<Conv1D<4, 3, Linear, Conv{.strides = 3, .padding = Padding::same}>::output_shape<Shape<10, 2>>, Shape<4, 4>>);
    static_assert(std::is_same_v<Conv1D<4, 5, Linear, Conv{.padding = Padding::causal, .dilation_rate = 2}>::output_shape<Shape<10, 2>>, Shape<10, 4>>);
    static_assert(std::is_same_v<Conv2D<6, 3, 3, Linear, Conv{.strides = {2, 1}, .padding = Padding::same}>::output_shape<Shape<7, 6, 3>>, Shape<4, 6, 6>>);
    static_assert(std::is_same_v<Conv2D<6, 3, 2, Linear, Conv{.dilation_rate = {2, 3}}>::output_shape<Shape<7, 6, 3>>, Shape<3, 3, 6>>);
    static_assert(std::is_same_v<DepthwiseConv2D<3, 3, Linear, Conv{.strides = 2, .depth_multiplier = 3}>::output_shape<Shape<9, 8, 5>>, Shape<4, 3, 15>>);
    using M = Sequential<Input<28, 28, 1>, Conv2D<8, 3, 3, ReLU>, DepthwiseConv2D<3, 3, ReLU, Conv{.strides = 2}>,
                         Conv2D<4, 1, 1>, Flatten, Dense<12 * 12 * 4, 10, Softmax>>;
    static_assert(std::is_same_v<M::output_shape, Shape<10>>);
    static_assert(M::input_size == 784);
}

TEST_CASE("weights follow Keras' layout, kernel then bias") {
    using A = Conv1D<6, 3, ReLU, Conv{.groups = 2}>::bind<float, Shape<10, 4>>;
    static_assert(A::weights.size() == 2 && A::weights[0].name == "kernel" && A::weights[0].rank == 3);
    static_assert(A::weights[0].shape == std::array<std::size_t, 4>{3, 2, 6, 0});
    static_assert(A::weights[1].name == "bias" && A::weights[1].shape[0] == 6);
    static_assert(A::parameter_count == 3 * 2 * 6 + 6 && A::state_count == 0);
    static_assert(A::input_size == 40 && A::output_size == 8 * 6);
    using B = Conv2D<5, 3, 2, Linear, Conv{.use_bias = false}>::bind<double, Shape<6, 5, 7>>;
    static_assert(B::weights.size() == 1 && B::weights[0].rank == 4);
    static_assert(B::weights[0].shape == std::array<std::size_t, 4>{3, 2, 7, 5});
    static_assert(B::parameter_count == 3 * 2 * 7 * 5);
    using D = DepthwiseConv2D<3, 2, Linear, Conv{.depth_multiplier = 2}>::bind<float, Shape<6, 5, 3>>;
    static_assert(D::weights[0].name == "depthwise_kernel");
    static_assert(D::weights[0].shape == std::array<std::size_t, 4>{3, 2, 3, 2});
    static_assert(D::weights[1].shape[0] == 6 && D::parameter_count == 3 * 2 * 3 * 2 + 6);

    // The typed view indexes Keras' dimensions.
    BasicSequential<double, Input<6, 5, 3>, DepthwiseConv2D<3, 2, Linear, Conv{.depth_multiplier = 2}>> m;
    for (std::size_t k = 0; k < m.parameters().size(); ++k) m.parameters()[k] = double(k);
    const auto v = m.layer<0>();
    CHECK(v.kernel(0, 0, 0, 1) == 1);
    CHECK(v.kernel(1, 0, 2, 1) == ((1 * 2 + 0) * 3 + 2) * 2 + 1);
    CHECK(v.kernel().size() == 36);
    CHECK(v.bias()[0] == 36);
}

TEST_CASE_TEMPLATE("Conv1D forward against the reference", T, float, double) {
    check_forward<T, Conv1D<5, 3>, 9, 3>();
    check_forward<T, Conv1D<5, 3, Tanh, Conv{.padding = Padding::same}>, 9, 3>();
    check_forward<T, Conv1D<4, 4, ReLU, Conv{.padding = Padding::same}>, 10, 7>(2);  // even kernel: uneven padding
    check_forward<T, Conv1D<3, 3, Linear, Conv{.padding = Padding::causal}>, 8, 5>();
    check_forward<T, Conv1D<3, 2, Linear, Conv{.padding = Padding::causal, .dilation_rate = 3}>, 11, 2>();
    check_forward<T, Conv1D<7, 3, Linear, Conv{.strides = 2}>, 11, 5>();
    check_forward<T, Conv1D<7, 3, Linear, Conv{.strides = 3, .padding = Padding::same}>, 11, 5>();
    check_forward<T, Conv1D<6, 5, Linear, Conv{.strides = 2, .padding = Padding::same}>, 12, 3>();
    check_forward<T, Conv1D<5, 3, Linear, Conv{.dilation_rate = 2}>, 13, 3>();
    check_forward<T, Conv1D<5, 3, Linear, Conv{.padding = Padding::same, .dilation_rate = 3}>, 13, 3>();
    check_forward<T, Conv1D<6, 3, Linear, Conv{.groups = 3}>, 9, 6>();
    check_forward<T, Conv1D<4, 2, Linear, Conv{.padding = Padding::same, .groups = 2, .use_bias = false}>, 7, 6>();
    check_forward<T, Conv1D<17, 3>, 5, 1>();
    check_forward<T, Conv1D<3, 1>, 5, 35>();
}

TEST_CASE_TEMPLATE("Conv2D forward against the reference", T, float, double) {
    check_forward<T, Conv2D<4, 3, 3>, 7, 6, 3>();
    check_forward<T, Conv2D<5, 3, 2, ReLU, Conv{.padding = Padding::same}>, 7, 6, 3>();
    check_forward<T, Conv2D<5, 3, 3, Linear, Conv{.strides = {2, 1}, .padding = Padding::same}>, 7, 6, 3>();
    check_forward<T, Conv2D<5, 3, 3, Linear, Conv{.strides = {1, 3}}>, 7, 10, 5>();
    check_forward<T, Conv2D<3, 2, 3, Tanh, Conv{.dilation_rate = {2, 1}}>, 7, 6, 5>();
    check_forward<T, Conv2D<3, 3, 3, Linear, Conv{.padding = Padding::same, .dilation_rate = {1, 2}}>, 6, 7, 5>();
    check_forward<T, Conv2D<3, 3, 3, Linear, Conv{.padding = Padding::same, .dilation_rate = 3}>, 6, 7, 2>();
    check_forward<T, Conv2D<6, 3, 3, Linear, Conv{.strides = 2, .padding = Padding::same, .groups = 3}>, 7, 7, 3>();
    check_forward<T, Conv2D<4, 2, 2, Linear, Conv{.groups = 2, .use_bias = false}>, 5, 5, 6>();
    check_forward<T, Conv2D<9, 1, 1>, 3, 4, 7>();
}

TEST_CASE_TEMPLATE("DepthwiseConv2D forward against the reference", T, float, double) {
    check_forward<T, DepthwiseConv2D<3, 3>, 7, 6, 3>();
    check_forward<T, DepthwiseConv2D<3, 3, ReLU, Conv{.padding = Padding::same, .depth_multiplier = 2}>, 7, 6, 5>();
    check_forward<T, DepthwiseConv2D<2, 3, Linear, Conv{.strides = {2, 1}, .use_bias = false}>, 7, 6, 7>();
    check_forward<T, DepthwiseConv2D<3, 2, Linear, Conv{.dilation_rate = 2, .depth_multiplier = 3}>, 7, 6, 3>();
}

TEST_CASE("Conv1D gradients by finite differences") {
    check_gradient<Conv1D<5, 3, Tanh, Conv{.padding = Padding::same}>, 9, 3>();
    check_gradient<Conv1D<4, 3>, 7, 3>();
    check_gradient<Conv1D<3, 2, Linear, Conv{.padding = Padding::causal, .dilation_rate = 2}>, 7, 3>();
    check_gradient<Conv1D<3, 3, ReLU, Conv{.strides = 2, .padding = Padding::same}>, 8, 5>();
    check_gradient<Conv1D<3, 3, Linear, Conv{.strides = 3}>, 10, 2>();
    check_gradient<Conv1D<4, 2, Tanh, Conv{.padding = Padding::same, .dilation_rate = 3}>, 7, 3>();
    check_gradient<Conv1D<4, 3, Linear, Conv{.groups = 2, .use_bias = false}>, 6, 4>();
}

TEST_CASE("Conv2D and DepthwiseConv2D gradients by finite differences") {
    check_gradient<Conv2D<3, 3, 2, Tanh, Conv{.padding = Padding::same}>, 5, 4, 3>();
    check_gradient<Conv2D<3, 2, 2, Linear, Conv{.strides = {2, 1}}>, 5, 4, 3>();
    check_gradient<Conv2D<2, 2, 2, Tanh, Conv{.padding = Padding::same, .dilation_rate = {1, 2}}>, 4, 5, 3>();
    check_gradient<Conv2D<4, 2, 2, Linear, Conv{.groups = 2}>, 4, 4, 2>();
    check_gradient<DepthwiseConv2D<2, 2, Tanh, Conv{.padding = Padding::same, .depth_multiplier = 2}>, 4, 4, 3>();
    check_gradient<DepthwiseConv2D<3, 2, Linear, Conv{.strides = 2, .use_bias = false}>, 5, 4, 3>();
}

TEST_CASE("Glorot uniform kernels with Keras' fans for conv kernels, zero biases") {
    auto check_limit = [](auto kernel, auto bias, double fan_in, double fan_out) {
        const double limit = std::sqrt(6.0 / (fan_in + fan_out));
        double highest = 0;
        for (auto w : kernel) {
            REQUIRE(std::abs(double(w)) <= limit);
            highest = std::max(highest, std::abs(double(w)));
        }
        CHECK(highest > 0.95 * limit);
        for (auto b : bias) CHECK(b == 0);
    };
    Sequential<Input<8, 8, 4>, Conv2D<16, 3, 3>> a(Seed{1});
    check_limit(a.layer<0>().kernel(), a.layer<0>().bias(), 9.0 * 4, 9.0 * 16);
    Sequential<Input<8, 8, 4>, DepthwiseConv2D<3, 3, Linear, Conv{.depth_multiplier = 8}>> b(Seed{2});
    check_limit(b.layer<0>().kernel(), b.layer<0>().bias(), 9.0 * 4, 9.0 * 8);
    Sequential<Input<10, 4>, Conv1D<12, 5, Linear, Conv{.groups = 2}>> c(Seed{3});
    check_limit(c.layer<0>().kernel(), c.layer<0>().bias(), 5.0 * 2, 5.0 * 12);
}

namespace {
using ConvModel = Sequential<Input<12, 10, 3>, Conv2D<4, 3, 3, ReLU, Conv{.strides = 2, .padding = Padding::same}>,
                             DepthwiseConv2D<3, 3, Tanh>, Flatten, Dense<48, 6>, Reshape<6, 1>,
                             Conv1D<2, 3, Linear, Conv{.padding = Padding::causal}>, Flatten, Dense<12, 1>>;
}

TEST_CASE("a convolution model saves, loads and summarizes") {
    ConvModel m(Seed{1}), back(Seed{2});
    test::TempDir dir;
    save(m, dir / "conv.ctnn");
    load(back, dir / "conv.ctnn");
    CHECK(std::ranges::equal(m.parameters(), back.parameters()));
    const auto x = test::random_inputs<float, 360>(1, 3)[0];
    CHECK(m(x) == back(x));

    std::ostringstream os;
    summary(m, os);
    const std::string table = os.str();
    CAPTURE(table);
    CHECK(table.find("(Conv2D)") != std::string::npos);
    CHECK(table.find("(None, 6, 5, 4)") != std::string::npos);
    CHECK(table.find("112") != std::string::npos);  // 3 * 3 * 3 * 4 + 4
    CHECK(table.find("(DepthwiseConv2D)") != std::string::npos);
    CHECK(table.find("(None, 4, 3, 4)") != std::string::npos);
    CHECK(table.find("(Conv1D)") != std::string::npos);
    CHECK(table.find("(None, 6, 2)") != std::string::npos);
    CHECK(table.find("Total params: " + std::to_string(ConvModel::parameter_count)) != std::string::npos);
}
