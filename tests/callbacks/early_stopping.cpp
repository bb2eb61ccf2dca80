// EarlyStopping against Keras 3's rules: epoch counts with a constant monitored
// value, min_delta, restore_best_weights (also when every epoch ran),
// baseline, start_from_epoch, mode, messages, History's best and stopped
// epochs, and a monitored key that does not exist.
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "support/reference.hpp"

using namespace ctnn;

namespace {

using Model = BasicSequential<double, Dense<3, 4, Tanh>, Dense<4, 1, Sigmoid>>;

Dataset<double, 3, 1> make_data(std::size_t n, unsigned seed, bool flipped = false) {
    Dataset<double, 3, 1> d;
    d.x = test::random_inputs<double, 3>(n, seed);
    for (const auto& x : d.x) d.y.push_back({(x[0] + x[1] > 0) != flipped ? 1.0 : 0.0});
    return d;
}

}  // namespace

TEST_CASE("EarlyStopping's fields are Keras' arguments, in Keras' order, with its defaults") {
    const EarlyStopping defaults;
    CHECK(defaults.monitor == "val_loss");
    CHECK(defaults.min_delta == 0.0);
    CHECK(defaults.patience == 0);
    CHECK(defaults.verbose == 0);
    CHECK(defaults.mode == Mode::automatic);
    CHECK_FALSE(defaults.baseline.has_value());
    CHECK_FALSE(defaults.restore_best_weights);
    CHECK(defaults.start_from_epoch == 0);
    const EarlyStopping all{.monitor = "loss", .min_delta = 0.001f, .patience = 20, .verbose = 1, .mode = Mode::min,
                            .baseline = 0.5, .restore_best_weights = true, .start_from_epoch = 2};
    CHECK(all.patience == 20);
}

TEST_CASE("with a constant monitored value: 2 epochs with patience 0, patience + 1 otherwise") {
    const auto train = make_data(20, 1), valid = make_data(10, 2);
    for (int patience : {0, 1, 3, 5}) {
        CAPTURE(patience);
        Model model(Seed{1});
        auto trainer = compile(model, SGD{.learning_rate = 0.0}, BinaryCrossentropy{});
        EarlyStopping stopper{.patience = patience};
        const History h = trainer.fit(train, {.epochs = 50, .validation_data = &valid, .verbose = 0}, stopper);
        CHECK(h.epochs() == std::size_t(patience == 0 ? 2 : patience + 1));
        CHECK(h.stopped_epoch == (patience == 0 ? 1 : patience));
        CHECK(stopper.stopped_epoch == h.stopped_epoch);
        CHECK(h.best_epoch == 0);
    }
}

TEST_CASE("a min_delta larger than the real improvement stops early; without it training runs on") {
    const auto train = make_data(64, 3), valid = make_data(32, 4);
    Model a(Seed{2}), b(Seed{2});
    auto slow = compile(a, SGD{.learning_rate = 0.01}, BinaryCrossentropy{});
    const History h = slow.fit(train, {.epochs = 30, .validation_data = &valid, .verbose = 0},
                               EarlyStopping{.min_delta = 0.5, .patience = 2});
    CHECK(h.epochs() == 3);
    auto improving = compile(b, SGD{.learning_rate = 0.01}, BinaryCrossentropy{});
    const History all = improving.fit(train, {.epochs = 30, .validation_data = &valid, .verbose = 0},
                                      EarlyStopping{.patience = 2});
    CHECK(all.epochs() == 30);
    CHECK(all.stopped_epoch == -1);
    CHECK(all["val_loss"].back() < all["val_loss"].front());
}

TEST_CASE("restore_best_weights brings back the best epoch's weights, also when every epoch ran") {
    // Validation labels are the opposite of the training labels: learning makes
    // the validation loss worse every epoch, so epoch 0 is the best.
    const auto train = make_data(64, 5), valid = make_data(32, 6, true);
    for (int patience : {3, 100}) {
        CAPTURE(patience);
        Model model(Seed{3});
        auto trainer = compile(model, Adam{.learning_rate = 0.05}, BinaryCrossentropy{});
        std::ostringstream messages;
        EarlyStopping stopper{.patience = patience, .verbose = 1, .restore_best_weights = true};
        stopper.out = &messages;
        const History h = trainer.fit(train, {.epochs = 8, .validation_data = &valid, .verbose = 0}, stopper);
        for (std::size_t e = 1; e < h.epochs(); ++e) REQUIRE(h["val_loss"][e] > h["val_loss"][e - 1]);
        CHECK(h.best_epoch == 0);
        CHECK(trainer.evaluate(valid)["loss"] == doctest::Approx(h["val_loss"][0]).epsilon(1e-6));
        if (patience == 3) {
            CHECK(h.epochs() == 4);
            CHECK(messages.str() ==
                  "Epoch 4: early stopping\nRestoring model weights from the end of the best epoch: 1.\n");
        } else {
            CHECK(h.epochs() == 8);  // all epochs ran; Keras 3 restores anyway
            CHECK(h.stopped_epoch == -1);
            CHECK(messages.str() == "Restoring model weights from the end of the best epoch: 1.\n");
        }
    }
}

TEST_CASE("restore_best_weights restores the state block (BatchNormalization's moving statistics) too") {
    using BnModel = BasicSequential<double, Dense<3, 4, Tanh>, BatchNormalization, Dense<4, 1, Sigmoid>>;
    const auto train = make_data(64, 5), valid = make_data(32, 6, true);
    BnModel model(Seed{3});
    auto trainer = compile(model, Adam{.learning_rate = 0.05}, BinaryCrossentropy{});
    EarlyStopping stopper{.patience = 2, .restore_best_weights = true};
    trainer.fit(train, {.epochs = 8, .validation_data = &valid, .verbose = 0}, stopper);
    REQUIRE(stopper.best_state.size() == BnModel::state_count);
    for (std::size_t k = 0; k < BnModel::state_count; ++k) CHECK(model.state()[k] == stopper.best_state[k]);
    for (std::size_t k = 0; k < BnModel::parameter_count; ++k)
        CHECK(model.parameters()[k] == stopper.best_parameters[k]);
}

TEST_CASE("baseline: an improvement that does not beat it does not reset the wait") {
    // A constant monitored value (learning rate 0): epoch 0 improves on +inf.
    // With the baseline beaten, wait restarts there and training stops after
    // patience + 1 epochs; with a baseline never beaten, wait keeps its count
    // from epoch 0 and training stops one epoch sooner.
    const auto train = make_data(20, 1), valid = make_data(10, 2);
    for (double baseline : {10.0, 0.0}) {
        CAPTURE(baseline);
        Model model(Seed{1});
        auto trainer = compile(model, SGD{.learning_rate = 0.0}, BinaryCrossentropy{});
        const History h = trainer.fit(train, {.epochs = 30, .validation_data = &valid, .verbose = 0},
                                      EarlyStopping{.patience = 3, .baseline = baseline});
        CHECK(h.epochs() == (baseline == 10.0 ? 4u : 3u));
        CHECK(h.best_epoch == 0);
    }
}

TEST_CASE("start_from_epoch: earlier epochs are not considered") {
    const auto train = make_data(20, 1), valid = make_data(10, 2);
    Model model(Seed{1});
    auto trainer = compile(model, SGD{.learning_rate = 0.0}, BinaryCrossentropy{});
    const History h = trainer.fit(train, {.epochs = 50, .validation_data = &valid, .verbose = 0},
                                  EarlyStopping{.patience = 0, .start_from_epoch = 3});
    CHECK(h.epochs() == 5);
    CHECK(h.best_epoch == 3);
    CHECK(h.stopped_epoch == 4);
}

TEST_CASE("mode: accuracies are maximized automatically; min and max can be forced") {
    CHECK(EarlyStopping{.monitor = "val_binary_accuracy"}.maximizes());
    CHECK_FALSE(EarlyStopping{.monitor = "val_loss"}.maximizes());
    CHECK(EarlyStopping{.monitor = "val_loss", .mode = Mode::max}.maximizes());
    CHECK_FALSE(EarlyStopping{.monitor = "binary_accuracy", .mode = Mode::min}.maximizes());
    // An accuracy that stays constant: stop after patience + 1 epochs.
    const auto train = make_data(20, 1), valid = make_data(10, 2);
    Model model(Seed{1});
    auto trainer = compile(model, SGD{.learning_rate = 0.0}, BinaryCrossentropy{}, BinaryAccuracy{});
    const History h = trainer.fit(train, {.epochs = 50, .validation_data = &valid, .verbose = 0},
                                  EarlyStopping{.monitor = "val_binary_accuracy", .patience = 2});
    CHECK(h.epochs() == 3);
}

TEST_CASE("monitoring a key the training does not log is an Error naming the keys") {
    Model model(Seed{1});
    auto trainer = compile(model, SGD{}, BinaryCrossentropy{}, BinaryAccuracy{});
    std::string message;
    try {
        trainer.fit(make_data(20, 1), {.epochs = 3, .verbose = 0}, EarlyStopping{});  // no validation: no val_loss
    } catch (const Error& e) {
        message = e.what();
    }
    CHECK(message.find("\"val_loss\"") != std::string::npos);
    CHECK(message.find("loss, binary_accuracy") != std::string::npos);
}
