// Train and predict: a classifier for points inside the unit circle.
#include <array>
#include <cstdio>

#include <ctnn/ctnn.hpp>

using Model = ctnn::Sequential<ctnn::Dense<2, 16, ctnn::ReLU>, ctnn::Dense<16, 1, ctnn::Sigmoid>>;

int main() {
    // 1000 points in [-1.5, 1.5]^2, labelled 1 inside the unit circle.
    ctnn::Rng rng(ctnn::Seed{7});
    ctnn::Dataset<float, 2, 1> train, valid;
    for (int i = 0; i < 1000; ++i) {
        const float x = float(rng.uniform(-1.5, 1.5)), y = float(rng.uniform(-1.5, 1.5));
        auto& set = i < 800 ? train : valid;
        set.x.push_back({x, y});
        set.y.push_back({x * x + y * y < 1 ? 1.f : 0.f});
    }

    Model model(ctnn::Seed{42});
    auto trainer = ctnn::compile(model, ctnn::Adam{.learning_rate = 0.01}, ctnn::BinaryCrossentropy{},
                                 ctnn::BinaryAccuracy{});
    ctnn::History history = trainer.fit(train, {.batch_size = 32, .epochs = 100, .validation_data = &valid,
                                                .verbose = 0});
    std::printf("after %zu epochs: loss %.4f, val_loss %.4f, val_binary_accuracy %.4f\n", history.epochs(),
                history["loss"].back(), history["val_loss"].back(), history["val_binary_accuracy"].back());

    const std::array<float, 1> inside = model({0.1f, 0.2f}), outside = model({1.2f, -1.1f});
    std::printf("P(inside) at (0.1, 0.2): %.3f, at (1.2, -1.1): %.3f\n", double(inside[0]), double(outside[0]));
    return trainer.evaluate(valid)["binary_accuracy"] > 0.9 ? 0 : 1;
}
