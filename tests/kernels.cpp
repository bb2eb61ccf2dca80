// The kernels against plain loops in double, over the shapes that exercise
// their edges: the register-tiled product (core/kernels/gemm.hpp) with row counts
// that leave every possible short tile, column counts that need narrower
// vectors and scalars, and A read both row-major and transposed; the tile
// transposes (core/detail/transpose.hpp) with leftover columns; training's
// elementwise loops (core/kernels/elementwise.hpp) for every tail length;
// Winograd's 3x3 convolution (core/kernels/winograd.hpp) for odd output
// sizes, padding inside tiles, no bias and several chunks of tiles; the
// whole-window GEMM (core/kernels/im2col.hpp) forward and for the kernel
// gradient, over padding, strides, dilation and several blocks.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/activations/elu.hpp>
#include <ctnn/activations/relu.hpp>
#include <ctnn/activations/sigmoid.hpp>
#include <ctnn/activations/tanh.hpp>
#include <ctnn/core/detail/transpose.hpp>
#include <ctnn/core/kernels/dense.hpp>
#include <ctnn/core/kernels/elementwise.hpp>
#include <ctnn/core/kernels/conv.hpp>
#include <ctnn/core/kernels/gemm.hpp>
#include <ctnn/core/kernels/winograd.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/layers/conv1d.hpp>
#include <ctnn/layers/conv2d.hpp>

namespace {

template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
    ctnn::Rng rng(ctnn::Seed{seed});
    std::vector<T> v(n);
    for (T& x : v) x = T(rng.uniform(-1, 1));
    return v;
}

// C = A B (+ bias), or C += A B, for m x k by k x N, A transposed or not,
// against a double loop.
enum class Start { zero, bias, accumulate };
template <class T, std::size_t N>
double gemm_error(std::size_t m, std::size_t k, bool transposed, Start start) {
    const auto a = random_values<T>(m * k, 1), b = random_values<T>(k * N, 2), bias = random_values<T>(N, 3);
    // A is m x k; stored row-major (a_m = k, a_k = 1) or as its transpose (a_m = 1, a_k = m).
    const std::size_t a_m = transposed ? 1 : k, a_k = transposed ? m : 1;
    std::vector<T> c = random_values<T>(m * N + 1, 4);
    c[m * N] = T(7);  // one guard value after the end
    const std::vector<T> before = c;
    if (start == Start::accumulate)
        ctnn::kernels::gemm_accumulate<T, N>(m, k, a.data(), a_m, a_k, b.data(), N, c.data(), N);
    else
        ctnn::kernels::gemm<T, N>(m, k, a.data(), a_m, a_k, b.data(), N, start == Start::bias ? bias.data() : nullptr,
                                  c.data(), N);
    double worst = c[m * N] == T(7) ? 0.0 : 1e9;  // nothing written past C
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < N; ++j) {
            double want = start == Start::bias         ? double(bias[j])
                          : start == Start::accumulate ? double(before[i * N + j])
                                                       : 0.0;
            for (std::size_t t = 0; t < k; ++t) want += double(a[i * a_m + t * a_k]) * double(b[t * N + j]);
            worst = std::max(worst, std::abs(double(c[i * N + j]) - want));
        }
    return worst;
}

template <class T, std::size_t N>
void check_gemm() {
    const double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-13;
    for (std::size_t m : {1, 2, 3, 4, 5, 6, 7, 11, 13, 128})
        for (std::size_t k : {1, 3, 33})
            for (bool transposed : {false, true})
                for (Start start : {Start::zero, Start::bias, Start::accumulate}) {
                    CAPTURE(N);
                    CAPTURE(m);
                    CAPTURE(k);
                    CAPTURE(transposed);
                    CAPTURE(int(start));
                    CHECK(gemm_error<T, N>(m, k, transposed, start) < tolerance);
                }
}

// The geometry of Conv2D<F, KH, KW, Linear, O> on (R, Cols, C).
template <class T, std::size_t R, std::size_t Cols, std::size_t C, std::size_t F, ctnn::Conv O = ctnn::Conv{},
          std::size_t KH = 3, std::size_t KW = 3>
using conv_geometry_of =
    typename ctnn::Conv2D<F, KH, KW, ctnn::Linear, O>::template bind<T, ctnn::Shape<R, Cols, C>>::geometry;

// The largest scaled error of conv_forward (through Winograd where it
// applies) against a double loop over the taps, with or without the bias.
template <class T, class G>
double conv_error(bool with_bias) {
    constexpr std::size_t C = G::channels, F = G::filters;
    const auto w = random_values<T>(G::kernel_size, 4), x = random_values<T>(G::input_size, 5);
    const auto bias = random_values<T>(F, 6);
    std::vector<T> y(G::output_size, T(7));
    ctnn::kernels::conv_forward<T, G>(w.data(), with_bias ? bias.data() : nullptr, x.data(), y.data());
    double worst = 0;
    for (std::size_t oh = 0; oh < G::out_rows; ++oh)
        for (std::size_t ow = 0; ow < G::out_cols; ++ow)
            for (std::size_t f = 0; f < F; ++f) {
                double want = with_bias ? double(bias[f]) : 0.0;
                for (std::size_t i = 0; i < G::kernel_rows; ++i)
                    for (std::size_t j = 0; j < G::kernel_cols; ++j) {
                        const std::size_t r = G::input_row(oh, i), c = G::input_col(ow, j);
                        if (r >= G::rows || c >= G::cols) continue;  // padding (wrapped below 0)
                        for (std::size_t ch = 0; ch < C; ++ch)
                            want += double(x[(r * G::cols + c) * C + ch]) *
                                    double(w[((i * G::kernel_cols + j) * C + ch) * F + f]);
                    }
                const double got = double(y[(oh * G::out_cols + ow) * F + f]);
                worst = std::max(worst, std::abs(got - want) / std::max(1.0, std::abs(want)));
            }
    return worst;
}

// The largest scaled error of conv_kernel_gradient (dw += dL/dW for one
// sample, onto values already there) against a double loop over the outputs.
template <class T, class G>
double kernel_gradient_error() {
    constexpr std::size_t C = G::channels, F = G::filters;
    const auto x = random_values<T>(G::input_size, 7), dz = random_values<T>(G::output_size, 8);
    auto dw = random_values<T>(G::kernel_size, 9);
    const auto before = dw;
    ctnn::kernels::conv_kernel_gradient<T, G>(x.data(), dz.data(), dw.data());
    double worst = 0;
    for (std::size_t i = 0; i < G::kernel_rows; ++i)
        for (std::size_t j = 0; j < G::kernel_cols; ++j)
            for (std::size_t ch = 0; ch < C; ++ch)
                for (std::size_t f = 0; f < F; ++f) {
                    const std::size_t at = ((i * G::kernel_cols + j) * C + ch) * F + f;
                    double want = double(before[at]);
                    for (std::size_t oh = 0; oh < G::out_rows; ++oh)
                        for (std::size_t ow = 0; ow < G::out_cols; ++ow) {
                            const std::size_t r = G::input_row(oh, i), c = G::input_col(ow, j);
                            if (r >= G::rows || c >= G::cols) continue;
                            want += double(x[(r * G::cols + c) * C + ch]) * double(dz[(oh * G::out_cols + ow) * F + f]);
                        }
                    worst = std::max(worst, std::abs(double(dw[at]) - want) / std::max(1.0, std::abs(want)));
                }
    return worst;
}

// The largest scaled error of Winograd's input gradient (dx from dz through
// the transformed kernels training makes) against a double loop: dx(i, c) =
// sum over outputs o and taps k with i = input_row(o, k) of dz(o, f) W(k, c, f).
template <class T, class G>
double winograd_input_gradient_error() {
    constexpr std::size_t C = G::channels, F = G::filters;
    const auto w = random_values<T>(G::kernel_size, 10), dz = random_values<T>(G::output_size, 11);
    std::vector<T> u(ctnn::kernels::winograd_training_values<T, G>);
    std::vector<T> dx(G::input_size, T(7));
    ctnn::kernels::winograd_transform_kernel<T, G>(w.data(), u.data(), u.data() + u.size() / 2);
    ctnn::kernels::winograd_input_gradient<T, G>(u.data() + u.size() / 2, dz.data(), dx.data());
    std::vector<double> want(G::input_size, 0.0);
    for (std::size_t oh = 0; oh < G::out_rows; ++oh)
        for (std::size_t ow = 0; ow < G::out_cols; ++ow)
            for (std::size_t i = 0; i < 3; ++i)
                for (std::size_t j = 0; j < 3; ++j) {
                    const std::size_t r = G::input_row(oh, i), c = G::input_col(ow, j);
                    if (r >= G::rows || c >= G::cols) continue;
                    for (std::size_t ch = 0; ch < C; ++ch)
                        for (std::size_t f = 0; f < F; ++f)
                            want[(r * G::cols + c) * C + ch] += double(dz[(oh * G::out_cols + ow) * F + f]) *
                                                                double(w[((i * 3 + j) * C + ch) * F + f]);
                }
    double worst = 0;
    for (std::size_t k = 0; k < G::input_size; ++k)
        worst = std::max(worst, std::abs(double(dx[k]) - want[k]) / std::max(1.0, std::abs(want[k])));
    return worst;
}

// The largest scaled error of Winograd's kernel gradient over n samples
// (added onto values already there) against conv_kernel_gradient's double
// loop, sample by sample.
template <class T, class G>
double winograd_kernel_gradient_error(std::size_t n) {
    constexpr std::size_t C = G::channels, F = G::filters;
    const auto x = random_values<T>(n * G::input_size, 12), dz = random_values<T>(n * G::output_size, 13);
    auto dw = random_values<T>(G::kernel_size, 14);
    const auto before = dw;
    ctnn::kernels::winograd_kernel_gradient<T, G>(x.data(), dz.data(), n, dw.data());
    double worst = 0;
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            for (std::size_t ch = 0; ch < C; ++ch)
                for (std::size_t f = 0; f < F; ++f) {
                    const std::size_t at = ((i * 3 + j) * C + ch) * F + f;
                    double want = double(before[at]);
                    for (std::size_t s = 0; s < n; ++s)
                        for (std::size_t oh = 0; oh < G::out_rows; ++oh)
                            for (std::size_t ow = 0; ow < G::out_cols; ++ow) {
                                const std::size_t r = G::input_row(oh, i), c = G::input_col(ow, j);
                                if (r >= G::rows || c >= G::cols) continue;
                                want += double(x[s * G::input_size + (r * G::cols + c) * C + ch]) *
                                        double(dz[s * G::output_size + (oh * G::out_cols + ow) * F + f]);
                            }
                    worst = std::max(worst, std::abs(double(dw[at]) - want) / std::max(1.0, std::abs(want)));
                }
    return worst;
}

}  // namespace

TEST_CASE_TEMPLATE("Winograd's kernel gradient matches a double loop over several samples", T, float, double) {
    // Sums of hundreds of products: float's bound is the sum's, not the transform's.
    const double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-12;
    // The CNN's second layer over 5 samples: chunks of tiles across samples.
    CHECK(winograd_kernel_gradient_error<T, conv_geometry_of<T, 13, 13, 32, 64>>(5) < tolerance);
    CHECK(winograd_kernel_gradient_error<T, conv_geometry_of<T, 7, 6, 8, 9>>(1) < tolerance);
    CHECK(winograd_kernel_gradient_error<T, conv_geometry_of<T, 7, 6, 8, 9>>(3) < tolerance);
    CHECK(winograd_kernel_gradient_error<T, conv_geometry_of<T, 5, 7, 9, 10, ctnn::Conv{.padding = ctnn::Padding::same}>>(
              2) < tolerance);
    CHECK(winograd_kernel_gradient_error<T, conv_geometry_of<T, 4, 5, 17, 8>>(2) < tolerance);
}

TEST_CASE_TEMPLATE("Winograd's input gradient matches a double loop", T, float, double) {
    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-13;
    CHECK(winograd_input_gradient_error<T, conv_geometry_of<T, 13, 13, 32, 64>>() < tolerance);
    CHECK(winograd_input_gradient_error<T, conv_geometry_of<T, 7, 6, 8, 9>>() < tolerance);
    CHECK(winograd_input_gradient_error<T, conv_geometry_of<T, 5, 7, 9, 10, ctnn::Conv{.padding = ctnn::Padding::same}>>() <
          tolerance);
    CHECK(winograd_input_gradient_error<T, conv_geometry_of<T, 4, 5, 17, 8>>() < tolerance);
}

TEST_CASE_TEMPLATE("the whole-window GEMM matches a double loop forward and for the kernel gradient", T, float,
                   double) {
    using ctnn::kernels::detail::im2col_applies;
    using ctnn::kernels::detail::im2col_block;
    using FirstLayer = conv_geometry_of<T, 28, 28, 1, 32>;  // the CNN's first layer: several blocks
    using SameStrided = conv_geometry_of<T, 9, 8, 2, 5, ctnn::Conv{.strides = 2, .padding = ctnn::Padding::same}>;
    using Dilated = conv_geometry_of<T, 9, 10, 3, 17, ctnn::Conv{.dilation_rate = {2, 3}}>;
    using Causal = typename ctnn::Conv1D<8, 3, ctnn::Linear, ctnn::Conv{.padding = ctnn::Padding::causal}>::template bind<
        T, ctnn::Shape<37, 1>>::geometry;
    static_assert(im2col_applies<T, FirstLayer> && im2col_applies<T, SameStrided> && im2col_applies<T, Dilated> &&
                  im2col_applies<T, Causal>);
    using ctnn::kernels::detail::im2col_forward_bytes;
    using ctnn::kernels::detail::im2col_gradient_bytes;
    static_assert(im2col_block<T, FirstLayer, im2col_forward_bytes> < FirstLayer::out_rows * FirstLayer::out_cols &&
                  im2col_block<T, FirstLayer, im2col_gradient_bytes> < FirstLayer::out_rows * FirstLayer::out_cols);
    // Where it does not: a row of 8 values or more, groups, a single tap, Winograd's layers.
    static_assert(!im2col_applies<T, conv_geometry_of<T, 9, 9, 3, 8>>);  // 9 values per kernel row
    static_assert(!im2col_applies<T, conv_geometry_of<T, 9, 9, 8, 8>>);
    static_assert(!im2col_applies<T, conv_geometry_of<T, 9, 9, 4, 8, ctnn::Conv{.groups = 2}>>);
    static_assert(!im2col_applies<T, conv_geometry_of<T, 9, 9, 2, 8, ctnn::Conv{}, 1, 1>>);
    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-13;
    for (bool with_bias : {true, false}) {
        CAPTURE(with_bias);
        CHECK(conv_error<T, FirstLayer>(with_bias) < tolerance);
        CHECK(conv_error<T, SameStrided>(with_bias) < tolerance);
        CHECK(conv_error<T, Dilated>(with_bias) < tolerance);
        CHECK(conv_error<T, Causal>(with_bias) < tolerance);
    }
    CHECK(kernel_gradient_error<T, FirstLayer>() < 1e-4);  // 676 terms of float
    CHECK(kernel_gradient_error<T, SameStrided>() < tolerance);
    CHECK(kernel_gradient_error<T, Dilated>() < tolerance);
    CHECK(kernel_gradient_error<T, Causal>() < tolerance);
}

TEST_CASE_TEMPLATE("Winograd's F(2x2, 3x3) convolution matches a double loop where it applies", T, float, double) {
    using ctnn::kernels::detail::winograd_applies;
    using Valid = conv_geometry_of<T, 13, 13, 32, 64>;  // the CNN's second layer: 2 chunks in double
    using OddRows = conv_geometry_of<T, 7, 6, 8, 9>;
    using Same = conv_geometry_of<T, 5, 7, 9, 10, ctnn::Conv{.padding = ctnn::Padding::same}>;
    using OneTileRow = conv_geometry_of<T, 4, 5, 17, 8>;
    static_assert(winograd_applies<T, Valid> && winograd_applies<T, OddRows> && winograd_applies<T, Same> &&
                  winograd_applies<T, OneTileRow>);
    // Where it does not: strides, dilation, groups, too few channels or filters, another kernel.
    static_assert(!winograd_applies<T, conv_geometry_of<T, 9, 9, 8, 8, ctnn::Conv{.strides = 2}>>);
    static_assert(!winograd_applies<T, conv_geometry_of<T, 9, 9, 8, 8, ctnn::Conv{.dilation_rate = 2}>>);
    static_assert(!winograd_applies<T, conv_geometry_of<T, 9, 9, 8, 8, ctnn::Conv{.groups = 2}>>);
    static_assert(!winograd_applies<T, conv_geometry_of<T, 9, 9, 7, 8>>);
    static_assert(!winograd_applies<T, conv_geometry_of<T, 9, 9, 8, 7>>);
    static_assert(!winograd_applies<T, conv_geometry_of<T, 9, 9, 8, 8, ctnn::Conv{}, 3, 2>>);
    // About one more bit of rounding than the direct convolution in float.
    const double tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-13;
    for (bool with_bias : {true, false}) {
        CAPTURE(with_bias);
        CHECK(conv_error<T, Valid>(with_bias) < tolerance);
        CHECK(conv_error<T, OddRows>(with_bias) < tolerance);
        CHECK(conv_error<T, Same>(with_bias) < tolerance);
        CHECK(conv_error<T, OneTileRow>(with_bias) < tolerance);
    }
}

TEST_CASE_TEMPLATE("gemm and gemm_accumulate match a double loop for every tile edge", T, float, double) {
    check_gemm<T, 1>();
    check_gemm<T, 3>();
    check_gemm<T, 4>();
    check_gemm<T, 10>();
    check_gemm<T, 16>();
    check_gemm<T, 17>();
    check_gemm<T, 64>();
    check_gemm<T, 70>();
    check_gemm<T, 128>();
}

TEST_CASE_TEMPLATE("rows to lanes and back, with leftover columns", T, float, double) {
    constexpr std::size_t L = ctnn::simd::max_lanes<T>;
    auto check = [&]<std::size_t Cols>(std::integral_constant<std::size_t, Cols>) {
        const auto rows = random_values<T>(L * Cols, 4);
        std::vector<T> lanes(L * Cols), back(L * Cols);
        ctnn::detail::rows_to_lanes<T, Cols>(rows.data(), lanes.data());
        bool transposed = true;
        for (std::size_t s = 0; s < L; ++s)
            for (std::size_t c = 0; c < Cols; ++c) transposed = transposed && lanes[c * L + s] == rows[s * Cols + c];
        ctnn::detail::lanes_to_rows<T, Cols>(lanes.data(), back.data());
        // With a function of each column's vector (a leading Normalization's
        // place): every value goes through it once, with its own column.
        std::vector<T> mapped(L * Cols);
        ctnn::detail::rows_to_lanes<T, Cols>(rows.data(), mapped.data(), [](std::size_t c, auto v) {
            return v * decltype(v)(T(2)) + decltype(v)(T(c));
        });
        bool applied = true;
        for (std::size_t s = 0; s < L; ++s)
            for (std::size_t c = 0; c < Cols; ++c)
                applied = applied && mapped[c * L + s] == rows[s * Cols + c] * T(2) + T(c);
        CAPTURE(Cols);
        CHECK(transposed);
        CHECK(applied);
        CHECK(back == rows);
    };
    check(std::integral_constant<std::size_t, 1>{});
    check(std::integral_constant<std::size_t, 4>{});
    check(std::integral_constant<std::size_t, 16>{});
    check(std::integral_constant<std::size_t, 33>{});
    check(std::integral_constant<std::size_t, 64>{});
}

// The kernel dense_forward runs for each layer of the benchmarks' 16-64-64-1
// and 33-4-4-1 models (kernels::dense_plan, which the benchmark prints), for
// the target's float vectors: scalar, SSE (4 lanes), AVX2 (8), AVX-512 (16).
// The outputs of a layer go in the narrowest vector that covers them, else the
// widest; about 8 FMA chains in all; Out == 1 is a dot over the inputs.
TEST_CASE("dense_plan names the kernel of each layer of 16-64-64-1 and 33-4-4-1 on this target") {
    using ctnn::kernels::DensePlan;
    using ctnn::kernels::dense_plan;
    const auto same = [](DensePlan got, DensePlan want) {
        return got.lanes == want.lanes && got.vectors == want.vectors && got.chains == want.chains &&
               got.passes == want.passes && got.dot == want.dot;
    };
    //                       lanes, vectors, chains, passes, dot
    constexpr std::size_t L = ctnn::simd::max_lanes<float>;
    CAPTURE(L);
    REQUIRE((L == 1 || L == 4 || L == 8 || L == 16));
    if (L == 16) {
        CHECK(same(dense_plan<float, 16, 64>, {16, 4, 2, 1, false}));
        CHECK(same(dense_plan<float, 64, 64>, {16, 4, 2, 1, false}));
        CHECK(same(dense_plan<float, 64, 1>, {16, 4, 4, 1, true}));
    } else if (L == 8) {
        CHECK(same(dense_plan<float, 16, 64>, {8, 8, 1, 1, false}));
        CHECK(same(dense_plan<float, 64, 64>, {8, 8, 1, 1, false}));
        CHECK(same(dense_plan<float, 64, 1>, {8, 8, 4, 1, true}));
    } else if (L == 4) {
        CHECK(same(dense_plan<float, 16, 64>, {4, 16, 1, 2, false}));
        CHECK(same(dense_plan<float, 64, 64>, {4, 16, 1, 2, false}));
        CHECK(same(dense_plan<float, 64, 1>, {4, 16, 4, 1, true}));
    } else {
        CHECK(same(dense_plan<float, 16, 64>, {1, 64, 1, 1, false}));
        CHECK(same(dense_plan<float, 64, 64>, {1, 64, 1, 1, false}));
        CHECK(same(dense_plan<float, 64, 1>, {1, 64, 4, 1, true}));
    }
    if (L > 1) {  // 4 outputs: a 4-lane vector, not 4 of L lanes, and 8 chains over the 33 inputs
        CHECK(same(dense_plan<float, 33, 4>, {4, 1, 8, 1, false}));
        CHECK(same(dense_plan<float, 4, 4>, {4, 1, 4, 1, false}));
        CHECK(same(dense_plan<float, 4, 1>, {4, 1, 1, 1, true}));
    } else {
        CHECK(same(dense_plan<float, 33, 4>, {1, 4, 1, 1, false}));
        CHECK(same(dense_plan<float, 4, 4>, {1, 4, 1, 1, false}));
        CHECK(same(dense_plan<float, 4, 1>, {1, 4, 4, 1, true}));
    }
}

// Whole vectors first, then one value at a time: for n values, n / L calls with
// a vector of L = max_lanes lanes and n % L with a scalar, in order.
TEST_CASE_TEMPLATE("for_each_vector runs whole widest vectors, then the rest one by one", T, float, double) {
    constexpr std::size_t L = ctnn::simd::max_lanes<T>;
    for (std::size_t n = 0; n <= 3 * L + 1; ++n) {
        std::size_t vectors = 0, scalars = 0, next = 0;
        bool in_order = true;
        ctnn::kernels::for_each_vector<T>(n, [&](auto v, std::size_t k) {
            constexpr std::size_t lanes = ctnn::simd::lanes<decltype(v)>;
            in_order = in_order && k == next;
            next = k + lanes;
            ++(lanes > 1 ? vectors : scalars);
            static_assert(lanes == 1 || lanes == L);
        });
        CAPTURE(n);
        CHECK(in_order);
        CHECK(next == n);
        CHECK(vectors == (L > 1 ? n / L : 0));
        CHECK(scalars == (L > 1 ? n % L : n));
    }
}

namespace {

// One elementwise helper's output against its plain loop, for every length up
// to three vectors and one: values within `tolerance` (vector and scalar exp
// may round differently), and nothing written past n (a guard value).
template <class T, class Helper, class Plain>
void check_elementwise(Helper helper, Plain plain, double tolerance) {
    constexpr std::size_t L = ctnn::simd::max_lanes<T>;
    for (std::size_t n = 0; n <= 3 * L + 1; ++n) {
        const auto a = random_values<T>(n, 5), b = random_values<T>(n, 6), c = random_values<T>(n, 7);
        std::vector<T> got(n + 1, T(7)), want(n);
        helper(a.data(), b.data(), c.data(), got.data(), n);
        for (std::size_t k = 0; k < n; ++k) want[k] = plain(a[k], b[k], c[k]);
        double worst = got[n] == T(7) ? 0.0 : 1e9;
        for (std::size_t k = 0; k < n; ++k) worst = std::max(worst, std::abs(double(got[k]) - double(want[k])));
        CAPTURE(n);
        CHECK(worst <= tolerance);
    }
}

template <class Act, class T>
void check_activation_helpers() {
    using namespace ctnn;
    const double tolerance = std::is_same_v<T, float> ? 1e-6 : 1e-15;
    CAPTURE(Act::name.view());
    check_elementwise<T>([](const T* z, const T*, const T*, T* y, std::size_t n) { kernels::apply<Act>(z, y, n); },
                         [](T z, T, T) { return Act::apply(z); }, tolerance);
    // derivative(x, y) with y = apply(x), times g; in place too (out = g).
    check_elementwise<T>(
        [](const T* x, const T* g, const T*, T* out, std::size_t n) {
            std::vector<T> y(n);
            for (std::size_t k = 0; k < n; ++k) y[k] = Act::apply(x[k]);
            kernels::multiply_by_derivative<Act>(x, y.data(), g, out, n);
        },
        [](T x, T g, T) { return g * Act::derivative(x, Act::apply(x)); }, tolerance);
    check_elementwise<T>(
        [](const T* x, const T* g, const T*, T* out, std::size_t n) {
            std::vector<T> y(n);
            for (std::size_t k = 0; k < n; ++k) y[k] = Act::apply(x[k]), out[k] = g[k];
            kernels::multiply_by_derivative<Act>(x, y.data(), out, out, n);
        },
        [](T x, T g, T) { return g * Act::derivative(x, Act::apply(x)); }, tolerance);
}

// Column sums in row order, as the plain loop adds them: equal, not close.
template <class T, std::size_t N>
void check_column_sums() {
    for (std::size_t rows : {0, 1, 2, 5, 33, 128}) {
        const auto a = random_values<T>(rows * N, 8);
        std::vector<T> got(N + 1, T(7)), want(N, T(0));
        ctnn::kernels::column_sums<T, N>(a.data(), rows, got.data());
        for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t j = 0; j < N; ++j) want[j] += a[r * N + j];
        CAPTURE(N);
        CAPTURE(rows);
        CHECK(got[N] == T(7));
        got.pop_back();
        CHECK(got == want);
    }
}

}  // namespace

TEST_CASE_TEMPLATE("the elementwise helpers of training match plain loops for every tail length", T, float, double) {
    check_activation_helpers<ctnn::ReLU, T>();
    check_activation_helpers<ctnn::Sigmoid, T>();
    check_activation_helpers<ctnn::Tanh, T>();
    check_activation_helpers<ctnn::ELU, T>();
    // multiply, out = a * b exactly, also in place
    check_elementwise<T>([](const T* a, const T* b, const T*, T* out, std::size_t n) { ctnn::kernels::multiply(a, b, out, n); },
                         [](T a, T b, T) { return a * b; }, 0.0);
    check_elementwise<T>(
        [](const T* a, const T* b, const T*, T* out, std::size_t n) {
            std::copy_n(a, n, out);
            ctnn::kernels::multiply(out, b, out, n);
        },
        [](T a, T b, T) { return a * b; }, 0.0);
}

TEST_CASE_TEMPLATE("column sums (the bias gradient) add each column in row order, every width", T, float, double) {
    check_column_sums<T, 1>();
    check_column_sums<T, 3>();
    check_column_sums<T, 4>();
    check_column_sums<T, 10>();
    check_column_sums<T, 17>();
    check_column_sums<T, 64>();
    check_column_sums<T, 70>();
    check_column_sums<T, 128>();
}
