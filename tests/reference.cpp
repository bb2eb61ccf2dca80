// ctnn against PyTorch: the activations and whole models checked against
// float64 reference values computed by PyTorch and committed in tests/data/
// (regenerate with `/usr/bin/python3 scripts/make-reference.py`; the script's
// docstring describes the files). Model weights and inputs are not stored: both
// follow the script's formulas (tests/support/reference_data.hpp), and PyTorch
// got the Keras-layout kernels transposed, so these tests also check that
// ctnn's parameter layout is Keras'.
//
// Set CTNN_REFERENCE_REPORT=1 to print the largest error seen per check.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/reference_data.hpp"

namespace {

using namespace test::reference;

// ---- the data files ----------------------------------------------------------

constexpr std::string_view activations_file = "activations.txt";
constexpr std::string_view models_file = "models.txt";

// activations.txt: pairs of lines "<activation> x <inputs...>", "<activation> y <outputs...>".
struct ActivationCase {
    std::string name;
    std::vector<double> x, y;
};

const std::vector<ActivationCase>& activation_cases() {
    static const std::vector<ActivationCase> cases = [] {
        const auto lines = read_words(activations_file);
        REQUIRE_MESSAGE(!lines.empty(), "the reference file " << data_path(activations_file) << " has no data");
        std::vector<ActivationCase> out;
        for (std::size_t l = 0; l < lines.size(); l += 2) {
            REQUIRE_MESSAGE(l + 1 < lines.size(), data_path(activations_file) << ": an x line has no y line");
            const auto& xs = lines[l];
            const auto& ys = lines[l + 1];
            REQUIRE_MESSAGE((xs.size() >= 2 && ys.size() >= 2 && xs[0] == ys[0] && xs[1] == "x" && ys[1] == "y"),
                            data_path(activations_file) << ": expected '<name> x ...' then '<name> y ...' near "
                                                        << xs[0]);
            ActivationCase c{xs[0], parse_numbers(xs, 2, activations_file), parse_numbers(ys, 2, activations_file)};
            REQUIRE_MESSAGE(c.x.size() == c.y.size(),
                            data_path(activations_file) << ": x and y differ in length for " << c.name);
            out.push_back(std::move(c));
        }
        return out;
    }();
    return cases;
}

// models.txt: "model <name>", "samples <n>", then n lines "y <outputs...>".
struct ModelCase {
    std::string name;
    std::vector<std::vector<double>> y;
};

const std::vector<ModelCase>& model_cases() {
    static const std::vector<ModelCase> cases = [] {
        const auto lines = read_words(models_file);
        REQUIRE_MESSAGE(!lines.empty(), "the reference file " << data_path(models_file) << " has no data");
        std::vector<ModelCase> out;
        std::size_t l = 0;
        while (l < lines.size()) {
            REQUIRE_MESSAGE((lines[l].size() >= 2 && lines[l][0] == "model" && l + 1 < lines.size() &&
                             lines[l + 1].size() == 2 && lines[l + 1][0] == "samples"),
                            data_path(models_file) << ": expected 'model <name>' and 'samples <n>' lines");
            ModelCase c;
            // The name is C++ with spaces after commas: rejoin the words.
            c.name = join_words(lines[l], 1);
            const auto samples = static_cast<std::size_t>(parse_number(lines[l + 1][1], models_file));
            l += 2;
            for (std::size_t n = 0; n < samples; ++n, ++l) {
                REQUIRE_MESSAGE((l < lines.size() && lines[l][0] == "y"),
                                data_path(models_file) << ": " << c.name << " has fewer than " << samples
                                                       << " 'y' lines");
                c.y.push_back(parse_numbers(lines[l], 1, models_file));
            }
            out.push_back(std::move(c));
        }
        return out;
    }();
    return cases;
}

// ---- activations -------------------------------------------------------------

const ActivationCase& elementwise_case(std::string_view name) {
    const ActivationCase* c = find_by_name(activation_cases(), name);
    REQUIRE_MESSAGE(c != nullptr, name << " is not in " << data_path(activations_file));
    return *c;
}

// scaled_error(got, want), infinite when only one of got and want is NaN, 0 when both are.
double activation_error(double got, double want) {
    if (std::isnan(got) != std::isnan(want)) return INFINITY;
    if (std::isnan(got)) return 0;
    return scaled_error(got, want);
}

constexpr double double_activation_tolerance = 1e-12;
constexpr double float_activation_tolerance = 2e-6;

TEST_CASE_TEMPLATE("reference: elementwise activations match PyTorch in float and double", Act, ctnn::Linear,
                   ctnn::ReLU, ctnn::ELU, ctnn::SELU, ctnn::Swish, ctnn::Sigmoid, ctnn::Tanh) {
    const ActivationCase& c = elementwise_case(Act::name.view());
    REQUIRE(c.x.size() >= 30);
    double worst_double = 0, worst_float = 0;
    for (std::size_t i = 0; i < c.x.size(); ++i) {
        const double x = c.x[i], want = c.y[i];
        const double got_double = Act::apply(x);
        const float got_float = Act::apply(static_cast<float>(x));
        const double e_double = activation_error(got_double, want);
        const double e_float = activation_error(static_cast<double>(got_float), want);
        worst_double = std::max(worst_double, e_double);
        worst_float = std::max(worst_float, e_float);
        CHECK_MESSAGE(e_double <= double_activation_tolerance,
                      c.name << "::apply(double " << x << ") = " << got_double << ", PyTorch " << want
                             << ", scaled error " << e_double);
        CHECK_MESSAGE(e_float <= float_activation_tolerance,
                      c.name << "::apply(float " << x << ") = " << got_float << ", PyTorch " << want
                             << ", scaled error " << e_float);
    }
    if (report())
        std::printf("[reference] %-14s double %.3g  float %.3g (max |err| / max(1, |ref|))\n", c.name.c_str(),
                    worst_double, worst_float);
}

template <class T, std::size_t N>
std::vector<double> softmax(const std::vector<double>& x) {
    std::array<T, N> v{};
    for (std::size_t i = 0; i < N; ++i) v[i] = static_cast<T>(x[i]);
    ctnn::Softmax::apply_vector<T, N>(v.data());
    return std::vector<double>(v.begin(), v.end());
}

template <class T>
std::vector<double> softmax(const std::vector<double>& x) {
    switch (x.size()) {
        case 1: return softmax<T, 1>(x);
        case 4: return softmax<T, 4>(x);
        case 10: return softmax<T, 10>(x);
        default: FAIL("no Softmax instantiation for length " << x.size() << " in " << data_path(activations_file));
    }
    return {};
}

TEST_CASE("reference: Softmax::apply_vector matches PyTorch in float and double") {
    std::size_t vectors = 0;
    double worst_double = 0, worst_float = 0;
    for (const ActivationCase& c : activation_cases()) {
        if (c.name != ctnn::Softmax::name.view()) continue;
        ++vectors;
        const std::vector<double> got_double = softmax<double>(c.x);
        const std::vector<double> got_float = softmax<float>(c.x);
        for (std::size_t i = 0; i < c.x.size(); ++i) {
            const double e_double = activation_error(got_double[i], c.y[i]);
            const double e_float = activation_error(got_float[i], c.y[i]);
            worst_double = std::max(worst_double, e_double);
            worst_float = std::max(worst_float, e_float);
            CHECK_MESSAGE(e_double <= double_activation_tolerance,
                          "Softmax (double) of a length-" << c.x.size() << " vector, element " << i << ": "
                                                          << got_double[i] << ", PyTorch " << c.y[i]);
            CHECK_MESSAGE(e_float <= float_activation_tolerance,
                          "Softmax (float) of a length-" << c.x.size() << " vector, element " << i << ": "
                                                         << got_float[i] << ", PyTorch " << c.y[i]);
        }
    }
    CHECK_MESSAGE(vectors >= 5, "expected several ctnn::Softmax vectors in " << data_path(activations_file));
    if (report())
        std::printf("[reference] %-14s double %.3g  float %.3g (max |err| / max(1, |ref|))\n", "ctnn::Softmax",
                    worst_double, worst_float);
}

// ---- models --------------------------------------------------------------------

using namespace ctnn;

// (a) the card model, (b) a wider MLP, (c) MNIST-sized, (d) every activation,
// (e) (a) in double, (f) and (g) a shape-preserving layer first (with 2 and
// 4 outputs: a Dense narrower than any float SIMD vector, and one that fills one).
using CardModel = Sequential<Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>>;
using WideModel = Sequential<Dense<16, 64, ReLU>, Dense<64, 64, ReLU>, Dense<64, 1>>;
using MnistModel = Sequential<Dense<784, 128, ReLU>, Dense<128, 10, Softmax>>;
using EveryActivationModel =
    Sequential<Dense<5, 7, ELU>, Dense<7, 3, SELU>, Dense<3, 6, Swish>, Dense<6, 9, Tanh>, Activation<Sigmoid>,
               Dense<9, 17, Linear>, Activation<ReLU>, Dense<17, 4, Softmax>>;
using CardModelDouble = BasicSequential<double, Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>>;
using ActivationFirstModel = Sequential<Activation<Tanh>, Dense<3, 2, Linear>>;
using ActivationFirstModel4 = Sequential<Activation<Tanh>, Dense<3, 4, Linear>>;

// The weights are parameter_value(k), the inputs input_value(n, i) (support/reference_data.hpp).

template <class T>
constexpr double model_tolerance = std::is_same_v<T, double> ? 1e-12 : 1e-5;

template <class Model>
void check_model() {
    using T = typename Model::value_type;
    constexpr std::size_t In = Model::input_size, Out = Model::output_size;
    const std::string_view name = Model::name.view();
    const ModelCase* found = find_by_name(model_cases(), name);
    REQUIRE_MESSAGE(found != nullptr, name << " is not in " << data_path(models_file));
    const ModelCase& c = *found;
    REQUIRE(!c.y.empty());

    auto model = std::make_unique<Model>();  // MnistModel's 400 KB stay off the stack
    Model& m = *model;
    fill_formula_parameters(m);

    // Layout: each Dense layer's kernel (i, j) is parameter offset + i * Out + j, its bias j follows the kernel.
    std::size_t dense_layers = 0;
    ctnn::detail::static_for<Model::layer_count>([&](auto I) {
        using L = typename Model::template layer_type<I>;
        if constexpr (L::parameter_count > 0) {
            ++dense_layers;
            constexpr std::size_t offset = Model::template parameter_offset<I>;
            constexpr std::size_t LIn = L::input_size, LOut = L::output_size;
            const auto view = m.template layer<I>();
            std::size_t mismatches = 0;
            for (std::size_t i = 0; i < LIn; ++i)
                for (std::size_t j = 0; j < LOut; ++j)
                    mismatches += view.kernel()(i, j) != static_cast<T>(parameter_value(offset + i * LOut + j));
            for (std::size_t j = 0; j < LOut; ++j)
                mismatches += view.bias()[j] != static_cast<T>(parameter_value(offset + LIn * LOut + j));
            CHECK_MESSAGE(mismatches == 0, name << ": layer " << I() << " has " << mismatches
                                                << " kernel/bias elements not in Keras' layout");
        }
    });
    CHECK(dense_layers > 0);
    if constexpr (std::is_same_v<Model, CardModel> || std::is_same_v<Model, CardModelDouble>) {
        // Spelled out for the card model: layer 0's kernel (i, j) is parameter i * 4 + j, then 4 biases.
        CHECK(m.template layer<0>().kernel()(0, 1) == static_cast<T>(parameter_value(1)));
        CHECK(m.template layer<0>().kernel()(1, 0) == static_cast<T>(parameter_value(4)));
        CHECK(m.template layer<0>().kernel()(32, 3) == static_cast<T>(parameter_value(131)));
        CHECK(m.template layer<0>().bias()[0] == static_cast<T>(parameter_value(132)));
    }

    const std::size_t samples = c.y.size();
    std::vector<std::array<T, In>> xs(samples);
    for (std::size_t n = 0; n < samples; ++n)
        for (std::size_t i = 0; i < In; ++i) xs[n][i] = static_cast<T>(input_value(n, i));
    std::vector<std::array<T, Out>> ys(samples);
    m.predict(std::span<const std::array<T, In>>(xs), std::span<std::array<T, Out>>(ys));

    const double tolerance = model_tolerance<T>;
    double worst = 0;
    for (std::size_t n = 0; n < samples; ++n) {
        REQUIRE_MESSAGE(c.y[n].size() == Out, name << ": sample " << n << " has " << c.y[n].size()
                                                   << " reference outputs, the model " << Out);
        const std::array<T, Out> y = m(xs[n]);
        for (std::size_t j = 0; j < Out; ++j) {
            const double want = c.y[n][j];
            const double e_call = std::isnan(y[j]) ? INFINITY : std::abs(static_cast<double>(y[j]) - want);
            const double e_batch = std::isnan(ys[n][j]) ? INFINITY : std::abs(static_cast<double>(ys[n][j]) - want);
            worst = std::max({worst, e_call, e_batch});
            CHECK_MESSAGE(e_call < tolerance, name << " sample " << n << " output " << j << ": m(x) = " << y[j]
                                                   << ", PyTorch " << want << ", |error| " << e_call);
            CHECK_MESSAGE(e_batch < tolerance, name << " sample " << n << " output " << j << ": predict(xs, ys) = "
                                                    << ys[n][j] << ", PyTorch " << want << ", |error| " << e_batch);
        }
    }
    if (report())
        std::printf("[reference] %s kernels, max |error| %.3g: %s\n", kernel_kind(), worst, std::string(name).c_str());
}

TEST_CASE_TEMPLATE("reference: models with formula weights match PyTorch", Model, CardModel, WideModel, MnistModel,
                   EveryActivationModel, CardModelDouble, ActivationFirstModel, ActivationFirstModel4) {
    check_model<Model>();
}

TEST_CASE("reference: models.txt holds exactly the models tested here") {
    const std::array<std::string_view, 7> names = {
        CardModel::name.view(),           WideModel::name.view(),       MnistModel::name.view(),
        EveryActivationModel::name.view(), CardModelDouble::name.view(), ActivationFirstModel::name.view(),
        ActivationFirstModel4::name.view(),
    };
    const auto& cases = model_cases();
    CHECK(cases.size() == names.size());
    for (const ModelCase& c : cases)
        CHECK_MESSAGE(std::find(names.begin(), names.end(), c.name) != names.end(),
                      data_path(models_file) << " has " << c.name << ", which no test case checks");
}

}  // namespace
