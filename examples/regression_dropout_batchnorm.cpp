// Regression with Dropout and BatchNormalization, as the course's Red Wine
// example (not in Debian; the same recipe on scikit-learn's diabetes data set
// from Debian's python3-sklearn: 442 patients, 10 features, a measure of
// disease progression one year later). Features and target min-max scaled on
// the training rows, 70/30 split, Dense layers with BatchNormalization and
// Dropout, Adam, mean absolute error, early stopping. The validation MAE is
// compared with always predicting the training mean.
#include <cstdio>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "common/example.hpp"

using Model = ctnn::Sequential<ctnn::Dense<10, 64, ctnn::ReLU>, ctnn::BatchNormalization, ctnn::Dropout<0.3f>,
                               ctnn::Dense<64, 64, ctnn::ReLU>, ctnn::BatchNormalization, ctnn::Dropout<0.3f>,
                               ctnn::Dense<64, 1>>;

int main(int argc, char** argv) {
    const example::Options options = example::parse(argc, argv);
    try {
        ctnn::Table table = ctnn::read_csv(options.data + "/diabetes_data_raw.csv", {.separator = ' ', .header = false});
        const ctnn::Table target = ctnn::read_csv(options.data + "/diabetes_target.csv", {.header = false});
        const auto progression = target.column("0");
        table.add_column("progression", std::vector<double>(progression.begin(), progression.end()));
        auto [train, valid] = ctnn::split(table.to_dataset<10, 1>("progression"), 0.7, 0);
        example::min_max_scale(train, valid);
        std::printf("diabetes: %zu rows for training, %zu for validation\n\n", train.size(), valid.size());

        Model model(ctnn::Seed{0});
        ctnn::summary(model);
        auto trainer = ctnn::compile(model, ctnn::Adam{}, ctnn::MAE{});
        ctnn::EarlyStopping stopper{.min_delta = 0.0005, .patience = 20, .verbose = 1, .restore_best_weights = true};
        const ctnn::History history =
            trainer.fit(train, {.batch_size = 32, .epochs = options.epochs ? options.epochs : 500,
                                .validation_data = &valid, .verbose = options.verbose},
                        stopper);

        const double mae = trainer.evaluate(valid)["loss"], baseline = example::mean_baseline_mae(train, valid);
        std::printf("\nepochs run: %zu, best epoch: %d\n", history.epochs(), history.best_epoch + 1);
        std::printf("validation MAE (scaled target): %.4f; predicting the training mean: %.4f\n", mae, baseline);
        example::write_results(model, history, options, "regression_dropout_batchnorm");
        return example::check(options, "validation MAE", mae, false);
    } catch (const ctnn::Error& e) {
        std::fprintf(stderr, "%s\n(run scripts/get-datasets to fetch the data sets from Debian's packages)\n",
                     e.what());
        return 1;
    }
}
