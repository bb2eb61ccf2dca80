// Threads (issue 8), the ThreadSanitizer targets, all in the test suite
// "threads" (run just these with --test-suite=threads):
// concurrent single-sample and batch predict on one const model (float,
// double, Softmax, with BatchNormalization state) and through a const
// Trainer's predict and evaluate; threads each training their own model on one
// shared const Dataset, bit-identical to sequential runs (weights, state,
// History, progress text); training next to threads predicting with another
// model; and concurrent save, load and export_header of different models.
// fit's and predict's own threads (issue 15): the ThreadPool runs every task
// once; a model trained with 1, 2, 3 or 4 threads is the same bits (a CNN with
// BatchNormalization and Dropout, the last batch partial); the chunked
// gradient is the mean of the rows' gradients; Dropout's masks differ between
// chunks; predict with threads gives predict's bits.
//
// Every comparison is made on the main thread after join(): the threads only
// compute and record, so doctest's own bookkeeping is never shared.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <latch>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "support/reference.hpp"
#include "support/temp_dir.hpp"

using namespace ctnn;
using test::read_bytes;
using test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr int thread_count = 4;

// Runs body(t) on `count` threads (t = 0, 1, ...), started together, and joins them.
template <class Body>
void on_threads(int count, Body body) {
    std::latch start(count);
    std::vector<std::thread> threads;
    threads.reserve(std::size_t(count));
    for (int t = 0; t < count; ++t)
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            body(t);
        });
    for (auto& thread : threads) thread.join();
}

template <class T, std::size_t In, std::size_t Out>
Dataset<T, In, Out> one_hot_dataset(std::size_t n, unsigned seed) {
    Dataset<T, In, Out> d;
    d.x = test::random_inputs<T, In>(n, seed);
    for (const auto& x : d.x) {
        std::array<T, Out> y{};
        std::size_t best = 0;
        for (std::size_t j = 1; j < Out; ++j)
            if (x[j % In] > x[best % In]) best = j;
        y[best] = T(1);
        d.y.push_back(y);
    }
    return d;
}

template <class T, std::size_t In>
Dataset<T, In, 1> binary_dataset(std::size_t n, unsigned seed) {
    Dataset<T, In, 1> d;
    d.x = test::random_inputs<T, In>(n, seed);
    for (const auto& x : d.x) d.y.push_back({T(x[0] * x[1] > 0 ? 1 : 0)});
    return d;
}

// Non-zero biases (and gamma, beta off 1, 0) and moving statistics off 0 and
// 1, so that every term of the forward pass matters.
template <class Model>
void perturb(Model& model, unsigned seed) {
    using T = typename Model::value_type;
    Rng rng(Seed{seed});
    for (T& p : model.parameters()) p += T(rng.uniform(-0.25, 0.25));
    for (T& s : model.state()) s = T(rng.uniform(0.5, 1.5));
}

// Everything a training run leaves behind, compared bit for bit.
template <class T>
struct TrainingResult {
    std::vector<T> parameters, state;
    std::vector<std::string> keys;
    std::vector<std::vector<double>> series;
    std::string stop_reason;
    std::vector<T> outputs;  // the trained model on a few inputs
    bool operator==(const TrainingResult&) const = default;
};

template <class Model>
TrainingResult<typename Model::value_type> result_of(const Model& model, const History& history,
                                                    const std::vector<std::array<typename Model::value_type,
                                                                                 Model::input_size>>& probe) {
    TrainingResult<typename Model::value_type> r;
    r.parameters.assign(model.parameters().begin(), model.parameters().end());
    r.state.assign(model.state().begin(), model.state().end());
    r.keys = history.keys();
    for (const auto& key : r.keys) r.series.push_back(history[key]);
    r.stop_reason = history.stop_reason;
    for (const auto& x : probe) {
        const auto y = model(x);
        r.outputs.insert(r.outputs.end(), y.begin(), y.end());
    }
    return r;
}

// ---- the models ----------------------------------------------------------------

using Wide = Sequential<Dense<16, 64, ReLU>, Dense<64, 64, ReLU>, Dense<64, 1>>;
using WideDouble = BasicSequential<double, Dense<16, 64, ReLU>, Dense<64, 64, ReLU>, Dense<64, 1>>;
using Classifier = Sequential<Dense<16, 32, Tanh>, Dense<32, 5, Softmax>>;
using ClassifierDouble = BasicSequential<double, Dense<16, 32, Tanh>, Dense<32, 5, Softmax>>;
using WithState = Sequential<Dense<16, 24, ReLU>, BatchNormalization, Dropout<0.3f>, Dense<24, 4, Softmax>>;

// Trained concurrently: Adam with Dropout masks from the trainer's generator
// and BatchNormalization's moving statistics.
using Trained = Sequential<Dense<6, 16, ReLU>, BatchNormalization, Dropout<0.25f>, Dense<16, 3, Softmax>>;
using TrainedDouble = BasicSequential<double, Dense<4, 8, Tanh>, BatchNormalization, Dropout<0.2>, Dense<8, 1, Sigmoid>>;

}  // namespace

TEST_SUITE("threads") {

TEST_CASE_TEMPLATE("concurrent calls on one const model give the same results as sequential ones", Model, Wide,
                   WideDouble, Classifier, ClassifierDouble, WithState) {
    using T = typename Model::value_type;
    constexpr std::size_t In = Model::input_size, Out = Model::output_size;
    const auto owned = [] {
        auto m = std::make_unique<Model>(Seed{12});
        perturb(*m, 7);
        return m;
    }();
    const Model& m = *owned;
    // 37 rows: whole lane tiles and a rest when the batch runs in lane order.
    const auto xs = test::random_inputs<T, In>(37, 5);
    // One sample at a time and in batches (lane order: another summation
    // order, so each is compared with itself run sequentially).
    std::vector<std::array<T, Out>> expected(xs.size()), expected_batch(xs.size());
    for (std::size_t k = 0; k < xs.size(); ++k) expected[k] = m(xs[k]);
    m.predict(xs, expected_batch);
    // The sequential results are the model's: against the independent forward pass.
    double worst = 0;
    for (std::size_t k = 0; k < xs.size(); ++k) {
        const auto want = test::forward<Model>(std::span<const T>(m.parameters()), xs[k], std::span<const T>(m.state()));
        for (std::size_t j = 0; j < Out; ++j)
            worst = std::max({worst, std::abs(double(expected[k][j]) - want[j]),
                              std::abs(double(expected_batch[k][j]) - want[j])});
    }
    CHECK(worst < (std::is_same_v<T, float> ? 1e-5 : 1e-12));

    constexpr int rounds = 50;
    std::atomic<int> mismatches{0}, compared{0};
    on_threads(thread_count, [&](int) {
        std::vector<std::array<T, Out>> ys(xs.size());
        for (int round = 0; round < rounds; ++round) {
            for (std::size_t k = 0; k < xs.size(); ++k) {
                if (m(xs[k]) != expected[k]) ++mismatches;
                if (m.predict(std::span<const T, In>(xs[k])) != expected[k]) ++mismatches;
            }
            m.predict(xs, ys);
            if (ys != expected_batch) ++mismatches;
            ++compared;
        }
    });
    CHECK(mismatches.load() == 0);
    CHECK(compared.load() == thread_count * rounds);
}

TEST_CASE_TEMPLATE("concurrent predict and evaluate through one const Trainer give the sequential results", Model,
                   Classifier, ClassifierDouble) {
    using T = typename Model::value_type;
    auto model = std::make_unique<Model>(Seed{3});
    perturb(*model, 4);
    const auto data = one_hot_dataset<T, 16, 5>(40, 21);
    auto trainer = compile(*model, Adam{}, CategoricalCrossentropy{}, CategoricalAccuracy{});
    const auto& shared = trainer;  // evaluate and predict are const
    const Logs expected = shared.evaluate(data);
    const auto expected_ys = shared.predict(data.x);
    REQUIRE(expected.names() == std::vector<std::string>{"loss", "categorical_accuracy"});
    CHECK(expected["loss"] > 0);
    // The trainer's predict is the model's batch predict.
    std::vector<std::array<T, 5>> direct(data.size());
    model->predict(data.x, direct);
    CHECK(expected_ys == direct);

    constexpr int rounds = 20;
    std::atomic<int> mismatches{0}, compared{0};
    on_threads(thread_count, [&](int) {
        std::vector<std::array<T, 5>> ys(data.size());
        for (int round = 0; round < rounds; ++round) {
            if (shared.evaluate(data).entries() != expected.entries()) ++mismatches;
            if (shared.predict(data.x) != expected_ys) ++mismatches;
            shared.predict(data.x, ys);
            if (ys != expected_ys) ++mismatches;
            ++compared;
        }
    });
    CHECK(mismatches.load() == 0);
    CHECK(compared.load() == thread_count * rounds);
}

TEST_CASE("threads training their own models on one shared const Dataset match sequential runs bit for bit") {
    const auto train = one_hot_dataset<float, 6, 3>(96, 31);
    const auto valid = one_hot_dataset<float, 6, 3>(24, 32);
    const Dataset<float, 6, 3>& shared_train = train;
    const Dataset<float, 6, 3>& shared_valid = valid;
    const auto probe = test::random_inputs<float, 6>(5, 33);
    constexpr std::size_t epochs = 4;

    // Thread t: fit seed 1 + t % 2, so two threads share each seed and the two
    // seeds' results differ; thread 0 also writes progress (verbose = 1) to its
    // own stream, the others are silent.
    auto run = [&](std::uint64_t seed, int verbose, std::ostringstream* out) {
        Trained model(Seed{11});
        auto trainer = compile(model, Adam{.learning_rate = 0.01}, CategoricalCrossentropy{}, CategoricalAccuracy{});
        if (out != nullptr) trainer.set_progress_stream(*out);
        const History h = trainer.fit(shared_train, {.batch_size = 16, .epochs = epochs,
                                                      .validation_data = &shared_valid, .seed = seed,
                                                      .verbose = verbose});
        auto r = result_of(model, h, probe);
        return r;
    };
    auto seed_of = [](int t) { return std::uint64_t(1 + t % 2); };

    std::vector<TrainingResult<float>> concurrent(thread_count);
    std::ostringstream progress;
    on_threads(thread_count, [&](int t) {
        concurrent[std::size_t(t)] = run(seed_of(t), t == 0 ? 1 : 0, t == 0 ? &progress : nullptr);
    });

    std::ostringstream sequential_progress;
    const auto sequential1 = run(1, 1, &sequential_progress), sequential2 = run(2, 0, nullptr);
    REQUIRE(sequential1.keys ==
            std::vector<std::string>{"loss", "categorical_accuracy", "val_loss", "val_categorical_accuracy"});
    for (const auto& values : sequential1.series) CHECK(values.size() == epochs);
    CHECK(sequential1.stop_reason.empty());
    CHECK(sequential1.parameters != sequential2.parameters);  // the seeds matter, so the comparison does
    CHECK(sequential1.state != sequential2.state);
    for (int t = 0; t < thread_count; ++t) {
        CAPTURE(t);
        const auto& want = seed_of(t) == 1 ? sequential1 : sequential2;
        const auto& got = concurrent[std::size_t(t)];
        CHECK(got.parameters == want.parameters);
        CHECK(got.state == want.state);
        CHECK(got.keys == want.keys);
        CHECK(got.series == want.series);
        CHECK(got.outputs == want.outputs);
        CHECK(got == want);
    }
    // The verbose thread's progress: one header and one line per epoch with its
    // own numbers (the timings differ from the sequential run's, the rest not).
    auto lines_without_timing = [](const std::string& text) {
        std::vector<std::string> out;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) {
            const auto dash = line.find(" - ");
            out.push_back(dash == std::string::npos ? line : line.substr(dash));
        }
        return out;
    };
    INFO(progress.str());
    const auto lines = lines_without_timing(progress.str());
    CHECK(lines.size() == 2 * epochs);
    CHECK(lines == lines_without_timing(sequential_progress.str()));
    CHECK(progress.str().rfind("Epoch 1/4\n6/6 ", 0) == 0);
    CHECK(progress.str().find(" - loss: " + detail::format_value(sequential1.series[0].back())) != std::string::npos);
}

TEST_CASE("training one model while other threads predict with another gives the sequential results") {
    const auto train = binary_dataset<double, 4>(64, 41);
    const auto probe = test::random_inputs<double, 4>(5, 42);
    const auto xs = test::random_inputs<float, 16>(24, 43);
    const auto owned = [] {
        auto m = std::make_unique<Classifier>(Seed{8});
        perturb(*m, 9);
        return m;
    }();
    const Classifier& other = *owned;

    auto run_training = [&] {
        TrainedDouble model(Seed{6});
        auto trainer = compile(model, Adam{.learning_rate = 0.02}, BinaryCrossentropy{}, BinaryAccuracy{});
        const History h = trainer.fit(train, {.batch_size = 8, .epochs = 6, .validation_split = 0.25, .seed = 5,
                                              .verbose = 0});
        return result_of(model, h, probe);
    };
    std::vector<std::array<float, 5>> expected(xs.size()), expected_batch(xs.size());
    for (std::size_t k = 0; k < xs.size(); ++k) expected[k] = other(xs[k]);
    other.predict(xs, expected_batch);

    // Thread 0 trains; the others predict until it is done (and at least a few rounds).
    TrainingResult<double> concurrent;
    std::atomic<bool> trained{false};
    std::atomic<int> mismatches{0}, rounds{0};
    on_threads(thread_count, [&](int t) {
        if (t == 0) {
            concurrent = run_training();
            trained = true;
            return;
        }
        std::vector<std::array<float, 5>> ys(xs.size());
        for (int round = 0; round < 5 || !trained.load(); ++round) {
            for (std::size_t k = 0; k < xs.size(); ++k)
                if (other(xs[k]) != expected[k]) ++mismatches;
            other.predict(xs, ys);
            if (ys != expected_batch) ++mismatches;
            ++rounds;
        }
    });
    const auto sequential = run_training();
    REQUIRE(sequential.keys == std::vector<std::string>{"loss", "binary_accuracy", "val_loss", "val_binary_accuracy"});
    CHECK(sequential.series[0].size() == 6);
    CHECK(concurrent.parameters == sequential.parameters);
    CHECK(concurrent.state == sequential.state);
    CHECK(concurrent.series == sequential.series);
    CHECK(concurrent == sequential);
    CHECK(mismatches.load() == 0);
    CHECK(rounds.load() >= (thread_count - 1) * 5);
}

namespace {

// A fresh directory under the system's temporary directory, removed with its contents.

// What one thread's save / load / export_header round trip found.
struct RoundTrip {
    bool parameters_equal = false, state_equal = false, outputs_equal = false, shared_file_loaded = false;
    bool header_has_type = false, header_has_literals = false;
    std::string error;
};

template <class Model>
RoundTrip round_trip(const TempDir& dir, int t, const std::string& shared_file,
                     const Model& shared_model) {
    using T = typename Model::value_type;
    RoundTrip r;
    try {
        auto model = std::make_unique<Model>(Seed{std::uint64_t(100 + t)});
        perturb(*model, unsigned(200 + t));
        auto back = std::make_unique<Model>(Seed{std::uint64_t(300 + t)});
        const std::string file = dir / ("model-" + std::to_string(t) + ".ctnn");
        for (int round = 0; round < 3; ++round) {  // overwrite the thread's own file
            save(*model, file);
            load(*back, file);
        }
        r.parameters_equal = std::ranges::equal(model->parameters(), back->parameters());
        r.state_equal = std::ranges::equal(model->state(), back->state());
        const auto x = test::random_inputs<T, Model::input_size>(1, unsigned(t))[0];
        r.outputs_equal = (*model)(x) == (*back)(x);

        // Every thread reads the one file the main thread wrote.
        auto other = std::make_unique<Model>(Seed{std::uint64_t(400 + t)});
        load(*other, shared_file);
        r.shared_file_loaded = std::ranges::equal(other->parameters(), shared_model.parameters()) &&
                               std::ranges::equal(other->state(), shared_model.state());

        const std::string name = "threads_model_" + std::to_string(t);
        const std::string header = dir / (name + ".hpp");
        export_header(*model, header, name);
        const std::string text = read_bytes(header);
        r.header_has_type = text.find("namespace " + name + " {") != std::string::npos &&
                            text.find("using Model = " + std::string(Model::name.view()) + ";") != std::string::npos;
        const T first = model->parameters()[0], last = model->parameters()[Model::parameter_count - 1];
        r.header_has_literals = text.find(detail::exact_literal(first) + ",") != std::string::npos &&
                                text.find(detail::exact_literal(last) + ",") != std::string::npos;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

}  // namespace

TEST_CASE("concurrent save, load and export_header of different models to different files") {
    using Card = Sequential<Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>>;
    using StateDouble = BasicSequential<double, Dense<3, 5, Tanh>, BatchNormalization, Dropout<0.2>, Dense<5, 2>>;
    TempDir dir;
    Card shared_card(Seed{1});
    perturb(shared_card, 2);
    StateDouble shared_state(Seed{3});
    perturb(shared_state, 4);
    save(shared_card, dir / "shared-card.ctnn");
    save(shared_state, dir / "shared-state.ctnn");

    // Even threads: a float model without state; odd threads: a double one with state.
    std::vector<RoundTrip> results(thread_count);
    on_threads(thread_count, [&](int t) {
        results[std::size_t(t)] = t % 2 == 0 ? round_trip<Card>(dir, t, dir / "shared-card.ctnn", shared_card)
                                             : round_trip<StateDouble>(dir, t, dir / "shared-state.ctnn", shared_state);
    });
    for (int t = 0; t < thread_count; ++t) {
        CAPTURE(t);
        const RoundTrip& r = results[std::size_t(t)];
        CHECK(r.error == "");
        CHECK(r.parameters_equal);
        CHECK(r.state_equal);
        CHECK(r.outputs_equal);
        CHECK(r.shared_file_loaded);
        CHECK(r.header_has_type);
        CHECK(r.header_has_literals);
        CHECK(fs::exists(dir / ("model-" + std::to_string(t) + ".ctnn")));
        CHECK_FALSE(fs::exists(dir / ("model-" + std::to_string(t) + ".ctnn.ctnn-tmp")));
    }
}

// ---- fit's and predict's own threads (issue 15) ---------------------------------

TEST_CASE("ThreadPool runs each task exactly once, run after run") {
    for (const std::size_t size : {1u, 2u, 3u, 4u}) {
        detail::ThreadPool pool(size);
        CHECK(pool.size() == size);
        for (const std::size_t tasks : {0u, 1u, 2u, 5u, 64u}) {
            for (int round = 0; round < 20; ++round) {
                std::vector<std::atomic<int>> runs(tasks);
                pool.run(tasks, [&](std::size_t t) { runs[t].fetch_add(1); });
                for (std::size_t t = 0; t < tasks; ++t) REQUIRE(runs[t].load() == 1);
            }
        }
    }
    CHECK(detail::ThreadPool(0).size() >= 1);  // one per core
}

namespace {
using ThreadedCNN = Sequential<Input<8, 8, 1>, Conv2D<4, 3, 3, ReLU>, BatchNormalization, MaxPooling2D<2, 2>, Flatten,
                               Dropout<0.3f>, Dense<36, 3, Softmax>>;
using ThreadedCNNDouble = BasicSequential<double, Input<8, 8, 1>, Conv2D<4, 3, 3, ReLU>, BatchNormalization,
                                          MaxPooling2D<2, 2>, Flatten, Dropout<0.3>, Dense<36, 3, Softmax>>;
}  // namespace

TEST_CASE_TEMPLATE("fit with 1, 2, 3 and 4 threads trains the same model bit for bit", Model, ThreadedCNN,
                   ThreadedCNNDouble) {
    using T = typename Model::value_type;
    const auto train = one_hot_dataset<T, 64, 3>(203, 5);  // batch 100: chunks of 32, 32, 32 and 4; the last batch 3 rows
    const auto valid = one_hot_dataset<T, 64, 3>(300, 6);
    const auto probe = test::random_inputs<T, 64>(5, 7);
    std::vector<TrainingResult<T>> results;
    for (const std::size_t threads : {1u, 2u, 3u, 4u}) {
        Model model(Seed{3});
        auto trainer = compile(model, Adam{.learning_rate = 0.01}, CategoricalCrossentropy{}, CategoricalAccuracy{});
        std::ostringstream quiet;
        trainer.set_progress_stream(quiet);
        const History history = trainer.fit(
            train, {.batch_size = 100, .epochs = 3, .validation_data = &valid, .seed = 9, .verbose = 0, .threads = threads});
        results.push_back(result_of(model, history, probe));
    }
    for (std::size_t k = 1; k < results.size(); ++k) {
        INFO("threads = " << k + 1);
        CHECK(results[k] == results[0]);
    }
    // It trained: the weights moved and the loss fell.
    const Model initial(Seed{3});
    CHECK(!std::equal(initial.parameters().begin(), initial.parameters().end(), results[0].parameters.begin()));
    const auto loss = results[0].series[0];
    CHECK(loss.back() < loss.front());
}

TEST_CASE("the chunked gradient of a batch is the mean of its rows' gradients") {
    using Model = BasicSequential<double, Input<6, 6, 1>, Conv2D<3, 3, 3, Tanh>, Flatten, Dense<48, 1, Sigmoid>>;
    Model model(Seed{4});
    constexpr std::size_t P = Model::parameter_count, n = 37;  // chunks of 32 and 5
    const auto data = binary_dataset<double, 36>(n, 8);
    Backprop<Model, BinaryCrossentropy> pass(BinaryCrossentropy{}, n), one(BinaryCrossentropy{}, 1);
    for (std::size_t r = 0; r < n; ++r) {
        std::copy(data.x[r].begin(), data.x[r].end(), pass.inputs() + r * 36);
        pass.targets()[r] = data.y[r][0];
    }
    std::vector<double> gradient(P), row_gradient(P), mean(P, 0.0);
    Rng rng(Seed{1});
    detail::ThreadPool pool(3);
    const double loss = pass.run(model, n, std::span<double, P>(gradient), rng, &pool);
    double mean_loss = 0;
    for (std::size_t r = 0; r < n; ++r) {
        std::copy(data.x[r].begin(), data.x[r].end(), one.inputs());
        one.targets()[0] = data.y[r][0];
        mean_loss += one.run(model, 1, std::span<double, P>(row_gradient), rng) / double(n);
        for (std::size_t j = 0; j < P; ++j) mean[j] += row_gradient[j] / double(n);
    }
    CHECK(loss == doctest::Approx(mean_loss).epsilon(1e-12));
    for (std::size_t j = 0; j < P; ++j) {
        INFO("parameter " << j);
        CHECK(gradient[j] == doctest::Approx(mean[j]).epsilon(1e-10).scale(1e-12));
    }
}

TEST_CASE("Dropout's masks differ between the chunks of a batch and do not depend on the threads") {
    using Model = Sequential<Dense<4, 16, Tanh>, Dropout<0.5f>, Dense<16, 1>>;
    Model model(Seed{2});
    constexpr std::size_t P = Model::parameter_count, n = 64;  // 2 chunks of 32
    std::vector<float> a(P), b(P);
    std::vector<float> predictions_one, predictions_four;
    for (const std::size_t threads : {1u, 4u}) {
        Backprop<Model, MeanSquaredError> pass(MeanSquaredError{}, n);
        for (std::size_t r = 0; r < n; ++r) {  // one input row repeated: only the masks differ
            for (std::size_t c = 0; c < 4; ++c) pass.inputs()[r * 4 + c] = float(c + 1);
            pass.targets()[r] = 0;
        }
        detail::ThreadPool pool(threads);
        Rng rng(Seed{5});
        (void)pass.run(model, n, std::span<float, P>(threads == 1 ? a : b), rng, &pool);
        (threads == 1 ? predictions_one : predictions_four).assign(pass.predictions(), pass.predictions() + n);
    }
    CHECK(a == b);
    CHECK(predictions_one == predictions_four);
    std::vector<float> distinct = predictions_one;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    CHECK(distinct.size() > 48);  // not one mask per position in a chunk, repeated (32 values)
}

TEST_CASE("predict with threads gives predict's outputs bit for bit") {
    const auto owned = std::make_unique<ThreadedCNN>(Seed{6});
    perturb(*owned, 3);
    ThreadedCNN& model = *owned;
    auto trainer = compile(model, Adam{}, CategoricalCrossentropy{});
    const auto xs = test::random_inputs<float, 64>(1000, 9);  // 4 blocks of 256, the last partial
    const auto one = trainer.predict(xs);
    for (const std::size_t threads : {0u, 2u, 3u}) {
        INFO("threads = " << threads);
        CHECK(trainer.predict(xs, threads) == one);
        std::vector<std::array<float, 3>> ys(xs.size());
        trainer.predict(xs, ys, threads);
        CHECK(ys == one);
    }
}

}  // TEST_SUITE("threads")
