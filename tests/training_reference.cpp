// ctnn's training against PyTorch: backprop, losses and optimizers checked step
// by step against float64 trajectories computed by torch.autograd and
// torch.optim and committed in tests/data/training.txt (regenerate with
// `/usr/bin/python3 scripts/make-reference.py`; the script's docstring
// describes the file).
//
// The model is Dense<3, 5, Tanh> -> Dense<5, 2, Sigmoid> with the formula
// weights of tests/support/reference_data.hpp; 12 fixed rows (formula inputs, targets
// y0 = [x0 + x1 + x2 > 0], y1 = [x0 x1 x2 > 0]) in batches of 4 rows in order,
// 5 steps. Four trajectories, each from the same initial weights:
//   adam_bce          Adam(0.01, 0.9, 0.999, epsilon 1e-12) + binary cross-entropy
//   sgd_momentum_mse  SGD(0.1, momentum 0.9) + MSE
//   sgd_nesterov_mse  SGD(0.1, momentum 0.9, Nesterov) + MSE
//   sgd_huber         SGD(0.1) + Huber(delta 1), targets 2y - 0.6 (both branches)
// Per step the file has the batch loss, the gradient and the parameters after
// the update, all compared here (the gradient too, so that a mismatch points at
// backprop or at the optimizer).
//
// Keras' formulas, which ctnn follows, against PyTorch's:
// - SGD with momentum: Keras v = m v - lr g, w += v; PyTorch b = m b + g,
//   w -= lr b. With v = -lr b they are the same for a constant lr.
// - Nesterov: Keras w += m v - lr g (with the updated v); PyTorch
//   w -= lr (g + m b) (with the updated b): the same again.
// - Adam: PyTorch adds epsilon to sqrt(v_hat), Keras to sqrt(v), i.e. Keras'
//   epsilon is PyTorch's times sqrt(1 - beta_2^t), up to 32 times larger. With
//   epsilon = 1e-12 the two end about 1e-10 apart on this trajectory (the
//   script measures it, writes it into the file and asserts it below 2e-10),
//   within the 1e-9 tolerance.
// - Binary cross-entropy: ctnn fuses Sigmoid + BCE into the gradient p - y
//   with respect to the logits, exactly PyTorch's chain rule through
//   BCELoss and sigmoid as long as no prediction is clipped at 1e-7 (the
//   script asserts every prediction is in (0.001, 0.999)).
// - MSE and Huber: PyTorch's 'mean' reduction over all elements is Keras' mean
//   over the outputs, then over the batch, as the batch has equal-length rows.
//
// Tolerances, as |got - want| <= tolerance * max(1, |want|) (the loss:
// relative): double 1e-9 for gradients and parameters, 1e-10 for the loss;
// float 1e-5 throughout. Set CTNN_REFERENCE_REPORT=1 to print the largest
// errors per trajectory.
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

using TrainModelDouble = ctnn::BasicSequential<double, ctnn::Dense<3, 5, ctnn::Tanh>, ctnn::Dense<5, 2, ctnn::Sigmoid>>;
using TrainModelFloat = ctnn::Sequential<ctnn::Dense<3, 5, ctnn::Tanh>, ctnn::Dense<5, 2, ctnn::Sigmoid>>;

constexpr std::string_view training_file = "training.txt";
constexpr std::size_t train_rows = 12, train_batch = 4, train_steps = 5;
constexpr std::size_t n_params = TrainModelDouble::parameter_count;
static_assert(n_params == 32 && TrainModelFloat::parameter_count == n_params);

using namespace test::reference;

// ---- the data file -------------------------------------------------------------

struct Step {
    std::vector<std::size_t> rows;
    double loss = 0;
    std::vector<double> gradient, weights;  // Keras layout; the weights after the step
};

struct Trajectory {
    std::string name;
    double target_scale = 1, target_shift = 0;  // the loss sees scale * y + shift
    std::vector<Step> steps;
};

struct TrainingData {
    std::string model;
    std::size_t rows = 0, batch = 0, steps = 0;
    std::vector<std::vector<double>> x, y;
    std::vector<Trajectory> trajectories;
};

const TrainingData& training_data() {
    static const TrainingData data = [] {
        const auto lines = read_words(training_file);
        const auto malformed = [](const std::vector<std::string>& words) {
            return data_path(training_file) + ": unexpected line '" + join_words(words, 0, 4) + " ...'";
        };

        TrainingData d;
        std::size_t l = 0;
        REQUIRE_MESSAGE((lines.size() > 2 && lines[0][0] == "model"),
                        data_path(training_file) << ": expected a 'model' line first");
        d.model = join_words(lines[0], 1);
        const auto& sizes = lines[1];
        REQUIRE_MESSAGE((sizes.size() == 6 && sizes[0] == "rows" && sizes[2] == "batch" && sizes[4] == "steps"),
                        malformed(sizes));
        d.rows = static_cast<std::size_t>(parse_number(sizes[1], training_file));
        d.batch = static_cast<std::size_t>(parse_number(sizes[3], training_file));
        d.steps = static_cast<std::size_t>(parse_number(sizes[5], training_file));
        l = 2;
        for (std::size_t r = 0; r < d.rows; ++r, ++l) {
            // row <r> x <x0 x1 x2> y <y0 y1>
            REQUIRE_MESSAGE((l < lines.size() && lines[l].size() == 9 && lines[l][0] == "row" && lines[l][2] == "x" &&
                             lines[l][6] == "y" && parse_number(lines[l][1], training_file) == double(r)),
                            (l < lines.size() ? malformed(lines[l])
                                              : data_path(training_file) + ": too few 'row' lines"));
            d.x.push_back(parse_numbers(lines[l], 3, 6, training_file));
            d.y.push_back(parse_numbers(lines[l], 7, 9, training_file));
        }
        while (l < lines.size()) {
            REQUIRE_MESSAGE((lines[l].size() == 2 && lines[l][0] == "trajectory" && l + 1 < lines.size() &&
                             lines[l + 1].size() == 3 && lines[l + 1][0] == "targets"),
                            malformed(lines[l]));
            Trajectory t;
            t.name = lines[l][1];
            t.target_scale = parse_number(lines[l + 1][1], training_file);
            t.target_shift = parse_number(lines[l + 1][2], training_file);
            l += 2;
            for (std::size_t s = 0; s < d.steps; ++s, l += 3) {
                // step <i> rows <r...> loss <v> / g <...> / w <...>
                REQUIRE_MESSAGE(l + 2 < lines.size(), data_path(training_file) << ": " << t.name << " has fewer than "
                                                                              << d.steps << " steps");
                const auto& head = lines[l];
                REQUIRE_MESSAGE((head.size() == 5 + d.batch && head[0] == "step" &&
                                 parse_number(head[1], training_file) == double(s + 1) && head[2] == "rows" &&
                                 head[3 + d.batch] == "loss" && lines[l + 1][0] == "g" && lines[l + 2][0] == "w"),
                                malformed(head));
                Step step;
                for (double r : parse_numbers(head, 3, 3 + d.batch, training_file))
                    step.rows.push_back(static_cast<std::size_t>(r));
                step.loss = parse_number(head[4 + d.batch], training_file);
                step.gradient = parse_numbers(lines[l + 1], 1, training_file);
                step.weights = parse_numbers(lines[l + 2], 1, training_file);
                t.steps.push_back(std::move(step));
            }
            d.trajectories.push_back(std::move(t));
        }
        return d;
    }();
    return data;
}

const Trajectory& trajectory(std::string_view name) {
    const Trajectory* t = find_by_name(training_data().trajectories, name);
    REQUIRE_MESSAGE(t != nullptr, "no trajectory " << name << " in " << data_path(training_file));
    return *t;
}

// ---- tolerances (for scaled_error; the loss: relative_error, both infinite for NaN) -------

template <class T>
struct Tolerance;
template <>
struct Tolerance<double> {
    static constexpr double loss = 1e-10, gradient = 1e-9, weights = 1e-9;
};
template <>
struct Tolerance<float> {
    static constexpr double loss = 1e-5, gradient = 1e-5, weights = 1e-5;
};

// ---- the checks ------------------------------------------------------------------

TEST_CASE("training reference: training.txt has the model, the rows and the trajectories tested here") {
    const TrainingData& d = training_data();
    CHECK(d.model == TrainModelDouble::name.view());
    CHECK(d.rows == train_rows);
    CHECK(d.batch == train_batch);
    CHECK(d.steps == train_steps);
    REQUIRE(d.x.size() == train_rows);
    for (std::size_t n = 0; n < train_rows; ++n) {
        REQUIRE(d.x[n].size() == TrainModelDouble::input_size);
        REQUIRE(d.y[n].size() == TrainModelDouble::output_size);
        for (std::size_t i = 0; i < TrainModelDouble::input_size; ++i)
            CHECK_MESSAGE(d.x[n][i] == input_value(n, i), "row " << n << " input " << i << " is not the formula's");
        const auto y = target_rule(d.x[n]);
        CHECK_MESSAGE((d.y[n][0] == y[0] && d.y[n][1] == y[1]), "row " << n << ": targets not by the rule");
    }
    const std::array<std::string_view, 4> names = {"adam_bce", "sgd_momentum_mse", "sgd_nesterov_mse", "sgd_huber"};
    CHECK(d.trajectories.size() == names.size());
    for (const Trajectory& t : d.trajectories) {
        CHECK_MESSAGE(std::find(names.begin(), names.end(), t.name) != names.end(),
                      data_path(training_file) << " has the trajectory " << t.name << ", which no test case checks");
        REQUIRE(t.steps.size() == train_steps);
        for (std::size_t s = 0; s < train_steps; ++s) {
            const Step& step = t.steps[s];
            REQUIRE(step.rows.size() == train_batch);
            for (std::size_t r = 0; r < train_batch; ++r)  // batches in order, no shuffling
                CHECK(step.rows[r] == (s % (train_rows / train_batch)) * train_batch + r);
            CHECK(step.gradient.size() == n_params);
            CHECK(step.weights.size() == n_params);
        }
    }
}

struct Worst {
    double loss = 0, gradient = 0, weights = 0;
};

// Drives ctnn exactly as the trainer does, step by step, on the file's batches
// from the formula weights; compares the loss, the gradient and the parameters
// after each step with PyTorch's.
template <class Model, class Opt, class Loss>
void check_trajectory(std::string_view name, Opt optimizer, Loss loss_fn) {
    using T = typename Model::value_type;
    constexpr std::size_t In = Model::input_size, Out = Model::output_size, P = Model::parameter_count;
    const TrainingData& d = training_data();
    const Trajectory& t = trajectory(name);
    REQUIRE(t.steps.size() == train_steps);

    Model model;
    fill_formula_parameters(model);
    ctnn::Backprop<Model, Loss> pass(loss_fn, train_batch);
    std::vector<T> grad(P);
    ctnn::Rng rng(ctnn::Seed{0});
    auto state = optimizer.template make_state<T>(P);

    Worst worst;
    for (std::size_t s = 0; s < train_steps; ++s) {
        const Step& ref = t.steps[s];
        REQUIRE(ref.rows.size() == train_batch);
        REQUIRE(ref.gradient.size() == P);
        REQUIRE(ref.weights.size() == P);
        for (std::size_t r = 0; r < train_batch; ++r) {
            const std::size_t row = ref.rows[r];
            REQUIRE(row < d.rows);
            for (std::size_t i = 0; i < In; ++i) pass.inputs()[r * In + i] = static_cast<T>(d.x[row][i]);
            for (std::size_t j = 0; j < Out; ++j)
                pass.targets()[r * Out + j] = static_cast<T>(t.target_scale * d.y[row][j] + t.target_shift);
        }
        const double loss = pass.run(model, train_batch, std::span<T, P>(grad), rng);
        optimizer.step(std::span<T>(model.parameters()), std::span<const T>(grad), state);

        const double e_loss = relative_error(loss, ref.loss);
        worst.loss = std::max(worst.loss, e_loss);
        CHECK_MESSAGE(e_loss <= Tolerance<T>::loss, name << " (" << Model::name.view() << ") step " << s + 1
                                                        << ": loss " << loss << ", PyTorch " << ref.loss
                                                        << ", relative error " << e_loss);
        std::size_t bad_gradient = 0, bad_weights = 0;
        for (std::size_t k = 0; k < P; ++k) {
            const double e_g = scaled_error(double(grad[k]), ref.gradient[k]);
            const double e_w = scaled_error(double(model.parameters()[k]), ref.weights[k]);
            worst.gradient = std::max(worst.gradient, e_g);
            worst.weights = std::max(worst.weights, e_w);
            if (e_g > Tolerance<T>::gradient && bad_gradient++ < 4)
                FAIL_CHECK(name << " (" << Model::name.view() << ") step " << s + 1 << ": gradient of parameter " << k
                                << " is " << grad[k] << ", PyTorch " << ref.gradient[k] << ", scaled error " << e_g);
            if (e_w > Tolerance<T>::weights && bad_weights++ < 4)
                FAIL_CHECK(name << " (" << Model::name.view() << ") step " << s + 1 << ": parameter " << k
                                << " after the step is " << model.parameters()[k] << ", PyTorch " << ref.weights[k]
                                << ", scaled error " << e_w);
        }
        CHECK_MESSAGE(bad_gradient == 0, name << " step " << s + 1 << ": " << bad_gradient
                                              << " gradient elements beyond tolerance");
        CHECK_MESSAGE(bad_weights == 0, name << " step " << s + 1 << ": " << bad_weights
                                             << " parameters beyond tolerance");
    }
    if (report())
        std::printf("[training reference] %s kernels, %-6s %-16s max error: loss %.3g, gradient %.3g, parameters %.3g\n",
                    kernel_kind(), std::is_same_v<T, double> ? "double" : "float", std::string(name).c_str(),
                    worst.loss, worst.gradient, worst.weights);
}

TEST_CASE_TEMPLATE("training reference: Adam + binary cross-entropy matches PyTorch step by step", Model,
                   TrainModelDouble, TrainModelFloat) {
    check_trajectory<Model>(
        "adam_bce", ctnn::Adam{.learning_rate = 0.01, .beta_1 = 0.9, .beta_2 = 0.999, .epsilon = 1e-12},
        ctnn::BinaryCrossentropy{});
}

TEST_CASE_TEMPLATE("training reference: SGD with momentum + MSE matches PyTorch step by step", Model,
                   TrainModelDouble, TrainModelFloat) {
    check_trajectory<Model>("sgd_momentum_mse",
                            ctnn::SGD{.learning_rate = 0.1, .momentum = 0.9, .nesterov = false}, ctnn::MSE{});
}

TEST_CASE_TEMPLATE("training reference: SGD with Nesterov momentum + MSE matches PyTorch step by step", Model,
                   TrainModelDouble, TrainModelFloat) {
    check_trajectory<Model>("sgd_nesterov_mse", ctnn::SGD{.learning_rate = 0.1, .momentum = 0.9, .nesterov = true},
                            ctnn::MSE{});
}

TEST_CASE_TEMPLATE("training reference: plain SGD + Huber matches PyTorch step by step", Model, TrainModelDouble,
                   TrainModelFloat) {
    check_trajectory<Model>("sgd_huber", ctnn::SGD{.learning_rate = 0.1}, ctnn::Huber{.delta = 1.0});
}

// The same SGD-momentum trajectory through the public API: one epoch of fit()
// over the 12 rows with batch_size 4 and no shuffling is PyTorch's steps 1-3,
// and the epoch's loss is the mean of their batch losses.
TEST_CASE_TEMPLATE("training reference: compile(...).fit() without shuffling follows PyTorch's batches", Model,
                   TrainModelDouble, TrainModelFloat) {
    using T = typename Model::value_type;
    const TrainingData& d = training_data();
    const Trajectory& t = trajectory("sgd_momentum_mse");
    constexpr std::size_t steps_per_epoch = train_rows / train_batch;
    REQUIRE(t.steps.size() >= steps_per_epoch);
    REQUIRE(d.x.size() == train_rows);

    ctnn::Dataset<T, Model::input_size, Model::output_size> data;
    for (std::size_t n = 0; n < train_rows; ++n) {
        std::array<T, Model::input_size> x{};
        std::array<T, Model::output_size> y{};
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(d.x[n][i]);
        for (std::size_t j = 0; j < y.size(); ++j) y[j] = static_cast<T>(t.target_scale * d.y[n][j] + t.target_shift);
        data.x.push_back(x);
        data.y.push_back(y);
    }

    Model model;
    fill_formula_parameters(model);
    auto trainer = ctnn::compile(model, ctnn::SGD{.learning_rate = 0.1, .momentum = 0.9, .nesterov = false}, ctnn::MSE{});
    const ctnn::History history =
        trainer.fit(data, {.batch_size = train_batch, .epochs = 1, .shuffle = false, .verbose = 0});
    REQUIRE(history.stop_reason.empty());
    REQUIRE(history.epochs() == 1);

    double mean_loss = 0;
    for (std::size_t s = 0; s < steps_per_epoch; ++s) mean_loss += t.steps[s].loss / double(steps_per_epoch);
    const double e_loss = relative_error(history["loss"][0], mean_loss);
    CHECK_MESSAGE(e_loss <= Tolerance<T>::loss, "epoch loss " << history["loss"][0] << ", the mean of PyTorch's "
                                                              << steps_per_epoch << " batch losses " << mean_loss);

    const Step& ref = t.steps[steps_per_epoch - 1];
    double worst = 0;
    for (std::size_t k = 0; k < Model::parameter_count; ++k) {
        const double e = scaled_error(double(model.parameters()[k]), ref.weights[k]);
        worst = std::max(worst, e);
        CHECK_MESSAGE(e <= Tolerance<T>::weights, "after fit(), parameter " << k << " is " << model.parameters()[k]
                                                                            << ", PyTorch after step "
                                                                            << steps_per_epoch << " " << ref.weights[k]);
    }
    if (report())
        std::printf("[training reference] %s kernels, %-6s %-16s max error: loss %.3g, parameters %.3g\n", kernel_kind(),
                    std::is_same_v<T, double> ? "double" : "float", "fit, 1 epoch", e_loss, worst);
}

}  // namespace
