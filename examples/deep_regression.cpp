// The course's deep neural network for regression: 2 inputs, ReLU layers of 4 and 3
// units, one linear output.
// On Weka's cpu.arff (Debian's weka package): the relative performance of 209
// CPUs from two of their attributes (maximum main memory, cache),
// all min-max scaled on the training rows; Adam, mean absolute error. The
// validation MAE is compared with always predicting the training mean.
#include <cstdio>

#include <ctnn/ctnn.hpp>

#include "common/example.hpp"

using Model = ctnn::Sequential<ctnn::Dense<2, 4, ctnn::ReLU>, ctnn::Dense<4, 3, ctnn::ReLU>, ctnn::Dense<3, 1>>;

int main(int argc, char** argv) {
    const example::Options options = example::parse(argc, argv);
    try {
        const ctnn::Table table = ctnn::read_arff(options.data + "/cpu.arff");
        auto [train, valid] = ctnn::split(table.to_dataset<2, 1>({"MMAX", "CACH"}, "class"), 0.7, 0);
        example::min_max_scale(train, valid);

        Model model(ctnn::Seed{0});
        ctnn::summary(model);
        auto trainer = ctnn::compile(model, ctnn::Adam{.learning_rate = 0.01}, ctnn::MAE{});
        const ctnn::History history = trainer.fit(
            train, {.batch_size = 16, .epochs = options.epochs ? options.epochs : 300, .validation_data = &valid,
                    .verbose = options.verbose});

        const double mae = trainer.evaluate(valid)["loss"], baseline = example::mean_baseline_mae(train, valid);
        std::printf("\nvalidation MAE (scaled target): %.4f; predicting the training mean: %.4f\n", mae, baseline);
        example::write_results(model, history, options, "deep_regression");
        return example::check(options, "validation MAE", mae, false);
    } catch (const ctnn::Error& e) {
        std::fprintf(stderr, "%s\n(run scripts/get-datasets to fetch the data sets from Debian's packages)\n",
                     e.what());
        return 1;
    }
}
