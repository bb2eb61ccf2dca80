// The course's binary classifier on the real Ionosphere data set (Weka's
// ionosphere.arff from Debian's weka package, fetched by scripts/get-datasets):
// 351 radar returns, 34 features, class {b, g}. The constant column a02 is
// dropped, as the course does, leaving 33 inputs; the class becomes its
// category code in Weka's declaration order, b = 0 ("bad") and g = 1 ("good")
// (the course used the opposite labels; the task is the same). 70/30 split,
// the card's 33-4-4-1 network, Adam, binary cross-entropy, binary accuracy,
// early stopping that restores the best weights.
#include <cstdio>

#include <ctnn/ctnn.hpp>

#include "common/example.hpp"

using Model = ctnn::Sequential<ctnn::Dense<33, 4, ctnn::ReLU>, ctnn::Dense<4, 4, ctnn::ReLU>,
                               ctnn::Dense<4, 1, ctnn::Sigmoid>>;

int main(int argc, char** argv) {
    const example::Options options = example::parse(argc, argv);
    try {
        const ctnn::Table table = ctnn::read_arff(options.data + "/ionosphere.arff").drop("a02");
        const auto data = table.to_dataset<33, 1>("class");
        const auto [train, valid] = ctnn::split(data, 0.7, 0);
        std::printf("Ionosphere: %zu rows, %zu for training, %zu for validation; class g = 1, b = 0\n\n", data.size(),
                    train.size(), valid.size());

        Model model(ctnn::Seed{0});
        ctnn::summary(model);
        auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::BinaryCrossentropy{}, ctnn::BinaryAccuracy{});
        ctnn::EarlyStopping stopper{.min_delta = 0.001, .patience = 20, .verbose = 1, .restore_best_weights = true};
        const ctnn::History history =
            trainer.fit(train, {.batch_size = 32, .epochs = options.epochs ? options.epochs : 1000,
                                .validation_data = &valid, .verbose = options.verbose},
                        stopper);

        const ctnn::Logs scores = trainer.evaluate(valid);
        std::printf("\nepochs run: %zu, best epoch: %d\n", history.epochs(), history.best_epoch + 1);
        std::printf("best validation loss: %.4f, validation accuracy: %.4f\n", scores["loss"],
                    scores["binary_accuracy"]);
        example::write_results(model, history, options, "ionosphere");
        return example::check(options, "validation accuracy", scores["binary_accuracy"], true);
    } catch (const ctnn::Error& e) {
        std::fprintf(stderr, "%s\n(run scripts/get-datasets to fetch the data sets from Debian's packages)\n",
                     e.what());
        return 1;
    }
}
