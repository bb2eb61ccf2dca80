// A dilated causal convolution forecasting a real series: the yearly sunspot
// numbers 1700-2008 (statsmodels' sunspots data set, from Debian's
// python3-statsmodels). From the 24 years before it the model predicts a
// year's number. Windows ending up to 1950 train, the years 1951-2008 are the
// held-out test, in order (no shuffling across the split, so no future leaks
// into training). The score is the test MAE as a fraction of the naive
// forecast's (next year = this year), the baseline every forecaster must beat.
#include <array>
#include <cmath>
#include <cstdio>

#include <ctnn/ctnn.hpp>

#include "common/example.hpp"

constexpr std::size_t window = 24;

using Model = ctnn::Sequential<
    ctnn::Input<window, 1>,                                                                   // (24, 1)
    ctnn::Conv1D<8, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::causal}>,             // (24, 8)
    ctnn::Conv1D<8, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 2}>,
    ctnn::Conv1D<8, 3, ctnn::ReLU, ctnn::Conv{.padding = ctnn::Padding::causal, .dilation_rate = 4}>,
    ctnn::Flatten,                                                                            // (192)
    ctnn::Dense<window * 8, 1>>;

int main(int argc, char** argv) {
    const example::Options options = example::parse(argc, argv);
    try {
        const ctnn::Table table = ctnn::read_csv(options.data + "/sunspots.csv");
        const auto years = table.column("YEAR");
        const auto spots = table.column("SUNACTIVITY");
        // Scaled by the largest training value, so inputs are near [0, 1].
        double scale = 0;
        for (std::size_t t = 0; t < spots.size(); ++t)
            if (years[t] <= 1950) scale = std::max(scale, spots[t]);
        ctnn::Dataset<float, window, 1> train, test;
        double naive_error = 0;
        for (std::size_t t = window; t < spots.size(); ++t) {
            std::array<float, window> x;
            for (std::size_t k = 0; k < window; ++k) x[k] = float(spots[t - window + k] / scale);
            auto& set = years[t] <= 1950 ? train : test;
            set.x.push_back(x);
            set.y.push_back({float(spots[t] / scale)});
            if (years[t] > 1950) naive_error += std::abs(spots[t] - spots[t - 1]) / scale;
        }
        naive_error /= double(test.size());
        std::printf("sunspots: %zu training windows (to 1950), %zu test years (1951-2008)\n\n", train.size(),
                    test.size());

        Model model(ctnn::Seed{0});
        ctnn::summary(model);
        auto trainer = ctnn::compile(model, ctnn::Adam{.learning_rate = 0.003}, ctnn::MAE{});
        const ctnn::History history = trainer.fit(
            train, {.batch_size = 16, .epochs = options.epochs ? options.epochs : 300, .validation_data = &test,
                    .verbose = options.verbose});

        const double mae = trainer.evaluate(test)["loss"];
        std::printf("\ntest MAE %.2f sunspots; the naive forecast's %.2f; ratio %.3f\n", mae * scale,
                    naive_error * scale, mae / naive_error);
        example::write_results(model, history, options, "sunspots_conv1d");
        return example::check(options, "test MAE / naive MAE", mae / naive_error, false);
    } catch (const ctnn::Error& e) {
        std::fprintf(stderr, "%s\n(run scripts/get-datasets to fetch the data sets from Debian's packages)\n",
                     e.what());
        return 1;
    }
}
