// ctnn's convolution and pooling layers (issue 15) against PyTorch: for each
// layer of tests/data/conv.txt (regenerate with `/usr/bin/python3
// scripts/make-conv-reference.py`; its docstring writes down the file and
// every Keras-to-PyTorch mapping) the bound layer is called directly, in float
// and double: forward, forward_train and backward<false> for one sample, with
// the formula input, parameters and upstream gradient, compared with
// torch.autograd's y, dL/dx and dL/dparams (Keras layout); then a batch of two
// copies of that sample (each row's dx the same, dparams twice: the per-sample
// offsets of the scratch and the accumulation over rows). Then a small CNN,
//   Input<8, 8, 2> -> Conv2D<3, 3, 3, ReLU> -> MaxPooling2D<2, 2> -> Flatten
//   -> Dense<27, 2, Sigmoid>,
// trained 5 steps by Adam + binary cross-entropy exactly as the trainer drives
// it (tests/training_reference.cpp's way), loss, gradient and parameters after
// each step against torch.optim.Adam's.
//
// The formulas (the script's):
//   u(k) = ((k * 40503 + 12345) mod 65536) / 32768 - 1
//   x[i] = 2 u(i * 31 + 7), parameters w[k] = 0.25 u(k), dy[j] = u(j * 29 + 5003)
// The cases are listed below as types with the file's spellings; the test
// checks that the file and the list hold the same cases.
//
// Tolerances, as |got - want| <= tolerance * max(1, |want|): layers, double
// 1e-12, float 1e-5; the trajectory as tests/training_reference.cpp (double
// 1e-9 for gradients and parameters, 1e-10 relative for the loss; float 1e-5).
// Set CTNN_REFERENCE_REPORT=1 to print the largest errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/layers/conv1d.hpp>
#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/depthwise_conv2d.hpp>
#include <ctnn/layers/global_pooling.hpp>
#include <ctnn/layers/pooling.hpp>

#include "support/reference_data.hpp"

namespace {

using namespace test::reference;

constexpr std::string_view conv_file = "conv.txt";

double x_value(std::size_t i) { return 2.0 * u(i * 31u + 7u); }
double w_value(std::size_t k) { return 0.25 * u(k); }
double dy_value(std::size_t j) { return u(j * 29u + 5003u); }

// A layer and the input shape it is bound to.
template <class Layer, class In>
struct Case {
    using layer = Layer;
    using input = In;
};

using Cases = std::tuple<
    Case<ctnn::Conv1D<4, 3, ctnn::Linear>, ctnn::Input<9, 3>>,
    Case<ctnn::Conv1D<5, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::same}>, ctnn::Input<9, 3>>,
    Case<ctnn::Conv1D<4, 4, ctnn::Linear, ctnn::Conv{.padding = ctnn::Padding::same}>, ctnn::Input<7, 3>>,
    Case<ctnn::Conv1D<4, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 2}>,
         ctnn::Input<9, 3>>,
    Case<ctnn::Conv1D<3, 3, ctnn::Linear, ctnn::Conv{.padding = ctnn::Padding::causal}>, ctnn::Input<8, 5>>,
    Case<ctnn::Conv1D<3, 2, ctnn::Tanh, ctnn::Conv{.strides = 2, .padding = ctnn::Padding::causal}>, ctnn::Input<9, 5>>,
    Case<ctnn::Conv1D<4, 3, ctnn::Linear, ctnn::Conv{.strides = 2}>, ctnn::Input<11, 3>>,
    Case<ctnn::Conv1D<4, 3, ctnn::Tanh, ctnn::Conv{.strides = 2, .padding = ctnn::Padding::same}>, ctnn::Input<10, 3>>,
    Case<ctnn::Conv1D<7, 4, ctnn::Linear, ctnn::Conv{.strides = 3}>, ctnn::Input<13, 5>>,
    Case<ctnn::Conv1D<7, 3, ctnn::ReLU, ctnn::Conv{.strides = 3, .padding = ctnn::Padding::same}>, ctnn::Input<11, 5>>,
    Case<ctnn::Conv1D<3, 3, ctnn::Linear, ctnn::Conv{.dilation_rate = 2}>, ctnn::Input<11, 7>>,
    Case<ctnn::Conv1D<3, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::same, .dilation_rate = 3}>,
         ctnn::Input<10, 7>>,
    Case<ctnn::Conv1D<4, 3, ctnn::Linear, ctnn::Conv{.groups = 2}>, ctnn::Input<9, 6>>,
    Case<ctnn::Conv1D<6, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::same, .groups = 3}>, ctnn::Input<8, 3>>,
    Case<ctnn::Conv1D<5, 3, ctnn::ReLU, ctnn::Conv{.use_bias = false}>, ctnn::Input<9, 3>>,
    Case<ctnn::Conv1D<1, 1, ctnn::Linear>, ctnn::Input<5, 7>>,
    Case<ctnn::Conv2D<3, 3, 3, ctnn::Linear>, ctnn::Input<6, 7, 3>>,
    Case<ctnn::Conv2D<5, 3, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::same}>, ctnn::Input<5, 6, 3>>,
    Case<ctnn::Conv2D<4, 2, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::same}>, ctnn::Input<5, 5, 5>>,
    Case<ctnn::Conv2D<4, 3, 3, ctnn::Linear, ctnn::Conv{.strides = {2, 1}}>, ctnn::Input<7, 6, 3>>,
    Case<ctnn::Conv2D<4, 3, 2, ctnn::Tanh, ctnn::Conv{.strides = {2, 1}, .padding = ctnn::Padding::same}>,
         ctnn::Input<7, 6, 3>>,
    Case<ctnn::Conv2D<3, 3, 3, ctnn::Linear, ctnn::Conv{.strides = 2}>, ctnn::Input<7, 8, 5>>,
    Case<ctnn::Conv2D<3, 3, 3, ctnn::ReLU, ctnn::Conv{.strides = 2, .padding = ctnn::Padding::same}>,
         ctnn::Input<8, 7, 5>>,
    Case<ctnn::Conv2D<3, 2, 3, ctnn::Linear, ctnn::Conv{.dilation_rate = {1, 2}}>, ctnn::Input<6, 8, 3>>,
    Case<ctnn::Conv2D<3, 3, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::same, .dilation_rate = 2}>,
         ctnn::Input<7, 7, 3>>,
    Case<ctnn::Conv2D<4, 3, 3, ctnn::Linear, ctnn::Conv{.groups = 2}>, ctnn::Input<6, 6, 6>>,
    Case<ctnn::Conv2D<6, 3, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::same, .groups = 3, .use_bias = false}>,
         ctnn::Input<5, 5, 3>>,
    // Winograd F(2x2, 3x3) (core/kernels/winograd.hpp): 3x3, stride 1, 8+ channels and filters.
    Case<ctnn::Conv2D<9, 3, 3, ctnn::ReLU>, ctnn::Input<7, 6, 8>>,
    Case<ctnn::Conv2D<10, 3, 3, ctnn::Tanh, ctnn::Conv{.padding = ctnn::Padding::same, .use_bias = false}>,
         ctnn::Input<5, 7, 9>>,
    Case<ctnn::DepthwiseConv2D<3, 3, ctnn::Linear>, ctnn::Input<6, 7, 3>>,
    Case<ctnn::DepthwiseConv2D<3, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::same}>, ctnn::Input<6, 5, 5>>,
    Case<ctnn::DepthwiseConv2D<3, 3, ctnn::Tanh, ctnn::Conv{.depth_multiplier = 2}>, ctnn::Input<6, 6, 3>>,
    Case<ctnn::DepthwiseConv2D<2, 3, ctnn::Linear, ctnn::Conv{.padding = ctnn::Padding::same, .depth_multiplier = 2}>,
         ctnn::Input<5, 6, 3>>,
    Case<ctnn::DepthwiseConv2D<3, 3, ctnn::Linear, ctnn::Conv{.strides = 2, .depth_multiplier = 2}>,
         ctnn::Input<7, 8, 5>>,
    Case<ctnn::DepthwiseConv2D<3, 3, ctnn::Tanh,
              ctnn::Conv{.strides = 2, .padding = ctnn::Padding::same, .use_bias = false}>,
         ctnn::Input<8, 7, 3>>,
    Case<ctnn::MaxPooling1D<2>, ctnn::Input<9, 3>>,
    Case<ctnn::MaxPooling1D<3, ctnn::Pooling{.strides = 1}>, ctnn::Input<9, 5>>,
    Case<ctnn::MaxPooling1D<2, ctnn::Pooling{.padding = ctnn::Padding::same}>, ctnn::Input<9, 3>>,
    Case<ctnn::MaxPooling1D<3, ctnn::Pooling{.strides = 2, .padding = ctnn::Padding::same}>, ctnn::Input<10, 5>>,
    Case<ctnn::MaxPooling1D<3, ctnn::Pooling{.strides = 1, .padding = ctnn::Padding::same}>, ctnn::Input<8, 7>>,
    Case<ctnn::AveragePooling1D<2>, ctnn::Input<9, 3>>,
    Case<ctnn::AveragePooling1D<3, ctnn::Pooling{.strides = 1}>, ctnn::Input<9, 5>>,
    Case<ctnn::AveragePooling1D<2, ctnn::Pooling{.padding = ctnn::Padding::same}>, ctnn::Input<9, 3>>,
    Case<ctnn::AveragePooling1D<3, ctnn::Pooling{.strides = 2, .padding = ctnn::Padding::same}>, ctnn::Input<10, 5>>,
    Case<ctnn::AveragePooling1D<3, ctnn::Pooling{.strides = 1, .padding = ctnn::Padding::same}>, ctnn::Input<8, 7>>,
    Case<ctnn::MaxPooling2D<2, 2>, ctnn::Input<7, 7, 3>>,
    Case<ctnn::MaxPooling2D<3, 3, ctnn::Pooling{.strides = 1}>, ctnn::Input<6, 7, 3>>,
    Case<ctnn::MaxPooling2D<2, 2, ctnn::Pooling{.padding = ctnn::Padding::same}>, ctnn::Input<7, 5, 5>>,
    Case<ctnn::MaxPooling2D<3, 2, ctnn::Pooling{.strides = 2, .padding = ctnn::Padding::same}>, ctnn::Input<8, 7, 3>>,
    Case<ctnn::MaxPooling2D<3, 3, ctnn::Pooling{.strides = 1, .padding = ctnn::Padding::same}>, ctnn::Input<5, 6, 7>>,
    Case<ctnn::AveragePooling2D<2, 2>, ctnn::Input<7, 7, 3>>,
    Case<ctnn::AveragePooling2D<3, 3, ctnn::Pooling{.strides = 1}>, ctnn::Input<6, 7, 3>>,
    Case<ctnn::AveragePooling2D<2, 2, ctnn::Pooling{.padding = ctnn::Padding::same}>, ctnn::Input<7, 5, 5>>,
    Case<ctnn::AveragePooling2D<3, 2, ctnn::Pooling{.strides = 2, .padding = ctnn::Padding::same}>,
         ctnn::Input<8, 7, 3>>,
    Case<ctnn::AveragePooling2D<3, 3, ctnn::Pooling{.strides = 1, .padding = ctnn::Padding::same}>,
         ctnn::Input<5, 6, 7>>,
    Case<ctnn::GlobalAveragePooling1D, ctnn::Input<9, 5>>,
    Case<ctnn::GlobalMaxPooling1D, ctnn::Input<9, 5>>,
    Case<ctnn::GlobalAveragePooling2D, ctnn::Input<5, 6, 7>>,
    Case<ctnn::GlobalMaxPooling2D, ctnn::Input<5, 6, 7>>>;

// ---- the data file -------------------------------------------------------------

struct LayerRecord {
    std::string name;
    std::vector<std::size_t> input, output;
    std::size_t params = 0;
    std::vector<double> y, dx, dw;
};

struct Step {
    std::vector<std::size_t> rows;
    double loss = 0;
    std::vector<double> gradient, weights;
};

struct ConvData {
    std::vector<LayerRecord> layers;
    std::string model;
    std::size_t rows = 0, batch = 0, steps = 0;
    std::vector<std::vector<double>> y;  // the rows' targets; their inputs are input_value(n, i)
    std::vector<Step> trajectory;
};

std::vector<std::size_t> parse_sizes(const std::vector<std::string>& words) {
    std::vector<std::size_t> sizes;
    for (double v : parse_numbers(words, 1, conv_file)) sizes.push_back(static_cast<std::size_t>(v));
    return sizes;
}

const ConvData& conv_data() {
    static const ConvData data = [] {
        const auto lines = read_words(conv_file);
        const auto expect = [&](std::size_t l, std::string_view head) -> const std::vector<std::string>& {
            REQUIRE_MESSAGE(l < lines.size(), data_path(conv_file) << ": ends where '" << head << "' was expected");
            REQUIRE_MESSAGE(lines[l][0] == head, data_path(conv_file) << ": '" << head << "' expected, found '"
                                                                      << join_words(lines[l], 0, 4) << " ...'");
            return lines[l];
        };
        ConvData d;
        std::size_t l = 0;
        while (l < lines.size() && lines[l][0] == "case") {
            LayerRecord r;
            r.name = join_words(lines[l], 1);
            r.input = parse_sizes(expect(l + 1, "input"));
            r.output = parse_sizes(expect(l + 2, "output"));
            const auto& params = expect(l + 3, "params");
            REQUIRE(params.size() == 2);
            r.params = static_cast<std::size_t>(parse_number(params[1], conv_file));
            r.y = parse_numbers(expect(l + 4, "y"), 1, conv_file);
            r.dx = parse_numbers(expect(l + 5, "dx"), 1, conv_file);
            r.dw = parse_numbers(expect(l + 6, "dw"), 1, conv_file);
            d.layers.push_back(std::move(r));
            l += 7;
        }
        d.model = join_words(expect(l, "model"), 1);
        const auto& sizes = expect(l + 1, "rows");
        REQUIRE_MESSAGE((sizes.size() == 6 && sizes[2] == "batch" && sizes[4] == "steps"),
                        data_path(conv_file) << ": malformed 'rows' line");
        d.rows = static_cast<std::size_t>(parse_number(sizes[1], conv_file));
        d.batch = static_cast<std::size_t>(parse_number(sizes[3], conv_file));
        d.steps = static_cast<std::size_t>(parse_number(sizes[5], conv_file));
        l += 2;
        for (std::size_t n = 0; n < d.rows; ++n, ++l) {
            const auto& row = expect(l, "row");  // row <n> y <targets...>
            REQUIRE_MESSAGE((row.size() > 3 && parse_number(row[1], conv_file) == double(n) && row[2] == "y"),
                            data_path(conv_file) << ": malformed 'row' line " << n);
            d.y.push_back(parse_numbers(row, 3, conv_file));
        }
        for (std::size_t s = 0; s < d.steps; ++s, l += 3) {
            const auto& head = expect(l, "step");  // step <i> rows <r...> loss <v>
            REQUIRE_MESSAGE((head.size() == 5 + d.batch && parse_number(head[1], conv_file) == double(s + 1) &&
                             head[2] == "rows" && head[3 + d.batch] == "loss"),
                            data_path(conv_file) << ": malformed step " << s + 1);
            Step step;
            for (double r : parse_numbers(head, 3, 3 + d.batch, conv_file)) step.rows.push_back(std::size_t(r));
            step.loss = parse_number(head[4 + d.batch], conv_file);
            step.gradient = parse_numbers(expect(l + 1, "g"), 1, conv_file);
            step.weights = parse_numbers(expect(l + 2, "w"), 1, conv_file);
            d.trajectory.push_back(std::move(step));
        }
        REQUIRE_MESSAGE(l == lines.size(), data_path(conv_file) << ": unexpected lines after the trajectory");
        return d;
    }();
    return data;
}

const LayerRecord& record(std::string_view name) {
    const LayerRecord* r = find_by_name(conv_data().layers, name);
    REQUIRE_MESSAGE(r != nullptr, "no case " << name << " in " << data_path(conv_file));
    return *r;
}

// ---- the layer checks ----------------------------------------------------------

template <class T>
constexpr double layer_tolerance = std::is_same_v<T, double> ? 1e-12 : 1e-5;

// Room past every buffer's end: layers may read and write up to max_lanes
// values past them (core/layer.hpp); 64 is more than any vector width.
constexpr std::size_t slack = 64;

template <std::size_t... D>
std::vector<std::size_t> dims_of(ctnn::Shape<D...>) {
    return {D...};
}

struct Worst {
    double y = 0, dx = 0, dw = 0;
};

// (doctest prints a const char* as a pointer: messages use std::string.)
template <class T>
std::string scalar_name() {
    return std::is_same_v<T, double> ? "double" : "float";
}

// Compares got[0, want.size()) with want; fails (at most 4 messages) naming what and where.
template <class T>
double compare(std::string_view name, const char* what, const T* got, const std::vector<double>& want,
               double scale = 1) {
    double worst = 0;
    std::size_t bad = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
        const double e = scaled_error(double(got[i]), scale * want[i]);
        worst = std::max(worst, e);
        if (e > layer_tolerance<T> && bad++ < 4)
            FAIL_CHECK(std::string(name) << " (" << scalar_name<T>() << "): " << std::string(what) << "[" << i
                            << "] is " << got[i] << ", PyTorch " << scale * want[i] << ", scaled error " << e);
    }
    CHECK_MESSAGE(bad == 0, std::string(name) << " (" << scalar_name<T>() << "): " << bad << " values of "
                                              << std::string(what) << " beyond tolerance");
    return worst;
}

template <class T, class C>
Worst check_case() {
    using Model = ctnn::BasicSequential<T, typename C::input, typename C::layer>;
    using L = typename Model::template layer_type<0>;
    constexpr std::size_t In = L::input_size, Out = L::output_size, P = L::parameter_count, S = L::state_count;
    static_assert(Model::layer_count == 1 && In == Model::input_size && Out == Model::output_size);
    const std::string_view name = C::layer::name.view();
    CHECK(L::name.view() == name);
    const LayerRecord& r = record(name);
    REQUIRE(r.input == dims_of(typename Model::input_shape{}));
    REQUIRE(r.output == dims_of(typename Model::output_shape{}));
    REQUIRE(r.params == P);
    REQUIRE(r.y.size() == Out);
    REQUIRE(r.dx.size() == In);
    REQUIRE(r.dw.size() == P);

    std::vector<T> params(P + slack), state(S + slack), x(2 * In + slack), dy(2 * Out + slack);
    for (std::size_t k = 0; k < P; ++k) params[k] = static_cast<T>(w_value(k));
    for (std::size_t i = 0; i < In; ++i) x[i] = x[In + i] = static_cast<T>(x_value(i));
    Worst worst;

    std::vector<T> y(2 * Out + slack);
    L::forward(params.data(), state.data(), x.data(), y.data());
    worst.y = compare(name, "forward y", y.data(), r.y);

    // Training: one sample, then a batch of two copies of it.
    ctnn::Rng rng(ctnn::Seed{0});
    for (std::size_t n : {std::size_t{1}, std::size_t{2}}) {
        std::vector<T> yt(n * Out + slack), scratch(ctnn::scratch_size<L>(n) + slack), dx(n * In + slack),
            dw(P + slack, T(-7));
        L::forward_train(params.data(), state.data(), x.data(), yt.data(), scratch.data(), n, rng);
        for (std::size_t s = 0; s < n; ++s) {
            worst.y = std::max(worst.y, compare(name, n == 1 ? "forward_train y" : "forward_train y (batch of 2)",
                                                yt.data() + s * Out, r.y));
            for (std::size_t j = 0; j < Out; ++j) dy[s * Out + j] = static_cast<T>(dy_value(j));
        }
        L::template backward<false>(params.data(), state.data(), x.data(), yt.data(), scratch.data(), dy.data(),
                                    dx.data(), dw.data(), n);
        for (std::size_t s = 0; s < n; ++s)
            worst.dx = std::max(worst.dx, compare(name, n == 1 ? "dx" : "dx (batch of 2)", dx.data() + s * In, r.dx));
        worst.dw = std::max(worst.dw, compare(name, n == 1 ? "dparams" : "dparams (batch of 2, twice)", dw.data(),
                                              r.dw, double(n)));
    }
    return worst;
}

template <class T, class... C>
void check_all(std::tuple<C...>*) {
    Worst all;
    const auto one = [&](Worst w, std::string_view name) {
        all.y = std::max(all.y, w.y), all.dx = std::max(all.dx, w.dx), all.dw = std::max(all.dw, w.dw);
        if (report())
            std::printf("[conv reference] %s %-6s %-100s y %.3g dx %.3g dw %.3g\n", kernel_kind(),
                        std::is_same_v<T, double> ? "double" : "float", std::string(name).c_str(), w.y, w.dx, w.dw);
    };
    (one(check_case<T, C>(), C::layer::name.view()), ...);
    if (report())
        std::printf("[conv reference] %s %-6s all %zu cases: y %.3g dx %.3g dw %.3g\n", kernel_kind(),
                    std::is_same_v<T, double> ? "double" : "float", sizeof...(C), all.y, all.dx, all.dw);
}

template <class... C>
std::vector<std::string> names_of(std::tuple<C...>*) {
    return {std::string(C::layer::name.view())...};
}

TEST_CASE("conv reference: conv.txt holds exactly the cases listed here, each once") {
    const std::vector<std::string> listed = names_of(static_cast<Cases*>(nullptr));
    const std::set<std::string> listed_set(listed.begin(), listed.end());
    CHECK_MESSAGE(listed_set.size() == listed.size(), "a case is listed twice");
    std::set<std::string> in_file;
    for (const LayerRecord& r : conv_data().layers) {
        CHECK_MESSAGE(in_file.insert(r.name).second, data_path(conv_file) << " has the case " << r.name << " twice");
        CHECK_MESSAGE(listed_set.count(r.name) == 1,
                      data_path(conv_file) << " has the case " << r.name << ", which no test checks");
    }
    for (const std::string& name : listed)
        CHECK_MESSAGE(in_file.count(name) == 1, name << " is listed here but not in " << data_path(conv_file));
    CHECK(conv_data().layers.size() == std::tuple_size_v<Cases>);
}

TEST_CASE_TEMPLATE("conv reference: convolution and pooling layers match PyTorch (y, dx, dparams)", T, float,
                   double) {
    check_all<T>(static_cast<Cases*>(nullptr));
}

// ---- the CNN trajectory ----------------------------------------------------------

template <class T>
using CNN = ctnn::BasicSequential<T, ctnn::Input<8, 8, 2>, ctnn::Conv2D<3, 3, 3, ctnn::ReLU>, ctnn::MaxPooling2D<2, 2>,
                                  ctnn::Flatten, ctnn::Dense<27, 2, ctnn::Sigmoid>>;
using CNNFloat = ctnn::Sequential<ctnn::Input<8, 8, 2>, ctnn::Conv2D<3, 3, 3, ctnn::ReLU>, ctnn::MaxPooling2D<2, 2>,
                                  ctnn::Flatten, ctnn::Dense<27, 2, ctnn::Sigmoid>>;
static_assert(std::is_same_v<CNNFloat, CNN<float>>);
static_assert(CNN<double>::parameter_count == 3 * 3 * 2 * 3 + 3 + 27 * 2 + 2);
static_assert(CNN<double>::input_size == 128 && CNN<double>::output_size == 2);

template <class T>
struct TrajectoryTolerance {
    static constexpr double loss = 1e-10, gradient = 1e-9, weights = 1e-9;
};
template <>
struct TrajectoryTolerance<float> {
    static constexpr double loss = 1e-5, gradient = 1e-5, weights = 1e-5;
};

TEST_CASE_TEMPLATE("conv reference: a CNN trained by Adam + binary cross-entropy follows PyTorch step by step", T,
                   float, double) {
    using Model = CNN<T>;
    constexpr std::size_t In = Model::input_size, Out = Model::output_size, P = Model::parameter_count;
    const ConvData& d = conv_data();
    CHECK(d.model == CNN<double>::name.view());
    REQUIRE(d.rows == 12);
    REQUIRE(d.batch == 4);
    REQUIRE(d.steps == 5);
    REQUIRE(d.trajectory.size() == d.steps);
    for (std::size_t n = 0; n < d.rows; ++n) {
        // The targets' rule: y0 = [sum of x > 0], y1 = [sum of channel 0 > sum of channel 1].
        double sum = 0, c0 = 0, c1 = 0;
        for (std::size_t i = 0; i < In; ++i) (i % 2 ? c1 : c0) += input_value(n, i), sum += input_value(n, i);
        REQUIRE(d.y[n].size() == Out);
        CHECK_MESSAGE((d.y[n][0] == (sum > 0 ? 1.0 : 0.0) && d.y[n][1] == (c0 > c1 ? 1.0 : 0.0)),
                      "row " << n << ": targets not by the rule");
    }

    Model model;
    fill_formula_parameters(model);
    ctnn::Adam optimizer{.learning_rate = 0.01, .beta_1 = 0.9, .beta_2 = 0.999, .epsilon = 1e-14};
    ctnn::Backprop<Model, ctnn::BinaryCrossentropy> pass(ctnn::BinaryCrossentropy{}, d.batch);
    std::vector<T> grad(P);
    ctnn::Rng rng(ctnn::Seed{0});
    auto state = optimizer.template make_state<T>(P);

    double worst_loss = 0, worst_gradient = 0, worst_weights = 0;
    for (std::size_t s = 0; s < d.steps; ++s) {
        const Step& ref = d.trajectory[s];
        REQUIRE(ref.rows.size() == d.batch);
        REQUIRE(ref.gradient.size() == P);
        REQUIRE(ref.weights.size() == P);
        for (std::size_t r = 0; r < d.batch; ++r) {
            const std::size_t row = ref.rows[r];
            CHECK(row == (s % 3) * 4 + r);  // batches in order, no shuffling
            REQUIRE(row < d.rows);
            for (std::size_t i = 0; i < In; ++i) pass.inputs()[r * In + i] = static_cast<T>(input_value(row, i));
            for (std::size_t j = 0; j < Out; ++j) pass.targets()[r * Out + j] = static_cast<T>(d.y[row][j]);
        }
        const double loss = pass.run(model, d.batch, std::span<T, P>(grad), rng);
        optimizer.step(std::span<T>(model.parameters()), std::span<const T>(grad), state);

        const double e_loss = relative_error(loss, ref.loss);
        worst_loss = std::max(worst_loss, e_loss);
        CHECK_MESSAGE(e_loss <= TrajectoryTolerance<T>::loss, scalar_name<T>() << " CNN step " << s + 1 << ": loss "
                                                                               << loss << ", PyTorch " << ref.loss
                                                                               << ", relative error " << e_loss);
        std::size_t bad_gradient = 0, bad_weights = 0;
        for (std::size_t k = 0; k < P; ++k) {
            const double e_g = scaled_error(double(grad[k]), ref.gradient[k]);
            const double e_w = scaled_error(double(model.parameters()[k]), ref.weights[k]);
            worst_gradient = std::max(worst_gradient, e_g);
            worst_weights = std::max(worst_weights, e_w);
            if (e_g > TrajectoryTolerance<T>::gradient && bad_gradient++ < 4)
                FAIL_CHECK(scalar_name<T>() << " CNN step " << s + 1 << ": gradient of parameter " << k << " is "
                                            << grad[k] << ", PyTorch " << ref.gradient[k] << ", scaled error " << e_g);
            if (e_w > TrajectoryTolerance<T>::weights && bad_weights++ < 4)
                FAIL_CHECK(scalar_name<T>() << " CNN step " << s + 1 << ": parameter " << k << " after the step is "
                                            << model.parameters()[k] << ", PyTorch " << ref.weights[k]
                                            << ", scaled error " << e_w);
        }
        CHECK_MESSAGE(bad_gradient == 0, scalar_name<T>() << " CNN step " << s + 1 << ": " << bad_gradient
                                                          << " gradient elements beyond tolerance");
        CHECK_MESSAGE(bad_weights == 0, scalar_name<T>() << " CNN step " << s + 1 << ": " << bad_weights
                                                         << " parameters beyond tolerance");
    }
    if (report())
        std::printf("[conv reference] %s kernels, %-6s CNN adam_bce max error: loss %.3g, gradient %.3g, "
                    "parameters %.3g\n",
                    kernel_kind(), scalar_name<T>().c_str(), worst_loss, worst_gradient, worst_weights);
}

}  // namespace
