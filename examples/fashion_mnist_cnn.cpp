// Keras' convolutional image classifier on Fashion-MNIST (Debian's
// dataset-fashion-mnist): the model of Keras' "Simple MNIST convnet" example,
// two 3 x 3 convolutions with 2 x 2 max pooling, Dropout 0.5 and a softmax
// over 10 classes; pixels scaled to [0, 1] as there; Adam, batch 128,
// categorical cross-entropy; categorical accuracy on the 10,000 test images.
// `--rows N` trains and tests on the first N images (the suite's quick run).
#include <cstdio>
#include <string>

#include <ctnn/ctnn.hpp>

#include "common/example.hpp"
#include "common/fashion_mnist.hpp"

using Model = ctnn::Sequential<ctnn::Input<28, 28, 1>,                      //
                               ctnn::Conv2D<32, 3, 3, ctnn::ReLU>,          // (26, 26, 32)
                               ctnn::MaxPooling2D<2, 2>,                    // (13, 13, 32)
                               ctnn::Conv2D<64, 3, 3, ctnn::ReLU>,          // (11, 11, 64)
                               ctnn::MaxPooling2D<2, 2>,                    // (5, 5, 64)
                               ctnn::Flatten,                               // (1600)
                               ctnn::Dropout<0.5f>,                         //
                               ctnn::Dense<1600, 10, ctnn::Softmax>>;

int main(int argc, char** argv) {
    const example::Options options = example::parse(argc, argv);
    try {
        auto train = example::load_fashion_mnist(options.data + "/train-images-idx3-ubyte",
                                                 options.data + "/train-labels-idx1-ubyte", options.rows);
        auto test = example::load_fashion_mnist(options.data + "/t10k-images-idx3-ubyte",
                                                options.data + "/t10k-labels-idx1-ubyte", options.rows);
        for (auto* set : {&train, &test})
            for (auto& image : set->x)
                for (float& pixel : image) pixel /= 255.f;
        std::printf("Fashion-MNIST: %zu training and %zu test images\n\n", train.size(), test.size());

        Model model(ctnn::Seed{0});
        ctnn::summary(model);
        auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::CategoricalCrossentropy{}, ctnn::CategoricalAccuracy{});
        const ctnn::History history = trainer.fit(
            train, {.batch_size = 128, .epochs = options.epochs ? options.epochs : 15, .validation_data = &test,
                    .verbose = options.verbose});

        const ctnn::Logs scores = trainer.evaluate(test);
        std::printf("\nafter %zu epochs: test loss %.4f, test accuracy %.4f\n", history.epochs(), scores["loss"],
                    scores["categorical_accuracy"]);
        example::write_results(model, history, options, "fashion_mnist_cnn");
        return example::check(options, "test accuracy", scores["categorical_accuracy"], true);
    } catch (const ctnn::Error& e) {
        std::fprintf(stderr, "%s\n(run scripts/get-datasets to fetch the data sets from Debian's packages)\n",
                     e.what());
        return 1;
    }
}
