// ctnn's BatchNormalization against PyTorch: the training forward pass, every
// gradient, the SGD updates, Keras' moving statistics and the inference outputs,
// checked step by step against float64 values committed in
// tests/data/batch_normalization.txt (regenerate with
// `/usr/bin/python3 scripts/make-reference.py`; the script's docstring
// describes the file and its formulas).
//
// The model is Dense<3, 4, Tanh> -> BatchNormalization -> Dense<4, 2, Sigmoid>
// (34 parameters: kernel 3 x 4, bias 4 | gamma 4, beta 4 | kernel 4 x 2, bias 2;
// 8 state values: moving mean 4, moving variance 4), trained by SGD(0.1) with
// binary cross-entropy on the 12 rows of training.txt, from these values
// (u as in tests/support/reference_data.hpp, k the flat parameter index):
//   Dense parameters 0.25 u(k), gamma 1 + 0.1 u(k), beta 0.05 u(k),
//   moving mean i 0.1 u(100 + i), moving variance i 1 + 0.25 u(104 + i).
// Two trajectories, each from those values:
//   batch4      batches of 4 rows (0-3, 4-7, 8-11): PyTorch's BatchNorm1d(4,
//               eps 1e-3, momentum 0.01) through autograd. One feature of the
//               second batch has a variance of 2e-4, below epsilon.
//   single_row  batches of ONE row (row 0, then row 1). BatchNorm1d refuses
//               that in training; the file has Keras' formula run through
//               autograd: variance 0, x_hat 0, output beta, input gradient 0
//               (so the first Dense layer's gradient is exactly 0 and its
//               weights do not move), moving variance * 0.99.
// Keras' moving statistics (momentum 0.99, the BIASED batch variance) are
// computed by the script, not taken from PyTorch, whose running_var follows
// the unbiased variance. Per step the test compares the batch loss, the
// training-mode predictions, the gradient, the parameters after the update and
// model.state() after the step; after each trajectory, model(x) for six
// formula inputs (inference with the moving statistics).
//
// The same checks, driven the same way, run the first rank-2 model against
// tests/data/rank2.txt:
//   Input<8, 3> -> Dense<3, 4, Tanh> -> BatchNormalization -> Flatten -> Dense<32, 1, Sigmoid>
// (57 parameters: kernel 3 x 4, bias 4 | gamma 4, beta 4 | kernel 32 x 1, bias 1;
// the same 8 state values and initial formulas). A sample is 24 values, step t
// feature f at t * 3 + f (row n: input_value(n, i), target [sum of x > 0]).
// Dense acts on each step (Keras' TimeDistributed Dense), BatchNormalization
// per channel with statistics over the batch and the 8 steps (PyTorch:
// BatchNorm1d(4) on the (N, 4, 8) transpose), Flatten row-major (step t channel
// c at t * 4 + c). The script asserts that Flatten column-major, or statistics
// per step and channel over the batch only, move the first step's predictions
// by more than 1e-3, far beyond the tolerances. Trajectories: batch4 (rows 0-3,
// 4-7, 8-11, 0-3) and single_sample (rows 0, then 1: one sample still gives 8
// values a channel, so nothing is 0 there; in its second step one channel's
// variance is 9.8e-4, near epsilon, and float's largest gradient error there
// is 2.9e-6, the closest any check comes to its tolerance).
//
// Tolerances, as |got - want| <= tolerance * max(1, |want|) (the loss:
// relative): double: loss 1e-10, gradients and parameters 1e-9, state 1e-12,
// predictions and inference outputs 1e-10; float: 1e-5 throughout, state 1e-6.
// Set CTNN_REFERENCE_REPORT=1 to print the largest errors per trajectory.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support/reference_data.hpp"

namespace {

using BnModelDouble = ctnn::BasicSequential<double, ctnn::Dense<3, 4, ctnn::Tanh>, ctnn::BatchNormalization,
                                            ctnn::Dense<4, 2, ctnn::Sigmoid>>;
using BnModelFloat =
    ctnn::Sequential<ctnn::Dense<3, 4, ctnn::Tanh>, ctnn::BatchNormalization, ctnn::Dense<4, 2, ctnn::Sigmoid>>;

constexpr std::string_view bn_file = "batch_normalization.txt";
constexpr std::size_t bn_rows = 12, bn_width = 4;
constexpr std::size_t n_params = BnModelDouble::parameter_count, n_state = BnModelDouble::state_count;
constexpr std::size_t gamma_offset = BnModelDouble::parameter_offset<1>, beta_offset = gamma_offset + bn_width;
static_assert(n_params == 34 && n_state == 8 && gamma_offset == 16);
static_assert(BnModelFloat::parameter_count == n_params && BnModelFloat::state_count == n_state);
static_assert(BnModelDouble::state_offset<1> == 0);

using Rank2Double = ctnn::BasicSequential<double, ctnn::Input<8, 3>, ctnn::Dense<3, 4, ctnn::Tanh>,
                                          ctnn::BatchNormalization, ctnn::Flatten, ctnn::Dense<32, 1, ctnn::Sigmoid>>;
using Rank2Float = ctnn::Sequential<ctnn::Input<8, 3>, ctnn::Dense<3, 4, ctnn::Tanh>, ctnn::BatchNormalization,
                                    ctnn::Flatten, ctnn::Dense<32, 1, ctnn::Sigmoid>>;

constexpr std::string_view rank2_file = "rank2.txt";
constexpr std::size_t rank2_rows = 12;
// The BatchNormalization layer is layer<1> with the same offsets as in the
// vector model, so initial_parameter and initial_state serve both files.
static_assert(Rank2Double::layer_count == 4 && Rank2Double::input_size == 24 && Rank2Double::output_size == 1);
static_assert(std::is_same_v<Rank2Double::input_shape, ctnn::Shape<8, 3>>);
static_assert(Rank2Double::parameter_count == 57 && Rank2Double::state_count == n_state);
static_assert(Rank2Double::parameter_offset<1> == gamma_offset && Rank2Double::state_offset<1> == 0);
static_assert(Rank2Double::parameter_offset<3> == 24);  // Flatten has no parameters
static_assert(Rank2Float::parameter_count == Rank2Double::parameter_count && Rank2Float::state_count == n_state);

using namespace test::reference;

// ---- the data file -------------------------------------------------------------

struct Step {
    std::vector<std::size_t> rows;
    double loss = 0;
    std::vector<double> predictions, gradient, weights, state;  // weights and state after the step
};

struct Sample {
    std::size_t n = 0;
    std::vector<double> x, y;
};

struct Trajectory {
    std::string name;
    std::size_t batch = 0;
    std::vector<Step> steps;
    std::vector<Sample> inference;  // after the last step
};

struct BnData {
    std::string file, model;
    std::vector<std::vector<double>> x, y;
    std::vector<double> initial_weights, initial_state;
    std::vector<Trajectory> trajectories;
};

// The file's model, its rows of In inputs and Out targets, the initial values
// and the trajectories (the format in the script's docstring).
BnData read_reference(std::string_view file, std::size_t rows, std::size_t in, std::size_t out) {
    const auto lines = read_words(file);
    const auto malformed = [&](std::size_t l) {
        if (l >= lines.size()) return data_path(file) + ": the file ends early";
        return data_path(file) + ": unexpected line '" + join_words(lines[l], 0, 4) + " ...'";
    };
    const auto is = [&](std::size_t l, std::string_view w0, std::size_t min_size = 1) {
        return l < lines.size() && lines[l].size() >= min_size && lines[l][0] == w0;
    };
    // <w0> <n> x <in values> y <out values>
    const auto is_sample = [&](std::size_t l, std::string_view w0) {
        return is(l, w0) && lines[l].size() == 4 + in + out && lines[l][2] == "x" && lines[l][3 + in] == "y";
    };

    BnData d;
    d.file = file;
    std::size_t l = 0;
    REQUIRE_MESSAGE(is(0, "model", 2), malformed(0));
    d.model = join_words(lines[0], 1);
    REQUIRE_MESSAGE((is(1, "rows") && lines[1].size() == 2 && parse_number(lines[1][1], file) == double(rows)),
                    malformed(1));
    l = 2;
    for (std::size_t r = 0; r < rows; ++r, ++l) {
        REQUIRE_MESSAGE((is_sample(l, "row") && parse_number(lines[l][1], file) == double(r)), malformed(l));
        d.x.push_back(parse_numbers(lines[l], 3, 3 + in, file));
        d.y.push_back(parse_numbers(lines[l], 4 + in, file));
    }
    REQUIRE_MESSAGE((is(l, "init", 2) && lines[l][1] == "w"), malformed(l));
    d.initial_weights = parse_numbers(lines[l], 2, file);
    ++l;
    REQUIRE_MESSAGE((is(l, "init", 2) && lines[l][1] == "s"), malformed(l));
    d.initial_state = parse_numbers(lines[l], 2, file);
    ++l;
    while (l < lines.size()) {
        // trajectory <name> batch <b> steps <s>
        REQUIRE_MESSAGE(
            (is(l, "trajectory") && lines[l].size() == 6 && lines[l][2] == "batch" && lines[l][4] == "steps"),
            malformed(l));
        Trajectory t;
        t.name = lines[l][1];
        t.batch = static_cast<std::size_t>(parse_number(lines[l][3], file));
        const auto steps = static_cast<std::size_t>(parse_number(lines[l][5], file));
        ++l;
        for (std::size_t s = 0; s < steps; ++s, l += 5) {
            // step <i> rows <r...> loss <v> / p <...> / g <...> / w <...> / s <...>
            REQUIRE_MESSAGE((is(l, "step") && lines[l].size() == 5 + t.batch &&
                             parse_number(lines[l][1], file) == double(s + 1) && lines[l][2] == "rows" &&
                             lines[l][3 + t.batch] == "loss" && is(l + 1, "p") && is(l + 2, "g") && is(l + 3, "w") &&
                             is(l + 4, "s")),
                            malformed(l));
            Step step;
            for (double r : parse_numbers(lines[l], 3, 3 + t.batch, file))
                step.rows.push_back(static_cast<std::size_t>(r));
            step.loss = parse_number(lines[l][4 + t.batch], file);
            step.predictions = parse_numbers(lines[l + 1], 1, file);
            step.gradient = parse_numbers(lines[l + 2], 1, file);
            step.weights = parse_numbers(lines[l + 3], 1, file);
            step.state = parse_numbers(lines[l + 4], 1, file);
            t.steps.push_back(std::move(step));
        }
        REQUIRE_MESSAGE((is(l, "infer") && lines[l].size() == 2), malformed(l));
        const auto samples = static_cast<std::size_t>(parse_number(lines[l][1], file));
        ++l;
        for (std::size_t k = 0; k < samples; ++k, ++l) {
            REQUIRE_MESSAGE(is_sample(l, "sample"), malformed(l));
            Sample sample;
            sample.n = static_cast<std::size_t>(parse_number(lines[l][1], file));
            sample.x = parse_numbers(lines[l], 3, 3 + in, file);
            sample.y = parse_numbers(lines[l], 4 + in, file);
            t.inference.push_back(std::move(sample));
        }
        d.trajectories.push_back(std::move(t));
    }
    return d;
}

const BnData& bn_data() {
    static const BnData data =
        read_reference(bn_file, bn_rows, BnModelDouble::input_size, BnModelDouble::output_size);
    return data;
}

const BnData& rank2_data() {
    static const BnData data =
        read_reference(rank2_file, rank2_rows, Rank2Double::input_size, Rank2Double::output_size);
    return data;
}

// The file with Model's reference: the rank-2 model's, or the vector model's.
template <class Model>
const BnData& data_of() {
    if constexpr (Model::input_shape::rank == 2)
        return rank2_data();
    else
        return bn_data();
}

const Trajectory& trajectory(const BnData& d, std::string_view name) {
    const Trajectory* t = find_by_name(d.trajectories, name);
    REQUIRE_MESSAGE(t != nullptr, "no trajectory " << name << " in " << data_path(d.file));
    return *t;
}

// ---- the formulas, as in the script (u, input_value, target_rule: support/reference_data.hpp)

double initial_parameter(std::size_t k) {
    if (k >= gamma_offset && k < beta_offset) return 1.0 + 0.1 * u(k);
    if (k >= beta_offset && k < beta_offset + bn_width) return 0.05 * u(k);
    return parameter_value(k);  // the Dense layers: 0.25 u(k)
}
double initial_state(std::size_t s) { return s < bn_width ? 0.1 * u(100 + s) : 1.0 + 0.25 * u(100 + s); }

// The rank-2 rows' target: [x0 + ... + x23 > 0] (exact: multiples of 2^-14).
std::vector<double> rank2_target(const std::vector<double>& x) {
    double sum = 0;
    for (double v : x) sum += v;
    return {sum > 0 ? 1.0 : 0.0};
}

template <class Model>
void fill_initial(Model& model) {
    using T = typename Model::value_type;
    for (std::size_t k = 0; k < Model::parameter_count; ++k) model.parameters()[k] = static_cast<T>(initial_parameter(k));
    for (std::size_t s = 0; s < Model::state_count; ++s) model.state()[s] = static_cast<T>(initial_state(s));
}

// A number with all its digits, for the failure messages.
std::string num(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}


template <class T>
struct Tolerance;
template <>
struct Tolerance<double> {
    static constexpr double loss = 1e-10, gradient = 1e-9, weights = 1e-9, state = 1e-12, outputs = 1e-10;
};
template <>
struct Tolerance<float> {
    static constexpr double loss = 1e-5, gradient = 1e-5, weights = 1e-5, state = 1e-6, outputs = 1e-5;
};

// ---- the checks ------------------------------------------------------------------

// What every reference file must hold: Model's name, the formula rows with
// their targets by rule, the formula initial values, and exactly the
// trajectories named (consecutive rows in order, every line of the right size).
template <class Model, class Rule>
void check_file(const BnData& d, std::size_t rows, Rule rule, const std::vector<std::string_view>& names) {
    constexpr std::size_t In = Model::input_size, Out = Model::output_size;
    CHECK(d.model == Model::name.view());
    REQUIRE(d.x.size() == rows);
    for (std::size_t n = 0; n < rows; ++n) {
        REQUIRE(d.x[n].size() == In);
        REQUIRE(d.y[n].size() == Out);
        for (std::size_t i = 0; i < In; ++i)
            CHECK_MESSAGE(d.x[n][i] == input_value(n, i), "row " << n << " input " << i << " is not the formula's");
        const auto y = rule(d.x[n]);
        CHECK_MESSAGE(std::equal(y.begin(), y.end(), d.y[n].begin(), d.y[n].end()),
                      "row " << n << ": targets not by the rule");
    }
    REQUIRE(d.initial_weights.size() == Model::parameter_count);
    REQUIRE(d.initial_state.size() == Model::state_count);
    for (std::size_t k = 0; k < Model::parameter_count; ++k)
        CHECK_MESSAGE(d.initial_weights[k] == initial_parameter(k), "initial parameter " << k << " is not the formula's");
    for (std::size_t s = 0; s < Model::state_count; ++s)
        CHECK_MESSAGE(d.initial_state[s] == initial_state(s), "initial state " << s << " is not the formula's");

    CHECK(d.trajectories.size() == names.size());
    for (const Trajectory& t : d.trajectories) {
        CHECK_MESSAGE(std::find(names.begin(), names.end(), t.name) != names.end(),
                      data_path(d.file) << " has the trajectory " << t.name << ", which no test case checks");
        REQUIRE(t.batch >= 1);
        REQUIRE(!t.steps.empty());
        for (std::size_t s = 0; s < t.steps.size(); ++s) {
            const Step& step = t.steps[s];
            REQUIRE(step.rows.size() == t.batch);
            for (std::size_t r = 0; r < t.batch; ++r)  // consecutive rows, in order
                CHECK(step.rows[r] == (s * t.batch + r) % rows);
            CHECK(step.predictions.size() == t.batch * Out);
            CHECK(step.gradient.size() == Model::parameter_count);
            CHECK(step.weights.size() == Model::parameter_count);
            CHECK(step.state.size() == Model::state_count);
        }
        REQUIRE(!t.inference.empty());
        for (const Sample& sample : t.inference) {
            REQUIRE(sample.x.size() == In);
            REQUIRE(sample.y.size() == Out);
            for (std::size_t i = 0; i < sample.x.size(); ++i)
                CHECK_MESSAGE(sample.x[i] == input_value(sample.n, i),
                              "inference sample " << sample.n << " input " << i << " is not the formula's");
        }
    }
}

TEST_CASE("batch normalization reference: the file has the model, the formula rows and values, the trajectories") {
    const BnData& d = bn_data();
    check_file<BnModelDouble>(d, bn_rows, target_rule, {"batch4", "single_row"});
    CHECK(trajectory(d, "batch4").batch == 4);
    CHECK(trajectory(d, "single_row").batch == 1);
}

TEST_CASE("rank-2 reference: the file has the model, the formula rows and values, the trajectories") {
    const BnData& d = rank2_data();
    check_file<Rank2Double>(d, rank2_rows, rank2_target, {"batch4", "single_sample"});
    std::size_t ones = 0;
    for (const auto& y : d.y) ones += y[0] == 1.0 ? 1 : 0;
    CHECK_MESSAGE((ones > 0 && ones < rank2_rows), "the targets are constant");
    CHECK(trajectory(d, "batch4").batch == 4);
    CHECK(trajectory(d, "single_sample").batch == 1);
}

TEST_CASE_TEMPLATE("batch normalization reference: the layer's view addresses the blocks in Keras' order", Model,
                   BnModelDouble, BnModelFloat, Rank2Double, Rank2Float) {
    Model model;
    fill_initial(model);
    const auto bn = model.template layer<1>();
    CHECK(bn.gamma().data() == model.parameters().data() + gamma_offset);
    CHECK(bn.beta().data() == model.parameters().data() + beta_offset);
    CHECK(bn.moving_mean().data() == model.state().data());
    CHECK(bn.moving_variance().data() == model.state().data() + bn_width);
    CHECK(bn.gamma().size() == bn_width);
    CHECK(bn.moving_variance().size() == bn_width);
}

struct Worst {
    double loss = 0, predictions = 0, gradient = 0, weights = 0, state = 0, inference = 0;
};

// Counts and reports the elements of got beyond tol against want.
template <class Got>
std::size_t compare(std::string_view what, std::string_view name, std::size_t step, const Got& got,
                    const std::vector<double>& want, double tol, double& worst) {
    std::size_t bad = 0;
    REQUIRE(want.size() <= std::size(got));
    for (std::size_t k = 0; k < want.size(); ++k) {
        const double e = scaled_error(double(got[k]), want[k], Invalid::non_finite);
        worst = std::max(worst, e);
        if (e > tol && bad++ < 4)
            FAIL_CHECK(name << " step " << step << ": " << what << " " << k << " is " << num(double(got[k]))
                            << ", reference " << num(want[k]) << ", scaled error " << e);
    }
    return bad;
}

// Drives ctnn as the trainer does (Backprop + SGD), step by step on the file's
// batches, from the formula values; compares everything the file has.
template <class Model>
Worst check_trajectory(std::string_view name) {
    using T = typename Model::value_type;
    using Tol = Tolerance<T>;
    constexpr std::size_t In = Model::input_size, Out = Model::output_size, P = Model::parameter_count;
    const BnData& d = data_of<Model>();
    const Trajectory& t = trajectory(d, name);
    const std::size_t batch = t.batch;

    Model model;
    fill_initial(model);
    ctnn::Backprop<Model, ctnn::BinaryCrossentropy> pass(ctnn::BinaryCrossentropy{}, batch);
    const ctnn::SGD optimizer{.learning_rate = 0.1};
    auto opt_state = optimizer.template make_state<T>(P);
    std::vector<T> grad(P);
    ctnn::Rng rng(ctnn::Seed{0});

    Worst worst;
    for (std::size_t s = 0; s < t.steps.size(); ++s) {
        const Step& ref = t.steps[s];
        REQUIRE(ref.gradient.size() == P);
        REQUIRE(ref.weights.size() == P);
        REQUIRE(ref.state.size() == Model::state_count);
        REQUIRE(ref.predictions.size() == batch * Out);
        for (std::size_t r = 0; r < batch; ++r) {
            const std::size_t row = ref.rows[r];
            REQUIRE(row < d.x.size());
            for (std::size_t i = 0; i < In; ++i) pass.inputs()[r * In + i] = static_cast<T>(d.x[row][i]);
            for (std::size_t j = 0; j < Out; ++j) pass.targets()[r * Out + j] = static_cast<T>(d.y[row][j]);
        }
        const double loss = pass.run(model, batch, std::span<T, P>(grad), rng);
        std::vector<T> predictions(pass.predictions(), pass.predictions() + batch * Out);
        optimizer.step(std::span<T>(model.parameters()), std::span<const T>(grad), opt_state);

        const double e_loss = relative_error(loss, ref.loss, Invalid::non_finite);
        worst.loss = std::max(worst.loss, e_loss);
        CHECK_MESSAGE(e_loss <= Tol::loss, name << " (" << Model::name.view() << ") step " << s + 1 << ": loss "
                                                << num(loss) << ", reference " << num(ref.loss)
                                                << ", relative error " << e_loss);
        CHECK(compare("prediction", name, s + 1, predictions, ref.predictions, Tol::outputs, worst.predictions) == 0);
        CHECK(compare("gradient of parameter", name, s + 1, grad, ref.gradient, Tol::gradient, worst.gradient) == 0);
        CHECK(compare("parameter after the step", name, s + 1, model.parameters(), ref.weights, Tol::weights,
                      worst.weights) == 0);
        CHECK(compare("state element after the step", name, s + 1, model.state(), ref.state, Tol::state,
                      worst.state) == 0);
        for (T v : predictions) CHECK(std::isfinite(v));
        for (T v : grad) CHECK(std::isfinite(v));
        for (T v : model.state()) CHECK(std::isfinite(v));

        if (batch * Model::input_shape::rows == 1) {
            // One value a channel (a vector model, a batch of one). Keras:
            // variance 0, x_hat 0, so d gamma = 0 and no gradient reaches
            // the first Dense layer: exactly, not approximately.
            for (std::size_t k = 0; k < beta_offset; ++k)
                CHECK_MESSAGE(grad[k] == T(0), name << " step " << s + 1 << ": gradient of parameter " << k << " is "
                                                    << grad[k] << ", expected exactly 0 for a batch of one");
            for (std::size_t k = 0; k < gamma_offset; ++k)
                CHECK(model.parameters()[k] == static_cast<T>(initial_parameter(k)));
        }
    }

    std::size_t bad = 0;
    for (const Sample& sample : t.inference) {
        std::array<T, In> x{};
        for (std::size_t i = 0; i < In; ++i) x[i] = static_cast<T>(sample.x[i]);
        const std::array<T, Out> y = model(x);
        bad += compare("inference output, sample", name, t.steps.size(), y, sample.y, Tol::outputs, worst.inference);
    }
    CHECK_MESSAGE(bad == 0, name << ": " << bad << " inference outputs beyond tolerance");
    if (report())
        std::printf("[batch normalization reference] %s kernels, %-6s %-23s %-13s max error: loss %.3g, "
                    "predictions %.3g, gradient %.3g, parameters %.3g, state %.3g, inference %.3g\n",
                    kernel_kind(), std::is_same_v<T, double> ? "double" : "float", d.file.c_str(),
                    std::string(name).c_str(),
                    worst.loss, worst.predictions, worst.gradient, worst.weights, worst.state, worst.inference);
    return worst;
}

TEST_CASE_TEMPLATE("batch normalization reference: batches of 4 match PyTorch's BatchNorm1d and Keras' moving "
                   "statistics step by step",
                   Model, BnModelDouble, BnModelFloat) {
    check_trajectory<Model>("batch4");
}

TEST_CASE_TEMPLATE("batch normalization reference: a batch of one sample follows Keras (output beta, no input "
                   "gradient, decaying variance)",
                   Model, BnModelDouble, BnModelFloat) {
    check_trajectory<Model>("single_row");
}

TEST_CASE_TEMPLATE("rank-2 reference: Input<8, 3>, Dense per step, BatchNormalization over batch and steps, Flatten "
                   "row-major match PyTorch step by step (batches of 4)",
                   Model, Rank2Double, Rank2Float) {
    check_trajectory<Model>("batch4");
}

TEST_CASE_TEMPLATE("rank-2 reference: a batch of one sample normalizes over its 8 steps", Model, Rank2Double,
                   Rank2Float) {
    check_trajectory<Model>("single_sample");
}

}  // namespace
