// Fashion-MNIST (Xiao et al. 2017) from Debian's dataset-fashion-mnist: 60,000
// training and 10,000 test images of 28 x 28 pixels, 10 classes. Pixels are
// standardized with the training set's statistics; a 784-128-10 network with
// softmax, Adam, batch 128, categorical cross-entropy, categorical accuracy on
// the 10,000 test images (scikit-learn's MLPClassifier with 100 relu units
// reaches 0.871 in the data set's paper).
#include <array>
#include <cstdio>
#include <string>

#include <ctnn/ctnn.hpp>

#include "common/example.hpp"
#include "common/fashion_mnist.hpp"

using Model = ctnn::Sequential<ctnn::Dense<784, 128, ctnn::ReLU>, ctnn::Dense<128, 10, ctnn::Softmax>>;

int main(int argc, char** argv) {
    const example::Options options = example::parse(argc, argv);
    try {
        auto train = example::load_fashion_mnist(options.data + "/train-images-idx3-ubyte",
                                                 options.data + "/train-labels-idx1-ubyte");
        auto test = example::load_fashion_mnist(options.data + "/t10k-images-idx3-ubyte",
                                                options.data + "/t10k-labels-idx1-ubyte");
        ctnn::StandardScaler scaler;
        scaler.fit(train.x);
        scaler.transform(train.x);
        scaler.transform(test.x);
        std::printf("Fashion-MNIST: %zu training and %zu test images\n\n", train.size(), test.size());

        Model model(ctnn::Seed{0});
        ctnn::summary(model);
        auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::CategoricalCrossentropy{}, ctnn::CategoricalAccuracy{});
        const ctnn::History history = trainer.fit(
            train, {.batch_size = 128, .epochs = options.epochs ? options.epochs : 10, .validation_data = &test,
                    .verbose = options.verbose});

        const ctnn::Logs scores = trainer.evaluate(test);
        std::printf("\nafter %zu epochs: test loss %.4f, test accuracy %.4f\n", history.epochs(), scores["loss"],
                    scores["categorical_accuracy"]);
        example::write_results(model, history, options, "fashion_mnist");
        return example::check(options, "test accuracy", scores["categorical_accuracy"], true);
    } catch (const ctnn::Error& e) {
        std::fprintf(stderr, "%s\n(run scripts/get-datasets to fetch the data sets from Debian's packages)\n",
                     e.what());
        return 1;
    }
}
