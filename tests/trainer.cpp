// The trainer with Keras' semantics: learning, History keys and lengths, the
// last partial batch, validation_split, sample-weighted epoch means,
// determinism, bad arguments, NaN stops, progress output, callbacks, and no
// allocation in a training step.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "support/allocation_counter.hpp"
#include "support/error_of.hpp"
#include "support/temp_dir.hpp"
#include "support/reference.hpp"

using namespace ctnn;
namespace fs = std::filesystem;

namespace {

template <class T, std::size_t In, std::size_t Out>
Dataset<T, In, Out> random_dataset(std::size_t n, unsigned seed) {
    Dataset<T, In, Out> d;
    d.x = test::random_inputs<T, In>(n, seed);
    for (const auto& x : d.x) {
        std::array<T, Out> y{};
        for (std::size_t j = 0; j < Out; ++j) y[j] = T(x[j % In] > 0 ? 1 : 0);
        d.y.push_back(y);
    }
    return d;
}

using test::error_of;

}  // namespace

TEST_CASE("a 1-32-1 tanh network fits sin(x) on [-pi, pi] to MSE below 1e-3") {
    Sequential<Dense<1, 32, Tanh>, Dense<32, 1>> model(Seed{1});
    Dataset<float, 1, 1> data;
    for (int i = 0; i < 256; ++i) {
        const float x = float(-std::numbers::pi + 2 * std::numbers::pi * i / 255);
        data.x.push_back({x});
        data.y.push_back({std::sin(x)});
    }
    auto trainer = compile(model, Adam{.learning_rate = 0.01}, MSE{});
    trainer.fit(data, {.batch_size = 32, .epochs = 400, .verbose = 0});
    const double mse = trainer.evaluate(data)["loss"];
    MESSAGE("sin(x) MSE after 400 epochs: " << mse);
    CHECK(mse < 1e-3);
}

TEST_CASE("XOR is learned by a 2-4-1 network") {
    Sequential<Dense<2, 4, Tanh>, Dense<4, 1, Sigmoid>> model(Seed{3});
    Dataset<float, 2, 1> xor_data{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}, {{0}, {1}, {1}, {0}}};
    auto trainer = compile(model, Adam{.learning_rate = 0.05}, BinaryCrossentropy{}, BinaryAccuracy{});
    const History history = trainer.fit(xor_data, {.batch_size = 4, .epochs = 500, .verbose = 0});
    CHECK(history["binary_accuracy"].back() == 1.0);
    CHECK(trainer.evaluate(xor_data)["binary_accuracy"] == 1.0);
    CHECK(model({0.f, 1.f})[0] > 0.9f);
    CHECK(model({1.f, 1.f})[0] < 0.1f);
}

TEST_CASE("History has Keras' keys, one value per epoch; unknown keys are an Error listing the keys") {
    Sequential<Dense<3, 2, Sigmoid>> model(Seed{2});
    const auto train = random_dataset<float, 3, 2>(20, 1), valid = random_dataset<float, 3, 2>(7, 2);
    auto trainer = compile(model, SGD{}, BinaryCrossentropy{}, BinaryAccuracy{}, MAE{});
    const History history = trainer.fit(train, {.epochs = 3, .validation_data = &valid, .verbose = 0});
    CHECK(history.keys() == std::vector<std::string>{"loss", "binary_accuracy", "mae", "val_loss",
                                                     "val_binary_accuracy", "val_mae"});
    for (const auto& key : history.keys()) CHECK(history[key].size() == 3);
    CHECK(history.epochs() == 3);
    CHECK(history.best_epoch == -1);
    CHECK(history.stopped_epoch == -1);
    const std::string message = error_of([&] { (void)history["accuracy"]; });
    CHECK(message.find("\"accuracy\"") != std::string::npos);
    CHECK(message.find("loss, binary_accuracy, mae, val_loss, val_binary_accuracy, val_mae") != std::string::npos);
    const Logs scores = trainer.evaluate(valid);
    CHECK(scores.names() == std::vector<std::string>{"loss", "binary_accuracy", "mae"});
    CHECK(error_of([&] { (void)scores["val_loss"]; }).find("loss, binary_accuracy, mae") != std::string::npos);
}

TEST_CASE("ceil(N / batch) steps per epoch, the last partial batch kept") {
    Sequential<Dense<3, 1>> model(Seed{2});
    auto trainer = compile(model, SGD{}, MSE{});
    trainer.fit(random_dataset<float, 3, 1>(10, 1), {.batch_size = 4, .epochs = 5, .verbose = 0});
    CHECK(trainer.optimizer_state().iterations == 15);
    trainer.fit(random_dataset<float, 3, 1>(10, 1), {.batch_size = 64, .epochs = 2, .verbose = 0});
    CHECK(trainer.optimizer_state().iterations == 17);
}

TEST_CASE("epoch loss is the sample-weighted mean over batches; validation_split takes the last rows") {
    // With a learning rate of 0 the weights stay put, so the running mean over
    // uneven batches (4, 4, 2 rows) must equal the loss over the whole set.
    BasicSequential<double, Dense<3, 4, Tanh>, Dense<4, 2>> model(Seed{4});
    const auto data = random_dataset<double, 3, 2>(10, 3);
    auto trainer = compile(model, SGD{.learning_rate = 0.0}, MSE{}, MAE{});
    const History h = trainer.fit(data, {.batch_size = 4, .epochs = 2, .verbose = 0});
    const Logs all = trainer.evaluate(data);
    CHECK(h["loss"][0] == doctest::Approx(all["loss"]).epsilon(1e-12));
    CHECK(h["mae"][1] == doctest::Approx(all["mae"]).epsilon(1e-12));

    // 10 rows, validation_split 0.3: floor(10 * 0.7) = 7 training rows, the last 3 validate.
    const History split = trainer.fit(data, {.batch_size = 4, .epochs = 1, .validation_split = 0.3, .verbose = 0});
    Dataset<double, 3, 2> first7{{data.x.begin(), data.x.begin() + 7}, {data.y.begin(), data.y.begin() + 7}};
    Dataset<double, 3, 2> last3{{data.x.begin() + 7, data.x.end()}, {data.y.begin() + 7, data.y.end()}};
    CHECK(split["val_loss"][0] == doctest::Approx(trainer.evaluate(last3)["loss"]).epsilon(1e-12));
    CHECK(split["loss"][0] == doctest::Approx(trainer.evaluate(first7)["loss"]).epsilon(1e-12));
    // validation_data overrides validation_split
    const History both = trainer.fit(data, {.epochs = 1, .validation_data = &first7, .validation_split = 0.3,
                                            .verbose = 0});
    CHECK(both["val_loss"][0] == doctest::Approx(trainer.evaluate(first7)["loss"]).epsilon(1e-12));
}

TEST_CASE("the same seeds give bit-identical weights and History; another fit seed does not") {
    using Model = Sequential<Dense<5, 8, ReLU>, Dense<8, 3, Softmax>>;
    Dataset<float, 5, 3> data;
    data.x = test::random_inputs<float, 5>(50, 8);
    for (std::size_t r = 0; r < 50; ++r) data.y.push_back({float(r % 3 == 0), float(r % 3 == 1), float(r % 3 == 2)});
    auto run = [&](std::uint64_t seed) {
        Model model(Seed{7});
        auto trainer = compile(model, Adam{}, CategoricalCrossentropy{}, CategoricalAccuracy{});
        const History h = trainer.fit(data, {.batch_size = 8, .epochs = 4, .seed = seed, .verbose = 0});
        return std::make_pair(std::vector<float>(model.parameters().begin(), model.parameters().end()), h["loss"]);
    };
    const auto a = run(1), b = run(1), c = run(2);
    CHECK(a.first == b.first);
    CHECK(a.second == b.second);
    CHECK(a.first != c.first);
}

TEST_CASE("bad arguments are clear errors") {
    Sequential<Dense<3, 1>> model;
    auto trainer = compile(model, SGD{}, MSE{});
    const auto data = random_dataset<float, 3, 1>(10, 1);
    CHECK(error_of([&] { trainer.fit(data, {.batch_size = 0, .verbose = 0}); }).find("batch_size is 0") !=
          std::string::npos);
    CHECK(error_of([&] { trainer.fit(Dataset<float, 3, 1>{}, {.verbose = 0}); }).find("training data is empty") !=
          std::string::npos);
    auto ragged = data;
    ragged.y.pop_back();
    CHECK(error_of([&] { trainer.fit(ragged, {.verbose = 0}); }).find("10 rows of features but 9 rows of targets") !=
          std::string::npos);
    auto with_nan = data;
    with_nan.x[4][2] = std::nanf("");
    CHECK(error_of([&] { trainer.fit(with_nan, {.verbose = 0}); }).find("feature row 4, column 2") !=
          std::string::npos);
    auto with_inf = data;  // the last value of the last row, and the whole message
    with_inf.y[9][0] = -std::numeric_limits<float>::infinity();
    CHECK(error_of([&] { (void)trainer.evaluate(with_inf); }) ==
          "ctnn: evaluate: the data: target row 9, column 0 is -inf; expected a finite number");
    CHECK(error_of([&] { trainer.fit(data, {.validation_split = 1.0, .verbose = 0}); }).find("[0, 1)") !=
          std::string::npos);
    CHECK(error_of([&] { trainer.fit(data, {.validation_split = 1e-17, .verbose = 0}); }).find("no validation rows") !=
          std::string::npos);
    CHECK(error_of([&] { trainer.fit(data, {.validation_split = 0.95, .verbose = 0}); }).find("no training rows") !=
          std::string::npos);
    const Dataset<float, 3, 1> empty;
    CHECK(error_of([&] { trainer.fit(data, {.validation_data = &empty, .verbose = 0}); })
              .find("validation data is empty") != std::string::npos);
    std::vector<std::array<float, 1>> too_few(3);
    CHECK(error_of([&] { trainer.predict(data.x, too_few); }).find("10 inputs but room for 3") != std::string::npos);
    CHECK(trainer.predict(data.x).size() == 10);
}

TEST_CASE("targets outside [0, 1] for the cross-entropies are a clear error; the model is unchanged") {
    Sequential<Dense<3, 1, Sigmoid>> model(Seed{3});
    const std::vector<float> before(model.parameters().begin(), model.parameters().end());
    auto trainer = compile(model, Adam{}, BinaryCrossentropy{});
    auto data = random_dataset<float, 3, 1>(10, 1);
    data.y[7][0] = 2.f;
    CHECK(error_of([&] { trainer.fit(data, {.verbose = 0}); }) ==
          "ctnn: fit: the training data: target row 7, column 0 is 2; binary_crossentropy expects targets in [0, "
          "1]");
    CHECK(error_of([&] { (void)trainer.evaluate(data); }).find("evaluate: the data: target row 7") != std::string::npos);
    data.y[7][0] = -0.5f;
    CHECK(error_of([&] { trainer.fit(data, {.verbose = 0}); }).find("column 0 is -0.5;") != std::string::npos);
    // Validation rows are checked too, split off (named by their row in the
    // data given) or given.
    CHECK(error_of([&] { trainer.fit(data, {.validation_split = 0.5, .verbose = 0}); })
              .find("fit: the training data: target row 7, column 0 is -0.5") != std::string::npos);
    const auto train = random_dataset<float, 3, 1>(10, 2);
    CHECK(error_of([&] { trainer.fit(train, {.validation_data = &data, .verbose = 0}); })
              .find("fit: the validation data: target row 7") != std::string::npos);
    CHECK(std::ranges::equal(model.parameters(), before));
    // Soft labels inside [0, 1] are fine, and so are the bounds.
    data.y[7][0] = 0.25f;
    data.y[0][0] = 0.f;
    data.y[1][0] = 1.f;
    CHECK(trainer.fit(data, {.verbose = 0}).epochs() == 1);
    // Categorical cross-entropy: the same rule; MSE has no range.
    Sequential<Dense<3, 2, Softmax>> classes(Seed{4});
    auto categorical = compile(classes, SGD{}, CategoricalCrossentropy{});
    auto two = random_dataset<float, 3, 2>(6, 3);
    two.y[5][1] = 1.5f;
    CHECK(error_of([&] { categorical.fit(two, {.verbose = 0}); })
              .find("target row 5, column 1 is 1.5; categorical_crossentropy expects targets in [0, 1]") !=
          std::string::npos);
    Sequential<Dense<3, 2>> regression(Seed{5});
    auto mse = compile(regression, SGD{}, MSE{});
    CHECK(mse.fit(two, {.verbose = 0}).epochs() == 1);
}

TEST_CASE("a loss that becomes NaN or infinite stops training and keeps finite weights") {
    Sequential<Dense<3, 8, ReLU>, Dense<8, 1>> model(Seed{1});
    auto data = random_dataset<float, 3, 1>(64, 5);
    for (auto& y : data.y) y[0] *= 1e6f;
    auto trainer = compile(model, SGD{.learning_rate = 10.0}, MSE{});
    std::ostringstream out;
    trainer.set_progress_stream(out);
    const History h = trainer.fit(data, {.batch_size = 8, .epochs = 50, .verbose = 1});
    CHECK_FALSE(h.stop_reason.empty());
    CHECK(h.stop_reason.find("training stopped") != std::string::npos);
    CHECK(h.stop_reason.find("step") != std::string::npos);
    CHECK(out.str().find(h.stop_reason) != std::string::npos);
    CHECK(h.epochs() < 50);
    for (float w : model.parameters()) REQUIRE(std::isfinite(w));
}

namespace {
// Dense (kernel all ones) -> BatchNormalization -> Dense: 24 rows in batches
// of 8, in order, with a bad row 19 (step 3). Its {3e38, 3e38, 3e38} overflows
// the first Dense to inf, so BatchNormalization's batch mean is inf, its
// variance and outputs NaN: the loss is NaN, and the forward pass has already
// made the moving statistics NaN.
using DivergingModel = Sequential<Dense<3, 4>, BatchNormalization, Dense<4, 1, Sigmoid>>;

DivergingModel diverging_model() {
    DivergingModel model(Seed{2});
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 4; ++j) model.layer<0>().kernel()(i, j) = 1.f;
    return model;
}

Dataset<float, 3, 1> diverging_data() {
    auto data = random_dataset<float, 3, 1>(24, 11);
    data.x[19] = {3e38f, 3e38f, 3e38f};
    return data;
}

// The reference: the same model after the two steps that complete (rows 0-15).
struct TwoSteps {
    DivergingModel model = diverging_model();
    Adam::State<float> moments;
    TwoSteps() {
        const auto data = diverging_data();
        const Dataset<float, 3, 1> first16{{data.x.begin(), data.x.begin() + 16}, {data.y.begin(), data.y.begin() + 16}};
        auto trainer = compile(model, Adam{}, BinaryCrossentropy{});
        REQUIRE(trainer.fit(first16, {.batch_size = 8, .epochs = 1, .shuffle = false, .verbose = 0}).stop_reason.empty());
        moments = trainer.optimizer_state();
    }
};

// Throws the first time something containing `text` is written to it.
struct ThrowingBuffer : std::streambuf {
    std::string text;
    explicit ThrowingBuffer(std::string t) : text(std::move(t)) {}
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (std::string_view(s, std::size_t(n)).find(text) != std::string_view::npos)
            throw std::runtime_error("the progress stream broke");
        return n;
    }
    int_type overflow(int_type c) override { return c; }
};

struct ThrowsAtTrainEnd {
    void on_train_end(const Logs&, TrainingContext<float>&) { throw std::runtime_error("from on_train_end"); }
};
}  // namespace

TEST_CASE("a NaN loss from BatchNormalization stops training with the moving statistics of the step before") {
    const auto data = diverging_data();
    const TwoSteps reference;
    DivergingModel model = diverging_model();
    auto trainer = compile(model, Adam{}, BinaryCrossentropy{});
    const History h = trainer.fit(data, {.batch_size = 8, .epochs = 3, .shuffle = false, .verbose = 0});
    CHECK(h.stop_reason ==
          "epoch 1/3, step 3/3: the loss is nan; training stopped, the model keeps its weights from before this step");
    // Parameters, state and optimizer moments bit for bit those after step 2.
    CHECK(std::ranges::equal(model.parameters(), reference.model.parameters()));
    CHECK(std::ranges::equal(model.state(), reference.model.state()));
    CHECK(trainer.optimizer_state().m == reference.moments.m);
    CHECK(trainer.optimizer_state().v == reference.moments.v);
    CHECK(trainer.optimizer_state().iterations == 2);
    // So the model predicts finite numbers, those of the reference.
    for (std::size_t r = 0; r < 16; ++r) {
        CHECK(std::isfinite(model(data.x[r])[0]));
        CHECK(model(data.x[r]) == reference.model(data.x[r]));
    }
}

TEST_CASE("an exception while fit reports a stop leaves the parameters and state of the last completed step") {
    // The failed step's state update is undone before anything that may throw:
    // the stop message to the progress stream, on_train_end.
    const auto data = diverging_data();
    const TwoSteps reference;
    auto check_model = [&](const DivergingModel& model, const Adam::State<float>& moments) {
        CHECK(std::ranges::equal(model.parameters(), reference.model.parameters()));
        CHECK(std::ranges::equal(model.state(), reference.model.state()));
        CHECK(moments.m == reference.moments.m);
        CHECK(moments.iterations == 2);
        CHECK(std::isfinite(model(data.x[0])[0]));
    };
    {
        DivergingModel model = diverging_model();
        auto trainer = compile(model, Adam{}, BinaryCrossentropy{});
        ThrowingBuffer buffer("training stopped");
        std::ostream out(&buffer);
        out.exceptions(std::ios::badbit);
        trainer.set_progress_stream(out);
        CHECK_THROWS_WITH_AS(trainer.fit(data, {.batch_size = 8, .epochs = 3, .shuffle = false, .verbose = 1}),
                             "the progress stream broke", std::runtime_error);
        check_model(model, trainer.optimizer_state());
    }
    {
        DivergingModel model = diverging_model();
        auto trainer = compile(model, Adam{}, BinaryCrossentropy{});
        CHECK_THROWS_WITH_AS(
            trainer.fit(data, {.batch_size = 8, .epochs = 3, .shuffle = false, .verbose = 0}, ThrowsAtTrainEnd{}),
            "from on_train_end", std::runtime_error);
        check_model(model, trainer.optimizer_state());
    }
}

TEST_CASE("verbose = 1 prints Keras' epoch lines; verbose = 0 prints nothing") {
    Sequential<Dense<3, 1, Sigmoid>> model(Seed{2});
    const auto data = random_dataset<float, 3, 1>(12, 1), valid = random_dataset<float, 3, 1>(4, 2);
    auto trainer = compile(model, Adam{}, BinaryCrossentropy{}, BinaryAccuracy{});
    std::ostringstream out;
    trainer.set_progress_stream(out);
    trainer.fit(data, {.batch_size = 5, .epochs = 2, .validation_data = &valid, .verbose = 1});
    // Every run of digits becomes '#', and ms/us per step become s per step,
    // so the line's shape can be compared exactly.
    auto shape = [](const std::string& text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] >= '0' && text[i] <= '9') {
                if (out.empty() || out.back() != '#') out += '#';
            } else if ((text.compare(i, 7, "us/step") == 0 || text.compare(i, 7, "ms/step") == 0) && !out.empty() &&
                       out.back() == '#') {
                out += "s/step";
                i += 6;
            } else {
                out += text[i];
            }
        }
        return out;
    };
    std::string bar;
    for (int k = 0; k < 20; ++k) bar += "\u2501";
    const std::string epoch_line = "#/# " + bar + " #s #s/step - binary_accuracy: #.# - loss: #.# - " +
                                   "val_binary_accuracy: #.# - val_loss: #.#\n";
    CHECK(shape(out.str()) == "Epoch #/#\n" + epoch_line + "Epoch #/#\n" + epoch_line);
    CHECK(out.str().rfind("Epoch 1/2\n3/3 ", 0) == 0);
    CHECK(out.str().find("Epoch 2/2\n3/3 ") != std::string::npos);
    INFO(out.str());
    std::ostringstream quiet;
    trainer.set_progress_stream(quiet);
    trainer.fit(data, {.epochs = 2, .verbose = 0});
    CHECK(quiet.str().empty());
    CHECK(detail::format_value(0.69314718) == "0.6931");
    CHECK(detail::format_value(0.0005) == "5.0000e-04");
    CHECK(detail::format_value(0.0) == "0.0000e+00");
}

TEST_CASE("History::to_csv writes one row per epoch") {
    Sequential<Dense<3, 1>> model;
    auto trainer = compile(model, SGD{}, MSE{}, MAE{});
    const History h = trainer.fit(random_dataset<float, 3, 1>(10, 1), {.epochs = 2, .verbose = 0});
    const std::string path = "ctnn_test_history.csv";
    h.to_csv(path);
    std::ifstream in(path);
    std::string header, first, second, extra;
    std::getline(in, header), std::getline(in, first), std::getline(in, second);
    CHECK(header == "epoch,loss,mae");
    CHECK(first.rfind("1,", 0) == 0);
    CHECK(second.rfind("2,", 0) == 0);
    CHECK_FALSE(std::getline(in, extra));
    CHECK(std::stod(first.substr(2)) == h["loss"][0]);
    std::remove(path.c_str());
    CHECK_THROWS_AS(h.to_csv("/nonexistent-directory/history.csv"), Error);
}

namespace {
struct CountingCallback {
    int begins = 0, epoch_begins = 0, epoch_ends = 0, ends = 0, stop_after = 2;
    std::vector<double> losses;
    void on_train_begin(TrainingContext<float>&) { ++begins; }
    void on_epoch_begin(int, TrainingContext<float>&) { ++epoch_begins; }
    void on_epoch_end(int epoch, const Logs& logs, TrainingContext<float>& context) {
        ++epoch_ends;
        losses.push_back(logs["loss"]);
        if (epoch + 1 == stop_after) context.stop_training = true;
    }
    void on_train_end(const Logs&, TrainingContext<float>&) { ++ends; }
};
struct OnlyEpochEnd {
    int calls = 0;
    void on_epoch_end(int, const Logs&, TrainingContext<float>&) { ++calls; }
};
}  // namespace

TEST_CASE("callbacks: any type with some hooks; an lvalue is used in place and can stop training") {
    Sequential<Dense<3, 1>> model;
    auto trainer = compile(model, SGD{}, MSE{});
    CountingCallback counter;
    const History h = trainer.fit(random_dataset<float, 3, 1>(10, 1), {.epochs = 10, .verbose = 0}, counter,
                                  OnlyEpochEnd{});
    CHECK(counter.begins == 1);
    CHECK(counter.epoch_begins == 2);
    CHECK(counter.epoch_ends == 2);
    CHECK(counter.ends == 1);
    CHECK(h.epochs() == 2);
    CHECK(counter.losses == h["loss"]);
    static_assert(Callback<CountingCallback, float> && Callback<OnlyEpochEnd, float> && !Callback<int, float>);
}

namespace {
// Throws from on_epoch_end (or on_epoch_begin) of the given 0-based epoch.
struct ThrowingCallback {
    int epoch_end = -1, epoch_begin = -1;
    void on_epoch_begin(int epoch, TrainingContext<float>&) {
        if (epoch == epoch_begin) throw std::runtime_error("from on_epoch_begin");
    }
    void on_epoch_end(int epoch, const Logs&, TrainingContext<float>&) {
        if (epoch == epoch_end) throw std::runtime_error("from on_epoch_end");
    }
};
}  // namespace

TEST_CASE("an exception from a callback ends fit; the model keeps the weights of the last completed step") {
    // Callbacks run between steps, so the model is never half-updated: it holds
    // the weights and state after the last optimizer step that completed, as in
    // Keras. on_train_end is not called, so EarlyStopping's restore does not
    // happen (Keras neither). The exception reaches the caller unchanged.
    using Model = Sequential<Dense<3, 8, ReLU>, BatchNormalization, Dropout<0.25f>, Dense<8, 1, Sigmoid>>;
    const auto data = random_dataset<float, 3, 1>(40, 1);
    Model reference(Seed{2});
    auto reference_trainer = compile(reference, Adam{}, BinaryCrossentropy{});
    reference_trainer.fit(data, {.batch_size = 8, .epochs = 2, .seed = 9, .verbose = 0});

    for (ThrowingCallback callback : {ThrowingCallback{.epoch_end = 1}, ThrowingCallback{.epoch_begin = 2}}) {
        Model model(Seed{2});
        auto trainer = compile(model, Adam{}, BinaryCrossentropy{});
        EarlyStopping stopping{.monitor = "loss", .patience = 5, .restore_best_weights = true};
        CHECK_THROWS_AS(trainer.fit(data, {.batch_size = 8, .epochs = 5, .seed = 9, .verbose = 0}, stopping, callback),
                        std::runtime_error);
        CHECK(std::ranges::equal(model.parameters(), reference.parameters()));
        CHECK(std::ranges::equal(model.state(), reference.state()));
        CHECK(trainer.optimizer_state().iterations == 2 * 5);  // 2 epochs of ceil(40 / 8) steps
        // The trainer stays usable.
        CHECK(trainer.fit(data, {.batch_size = 8, .epochs = 1, .verbose = 0}).epochs() == 1);
        for (float w : model.parameters()) CHECK(std::isfinite(w));
    }
}

TEST_CASE("evaluate and fit's validation use the batch path: the loss and metrics of predict's outputs, bit for bit") {
    // A model whose lane-order tiles round differently from one sample at a
    // time (checked below on a SIMD build), and 603 rows: chunks of 256, 256
    // and 91 rows, so whole tiles and a remainder.
    using Model = Sequential<Dense<20, 32, Tanh>, Dense<32, 2>>;
    Model model(Seed{3});
    const auto data = random_dataset<float, 20, 2>(603, 4);
    auto trainer = compile(model, SGD{.learning_rate = 0.0}, MSE{}, MAE{});
    const auto outputs = trainer.predict(data.x);
    double loss = 0, mae = 0;
    std::size_t differ = 0;
    for (std::size_t r = 0; r < data.size(); ++r) {
        loss += MSE{}.value(outputs[r].data(), data.y[r].data(), 2);
        mae += MAE{}.value(outputs[r].data(), data.y[r].data(), 2);
        differ += model(data.x[r]) != outputs[r];
    }
    MESSAGE(differ << " of 603 rows differ between model(x) and the batch path");
    if constexpr (Model::batch_in_lanes) REQUIRE(differ > 0);  // or this test could not tell the paths apart
    const Logs scores = trainer.evaluate(data);
    CHECK(scores["loss"] == loss / 603);
    CHECK(scores["mae"] == mae / 603);
    // fit's validation, with a learning rate of 0 so the model stays put.
    const History h = trainer.fit(data, {.epochs = 2, .validation_data = &data, .verbose = 0});
    CHECK(h["val_loss"] == std::vector{loss / 603, loss / 603});
    CHECK(h["val_mae"] == std::vector{mae / 603, mae / 603});
}

TEST_CASE("a training step allocates nothing once set up") {
    using Model = Sequential<Dense<33, 4, ReLU>, Dense<4, 4, ReLU>, Dense<4, 1, Sigmoid>>;
    Model model(Seed{1});
    Backprop<Model, BinaryCrossentropy> pass(BinaryCrossentropy{}, 32);
    const Adam adam{};
    auto state = adam.make_state<float>(Model::parameter_count);
    std::vector<float> gradient(Model::parameter_count);
    Rng rng(Seed{0});
    const auto xs = test::random_inputs<float, 33>(32, 1);
    for (std::size_t r = 0; r < 32; ++r) {
        std::copy(xs[r].begin(), xs[r].end(), pass.inputs() + r * 33);
        pass.targets()[r] = float(r % 2);
    }
    const long before = test::allocation_count();
    for (int step = 0; step < 3; ++step) {
        pass.run(model, 32, std::span<float, Model::parameter_count>(gradient), rng);
        adam.step(std::span<float>(model.parameters()), std::span<const float>(gradient), state);
    }
    CHECK(test::allocation_count() == before);
}

TEST_CASE("Dense -> BatchNormalization -> Dropout -> Dense trains and predicts deterministically") {
    using Model = Sequential<Dense<5, 16, ReLU>, BatchNormalization, Dropout<0.3f>, Dense<16, 1, Sigmoid>>;
    const auto data = random_dataset<float, 5, 1>(200, 9), valid = random_dataset<float, 5, 1>(50, 10);
    auto run = [&] {
        Model model(Seed{5});
        auto trainer = compile(model, Adam{.learning_rate = 0.01}, BinaryCrossentropy{}, BinaryAccuracy{});
        const History h = trainer.fit(data, {.batch_size = 32, .epochs = 20, .validation_data = &valid, .seed = 3,
                                             .verbose = 0});
        std::vector<float> blocks(model.parameters().begin(), model.parameters().end());
        blocks.insert(blocks.end(), model.state().begin(), model.state().end());
        return std::make_tuple(blocks, h["loss"], h["val_binary_accuracy"].back(), model(valid.x[0])[0]);
    };
    const auto a = run(), b = run();
    CHECK(std::get<0>(a) == std::get<0>(b));  // bit-identical weights and moving statistics
    CHECK(std::get<1>(a) == std::get<1>(b));
    CHECK(std::get<3>(a) == std::get<3>(b));
    CHECK(std::get<2>(a) > 0.8);  // and it learns
}
