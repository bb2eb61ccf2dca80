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

using Model = ctnn::Sequential<ctnn::Dense<784, 128, ctnn::ReLU>, ctnn::Dense<128, 10, ctnn::Softmax>>;

namespace {

ctnn::Dataset<float, 784, 10> load(const std::string& images_path, const std::string& labels_path) {
    const ctnn::IdxArray images = ctnn::read_idx(images_path), labels = ctnn::read_idx(labels_path);
    if (images.shape.size() != 3 || images.shape[1] != 28 || images.shape[2] != 28)
        throw ctnn::Error(images_path + ": expected 28 x 28 images");
    if (labels.shape.size() != 1 || labels.shape[0] != images.shape[0])
        throw ctnn::Error(labels_path + ": expected one label per image of " + images_path);
    ctnn::Dataset<float, 784, 10> data;
    data.x.resize(images.shape[0]);
    data.y.resize(images.shape[0]);
    for (std::size_t r = 0; r < data.x.size(); ++r) {
        for (std::size_t i = 0; i < 784; ++i) data.x[r][i] = float(images.values[r * 784 + i]);
        if (labels.values[r] > 9) throw ctnn::Error(labels_path + ": label " + std::to_string(labels.values[r]) + " at row " + std::to_string(r) + "; expected 0 to 9");
        data.y[r] = {};
        data.y[r][labels.values[r]] = 1.f;
    }
    return data;
}

}  // namespace

int main(int argc, char** argv) {
    const example::Options options = example::parse(argc, argv);
    try {
        auto train = load(options.data + "/train-images-idx3-ubyte", options.data + "/train-labels-idx1-ubyte");
        auto test = load(options.data + "/t10k-images-idx3-ubyte", options.data + "/t10k-labels-idx1-ubyte");
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
